//! AHP hierarchies read from TOML: goal → criteria → sub-criteria → … → leaves (indicators).
//!
//! The format is described, with an example, in the crate docs ("Hierarchy TOML") and in
//! `examples/hierarchy.toml`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize, Serializer};

use super::{AhpResult, Matrix, RiTable, analyze, geometric_mean, parse_matrix};
use crate::error::{Result, WeightsError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHierarchy {
    #[serde(default)]
    ri: RiTable,
    goal: Option<String>,
    nodes: BTreeMap<String, RawNode>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    children: Vec<String>,
    matrix: Option<String>,
    experts: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Node {
    name: String,
    children: Vec<String>,
    // Already combined across experts.
    matrix: Matrix,
    experts: usize,
}

/// A validated hierarchy: a tree whose inner nodes carry a comparison matrix of their children.
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    ri: RiTable,
    goal: String,
    // Depth-first from the goal, children in file order.
    nodes: Vec<Node>,
}

/// One inner node of an analyzed hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeResult {
    /// Node name.
    pub name: String,
    /// Global weight of the node itself (1 for the goal).
    pub global_weight: f64,
    /// Child names, in file order.
    pub children: Vec<String>,
    /// Local weights of the children (sum 1).
    pub local_weights: Vec<f64>,
    /// Global weights of the children: local × this node's global weight.
    pub child_global_weights: Vec<f64>,
    /// How many expert matrices were combined (1 for a single `matrix`, 0 for a lone child).
    pub experts: usize,
    /// The analysis of the node's (combined) matrix.
    pub analysis: AhpResult,
}

/// The analysis of a whole hierarchy. Serializes as the goal's matrix result (`weights`,
/// `lambda_max`, `ci`, `cr`, `consistent`, …) plus `all_consistent`, `global_weights` (leaf
/// name → weight, in tree order) and `nodes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HierarchyResult {
    /// The goal node's matrix analysis (its weights are the criteria's local weights).
    #[serde(flatten)]
    pub goal: AhpResult,
    /// Every node's matrix has CR < 0.1.
    pub all_consistent: bool,
    /// Leaf name → global weight (sums to 1), depth-first in file order.
    #[serde(serialize_with = "ordered_map")]
    pub global_weights: Vec<(String, f64)>,
    /// Every inner node, depth-first from the goal.
    pub nodes: Vec<NodeResult>,
}

impl HierarchyResult {
    /// Global weight of a leaf by name.
    pub fn global_weight(&self, leaf: &str) -> Option<f64> {
        self.global_weights
            .iter()
            .find(|(name, _)| name == leaf)
            .map(|(_, w)| *w)
    }
}

