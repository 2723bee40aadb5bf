//! Why a row was rejected, as data: the quarantine file is read by people in their own language
//! (Excel, in Chinese), so a reason keeps the column and the value apart from the sentence that
//! shows them. `Display` is the English sentence; a front end renders the same reason in
//! another language from its message catalogue, field by field.

use std::fmt;

/// What kind of value a field expected (the wording of [`Reason::UnexpectedDate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Number,
    Text,
}

impl Expected {
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Number => "number",
            Expected::Text => "text",
        }
    }
}

/// Why a row was not accepted. The scan's own checks make the first variants; the callback of
/// a scan adds the rules of its table (a contract that ends before it starts) or, for rules
/// not worth a variant, [`Reason::Other`] in English.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// A required field is empty.
    Missing { column: String },
    /// A date field holds text that is no date ([`crate::parse::BAD_DATE`] says what is).
    BadDate { column: String, value: String },
    /// A workbook's date cell holds a serial number that is no date.
    BadSerialDate { column: String, serial: String },
    /// A number field holds text that is no number ([`crate::parse::BAD_NUMBER`]).
    BadNumber { column: String, value: String },
    /// A workbook cell holds a number where it cannot be one (infinite, or in a text field).
    BadValue { column: String, value: String },
    /// A workbook cell holds a date where a number or text is expected.
    UnexpectedDate {
        column: String,
        date: String,
        expected: Expected,
    },
    /// A workbook cell holds an error such as `#DIV/0!`.
    CellError { column: String, error: String },
    /// A period field holds no month.
    NotAMonth { column: String, value: String },
    /// Neither of two fields, one of which is needed, is given.
    NeitherGiven { first: String, second: String },
    /// A number outside its allowed range (inclusive).
    OutOfRange {
        column: String,
        value: f64,
        low: f64,
        high: f64,
    },
    /// A yes/no field holds something else.
    NotYesNo { column: String, value: String },
    /// A contract whose end is before its start.
    ContractEndsBeforeStart,
    /// An invoice due before it was issued.
    DueBeforeInvoice,
    /// Any other rule, stated in English by the caller.
    Other(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Missing { column } => write!(f, "missing {column}"),
            Reason::BadDate { column, value } => {
                write!(
                    f,
                    "bad date in {column}: {value:?} is {}",
                    crate::parse::BAD_DATE
                )
            }
            Reason::BadSerialDate { column, serial } => {
                write!(
                    f,
                    "bad date in {column}: {serial} is {}",
                    crate::parse::BAD_DATE
                )
            }
            Reason::BadNumber { column, value } => {
                write!(
                    f,
                    "bad number in {column}: {value:?} is {}",
                    crate::parse::BAD_NUMBER
                )
            }
            Reason::BadValue { column, value } => write!(f, "bad value in {column}: {value}"),
            Reason::UnexpectedDate {
                column,
                date,
                expected,
            } => write!(
                f,
                "bad value in {column}: a date ({date}) where a {} is expected",
                expected.as_str()
            ),
            Reason::CellError { column, error } => write!(f, "cell error in {column}: {error}"),
            Reason::NotAMonth { column, value } => {
                write!(
                    f,
                    "{column} {value:?} is not a month (expected e.g. 2024-07)"
                )
            }
            Reason::NeitherGiven { first, second } => {
                write!(f, "neither {first} nor {second} is given")
            }
            Reason::OutOfRange {
                column,
                value,
                low,
                high,
            } => write!(f, "{column} {value} is outside {low}..{high}"),
            Reason::NotYesNo { column, value } => {
                write!(f, "{column} {value:?} is not yes/no (true/false, 是/否)")
            }
            Reason::ContractEndsBeforeStart => f.write_str("the contract ends before it starts"),
            Reason::DueBeforeInvoice => f.write_str("the due date is before the invoice date"),
            Reason::Other(text) => f.write_str(text),
        }
    }
}

impl From<String> for Reason {
    fn from(text: String) -> Self {
        Reason::Other(text)
    }
}

impl From<&str> for Reason {
    fn from(text: &str) -> Self {
        Reason::Other(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English sentences are the ones quarantine files held before reasons were typed.
    #[test]
    fn english_is_unchanged() {
        let s = |r: Reason| r.to_string();
        assert_eq!(
            s(Reason::Missing {
                column: "amount".into()
            }),
            "missing amount"
        );
        assert_eq!(
            s(Reason::BadDate {
                column: "order_date".into(),
                value: "soon".into()
            }),
            format!(
                "bad date in order_date: \"soon\" is {}",
                crate::parse::BAD_DATE
            )
        );
        assert_eq!(
            s(Reason::OutOfRange {
                column: "nps".into(),
                value: 11.0,
                low: 0.0,
                high: 10.0
            }),
            "nps 11 is outside 0..10"
        );
        assert_eq!(
            s(Reason::NotYesNo {
                column: "renewed".into(),
                value: "maybe".into()
            }),
            "renewed \"maybe\" is not yes/no (true/false, 是/否)"
        );
        assert_eq!(
            s(Reason::NotAMonth {
                column: "period".into(),
                value: "Q3".into()
            }),
            "period \"Q3\" is not a month (expected e.g. 2024-07)"
        );
        assert_eq!(
            s(Reason::UnexpectedDate {
                column: "amount".into(),
                date: "2024-01-31".into(),
                expected: Expected::Number
            }),
            "bad value in amount: a date (2024-01-31) where a number is expected"
        );
    }
}
