//! Weights and scoring for custval: everything between indicator values and a score.
//!
//! This crate turns indicator columns (revenue, margin, recency, …) into weights and scores:
//! normalization with benefit/cost direction, expert weights (专家打分法), AHP (层次分析法) with
//! consistency checks, hierarchies, group judgements and incomplete matrices, entropy weights
//! (熵权法), CRITIC, combined subjective + objective weights, the weighted 0–100 score
//! (自定义加权评分) with per-indicator contributions, TOPSIS, and a sensitivity analysis of tiers
//! to each weight.
//!
//! It is **not** for reading files, talking to a store or printing: it is pure, synchronous
//! computation over slices, with no I/O. The CLI reads tables and TOML files, calls these
//! functions and serializes the results (all result types implement `serde::Serialize` with
//! the field names of the CLI contract).
//!
//! Python users assemble this from ahpy, pyDecision and pymcdm, which disagree silently
//! (different random-index tables, epsilons added to zeros, approximate eigenvectors). Here
//! every convention is exact and named below; where we differ from those libraries the tests
//! in `tests/reference.rs` say how and why.
//!
//! # Data layout
//!
//! Indicator data is **column-major**: `columns: &[Vec<f64>]`, `columns[j][i]` is indicator `j`
//! of row (customer, alternative) `i`. Each method works per column, the CLI builds columns
//! from a table naturally, and a column's direction, weight and error context line up by index.
//! Errors name the 0-based column and row. Directions are a `&[Direction]` with one entry per
//! column. Callers with a row-major table and column names use [`table::columns_from_rows`],
//! [`table::directions_from_cost_names`] (for `--cost`) and [`table::parse_weight_list`] (for
//! `--weights`).
//!
//! # Normalization ([`normalize`])
//!
//! For a column `x` of `m` values:
//!
//! - **min-max**: benefit `(x − min)/(max − min)`, cost `(max − x)/(max − min)`.
//! - **vector**: benefit `x/‖x‖₂`, cost `1 − x/‖x‖₂` (pymcdm's convention; TOPSIS does not use
//!   this cost form, it normalizes benefit-style and picks the ideal per direction).
//! - **sum**: benefit `x/Σx` (x ≥ 0), cost `(1/x)/Σ(1/x)` (x > 0).
//! - **z-score**: `(x − mean)/s` with the sample standard deviation `s` (divisor m − 1), cost
//!   negated.
//! - **rank percentile**: `(r − 1)/(m − 1)` with `r` the ascending mid-rank (ties share the
//!   mean of their ranks), cost `1 −` that.
//! - **log**: min-max of `ln(1 + x)` (x > −1), to compress skewed amounts such as spend. This is
//!   not Zavadskas' "logarithmic normalization" `ln x / ln Πx`, which breaks down when `Πx = 1`.
//! - **winsorization** ([`normalize::winsorize`]): clamp to chosen percentiles (linear
//!   interpolation, numpy's default) before normalizing.
//!
//! A column **without variation** never produces NaN: min-max and log give 1 for every row
//! (everyone is at the best observed value; pymcdm does the same), a zero-norm vector column
//! gives 0 (cost 1), a zero-sum sum column gives `1/m`, z-score 0, rank percentile 0.5.
//! Values outside a method's domain are errors naming the cell, never silently shifted.
//!
//! # Expert weights ([`expert`])
//!
//! Direct weights are divided by their sum (negative, non-finite or all-zero weights are
//! errors); several experts are averaged after normalizing each expert's vector, so each expert
//! counts equally; points allocation divides by the budget and checks the points add up.
//!
//! # AHP ([`ahp`])
//!
//! Matrices are written `"1 3 5; 1/3 1 3; 1/5 1/3 1"`: rows separated by `;` (or line breaks),
//! entries by whitespace, decimals or fractions, **`?` for a missing judgement**. `0` is an
//! error, not a gap, so a typo never silently becomes a missing judgement. If only one of
//! `a_ij`, `a_ji` is given the other is its reciprocal (an expert may fill the upper triangle
//! only); if both are given they must be reciprocal within 2 % (`0.33` for 1/3 passes, `0.3`
//! does not) and the upper-triangle value is kept exactly. Judgements must lie in
//! [1e-9, 1e9] (far beyond Saaty's 1/9–9; the bound only keeps the arithmetic finite).
//!
//! - **Weights**: the principal right eigenvector normalized to sum 1, by power iteration run
//!   until the vector stops changing at the level of rounding (about 1e-16; a fixed 1e-14
//!   tolerance left errors in the 15th digit). Power iteration is exact enough and sufficient:
//!   positive reciprocal matrices (and Harker's matrices of connected incomplete ones) are
//!   primitive, so Perron–Frobenius guarantees a simple dominant real eigenvalue with a positive
//!   eigenvector, and convergence is geometric with the small ratio |λ₂/λ₁| of judgement
//!   matrices (one step for consistent ones). No linear-algebra dependency is needed.
//!   The approximate "normalized column mean" and "row geometric mean" shortcuts are not used.
//! - **Consistency**: `λmax = Σ_i (A w)_i`, `CI = (λmax − n)/(n − 1)`, `CR = CI/RI`,
//!   `consistent = CR < 0.1`. For `n ≤ 2` every reciprocal matrix is consistent: `CI = CR = 0`,
//!   `λmax = n`.
//! - **Random-index tables** ([`ahp::RiTable`], RI for n = 1, 2, 3, …):
//!   - `saaty` (default): Saaty, T. L. (1980), *The Analytic Hierarchy Process*, McGraw-Hill:
//!     0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 (n ≤ 10). (Saaty's later books
//!     give other estimates, e.g. 0.52, 0.89, 1.11, … in 2005; we keep the 1980 values the
//!     custval contract names.)
//!   - `alonso-lamata`: Alonso, J. A. & Lamata, M. T. (2006), "Consistency in the analytic
//!     hierarchy process: a new approach", *Int. J. of Uncertainty, Fuzziness and
//!     Knowledge-Based Systems* 14(4), 445–459, table of mean λmax over 100 000 random matrices:
//!     0, 0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141, 1.5365,
//!     1.5551, 1.5713, 1.5838 (n ≤ 15). Some software quotes 0.5247, 0.8816, 1.4057 from a
//!     different run; others use their linear fit `λ = 2.7699 n − 4.3513`; we use the table.
//!   - `donegan-dodd`: Donegan, H. A. & Dodd, F. J. (1991), "A note on Saaty's random
//!     indexes", *Mathematical and Computer Modelling* 15(10), 135–137, as tabulated by ahpy
//!     (its default): 0, 0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055,
//!     1.4213, 1.4497, 1.4643, 1.4822, 1.4969, 1.5078, 1.5153, 1.5262, 1.5313, 1.5371 (n ≤ 20).
//!
//!   A size beyond the chosen table is an error rather than an extrapolated RI.
//! - **Group decisions**: several experts' matrices are combined by the element-wise geometric
//!   mean (the aggregation that preserves reciprocity, Aczél & Saaty 1983); a judgement missing
//!   for some experts is the mean of those who gave it.
//! - **Incomplete matrices**: Harker's (1987) method. Missing `a_ij` become 0 and each diagonal
//!   entry `1 + (missing in its row)`; the principal eigenvector of that matrix is the
//!   eigenvector of the matrix completed by `a_ij = w_i/w_j`, with the same λmax. The completed
//!   matrix is reported. CR uses the ordinary RI for `n` (no adjustment for fewer judgements,
//!   so it reads slightly optimistic). Judgements must connect all items, else an error names an
//!   item that is cut off.
//! - **Revision help**: every given judgement above the diagonal is reported with
//!   `ε_ij = a_ij · w_j / w_i` and `|ln ε_ij|`, largest first; the top entries are the ones an
//!   expert should revisit, with `implied = w_i/w_j` as the value consistent with the rest.
//!
//! ## Hierarchy TOML
//!
//! A flat table of nodes; each inner node names its children (in the order of its matrix) and
//! gives either one `matrix` or several `experts` matrices (combined by geometric mean). Names
//! that have no `[nodes."…"]` table are leaves (indicators). Any depth is allowed. The tree
//! must be a tree: every node except the goal has exactly one parent, and every node must be
//! reachable from the goal. A node with a single child needs no matrix. `goal` may be omitted
//! when exactly one node is nobody's child; `ri` defaults to `"saaty"`.
//!
//! ```toml
//! ri = "saaty"              # or "alonso-lamata", "donegan-dodd"
//! goal = "customer value"
//!
//! [nodes."customer value"]
//! children = ["current value", "potential", "loyalty"]
//! matrix = "1 3 5; 1/3 1 3; 1/5 1/3 1"
//!
//! [nodes."current value"]
//! children = ["revenue", "gross margin"]
//! experts = ["1 2; 1/2 1", "1 3; 1/3 1"]   # two experts, geometric mean
//!
//! [nodes.potential]
//! children = ["wallet gap", "growth", "cross-sell"]
//! matrix = "1 2 ?; 1/2 1 3; ? 1/3 1"        # one missing judgement (Harker)
//!
//! [nodes.loyalty]
//! children = ["tenure"]                     # a single child: local weight 1
//! ```
//!
//! Global weight of a node = its local weight × its parent's global weight; the leaves' global
//! weights sum to 1 and are returned in depth-first file order as `global_weights`. See
//! `examples/hierarchy.toml`.
//!
//! # Entropy weights ([`entropy`])
//!
//! Default variant (min-max, common in the Chinese 熵权法 literature): min-max normalize with
//! cost columns reversed, then `p_ij = x_ij / Σ_i x_ij`, `e_j = −(1/ln m) Σ_i p_ij ln p_ij`,
//! `d_j = 1 − e_j`, `w = d/Σd`. **Zero handling**: `p ln p = 0` at `p = 0` (the limit), no
//! epsilon; pyDecision adds 1e-9 inside the logarithm and to `d`, and pymcdm sets the entropy of
//! any column containing a zero to 0, which makes such a column dominate; neither is done here.
//! The raw-proportions variant (`x/Σx` for benefit, `(1/x)/Σ(1/x)` for cost) is also offered
//! for the literature that uses it. A column without variation has `d = 0` (weight 0); if
//! every column is constant the weights are equal, `1/n`. At least 2 rows are required.
//!
//! # CRITIC ([`critic`])
//!
//! Diakoulaki et al. (1995): min-max normalize with cost columns reversed, `C_j = σ_j Σ_k
//! (1 − r_jk)` with Pearson `r` and the **sample** standard deviation (the divisor cancels in
//! the weights; m − 1 matches pymcdm and pyDecision), `w = C/ΣC`. A constant column has
//! `σ = 0` and weight 0 and is left out of the other columns' conflict sums (its correlation is
//! undefined; pyDecision uses r = 0, which inflates every other column's conflict by 1). All
//! constant: equal weights. No conflict at all among the non-constant columns (one such
//! column, or all perfectly correlated): they share the weight equally.
//!
//! # Combined weights ([`combine`])
//!
//! Linear `α·w_s + (1 − α)·w_o` (α ∈ [0, 1]) and multiplicative `w_s·w_o / Σ w_s·w_o`, both on
//! normalized inputs.
//!
//! # Scores ([`score`], [`topsis`])
//!
//! The weighted score is `100 · Σ_j w_j x_ij` on values normalized to [0, 1]; each row's
//! contributions `100 · w_j x_ij` are returned and the score *is* their left-to-right sum, so
//! the explanation adds up to the score exactly. TOPSIS uses vector normalization, weighted
//! values, ideal/anti-ideal per direction, closeness `D⁻/(D⁺ + D⁻)` in [0, 1] (0.5 when all
//! rows are identical), rank 1 = best, ties (within 1e-12 relative) share the better rank and
//! skip the next ("1224").
//!
//! # Sensitivity ([`sensitivity`])
//!
//! Each weight is moved by ±δ (clamped to [0, 1]) with the others rescaled proportionally; the
//! report counts rows whose class changed and the largest rank move. Classes come from any
//! function of the score vector: fixed cuts or cumulative-share ABC are provided.
//!
//! # Example
//!
//! ```
//! use custval_weights::{Direction, ahp, entropy, topsis, score, normalize};
//!
//! let r = ahp::analyze(&ahp::parse_matrix("1 3 5; 1/3 1 3; 1/5 1/3 1")?, ahp::RiTable::Saaty)?;
//! assert!(r.consistent);
//!
//! // Two indicators (revenue: benefit, days since last order: cost), three customers.
//! let columns = vec![vec![120.0, 80.0, 40.0], vec![10.0, 30.0, 90.0]];
//! let dirs = [Direction::Benefit, Direction::Cost];
//! let w = entropy::weights(&columns, &dirs)?;
//! let t = topsis::rank(&columns, &w, &dirs)?;
//! assert_eq!(t.rank, vec![1, 2, 3]);
//! let s = score::weighted_raw(&columns, &dirs, &w, normalize::Method::MinMax)?;
//! assert_eq!(s.scores[0], s.contributions[0].iter().fold(0.0, |a, c| a + c));
//! # Ok::<(), custval_weights::WeightsError>(())
//! ```

pub mod ahp;
pub mod combine;
pub mod critic;
mod direction;
pub mod entropy;
mod error;
pub mod expert;
pub mod normalize;
pub mod score;
pub mod sensitivity;
pub mod table;
pub mod topsis;
mod util;

pub use direction::Direction;
pub use error::{Result, WeightsError};
