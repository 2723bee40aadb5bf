//! Weight checks: expert tables, AHP orders and matrices, combined and objective methods.
//!
//! Kept apart from the other checks because weights are the one place where several keys
//! must agree (a method, its fields, and the dimension's indicators), and where an AHP
//! inconsistency becomes a warning rather than an error.

use custval_weights::WeightsError;
use custval_weights::ahp::{self, RiTable};

use super::{AhpWeights, Checker, ResolvedWeights, WEIGHT_SUM_TOLERANCE, round6};
use crate::error::ErrorKind;
use crate::schema::{Config, Dimension, DimensionWeights, Objective, Subjective, WeightMethod};
use crate::suggest::did_you_mean;

impl Checker<'_, '_> {
    pub(super) fn weights(&mut self, config: &Config, dimension: Dimension) -> ResolvedWeights {
        let base = format!("weights.{dimension}");
        let w = config.weights.get(dimension);
        let mut ids: Vec<String> = Vec::new();
        for ind in config
            .indicators
            .iter()
            .filter(|i| i.dimension == dimension)
        {
            if !ids.contains(&ind.id) {
                ids.push(ind.id.clone());
            }
        }
        let mut out = ResolvedWeights {
            dimension,
            method: w.method,
            indicators: ids.clone(),
            subjective: None,
            objective: None,
            alpha: 1.0,
            ahp: None,
            calibrate_days: None,
        };
        let subjective = self.subjective_method(&base, w);
        self.objective_settings(&base, w, &mut out);
        match subjective {
            Some(Subjective::Expert) => out.subjective = self.expert(config, &base, w, &ids),
            Some(Subjective::Ahp) => {
                if let Some(a) = self.ahp(config, &base, w, &ids) {
                    let weights = ids
                        .iter()
                        .map(|id| {
                            a.order
                                .iter()
                                .position(|o| o == id)
                                .map_or(0.0, |k| a.result.weights[k])
                        })
                        .collect();
                    out.subjective = Some(weights);
                    out.ahp = Some(a);
                }
            }
            None => {}
        }
        self.unused_weight_fields(&base, w, subjective);
        out
    }

    /// The judgement a method uses: expert or AHP, named by `subjective` (combined) or
    /// `prior` (calibrated); none for the objective methods and equal weights.
    fn subjective_method(&mut self, base: &str, w: &DimensionWeights) -> Option<Subjective> {
        match w.method {
            WeightMethod::Expert => Some(Subjective::Expert),
            WeightMethod::Ahp => Some(Subjective::Ahp),
            WeightMethod::Combined => {
                if w.subjective.is_none() {
                    self.error(
                        ErrorKind::Schema,
                        &format!("{base}.subjective"),
                        "method = \"combined\" needs subjective = \"expert\" or \"ahp\"",
                    );
                }
                w.subjective
            }
            WeightMethod::Calibrated => {
                if w.prior.is_none() {
                    self.error(
                        ErrorKind::Schema,
                        &format!("{base}.prior"),
                        "method = \"calibrated\" needs prior = \"expert\" or \"ahp\" (the judgement the fitted weights are blended with)",
                    );
                }
                w.prior
            }
            WeightMethod::Entropy | WeightMethod::Critic | WeightMethod::Equal => None,
        }
    }

    /// The objective method, blend `alpha` and calibration horizon of `out`'s method (equal
    /// weights are set here too).
    fn objective_settings(&mut self, base: &str, w: &DimensionWeights, out: &mut ResolvedWeights) {
        let n = out.indicators.len();
        match w.method {
            WeightMethod::Entropy => {
                out.objective = Some(Objective::Entropy);
                out.alpha = 0.0;
            }
            WeightMethod::Critic => {
                out.objective = Some(Objective::Critic);
                out.alpha = 0.0;
            }
            WeightMethod::Combined => {
                if w.objective.is_none() {
                    self.error(
                        ErrorKind::Schema,
                        &format!("{base}.objective"),
                        "method = \"combined\" needs objective = \"entropy\" or \"critic\"",
                    );
                }
                out.objective = w.objective;
                self.range(&format!("{base}.alpha"), w.alpha, (0.0, true), (1.0, true));
                out.alpha = w.alpha;
            }
            WeightMethod::Calibrated => {
                self.range(&format!("{base}.alpha"), w.alpha, (0.0, true), (1.0, true));
                out.alpha = w.alpha;
                let days = w.horizon_days.unwrap_or(365);
                if !(30..=3650).contains(&days) {
                    self.error(
                        ErrorKind::Schema,
                        &format!("{base}.horizon_days"),
                        format!("{days} is outside 30..=3650 days"),
                    );
                }
                out.calibrate_days = Some(days);
            }
            WeightMethod::Equal if n > 0 => {
                out.subjective = Some(vec![1.0 / n as f64; n]);
            }
            _ => {}
        }
    }

