//! Recursive-descent parser that type-checks and resolves names as it builds the tree.
//!
//! Doing both in one pass keeps every node's source span at hand, so a type error points at
//! the operand that has the wrong type (`tier` in `tier + 1`), not at the operator. Depth is
//! counted on the way down (nesting) and on the way up (tree height, which also covers long
//! operator chains), both bounded by [`MAX_DEPTH`].

use super::eval::{Arith, Cmp, Expr, Fn1};
use super::lexer::{Tok, Token};
use super::{FormulaError, MAX_DEPTH, Scope, Type, Variable};
use crate::suggest::{closest, did_you_mean};

/// Function names, for "did you mean" on unknown functions.
const FUNCTIONS: &[&str] = &[
    "min",
    "max",
    "abs",
    "ln",
    "log10",
    "sqrt",
    "exp",
    "clamp",
    "if",
    "coalesce",
    "is_missing",
];

/// A parsed, typed subexpression and where it came from.
struct Node {
    expr: Expr,
    ty: Type,
    start: usize,
    end: usize,
    /// Tree height, bounded by `MAX_DEPTH`.
    height: usize,
    /// For a text variable: its name (to check literals compared with it).
    text_var: Option<String>,
}

impl Node {
    fn leaf(expr: Expr, ty: Type, tok: &Token) -> Node {
        Node {
            expr,
            ty,
            start: tok.start,
            end: tok.end,
            height: 1,
            text_var: None,
        }
    }
}

struct Parser<'s> {
    src: &'s str,
    tokens: &'s [Token],
    pos: usize,
    scope: &'s Scope,
    variables: Vec<Variable>,
    nesting: usize,
}

/// Parses the whole token stream into a typed tree.
pub(super) fn parse(
    src: &str,
    tokens: &[Token],
    scope: &Scope,
) -> Result<(Expr, Type, Vec<Variable>), FormulaError> {
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        scope,
        variables: Vec::new(),
        nesting: 0,
    };
    if matches!(p.peek().tok, Tok::Eof) {
        return Err(p.err(0, "the formula is empty"));
    }
    let node = p.expr()?;
    let next = p.peek();
    if !matches!(next.tok, Tok::Eof) {
        let hint = match next.tok {
            Tok::LParen => " (a function name goes right before `(`)",
            Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::EqEq | Tok::Ne => {
                " (comparisons cannot be chained: write `a < b and b < c`)"
            }
            _ => " (an operator is missing before it?)",
        };
        return Err(p.err(
            next.start,
            format!("unexpected {}{hint}", next.tok.describe()),
        ));
    }
    Ok((node.expr, node.ty, p.variables))
}

