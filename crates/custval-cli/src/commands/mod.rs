//! One module per subcommand.

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
pub mod weights;
pub mod workspace;