    fn unused_weight_fields(
        &mut self,
        base: &str,
        w: &DimensionWeights,
        subjective: Option<Subjective>,
    ) {
        let method = format!("method = \"{}\"", w.method);
        if w.expert.is_some() && subjective != Some(Subjective::Expert) {
            self.warn(
                &format!("{base}.expert"),
                format!("ignored: {method} does not use expert weights"),
            );
        }
        if subjective != Some(Subjective::Ahp) {
            for (field, given) in [("order", w.order.is_some()), ("matrix", w.matrix.is_some())] {
                if given {
                    self.warn(
                        &format!("{base}.{field}"),
                        format!("ignored: {method} does not use an AHP {field}"),
                    );
                }
            }
        }
        if w.method != WeightMethod::Calibrated {
            for (field, given) in [
                ("prior", w.prior.is_some()),
                ("horizon_days", w.horizon_days.is_some()),
            ] {
                if given {
                    self.warn(
                        &format!("{base}.{field}"),
                        format!("ignored: only method = \"calibrated\" uses `{field}`"),
                    );
                }
            }
        }
        if w.method != WeightMethod::Combined {
            for (field, given) in [
                ("subjective", w.subjective.is_some()),
                ("objective", w.objective.is_some()),
            ] {
                if given {
                    self.warn(
                        &format!("{base}.{field}"),
                        format!("ignored: only method = \"combined\" uses `{field}`"),
                    );
                }
            }
            if w.method != WeightMethod::Calibrated
                && self
                    .map
                    .is_some_and(|m| m.contains(&format!("{base}.alpha")))
            {
                self.warn(
                    &format!("{base}.alpha"),
                    "ignored: only methods \"combined\" and \"calibrated\" use `alpha`",
                );
            }
        }
        if subjective != Some(Subjective::Ahp)
            && w.ri != RiTable::Saaty
            && self.map.is_some_and(|m| m.contains(&format!("{base}.ri")))
        {
            self.warn(
                &format!("{base}.ri"),
                format!("ignored: {method} does not use an AHP matrix"),
            );
        }
    }

