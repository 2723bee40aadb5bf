//! The compiled form of a formula and its evaluator.
//!
//! A typed tree rather than bytecode: types are settled at compile time, so there is one
//! evaluator per type (`num`, `boolean`, `text`) and no tag checks or value stack at run
//! time; `if`, `and`, `or` and `coalesce` short-circuit naturally. Numbers use NaN for
//! missing internally, which IEEE arithmetic already propagates; only the places where IEEE
//! and the language differ (comparisons with NaN, `min`/`max`, infinities) need care.

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// Numeric comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// One-argument numeric functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fn1 {
    Abs,
    Ln,
    Log10,
    Sqrt,
    Exp,
}

/// A typed expression with resolved slots.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Num(f64),
    Bool(bool),
    Text(Box<str>),
    NumVar(usize),
    TextVar(usize),
    Neg(Box<Expr>),
    Arith(Arith, Box<Expr>, Box<Expr>),
    CmpNum(Cmp, Box<Expr>, Box<Expr>),
    /// `==` (true) or `!=` (false) on texts.
    EqText(bool, Box<Expr>, Box<Expr>),
    /// `==` (true) or `!=` (false) on conditions.
    EqBool(bool, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Fn1(Fn1, Box<Expr>),
    /// `max` (true) or `min` (false).
    MinMax(bool, Vec<Expr>),
    Clamp(Box<Expr>, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Coalesce(Vec<Expr>),
    /// The argument and its type.
    IsMissing(Box<Expr>, super::Type),
}

/// Non-finite results become missing.
fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { f64::NAN }
}

/// One customer's inputs.
pub(crate) struct Env<'n, 'a> {
    pub numbers: &'n [f64],
    pub texts: &'n [&'a str],
}

impl<'a> Env<'_, 'a> {
    /// A numeric expression; NaN is missing, anything else finite.
    pub(crate) fn num(&self, e: &Expr) -> f64 {
        match e {
            Expr::Num(v) => *v,
            Expr::NumVar(slot) => self.numbers.get(*slot).copied().map_or(f64::NAN, finite),
            Expr::Neg(x) => -self.num(x),
            Expr::Arith(op, a, b) => {
                let (a, b) = (self.num(a), self.num(b));
                finite(match op {
                    Arith::Add => a + b,
                    Arith::Sub => a - b,
                    Arith::Mul => a * b,
                    Arith::Div => a / b,
                })
            }
            Expr::Fn1(f, x) => {
                let x = self.num(x);
                finite(match f {
                    Fn1::Abs => x.abs(),
                    Fn1::Ln if x > 0.0 => x.ln(),
                    Fn1::Log10 if x > 0.0 => x.log10(),
                    Fn1::Sqrt if x >= 0.0 => x.sqrt(),
                    Fn1::Exp => x.exp(),
                    Fn1::Ln | Fn1::Log10 | Fn1::Sqrt => f64::NAN,
                })
            }
            Expr::MinMax(is_max, args) => {
                let mut acc: Option<f64> = None;
                for a in args {
                    let v = self.num(a);
                    if v.is_nan() {
                        return f64::NAN;
                    }
                    acc = Some(match acc {
                        None => v,
                        Some(m) if *is_max => m.max(v),
                        Some(m) => m.min(v),
                    });
                }
                acc.unwrap_or(f64::NAN)
            }
            Expr::Clamp(x, lo, hi) => {
                let (x, lo, hi) = (self.num(x), self.num(lo), self.num(hi));
                // `f64::clamp` panics on lo > hi or NaN bounds; both are "no value" here.
                if x.is_nan() || lo.is_nan() || hi.is_nan() || lo > hi {
                    f64::NAN
                } else {
                    x.max(lo).min(hi)
                }
            }
            Expr::If(c, a, b) => {
                if self.boolean(c) {
                    self.num(a)
                } else {
                    self.num(b)
                }
            }
            Expr::Coalesce(args) => args
                .iter()
                .map(|a| self.num(a))
                .find(|v| !v.is_nan())
                .unwrap_or(f64::NAN),
            _ => f64::NAN,
        }
    }

    /// A condition; conditions are never missing (comparisons with missing are false).
    pub(crate) fn boolean(&self, e: &Expr) -> bool {
        match e {
            Expr::Bool(b) => *b,
            Expr::CmpNum(op, a, b) => {
                let (a, b) = (self.num(a), self.num(b));
                if a.is_nan() || b.is_nan() {
                    return false;
                }
                match op {
                    Cmp::Lt => a < b,
                    Cmp::Le => a <= b,
                    Cmp::Gt => a > b,
                    Cmp::Ge => a >= b,
                    Cmp::Eq => a == b,
                    Cmp::Ne => a != b,
                }
            }
            Expr::EqText(equal, a, b) => match (self.text(a), self.text(b)) {
                (Some(a), Some(b)) => (a == b) == *equal,
                _ => false,
            },
            Expr::EqBool(equal, a, b) => (self.boolean(a) == self.boolean(b)) == *equal,
            Expr::And(a, b) => self.boolean(a) && self.boolean(b),
            Expr::Or(a, b) => self.boolean(a) || self.boolean(b),
            Expr::Not(x) => !self.boolean(x),
            Expr::If(c, a, b) => {
                if self.boolean(c) {
                    self.boolean(a)
                } else {
                    self.boolean(b)
                }
            }
            // A condition is never missing, so the first argument decides.
            Expr::Coalesce(args) => args.first().is_some_and(|a| self.boolean(a)),
            Expr::IsMissing(x, ty) => match ty {
                super::Type::Number => self.num(x).is_nan(),
                super::Type::Text => self.text(x).is_none(),
                super::Type::Bool => false,
            },
            _ => false,
        }
    }

    /// A text expression; `None` is missing (an empty text input counts as missing).
    pub(crate) fn text<'e>(&self, e: &'e Expr) -> Option<&'e str>
    where
        'a: 'e,
    {
        match e {
            Expr::Text(s) => Some(s),
            Expr::TextVar(slot) => self.texts.get(*slot).copied().filter(|s| !s.is_empty()),
            Expr::If(c, a, b) => {
                if self.boolean(c) {
                    self.text(a)
                } else {
                    self.text(b)
                }
            }
            Expr::Coalesce(args) => args.iter().find_map(|a| self.text(a)),
            _ => None,
        }
    }
}
