//! AHP against published examples and cases verifiable by hand.
//!
//! Published results are rounded (to 3 or 4 decimals), so those comparisons use half a unit of
//! the last published digit as tolerance. Where a source used a different random-index table
//! than the one named here, the comparison is made on CI = CR × RI of that source's table.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_weights::WeightsError;
use custval_weights::ahp::{self, Hierarchy, Matrix, RiTable};

fn close(what: &str, ours: f64, published: f64, tol: f64) {
    assert!(
        (ours - published).abs() <= tol,
        "{what}: ours {ours}, published {published}"
    );
}

#[test]
fn issue_5_three_by_three() {
    let r = ahp::analyze_str("1 3 5; 1/3 1 3; 1/5 1/3 1", RiTable::Saaty).unwrap();
    close("w1", r.weights[0], 0.6370, 5e-5);
    close("w2", r.weights[1], 0.2583, 5e-5);
    close("w3", r.weights[2], 0.1047, 5e-5);
    close("lambda_max", r.lambda_max, 3.0385, 5e-5);
    close("cr", r.cr, 0.033, 5e-4);
    assert_eq!(r.ri, 0.58);
    assert!(r.consistent);
    // The same matrix against the other tables: CR = CI / RI of that table.
    let al = ahp::analyze_str("1 3 5; 1/3 1 3; 1/5 1/3 1", RiTable::AlonsoLamata).unwrap();
    close("alonso-lamata cr", al.cr, r.ci / 0.5245, 1e-15);
    let dd = ahp::analyze_str("1 3 5; 1/3 1 3; 1/5 1/3 1", RiTable::DoneganDodd).unwrap();
    close("donegan-dodd cr", dd.cr, r.ci / 0.4914, 1e-15);
}

/// Saaty's relative consumption of drinks in the USA, as in Saaty (2008), "Decision making with
/// the analytic hierarchy process", Int. J. Services Sciences 1(1), and reproduced in the AHPy
/// README (PhilipGriffith/AHPy): weights 0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327;
/// CR 0.022 with Saaty's 2005 RI (1.35 for n = 7).
#[test]
fn saaty_drinks() {
    let m = "1 9 5 2 1 1 1/2; 1/9 1 1/3 1/9 1/9 1/9 1/9; 1/5 3 1 1/3 1/4 1/3 1/9; \
             1/2 9 3 1 1/2 1 1/3; 1 9 4 2 1 2 1/2; 1 9 3 1 1/2 1 1/3; 2 9 9 3 2 3 1";
    let r = ahp::analyze_str(m, RiTable::Saaty).unwrap();
    let published = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327];
    for (i, (w, p)) in r.weights.iter().zip(published).enumerate() {
        close(&format!("drink {i}"), *w, p, 5e-4);
    }
    close("CI (CR 0.022 × RI 1.35)", r.ci, 0.022 * 1.35, 0.0005 * 1.35);
    assert_eq!(r.ri, 1.32);
    assert!(r.consistent);
}

/// AHPy README "Purchasing a vehicle", criteria Cost, Safety, Style, Capacity with AHPy's
/// default Donegan–Dodd RI: weights 0.51, 0.234, 0.041, 0.215; CR 0.08.
#[test]
fn ahpy_vehicle_criteria_donegan_dodd() {
    let r = ahp::analyze_str(
        "1 3 7 3; 1/3 1 9 1; 1/7 1/9 1 1/7; 1/3 1 7 1",
        RiTable::DoneganDodd,
    )
    .unwrap();
    for (i, (w, p)) in r
        .weights
        .iter()
        .zip([0.51, 0.234, 0.041, 0.215])
        .enumerate()
    {
        close(&format!("criterion {i}"), *w, p, 5e-3);
    }
    close("cr", r.cr, 0.08, 5e-3);
    assert_eq!(r.ri, 0.8286);
}

/// AHPy README: a, b, c, d with (a,b)=1, (a,c)=5, (a,d)=2, (b,c)=3, (b,d)=4, (c,d)=3/4 gives
/// a 0.3742, b 0.3917, c 0.0991, d 0.1349, CR 0.0372 (Donegan–Dodd).
#[test]
fn ahpy_complete_four_by_four() {
    let text = "1 1 5 2; ? 1 3 4; ? ? 1 3/4; ? ? ? 1";
    let r = ahp::analyze_str(text, RiTable::DoneganDodd).unwrap();
    for (i, (w, p)) in r
        .weights
        .iter()
        .zip([0.3742, 0.3917, 0.0991, 0.1349])
        .enumerate()
    {
        close(&format!("element {i}"), *w, p, 5e-5);
    }
    close("cr", r.cr, 0.0372, 5e-5);
}

