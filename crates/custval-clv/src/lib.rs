//! Probabilistic customer-base models (work in progress).