    /// Ids listed under `key` against the dimension's `ids`: reports extra ones, and missing
    /// ones unless something was wrong with the listed items already (a misspelt id shows as
    /// both extra and missing; the extra one is the useful message).
    fn coverage(
        &mut self,
        config: &Config,
        key: &str,
        listed: &[(&str, String)],
        ids: &[String],
        dimension: &str,
    ) {
        let errors_before = self.errors.len();
        for (name, item_key) in listed {
            if ids.iter().any(|id| id == name) {
                continue;
            }
            let msg = match config.indicators.iter().find(|i| i.id == *name) {
                Some(other) => format!(
                    "`{name}` is a {} indicator; weigh it under [weights.{}]",
                    other.dimension, other.dimension
                ),
                None => format!(
                    "`{name}` is not a {dimension} indicator{}",
                    did_you_mean(name, ids.iter().map(String::as_str))
                ),
            };
            self.error(ErrorKind::Weights, item_key, msg);
        }
        let missing: Vec<&str> = ids
            .iter()
            .filter(|id| !listed.iter().any(|(n, _)| n == id))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() && self.errors.len() == errors_before {
            self.error(
                ErrorKind::Weights,
                key,
                format!(
                    "missing {}: the list must cover exactly the {dimension} indicators",
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }

    fn expert(
        &mut self,
        config: &Config,
        base: &str,
        w: &DimensionWeights,
        ids: &[String],
    ) -> Option<Vec<f64>> {
        let key = format!("{base}.expert");
        let Some(table) = &w.expert else {
            self.error(
                ErrorKind::Schema,
                &key,
                format!(
                    "method = \"{}\" needs an `expert` table of indicator = weight",
                    w.method
                ),
            );
            return None;
        };
        let errors_before = self.errors.len();
        let listed: Vec<(&str, String)> = table
            .keys()
            .map(|k| (k.as_str(), crate::error::join(&key, k)))
            .collect();
        for (name, item_key) in &listed {
            let v = table.get(*name).copied().unwrap_or(f64::NAN);
            if !(v.is_finite() && v >= 0.0) {
                self.error(
                    ErrorKind::Range,
                    item_key,
                    format!("weight {v} must be a number ≥ 0"),
                );
            }
        }
        let dimension = base.trim_start_matches("weights.").to_owned();
        self.coverage(config, &key, &listed, ids, &dimension);
        if self.errors.len() > errors_before {
            return None;
        }
        let sum: f64 = table.values().sum();
        if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
            self.error(
                ErrorKind::Weights,
                &key,
                format!("the weights add up to {}, not 1", round6(sum)),
            );
            return None;
        }
        Some(
            ids.iter()
                .map(|id| table.get(id).copied().unwrap_or(0.0))
                .collect(),
        )
    }

    fn ahp(
        &mut self,
        config: &Config,
        base: &str,
        w: &DimensionWeights,
        ids: &[String],
    ) -> Option<AhpWeights> {
        let order_key = format!("{base}.order");
        let matrix_key = format!("{base}.matrix");
        let (Some(order), Some(text)) = (&w.order, &w.matrix) else {
            for (key, given) in [
                (&order_key, w.order.is_some()),
                (&matrix_key, w.matrix.is_some()),
            ] {
                if !given {
                    self.error(
                        ErrorKind::Schema,
                        key,
                        format!("AHP weights need `order` (the indicator ids of the matrix rows) and `matrix`; `{}` is missing", key.rsplit('.').next().unwrap_or(key)),
                    );
                }
            }
            return None;
        };
        let errors_before = self.errors.len();
        let mut listed: Vec<(&str, String)> = Vec::new();
        for (i, id) in order.iter().enumerate() {
            let item_key = format!("{order_key}[{}]", i + 1);
            if listed.iter().any(|(n, _)| n == id) {
                self.error(
                    ErrorKind::Duplicate,
                    &item_key,
                    format!("`{id}` is listed twice in the AHP order"),
                );
            }
            listed.push((id, item_key));
        }
        let dimension = base.trim_start_matches("weights.").to_owned();
        if self.errors.len() == errors_before {
            self.coverage(config, &order_key, &listed, ids, &dimension);
        }
        let matrix = match ahp::parse_matrix(text) {
            Ok(m) => m,
            Err(e) => {
                let offset = self.matrix_row_offset(&matrix_key, text, &e);
                self.error_at(ErrorKind::Ahp, &matrix_key, offset, e.to_string());
                return None;
            }
        };
        if matrix.n() != order.len() {
            self.error(
                ErrorKind::Ahp,
                &matrix_key,
                format!(
                    "the matrix is {0}×{0} but `order` lists {1} indicators",
                    matrix.n(),
                    order.len()
                ),
            );
            return None;
        }
        if self.errors.len() > errors_before {
            return None;
        }
        let result = match ahp::analyze(&matrix, w.ri) {
            Ok(r) => r,
            Err(e) => {
                self.error(ErrorKind::Ahp, &matrix_key, e.to_string());
                return None;
            }
        };
        if !result.consistent {
            let worst = result.inconsistent_judgements.first().map(|j| {
                let name = |k: usize| order.get(k - 1).map_or("?", String::as_str);
                format!(
                    "; the judgement least consistent with the others is row {} `{}` vs column {} `{}`: given {}, while the other judgements imply about {}; revise it first",
                    j.row,
                    name(j.row),
                    j.column,
                    name(j.column),
                    judgement(j.given),
                    judgement(j.implied)
                )
            });
            self.warn(
                &matrix_key,
                format!(
                    "the AHP matrix is inconsistent: consistency ratio CR = {:.3} ≥ 0.1 ({} random index){}",
                    result.cr,
                    w.ri,
                    worst.unwrap_or_default()
                ),
            );
        }
        Some(AhpWeights {
            order: order.clone(),
            result,
        })
    }

    /// Where row `r` of a matrix error starts in the file, when the error names a row.
    fn matrix_row_offset(&self, key: &str, text: &str, e: &WeightsError) -> Option<usize> {
        let row = match e {
            WeightsError::BadToken { row, .. }
            | WeightsError::NonPositive { row, .. }
            | WeightsError::JudgementRange { row, .. }
            | WeightsError::NotSquare { row, .. }
            | WeightsError::NotReciprocal { row, .. } => Some(*row),
            WeightsError::Diagonal { index, .. } => Some(*index),
            _ => None,
        };
        let map = self.map?;
        let within = row.and_then(|r| {
            let mut start = 0;
            let mut seen = 0;
            for segment in text.split([';', '\n']) {
                if !segment.trim().is_empty() {
                    seen += 1;
                    if seen == r {
                        return Some(start + (segment.len() - segment.trim_start().len()));
                    }
                }
                start += segment.len() + 1;
            }
            None
        });
        match within {
            Some(o) => map.offset_in_string(key, text, o),
            None => map.offset_of(key),
        }
    }
}

/// A judgement as an expert writes it: `3`, `1/3`, or a decimal.
fn judgement(v: f64) -> String {
    let near = |x: f64| (x - x.round()).abs() < 0.05 && x.round() >= 1.0;
    if v >= 1.0 && near(v) {
        format!("{}", v.round())
    } else if v < 1.0 && near(1.0 / v) {
        format!("1/{}", (1.0 / v).round())
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judgements_read_like_saaty() {
        assert_eq!(judgement(3.0), "3");
        assert_eq!(judgement(1.0 / 3.0), "1/3");
        assert_eq!(judgement(2.37), "2.37");
        assert_eq!(judgement(0.43), "0.43");
    }
}