/// The same with (c,d) removed. AHPy completes it by Bozóki, Fülöp & Rónyai's λmax-optimal
/// completion and publishes a 0.3738, b 0.392, c 0.0985, d 0.1357; we use Harker's method, a
/// different (eigenvector-fixed-point) completion, so the weights agree to about 1e-3, not to
/// the published digits.
#[test]
fn ahpy_partial_four_by_four_harker_vs_optimal_completion() {
    let r = ahp::analyze_str("1 1 5 2; ? 1 3 4; ? ? 1 ?; ? ? ? 1", RiTable::DoneganDodd).unwrap();
    assert_eq!(r.missing, 1);
    for (i, (w, p)) in r
        .weights
        .iter()
        .zip([0.3738, 0.392, 0.0985, 0.1357])
        .enumerate()
    {
        close(&format!("element {i}"), *w, p, 2e-3);
    }
    let completed = r.completed.as_ref().unwrap();
    close(
        "completed c/d",
        completed[2][3],
        r.weights[2] / r.weights[3],
        1e-15,
    );
    close(
        "completed d/c",
        completed[3][2],
        r.weights[3] / r.weights[2],
        1e-15,
    );
}

#[test]
fn consistent_by_construction_gives_its_ratios_and_cr_zero() {
    let w = [0.4, 0.25, 0.2, 0.1, 0.05];
    let m = Matrix::from_weights(&w).unwrap();
    for table in RiTable::ALL {
        let r = ahp::analyze(&m, table).unwrap();
        assert_eq!((r.ci, r.cr, r.lambda_max), (0.0, 0.0, 5.0));
        for (a, b) in r.weights.iter().zip(w) {
            close("weight", *a, b, 1e-15);
        }
        assert!(
            r.inconsistent_judgements
                .iter()
                .all(|j| j.log_deviation < 1e-14)
        );
    }
    // Written as text with integer ratios, too.
    let r = ahp::analyze_str(
        "1 2 4 8; 1/2 1 2 4; 1/4 1/2 1 2; 1/8 1/4 1/2 1",
        RiTable::Saaty,
    )
    .unwrap();
    assert_eq!(r.cr, 0.0);
    for (a, b) in r
        .weights
        .iter()
        .zip([8.0 / 15.0, 4.0 / 15.0, 2.0 / 15.0, 1.0 / 15.0])
    {
        close("weight", *a, b, 1e-15);
    }
}

/// Harker by hand: a12 = 2, a23 = 3, a13 missing. Harker's matrix
/// [[2, 2, 0], [1/2, 1, 3], [0, 1/3, 2]] has C·(0.6, 0.3, 0.1) = 3·(0.6, 0.3, 0.1), so the
/// weights are (0.6, 0.3, 0.1), λmax = 3, and the completion a13 = 6 is the consistent one.
#[test]
fn harker_recovers_a_removed_consistent_entry() {
    let r = ahp::analyze_str("1 2 ?; 1/2 1 3; ? 1/3 1", RiTable::Saaty).unwrap();
    for (a, b) in r.weights.iter().zip([0.6, 0.3, 0.1]) {
        close("weight", *a, b, 1e-15);
    }
    assert_eq!((r.lambda_max, r.cr, r.missing), (3.0, 0.0, 1));
    close("a13", r.completed.as_ref().unwrap()[0][2], 6.0, 1e-13);

    // Larger: every entry of a consistent 5×5 removed in turn is recovered.
    let w = [0.35, 0.3, 0.15, 0.12, 0.08];
    for i in 0..5 {
        for j in i + 1..5 {
            let rows: Vec<Vec<Option<f64>>> = (0..5)
                .map(|r| {
                    (0..5)
                        .map(|c| ((r, c) != (i, j) && (r, c) != (j, i)).then(|| w[r] / w[c]))
                        .collect()
                })
                .collect();
            let res = ahp::analyze(&Matrix::from_rows(&rows).unwrap(), RiTable::Saaty).unwrap();
            for (a, b) in res.weights.iter().zip(w) {
                close("weight", *a, b, 1e-14);
            }
            close(
                "completed",
                res.completed.as_ref().unwrap()[i][j],
                w[i] / w[j],
                1e-12,
            );
            assert_eq!(res.cr, 0.0);
        }
    }
}

