//! One module per subcommand, and `session` (opening the store, runtime, dates, the actor)
//! and `store_key` (the personal-data key) that they share.

pub mod abc;
pub mod access;
pub mod clv;
pub mod demo;
pub mod dynamics;
pub mod generate;
pub mod import;
pub mod plan;
pub mod privacy;
pub mod rfm;
pub mod serve;
pub mod session;
pub mod store_key;
pub mod weights;
pub mod workspace;
