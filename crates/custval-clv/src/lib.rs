//! Probabilistic customer-base models: how many purchases a customer will make, whether they
//! are still a customer, what they will spend, and what that is worth today.
//!
//! custval defines a customer's actual value as the present value of future profit. In
//! non-contractual settings (a customer can leave without telling) that value has to be
//! inferred from the purchase history, which is what the marketing-science "buy till you die"
//! models do. This crate holds them, the summary builder that feeds them, and the holdout
//! report that checks them. It is pure computation: no I/O, no file system, no async; the CLI
//! reads files and hands columns in.
//!
//! # Models and the parameterizations they follow
//!
//! | model | paper | parameters |
//! |---|---|---|
//! | BG/NBD | Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way" | r, α, a, b |
//! | MBG/NBD | Batislam, Denizel & Filiztekin (2007) | r, α, a, b |
//! | Pareto/NBD | Schmittlein, Morrison & Colombo (1987), in Fader & Hardie's note "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005) | r, α, s, β |
//! | BG/BB | Fader, Hardie & Shang (2010) | α, β, γ, δ |
//! | Gamma-Gamma | Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" | p, q, v (the paper's γ) |
//! | shifted-beta-geometric | Fader & Hardie (2007), "How to Project Customer Retention"; DERL from Fader & Hardie (2010) | α, β |
//!
//! The names and scales are the papers' (and lifetimes'), so published estimates can be
//! compared digit by digit: the tests reproduce the CDNOW and donations figures.
//!
//! # Why fitting works on unique patterns
//!
//! The likelihood of a customer depends only on (x, t_x, T). Transaction data are dated by day,
//! so customers collapse to far fewer distinct patterns than rows (a million simulated
//! customers: 123,000 patterns); [`fit`] hashes them into unique patterns with counts (weights)
//! and evaluates each once. The patterns are sorted by x, so the ln Γ / ln B terms that depend
//! on x alone are computed once per distinct x, and ln(α + t) is computed once per distinct
//! time. Over 20,000 patterns the likelihood is summed in parallel with rayon; the inner loops
//! are plain functions over slices.
//!
//! # Optimizer
//!
//! Maximum likelihood over θ = ln(parameters) — every parameter is positive, so the problem is
//! unconstrained — with argmin's L-BFGS and a More–Thuente line search: few evaluations, robust
//! steps, and a gradient-norm stopping rule that doubles as the convergence report. BG/NBD,
//! MBG/NBD, Pareto/NBD and Gamma-Gamma have analytic gradients (Pareto/NBD's through the
//! parameters of ₂F₁, see [`pnbd`]); BG/BB and sBG, which have only a handful of patterns, use
//! central differences, evaluated in parallel. Several starting points are tried when the
//! first does not converge, and Nelder–Mead (on the cost alone) restarts a run that stalled
//! from every start. Above 10,000 patterns BG/NBD, MBG/NBD and Pareto/NBD first fit a stride
//! sample of about 3,000 patterns (up to 1 in 24) and finish with Newton steps that start
//! from the sample's Hessian and update it by BFGS: a restarted L-BFGS would spend ten
//! full-data iterations relearning curvature the sample already knows, whereas the finish
//! takes 3–5 full-data gradients. An optional L2 penalizer follows lifetimes' convention (mean
//! negative log-likelihood + λ Σ parameter²).
//!
//! # Hand-written numerics
//!
//! [`special`] has ln Γ (Lanczos), ψ, and a log-space Gaussian hypergeometric ₂F₁. The
//! Pareto/NBD likelihood needs ₂F₁(r+s+x, ·; r+s+x+1; z) with first parameters up to 10⁴ and z
//! up to nearly 1; linear-space implementations break there (lifetimes 0.11.3, on scipy's
//! `hyp2f1`, returns NaN for 3 of the 10 extreme histories in `tests/fixtures`). No Rust crate offers ₂F₁ at all in log space, so this one sums the
//! series with a running scale (log-sum-exp on a recurrence), after Euler's transformation where
//! that turns a hump of e^thousands into positive, shrinking terms, and for z > 0.9 switches to
//! the connection formula in 1 − z (Abramowitz & Stegun 15.3.6), whose series converge in a few
//! terms where the one in z needs millions. It is checked against closed forms and mpmath to
//! 1e-10, including 1 − z = 1e-7.
//!
//! # Example
//!
//! ```
//! use custval_clv::{ClvData, FitOptions, FittedModel, Model, PredictOptions, fit, predict};
//!
//! // frequency, recency, T in weeks (one row per customer; an optional weights column counts
//! // identical customers).
//! let data = ClvData::rft(vec![2.0, 1.0, 0.0, 5.0], vec![30.4, 1.7, 0.0, 35.0], vec![38.9; 4]);
//! let f = fit(Model::BgNbd, &data, &FitOptions::default())?;
//! println!("{}", serde_json::to_string(&f).unwrap_or_default()); // {"model":"bgnbd","params":{"r":…},…}
//! let model = FittedModel::from_params(
//!     Model::BgNbd,
//!     &[("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)],
//! )?;
//! let rows = predict(&model, &data, &PredictOptions { horizon: 52.0, ..Default::default() })?;
//! assert!(rows.iter().all(|r| (0.0..=1.0).contains(&r.p_alive)));
//! # Ok::<(), custval_clv::ClvError>(())
//! ```
//!
//! # Not for
//!
//! Reading files, choosing the calibration period, or segmenting customers: those live in the
//! CLI and the other custval crates.

pub mod bgbb;
pub mod bgnbd;
mod data;
mod elementary;
mod error;
pub mod gamma_gamma;
mod hyp2f1_grad;
mod hyp2f1_quad;
mod model;
mod optimize;
pub mod pnbd;
mod predict;
pub mod sbg;
pub mod special;
mod summary;
mod validation;

pub use bgbb::BgBb;
pub use bgnbd::BgNbd;
pub use data::ClvData;
pub use error::ClvError;
pub use gamma_gamma::GammaGamma;
pub use model::{Fit, FittedModel, Model, fit, log_likelihood};
pub use optimize::FitOptions;
pub use pnbd::ParetoNbd;
pub use predict::{PredictOptions, Prediction, discounted_purchases, predict};
pub use sbg::ShiftedBetaGeometric;
pub use summary::{
    CustomerSummary, SummaryOptions, TimeUnit, days_from_civil, summarize, summarize_customer,
};
pub use validation::{HoldoutBucket, HoldoutReport, holdout_report};