fn ordered_map<S: Serializer>(pairs: &[(String, f64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

impl Hierarchy {
    /// Parses and validates a hierarchy (format in the crate docs).
    ///
    /// # Errors
    /// [`WeightsError::HierarchyToml`] for TOML syntax or unknown keys (with line and column);
    /// [`WeightsError::Hierarchy`] for structural problems (no or several roots, unknown goal,
    /// a node reached twice or in a cycle, a node not reachable from the goal, a matrix whose
    /// size differs from the number of children, both or neither of `matrix`/`experts`);
    /// [`WeightsError::HierarchyMatrix`] for a bad matrix, naming node and expert.
    pub fn from_toml_str(text: &str) -> Result<Hierarchy> {
        let raw: RawHierarchy = toml::from_str(text).map_err(|e| WeightsError::HierarchyToml {
            message: e.to_string().trim_end().to_owned(),
        })?;
        let goal = match raw.goal {
            Some(goal) => {
                if !raw.nodes.contains_key(&goal) {
                    return Err(hierarchy_error(
                        &goal,
                        "the goal has no [nodes.\"…\"] table",
                    ));
                }
                goal
            }
            None => infer_goal(&raw.nodes)?,
        };
        let mut nodes = Vec::new();
        // name → parent that listed it, to report a node reached twice.
        let mut parent_of: HashMap<String, String> = HashMap::new();
        let mut stack = vec![goal.clone()];
        while let Some(name) = stack.pop() {
            let Some(raw_node) = raw.nodes.get(&name) else {
                continue; // a leaf
            };
            let node = build_node(&name, raw_node)?;
            for child in &node.children {
                if child == &goal {
                    return Err(hierarchy_error(&name, "lists the goal as a child (cycle)"));
                }
                if let Some(first) = parent_of.insert(child.clone(), name.clone()) {
                    return Err(hierarchy_error(
                        child,
                        &format!(
                            "is a child of both `{first}` and `{name}` (a hierarchy is a tree; repeat the indicator under another name if it really belongs to two criteria)"
                        ),
                    ));
                }
            }
            // Reverse so the stack pops children in file order.
            stack.extend(node.children.iter().rev().cloned());
            nodes.push(node);
        }
        if let Some(orphan) = raw
            .nodes
            .keys()
            .find(|k| **k != goal && !parent_of.contains_key(*k))
        {
            return Err(hierarchy_error(orphan, "is not reachable from the goal"));
        }
        Ok(Hierarchy {
            ri: raw.ri,
            goal,
            nodes,
        })
    }

    /// Replaces the random-index table given in the file (e.g. from a `--ri` flag).
    pub fn with_ri(mut self, table: RiTable) -> Hierarchy {
        self.ri = table;
        self
    }

    /// The random-index table in use.
    pub fn ri(&self) -> RiTable {
        self.ri
    }

    /// The goal (root) node's name.
    pub fn goal(&self) -> &str {
        &self.goal
    }

    /// Leaf names, depth-first in file order.
    pub fn leaves(&self) -> Vec<String> {
        let inner: HashMap<&str, &Node> = self.nodes.iter().map(|n| (n.name.as_str(), n)).collect();
        let mut out = Vec::new();
        let mut stack = vec![self.goal.as_str()];
        while let Some(name) = stack.pop() {
            match inner.get(name) {
                Some(node) => stack.extend(node.children.iter().rev().map(String::as_str)),
                None => out.push(name.to_owned()),
            }
        }
        out
    }

    /// Local weights of every node and global weights of the leaves.
    ///
    /// # Errors
    /// A node's matrix cannot be analyzed (disconnected incomplete matrix, size beyond the RI
    /// table), reported with the node name.
    pub fn analyze(&self) -> Result<HierarchyResult> {
        let mut global: HashMap<&str, f64> = HashMap::from([(self.goal.as_str(), 1.0)]);
        let mut results = Vec::with_capacity(self.nodes.len());
        // Nodes are stored parent-before-child, so a node's global weight is known on arrival.
        for node in &self.nodes {
            let analysis =
                analyze(&node.matrix, self.ri).map_err(|e| WeightsError::HierarchyMatrix {
                    node: node.name.clone(),
                    expert: None,
                    source: Box::new(e),
                })?;
            let g = global.get(node.name.as_str()).copied().unwrap_or(0.0);
            let child_global: Vec<f64> = analysis.weights.iter().map(|w| w * g).collect();
            for (child, w) in node.children.iter().zip(&child_global) {
                global.insert(child.as_str(), *w);
            }
            results.push(NodeResult {
                name: node.name.clone(),
                global_weight: g,
                children: node.children.clone(),
                local_weights: analysis.weights.clone(),
                child_global_weights: child_global,
                experts: node.experts,
                analysis,
            });
        }
        let global_weights = self
            .leaves()
            .into_iter()
            .map(|leaf| {
                let w = global.get(leaf.as_str()).copied().unwrap_or(0.0);
                (leaf, w)
            })
            .collect();
        let all_consistent = results.iter().all(|r| r.analysis.consistent);
        let goal = results
            .first()
            .map(|r| r.analysis.clone())
            .ok_or_else(|| hierarchy_error(&self.goal, "has no children"))?;
        Ok(HierarchyResult {
            goal,
            all_consistent,
            global_weights,
            nodes: results,
        })
    }
}

fn hierarchy_error(node: &str, message: &str) -> WeightsError {
    WeightsError::Hierarchy {
        node: node.to_owned(),
        message: message.to_owned(),
    }
}

/// The goal is the only node that is nobody's child.
fn infer_goal(nodes: &BTreeMap<String, RawNode>) -> Result<String> {
    let children: std::collections::HashSet<&String> =
        nodes.values().flat_map(|n| &n.children).collect();
    let roots: Vec<&String> = nodes.keys().filter(|k| !children.contains(k)).collect();
    match roots.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(hierarchy_error(
            "(goal)",
            "every node is some node's child (cycle); set `goal = \"…\"`",
        )),
        several => Err(hierarchy_error(
            "(goal)",
            &format!(
                "several nodes are nobody's child ({}); set `goal = \"…\"` or link them",
                several
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn build_node(name: &str, raw: &RawNode) -> Result<Node> {
    let k = raw.children.len();
    if k == 0 {
        return Err(hierarchy_error(
            name,
            "has an empty `children` list (leaves need no table)",
        ));
    }
    for (i, c) in raw.children.iter().enumerate() {
        if raw.children[..i].contains(c) {
            return Err(hierarchy_error(name, &format!("lists child `{c}` twice")));
        }
    }
    let wrap = |expert: Option<usize>| {
        move |e: WeightsError| WeightsError::HierarchyMatrix {
            node: name.to_owned(),
            expert,
            source: Box::new(e),
        }
    };
    let (matrix, experts) = match (&raw.matrix, &raw.experts) {
        (Some(_), Some(_)) => {
            return Err(hierarchy_error(
                name,
                "give either `matrix` or `experts`, not both",
            ));
        }
        (Some(text), None) => (parse_matrix(text).map_err(wrap(None))?, 1),
        (None, Some(list)) if !list.is_empty() => {
            let ms = list
                .iter()
                .enumerate()
                .map(|(e, text)| parse_matrix(text).map_err(wrap(Some(e))))
                .collect::<Result<Vec<_>>>()?;
            for (e, m) in ms.iter().enumerate() {
                check_size(name, Some(e), m, k)?;
            }
            (geometric_mean(&ms).map_err(wrap(None))?, list.len())
        }
        (None, Some(_)) => return Err(hierarchy_error(name, "has an empty `experts` list")),
        // A lone child needs no comparison: its local weight is 1.
        (None, None) if k == 1 => (parse_matrix("1").map_err(wrap(None))?, 0),
        (None, None) => {
            return Err(hierarchy_error(
                name,
                &format!("has {k} children but no `matrix` or `experts` comparing them"),
            ));
        }
    };
    check_size(name, None, &matrix, k)?;
    Ok(Node {
        name: name.to_owned(),
        children: raw.children.clone(),
        matrix,
        experts,
    })
}

fn check_size(name: &str, expert: Option<usize>, m: &Matrix, k: usize) -> Result<()> {
    if m.n() == k {
        return Ok(());
    }
    let who = expert
        .map(|e| format!("expert {}'s ", e + 1))
        .unwrap_or_default();
    Err(hierarchy_error(
        name,
        &format!(
            "{who}matrix is {n}×{n} but the node has {k} children",
            n = m.n()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_LEVELS: &str = r#"
goal = "value"
[nodes.value]
children = ["current", "potential"]
matrix = "1 3; 1/3 1"
[nodes.current]
children = ["revenue", "margin"]
matrix = "1 1; 1 1"
[nodes.potential]
children = ["growth"]
"#;

    #[test]
    fn global_weights_multiply_down_the_tree() {
        let h = Hierarchy::from_toml_str(TWO_LEVELS).unwrap();
        assert_eq!(h.leaves(), vec!["revenue", "margin", "growth"]);
        let r = h.analyze().unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(r.global_weight("revenue").unwrap(), 0.375));
        assert!(close(r.global_weight("margin").unwrap(), 0.375));
        assert!(close(r.global_weight("growth").unwrap(), 0.25));
        assert!(r.all_consistent);
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["global_weights"]["growth"].is_number());
        assert!(json["weights"].is_array() && json["consistent"].is_boolean());
    }

    #[test]
    fn structural_errors_name_the_node() {
        let err = |text: &str| Hierarchy::from_toml_str(text).unwrap_err();
        let e = err("[nodes.a]\nchildren = [\"x\", \"y\"]\nmatrix = \"1 2 3; 1/2 1 1; 1/3 1 1\"");
        assert!(
            matches!(&e, WeightsError::Hierarchy { node, .. } if node == "a"),
            "{e}"
        );
        let e = err("[nodes.a]\nchildren = [\"x\", \"y\"]");
        assert!(e.to_string().contains("no `matrix`"), "{e}");
        let e = err(
            "[nodes.a]\nchildren = [\"b\", \"c\"]\nmatrix = \"1 2; 1/2 1\"\n[nodes.b]\nchildren = [\"c\"]",
        );
        assert!(e.to_string().contains("child of both"), "{e}");
        let e = err("[nodes.a]\nchildren = [\"x\"]\n[nodes.b]\nchildren = [\"y\"]");
        assert!(e.to_string().contains("several nodes"), "{e}");
        let e =
            err("[nodes.a]\nchildren = [\"x\", \"y\"]\nexperts = [\"1 2; 1/2 1\", \"1 z; 1 1\"]");
        assert!(
            matches!(&e, WeightsError::HierarchyMatrix { node, expert: Some(1), .. } if node == "a"),
            "{e}"
        );
        assert!(e.to_string().contains("expert 2"), "{e}");
        let e = err("[nodes.a]\nchildren = [\"x\"]\nweights = [1]");
        assert!(matches!(e, WeightsError::HierarchyToml { .. }), "{e}");
        let e = err("goal = \"a\"\n[nodes.a]\nchildren = [\"b\"]\n[nodes.b]\nchildren = [\"a\"]");
        assert!(e.to_string().contains("cycle"), "{e}");
    }
}
