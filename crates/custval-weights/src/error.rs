//! The crate's one error type.
//!
//! Every variant carries the context a user needs to fix the input: the matrix position (row and
//! column, 1-based, as a person counts them in `"1 3 5; 1/3 1 3; 1/5 1/3 1"`), the indicator
//! column and data row (0-based, as the caller indexes its slices), or the hierarchy node.

/// Everything that can go wrong between indicator values and a score.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightsError {
    /// The comparison matrix text was empty.
    #[error("comparison matrix is empty")]
    EmptyMatrix,
    /// A matrix entry is neither a number, a fraction `a/b` nor `?`.
    #[error(
        "comparison matrix row {row}, column {column}: cannot read `{token}` as a positive number, a fraction like 1/3, or `?` for a missing judgement"
    )]
    BadToken {
        /// 1-based row.
        row: usize,
        /// 1-based column.
        column: usize,
        /// The offending text.
        token: String,
    },
    /// A judgement is zero or negative (Saaty's scale is positive; `?` marks a missing one).
    #[error(
        "comparison matrix row {row}, column {column}: judgement {value} must be positive (write `?` for a missing judgement)"
    )]
    NonPositive {
        /// 1-based row.
        row: usize,
        /// 1-based column.
        column: usize,
        /// The value read.
        value: f64,
    },
    /// A judgement so extreme the arithmetic would overflow.
    #[error(
        "comparison matrix row {row}, column {column}: judgement {value} is outside 1/{max}..{max}"
    )]
    JudgementRange {
        /// 1-based row.
        row: usize,
        /// 1-based column.
        column: usize,
        /// The value read.
        value: f64,
        /// The largest accepted judgement.
        max: f64,
    },
    /// Rows of different lengths.
    #[error(
        "comparison matrix row {row} has {found} entries but row 1 has {expected}; rows are separated by `;`, entries by spaces"
    )]
    NotSquare {
        /// 1-based row.
        row: usize,
        /// Entries found in that row.
        found: usize,
        /// Entries in row 1.
        expected: usize,
    },
    /// Rows of equal length, but not as many rows as columns.
    #[error("comparison matrix has {rows} rows of {columns} entries; it must be square")]
    RowCount {
        /// Rows found.
        rows: usize,
        /// Entries per row.
        columns: usize,
    },
    /// A diagonal entry other than 1.
    #[error("comparison matrix row {index}, column {index}: diagonal judgement {value} must be 1")]
    Diagonal {
        /// 1-based index.
        index: usize,
        /// The value read.
        value: f64,
    },
    /// `a_ij · a_ji` differs from 1 by more than the tolerance.
    #[error(
        "comparison matrix row {row}, column {column}: {value} is not the reciprocal of row {column}, column {row} ({mirror}); their product {product} differs from 1 by more than {tolerance}"
    )]
    NotReciprocal {
        /// 1-based row.
        row: usize,
        /// 1-based column.
        column: usize,
        /// `a_ij`.
        value: f64,
        /// `a_ji`.
        mirror: f64,
        /// `a_ij · a_ji`.
        product: f64,
        /// Allowed relative deviation.
        tolerance: f64,
    },
    /// Missing judgements cut the items into groups never compared with each other.
    #[error(
        "incomplete comparison matrix cannot be completed: item {item} is not linked to item 1 by any chain of given judgements"
    )]
    Disconnected {
        /// 1-based index of an item not reachable from item 1.
        item: usize,
    },
    /// The random-index table has no value for this size.
    #[error(
        "random-index table `{table}` has no value for a {n}×{n} matrix (it covers n ≤ {max}; alonso-lamata covers n ≤ 15, donegan-dodd n ≤ 20)"
    )]
    NoRandomIndex {
        /// Matrix size.
        n: usize,
        /// The table asked for, by name (`RiTable::name`; the name, not the type, so that this
        /// module depends on no other).
        table: &'static str,
        /// Largest n in that table.
        max: usize,
    },
    /// Power iteration did not reach the tolerance (should not happen for valid matrices).
    #[error(
        "principal eigenvector did not converge after {iterations} iterations (last change {change:e})"
    )]
    NoConvergence {
        /// Iterations run.
        iterations: usize,
        /// Last max-abs change of the vector.
        change: f64,
    },
    /// Several matrices that should have the same size do not.
    #[error("expert {expert}: matrix is {found}×{found}, expected {expected}×{expected}")]
    ExpertSize {
        /// 0-based expert index.
        expert: usize,
        /// Size found.
        found: usize,
        /// Size expected.
        expected: usize,
    },
    /// A weight is negative or not finite.
    #[error("weight {index} is {value}; weights must be finite and non-negative")]
    BadWeight {
        /// 0-based position.
        index: usize,
        /// The value given.
        value: f64,
    },
    /// All weights are zero, so they cannot be normalized.
    #[error("weights sum to zero; at least one weight must be positive")]
    ZeroWeights,
    /// Two inputs that must have the same length do not.
    #[error("expected {expected} {what}, found {found}")]
    LengthMismatch {
        /// What was counted (e.g. "directions", "weights", "values in column 2").
        what: String,
        /// Expected count.
        expected: usize,
        /// Count found.
        found: usize,
    },
    /// No indicator columns were given.
    #[error("no indicator columns given")]
    NoColumns,
    /// Too few rows for the method.
    #[error("{method} needs at least {min} rows, found {found}")]
    TooFewRows {
        /// The method name.
        method: &'static str,
        /// Minimum rows.
        min: usize,
        /// Rows given.
        found: usize,
    },
    /// A data value is NaN or infinite.
    #[error("column {column}, row {row}: value {value} is not a finite number")]
    NonFinite {
        /// 0-based indicator column.
        column: usize,
        /// 0-based data row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// A data value is outside the domain a method needs (e.g. negative for sum normalization).
    #[error("column {column}, row {row}: value {value} is out of range: {requirement}")]
    OutOfDomain {
        /// 0-based indicator column.
        column: usize,
        /// 0-based data row.
        row: usize,
        /// The value.
        value: f64,
        /// What the method needs.
        requirement: &'static str,
    },
    /// A parameter (α, δ, percentile, points budget, …) is out of range.
    #[error("parameter `{name}` = {value} is out of range: {expected}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The accepted range.
        expected: &'static str,
    },
    /// A `--cost` name that is not a column of the table.
    #[error("unknown column `{name}` in the cost list (columns: {available})")]
    UnknownColumn {
        /// The name given.
        name: String,
        /// The table's columns, comma-separated.
        available: String,
    },
    /// An entry of a comma-separated number list (e.g. `--weights`) is not a number.
    #[error("entry {position} of the list, `{token}`, is not a number")]
    BadListEntry {
        /// 1-based position in the list.
        position: usize,
        /// The offending text.
        token: String,
    },
    /// The hierarchy TOML could not be read.
    #[error("hierarchy TOML: {message}")]
    HierarchyToml {
        /// The TOML parser's message (with its line and column).
        message: String,
    },
    /// The hierarchy is structurally wrong (unknown node, cycle, wrong matrix size, …).
    #[error("hierarchy node `{node}`: {message}")]
    Hierarchy {
        /// The node at fault.
        node: String,
        /// What is wrong.
        message: String,
    },
    /// A comparison matrix inside a hierarchy node is wrong.
    #[error("hierarchy node `{node}`{expert}: {source}", expert = expert.map(|e| format!(", expert {}", e + 1)).unwrap_or_default())]
    HierarchyMatrix {
        /// The node at fault.
        node: String,
        /// 0-based expert index when the node has several experts.
        expert: Option<usize>,
        /// The matrix error.
        source: Box<WeightsError>,
    },
}

/// Result alias for this crate.
pub type Result<T, E = WeightsError> = std::result::Result<T, E>;