#[test]
fn group_geometric_mean_of_experts() {
    // Expert 1 consistent with (4, 2, 1)/7, expert 2 with (1, 2, 4)/7; the geometric mean of
    // consistent matrices is the consistent matrix of the geometric mean of the weights:
    // (2, 2, 2) → equal weights.
    let a = ahp::parse_matrix("1 2 4; 1/2 1 2; 1/4 1/2 1").unwrap();
    let b = ahp::parse_matrix("1 1/2 1/4; 2 1 1/2; 4 2 1").unwrap();
    let g = ahp::geometric_mean(&[a, b]).unwrap();
    let r = ahp::analyze(&g, RiTable::Saaty).unwrap();
    for w in &r.weights {
        close("weight", *w, 1.0 / 3.0, 1e-15);
    }
    // Inconsistent experts: entries are geometric means, and the result stays reciprocal.
    let a = ahp::parse_matrix("1 3 5; 1/3 1 3; 1/5 1/3 1").unwrap();
    let b = ahp::parse_matrix("1 5 9; 1/5 1 1; 1/9 1 1").unwrap();
    let g = ahp::geometric_mean(&[a, b]).unwrap();
    close("g12", g.get(0, 1).unwrap(), 15f64.sqrt(), 1e-14);
    close("g21", g.get(1, 0).unwrap(), 1.0 / 15f64.sqrt(), 1e-14);
    close("g13", g.get(0, 2).unwrap(), 45f64.sqrt(), 1e-14);
}

#[test]
fn most_inconsistent_judgement_comes_first() {
    // Consistent with (8, 4, 2, 1) except a24, which should be 4 and is given as 1/4.
    let r = ahp::analyze_str(
        "1 2 4 8; 1/2 1 2 1/4; 1/4 1/2 1 2; 1/8 4 1/2 1",
        RiTable::Saaty,
    )
    .unwrap();
    assert!(!r.consistent);
    let worst = &r.inconsistent_judgements[0];
    assert_eq!((worst.row, worst.column, worst.given), (2, 4, 0.25));
    // The bad judgement pulls the weights towards it, but they still imply more than it says.
    assert!(worst.implied > 0.25 && worst.ratio < 1.0, "{worst:?}");
    assert!(
        r.inconsistent_judgements
            .windows(2)
            .all(|w| w[0].log_deviation >= w[1].log_deviation)
    );
    assert_eq!(r.inconsistent_judgements.len(), 6);
}