impl<'s> Parser<'s> {
    fn peek(&self) -> &'s Token {
        // The lexer always ends with Eof, and `bump` never moves past it.
        let last = self.tokens.len().saturating_sub(1);
        &self.tokens[self.pos.min(last)]
    }

    fn bump(&mut self) -> &'s Token {
        let t = self.peek();
        if !matches!(t.tok, Tok::Eof) {
            self.pos += 1;
        }
        t
    }

    fn err(&self, offset: usize, msg: impl Into<String>) -> FormulaError {
        FormulaError::at(self.src, offset, msg)
    }

    fn text_of(&self, n: &Node) -> &'s str {
        self.src.get(n.start..n.end).unwrap_or("")
    }

    /// "`tier` is text" / "'A' is text" / "this part is text", for type errors.
    fn describe(&self, n: &Node) -> String {
        let text = self.text_of(n);
        if text.chars().count() <= 30 {
            format!("`{text}` is {}", n.ty.describe())
        } else {
            format!(
                "`{}…` is {}",
                text.chars().take(20).collect::<String>(),
                n.ty.describe()
            )
        }
    }

    fn expect_type(&self, n: &Node, want: Type, context: &str) -> Result<(), FormulaError> {
        if n.ty == want {
            Ok(())
        } else {
            Err(self.err(
                n.start,
                format!(
                    "{}, but {context} needs {}",
                    self.describe(n),
                    want.describe()
                ),
            ))
        }
    }

    fn combine(&self, expr: Expr, ty: Type, parts: &[&Node]) -> Result<Node, FormulaError> {
        let start = parts.iter().map(|n| n.start).min().unwrap_or(0);
        let end = parts.iter().map(|n| n.end).max().unwrap_or(start);
        let height = 1 + parts.iter().map(|n| n.height).max().unwrap_or(0);
        if height > MAX_DEPTH {
            return Err(self.err(
                start,
                format!(
                    "the formula is nested too deeply (more than {MAX_DEPTH} levels); split it into several indicators"
                ),
            ));
        }
        Ok(Node {
            expr,
            ty,
            start,
            end,
            height,
            text_var: None,
        })
    }

    fn enter(&mut self, at: usize) -> Result<(), FormulaError> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(self.err(
                at,
                format!("the formula is nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Node, FormulaError> {
        let at = self.peek().start;
        self.enter(at)?;
        let r = self.or();
        self.nesting -= 1;
        r
    }

    fn or(&mut self) -> Result<Node, FormulaError> {
        let mut left = self.and()?;
        while matches!(self.peek().tok, Tok::Or) {
            self.bump();
            let right = self.and()?;
            self.expect_type(&left, Type::Bool, "`or`")?;
            self.expect_type(&right, Type::Bool, "`or`")?;
            let parts = [&left, &right];
            let n = self.combine(Expr::Bool(false), Type::Bool, &parts)?;
            left = Node {
                expr: Expr::Or(Box::new(left.expr), Box::new(right.expr)),
                ..n
            };
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, FormulaError> {
        let mut left = self.not()?;
        while matches!(self.peek().tok, Tok::And) {
            self.bump();
            let right = self.not()?;
            self.expect_type(&left, Type::Bool, "`and`")?;
            self.expect_type(&right, Type::Bool, "`and`")?;
            let n = self.combine(Expr::Bool(false), Type::Bool, &[&left, &right])?;
            left = Node {
                expr: Expr::And(Box::new(left.expr), Box::new(right.expr)),
                ..n
            };
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Node, FormulaError> {
        if matches!(self.peek().tok, Tok::Not) {
            let tok = self.bump();
            self.enter(tok.start)?;
            let inner = self.not();
            self.nesting -= 1;
            let inner = inner?;
            self.expect_type(&inner, Type::Bool, "`not`")?;
            let mut n = self.combine(Expr::Bool(false), Type::Bool, &[&inner])?;
            n.start = tok.start;
            n.expr = Expr::Not(Box::new(inner.expr));
            return Ok(n);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node, FormulaError> {
        let left = self.additive()?;
        let op = match self.peek().tok {
            Tok::Lt => Cmp::Lt,
            Tok::Le => Cmp::Le,
            Tok::Gt => Cmp::Gt,
            Tok::Ge => Cmp::Ge,
            Tok::EqEq => Cmp::Eq,
            Tok::Ne => Cmp::Ne,
            _ => return Ok(left),
        };
        let op_tok = self.bump();
        let right = self.additive()?;
        if let Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::EqEq | Tok::Ne = self.peek().tok {
            return Err(self.err(
                self.peek().start,
                "comparisons cannot be chained: write `a < b and b < c`",
            ));
        }
        let equality = matches!(op, Cmp::Eq | Cmp::Ne);
        let meta = self.combine(Expr::Bool(false), Type::Bool, &[&left, &right])?;
        let expr = match (left.ty, right.ty) {
            (Type::Number, Type::Number) => {
                Expr::CmpNum(op, Box::new(left.expr), Box::new(right.expr))
            }
            (Type::Text, Type::Text) if equality => {
                self.check_literal(&left, &right)?;
                self.check_literal(&right, &left)?;
                Expr::EqText(op == Cmp::Eq, Box::new(left.expr), Box::new(right.expr))
            }
            (Type::Bool, Type::Bool) if equality => {
                Expr::EqBool(op == Cmp::Eq, Box::new(left.expr), Box::new(right.expr))
            }
            (a, b) if a == b => {
                let symbol = self.src.get(op_tok.start..op_tok.end).unwrap_or("");
                return Err(self.err(
                    op_tok.start,
                    format!(
                        "`{symbol}` compares numbers; {} can only be compared with `==` or `!=`",
                        a.describe()
                    ),
                ));
            }
            (a, b) => {
                return Err(self.err(
                    op_tok.start,
                    format!(
                        "cannot compare {} (`{}`) with {} (`{}`)",
                        a.describe(),
                        self.text_of(&left),
                        b.describe(),
                        self.text_of(&right)
                    ),
                ));
            }
        };
        Ok(Node { expr, ..meta })
    }

    /// When `var` is a class variable with a fixed set of values and `lit` a text literal,
    /// the literal must be one of them.
    fn check_literal(&self, var: &Node, lit: &Node) -> Result<(), FormulaError> {
        let (Some(name), Expr::Text(value)) = (&var.text_var, &lit.expr) else {
            return Ok(());
        };
        let Some(values) = self.scope.text_values(name) else {
            return Ok(());
        };
        if values.iter().any(|v| v.as_str() == &**value) {
            return Ok(());
        }
        let suggestion = closest(value, values.iter().map(String::as_str))
            .map(|c| format!("did you mean '{c}'? "))
            .unwrap_or_default();
        Err(self.err(
            lit.start,
            format!(
                "`{name}` is never '{value}' ({suggestion}its values are {})",
                values
                    .iter()
                    .map(|v| format!("'{v}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }

    fn additive(&mut self) -> Result<Node, FormulaError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek().tok {
                Tok::Plus => Arith::Add,
                Tok::Minus => Arith::Sub,
                _ => return Ok(left),
            };
            let op_tok = self.bump();
            let right = self.multiplicative()?;
            left = self.arith(op, op_tok, left, right)?;
        }
    }

    fn multiplicative(&mut self) -> Result<Node, FormulaError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek().tok {
                Tok::Star => Arith::Mul,
                Tok::Slash => Arith::Div,
                _ => return Ok(left),
            };
            let op_tok = self.bump();
            let right = self.unary()?;
            left = self.arith(op, op_tok, left, right)?;
        }
    }

    fn arith(
        &self,
        op: Arith,
        op_tok: &Token,
        left: Node,
        right: Node,
    ) -> Result<Node, FormulaError> {
        let symbol = self.src.get(op_tok.start..op_tok.end).unwrap_or("");
        let context = format!("`{symbol}`");
        self.expect_type(&left, Type::Number, &context)?;
        self.expect_type(&right, Type::Number, &context)?;
        let n = self.combine(Expr::Bool(false), Type::Number, &[&left, &right])?;
        Ok(Node {
            expr: Expr::Arith(op, Box::new(left.expr), Box::new(right.expr)),
            ..n
        })
    }

    fn unary(&mut self) -> Result<Node, FormulaError> {
        if matches!(self.peek().tok, Tok::Minus) {
            let tok = self.bump();
            self.enter(tok.start)?;
            let inner = self.unary();
            self.nesting -= 1;
            let inner = inner?;
            self.expect_type(&inner, Type::Number, "`-`")?;
            // Fold `-3` into a literal so `clamp(x, -1, 1)` costs nothing extra.
            let expr = match inner.expr {
                Expr::Num(v) => Expr::Num(-v),
                ref e => Expr::Neg(Box::new(e.clone())),
            };
            let mut n = self.combine(Expr::Bool(false), Type::Number, &[&inner])?;
            n.start = tok.start;
            n.expr = expr;
            return Ok(n);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, FormulaError> {
        let tok = self.bump();
        match &tok.tok {
            Tok::Num(v) => Ok(Node::leaf(Expr::Num(*v), Type::Number, tok)),
            Tok::Str(s) => Ok(Node::leaf(Expr::Text(s.as_str().into()), Type::Text, tok)),
            Tok::True => Ok(Node::leaf(Expr::Bool(true), Type::Bool, tok)),
            Tok::False => Ok(Node::leaf(Expr::Bool(false), Type::Bool, tok)),
            Tok::LParen => {
                let inner = self.expr()?;
                let close = self.bump();
                if !matches!(close.tok, Tok::RParen) {
                    return Err(self.err(
                        close.start,
                        format!(
                            "expected `)` to close the `(` at column {}, found {}",
                            self.column(tok.start),
                            close.tok.describe()
                        ),
                    ));
                }
                Ok(Node {
                    start: tok.start,
                    end: close.end,
                    ..inner
                })
            }
            Tok::Ident(name) => {
                if matches!(self.peek().tok, Tok::LParen) {
                    self.call(name, tok)
                } else {
                    self.variable(name, tok)
                }
            }
            other => Err(self.err(
                tok.start,
                format!(
                    "expected a number, a name or `(`, found {}",
                    other.describe()
                ),
            )),
        }
    }

    fn column(&self, offset: usize) -> usize {
        FormulaError::at(self.src, offset, "").column
    }

    fn variable(&mut self, name: &str, tok: &Token) -> Result<Node, FormulaError> {
        if let Some(reason) = self.scope.hidden_reason(name) {
            return Err(self.err(tok.start, format!("`{name}` cannot be used here: {reason}")));
        }
        let (expr, ty, slot) = if let Some(slot) = self.scope.number_slot(name) {
            (Expr::NumVar(slot), Type::Number, slot)
        } else if let Some(slot) = self.scope.text_slot(name) {
            (Expr::TextVar(slot), Type::Text, slot)
        } else if FUNCTIONS.contains(&name) {
            return Err(self.err(
                tok.start,
                format!("`{name}` is a function: call it as `{name}(…)`"),
            ));
        } else {
            return Err(self.err(
                tok.start,
                format!(
                    "unknown feature `{name}`{}",
                    did_you_mean(name, self.scope.visible_names())
                ),
            ));
        };
        if !self.variables.iter().any(|v| v.name == name) {
            self.variables.push(Variable {
                name: name.to_owned(),
                ty,
                slot,
            });
        }
        let mut n = Node::leaf(expr, ty, tok);
        if ty == Type::Text {
            n.text_var = Some(name.to_owned());
        }
        Ok(n)
    }

    fn call(&mut self, name: &str, name_tok: &Token) -> Result<Node, FormulaError> {
        if !FUNCTIONS.contains(&name) {
            let known =
                self.scope.number_slot(name).is_some() || self.scope.text_slot(name).is_some();
            let msg = if known {
                format!("`{name}` is a variable, not a function")
            } else {
                format!(
                    "unknown function `{name}`{}; functions are {}",
                    did_you_mean(name, FUNCTIONS.iter().copied()),
                    FUNCTIONS.join(", ")
                )
            };
            return Err(self.err(name_tok.start, msg));
        }
        self.bump(); // `(`
        self.enter(name_tok.start)?;
        let args = self.arguments(name);
        self.nesting -= 1;
        let (args, close) = args?;
        let (expr, ty) = self.function(name, name_tok.start, &args)?;
        let refs: Vec<&Node> = args.iter().collect();
        let mut n = self.combine(expr, ty, &refs)?;
        n.start = name_tok.start;
        n.end = close.end;
        Ok(n)
    }

    /// The expression and type of a call of the built-in function `name` (at `start`) on
    /// `args`, after checking their number and types.
    fn function(
        &self,
        name: &str,
        start: usize,
        args: &[Node],
    ) -> Result<(Expr, Type), FormulaError> {
        let count_err = |expected: &str| {
            self.err(
                start,
                format!(
                    "{name}() takes {expected}, found {} argument{}",
                    args.len(),
                    if args.len() == 1 { "" } else { "s" }
                ),
            )
        };
        let context = format!("{name}()");
        let numbers = |n: &[Node]| -> Result<(), FormulaError> {
            for a in n {
                self.expect_type(a, Type::Number, &context)?;
            }
            Ok(())
        };
        let boxed = |i: usize| Box::new(args[i].expr.clone());
        Ok(match name {
            "abs" | "ln" | "log10" | "sqrt" | "exp" => {
                if args.len() != 1 {
                    return Err(count_err("1 argument"));
                }
                numbers(args)?;
                let f = match name {
                    "abs" => Fn1::Abs,
                    "ln" => Fn1::Ln,
                    "log10" => Fn1::Log10,
                    "sqrt" => Fn1::Sqrt,
                    _ => Fn1::Exp,
                };
                (Expr::Fn1(f, boxed(0)), Type::Number)
            }
            "min" | "max" => {
                if args.is_empty() {
                    return Err(count_err("at least 1 argument"));
                }
                numbers(args)?;
                let exprs = args.iter().map(|a| a.expr.clone()).collect();
                (Expr::MinMax(name == "max", exprs), Type::Number)
            }
            "clamp" => {
                if args.len() != 3 {
                    return Err(count_err("3 arguments (x, lo, hi)"));
                }
                numbers(args)?;
                (Expr::Clamp(boxed(0), boxed(1), boxed(2)), Type::Number)
            }
            "if" => {
                if args.len() != 3 {
                    return Err(count_err("3 arguments (condition, then, else)"));
                }
                self.if_branches(args)?;
                (Expr::If(boxed(0), boxed(1), boxed(2)), args[1].ty)
            }
            "coalesce" => {
                let Some(first) = args.first() else {
                    return Err(count_err("at least 1 argument"));
                };
                if let Some(other) = args.iter().find(|a| a.ty != first.ty) {
                    return Err(self.err(
                        other.start,
                        format!(
                            "all arguments of coalesce() must have the same type: {}, {}",
                            self.describe(first),
                            self.describe(other)
                        ),
                    ));
                }
                let exprs = args.iter().map(|a| a.expr.clone()).collect();
                (Expr::Coalesce(exprs), first.ty)
            }
            _ => {
                // is_missing, the only function left in FUNCTIONS.
                if args.len() != 1 {
                    return Err(count_err("1 argument"));
                }
                (Expr::IsMissing(boxed(0), args[0].ty), Type::Bool)
            }
        })
    }

    /// if(): a condition, then two branches of one type.
    fn if_branches(&self, args: &[Node]) -> Result<(), FormulaError> {
        self.expect_type(&args[0], Type::Bool, "the condition of if()")?;
        if args[1].ty != args[2].ty {
            return Err(self.err(
                args[2].start,
                format!(
                    "both branches of if() must have the same type: {}, {}",
                    self.describe(&args[1]),
                    self.describe(&args[2])
                ),
            ));
        }
        Ok(())
    }

    /// Arguments after `(` up to and including `)`.
    fn arguments(&mut self, name: &str) -> Result<(Vec<Node>, &'s Token), FormulaError> {
        let mut args = Vec::new();
        if matches!(self.peek().tok, Tok::RParen) {
            return Ok((args, self.bump()));
        }
        loop {
            args.push(self.expr()?);
            let t = self.bump();
            match t.tok {
                Tok::Comma => continue,
                Tok::RParen => return Ok((args, t)),
                ref other => {
                    return Err(self.err(
                        t.start,
                        format!(
                            "expected `,` or `)` in {name}(…), found {}",
                            other.describe()
                        ),
                    ));
                }
            }
        }
    }
}