/// The AHPy README's "Choosing a leader" (from Wikipedia's AHP leader example): four criteria,
/// three candidates under each. Our hierarchies are trees, so each candidate appears under each
/// criterion as its own leaf ("Experience/Moll"); summing a candidate's leaves gives AHPy's
/// target weights Nell 0.493, Moll 0.358, Sue 0.15, and the criteria weights are Experience
/// 0.548, Education 0.127, Charisma 0.27, Age 0.056 (AHPy, precision 3). AHPy rounds local
/// weights to that precision before multiplying down the tree (its targets add up to 1.001), so
/// the candidates' totals are compared to 1.5e-3; Wikipedia's example gives Sue (Harry) 0.149,
/// as we do.
#[test]
fn ahpy_leader_hierarchy() {
    let toml = r#"
goal = "Criteria"
[nodes.Criteria]
children = ["Experience", "Education", "Charisma", "Age"]
matrix = "1 4 3 7; 1/4 1 1/3 3; 1/3 3 1 5; 1/7 1/3 1/5 1"
[nodes.Experience]
children = ["Experience/Moll", "Experience/Nell", "Experience/Sue"]
matrix = "1 1/4 4; 4 1 9; 1/4 1/9 1"
[nodes.Education]
children = ["Education/Moll", "Education/Nell", "Education/Sue"]
matrix = "1 3 1/5; 1/3 1 1/7; 5 7 1"
[nodes.Charisma]
children = ["Charisma/Moll", "Charisma/Nell", "Charisma/Sue"]
matrix = "1 5 9; 1/5 1 4; 1/9 1/4 1"
[nodes.Age]
children = ["Age/Moll", "Age/Nell", "Age/Sue"]
matrix = "1 1/3 5; 3 1 9; 1/5 1/9 1"
"#;
    let r = Hierarchy::from_toml_str(toml).unwrap().analyze().unwrap();
    for (i, (w, p)) in r
        .goal
        .weights
        .iter()
        .zip([0.548, 0.127, 0.27, 0.056])
        .enumerate()
    {
        close(&format!("criterion {i}"), *w, p, 5e-4);
    }
    let candidate = |name: &str| -> f64 {
        r.global_weights
            .iter()
            .filter(|(leaf, _)| leaf.ends_with(&format!("/{name}")))
            .map(|(_, w)| w)
            .sum()
    };
    close("Nell", candidate("Nell"), 0.493, 1.5e-3);
    close("Moll", candidate("Moll"), 0.358, 1.5e-3);
    close("Sue", candidate("Sue"), 0.15, 1.5e-3);
    close("Sue (Wikipedia)", candidate("Sue"), 0.149, 5e-4);
    let experience = &r.nodes[1];
    assert_eq!(experience.name, "Experience");
    for (w, p) in experience.local_weights.iter().zip([0.217, 0.717, 0.066]) {
        close("experience local", *w, p, 5e-4);
    }
    // AHPy reports Experience CR 0.035 with Saaty 2005's RI 0.52 for n = 3.
    close(
        "experience CI",
        experience.analysis.ci,
        0.035 * 0.52,
        0.0005 * 0.52,
    );
    let total: f64 = r.global_weights.iter().map(|(_, w)| w).sum();
    close("sum", total, 1.0, 1e-14);
}

#[test]
fn example_hierarchy_file() {
    let text = include_str!("../examples/hierarchy.toml");
    let h = Hierarchy::from_toml_str(text).unwrap();
    assert_eq!(h.goal(), "customer value");
    let r = h.analyze().unwrap();
    let names: Vec<&str> = r.global_weights.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "revenue",
            "gross margin",
            "purchase frequency",
            "share-of-wallet gap",
            "revenue growth",
            "cross-sell breadth",
            "tenure",
            "repeat rate"
        ]
    );
    let total: f64 = r.global_weights.iter().map(|(_, w)| w).sum();
    close("sum", total, 1.0, 1e-14);
    // Global weight = local × parent's global weight.
    let goal_w = r.goal.weights.clone();
    let current = &r.nodes[1];
    assert_eq!(current.name, "current value");
    assert_eq!(current.experts, 2);
    close("current global", current.global_weight, goal_w[0], 0.0);
    close(
        "revenue",
        r.global_weight("revenue").unwrap(),
        current.local_weights[0] * goal_w[0],
        1e-16,
    );
    let potential = &r.nodes[2];
    assert_eq!(potential.analysis.missing, 1);
    // Harker with a12 = 2, a23 = 3 and a13 missing is the hand case above: (0.6, 0.3, 0.1).
    close("wallet gap local", potential.local_weights[0], 0.6, 1e-15);
    insta::assert_json_snapshot!(
        "example_hierarchy",
        rounded(serde_json::to_value(&r).unwrap())
    );
}

/// Rounds every number to 10 significant decimals so snapshots do not churn on the last bit.
fn rounded(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            let r = (x * 1e10).round() / 1e10;
            serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, rounded(v))).collect()),
        other => other,
    }
}

#[test]
fn hierarchy_matrix_error_names_node_and_expert() {
    let err = Hierarchy::from_toml_str(
        "[nodes.g]\nchildren = [\"a\", \"b\"]\nexperts = [\"1 2; 1/2 1\", \"1 2; 3 1\"]",
    )
    .unwrap_err();
    match &err {
        WeightsError::HierarchyMatrix {
            node,
            expert,
            source,
        } => {
            assert_eq!((node.as_str(), *expert), ("g", Some(1)));
            assert!(matches!(
                **source,
                WeightsError::NotReciprocal {
                    row: 2,
                    column: 1,
                    ..
                }
            ));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "hierarchy node `g`, expert 2: comparison matrix row 2, column 1: 3 is not the reciprocal of row 1, column 2 (2); their product 6 differs from 1 by more than 0.02"
    );
}
