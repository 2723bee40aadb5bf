//! Behavioural clusters (行为特征分类): k-means on standardized features, k chosen by the
//! highest mean silhouette, each cluster described in words.
//!
//! Steps, all deterministic for a given seed:
//! 1. **Missing values** (NaN, ±∞) are imputed with the column median of the known values (0
//!    for a column with none); [`Standardization::imputed`] counts them per feature and
//!    [`Clustering::selection_en`] says so. The median rather than the mean, because spend and
//!    recency are skewed and a few large customers would drag a mean.
//! 2. **z-scores**: each column minus its mean, over its population standard deviation. A
//!    constant column gets z = 0 everywhere (no division by zero, no NaN).
//! 3. **Fit sample**: at most `sample` rows (default 20 000) drawn without replacement by a
//!    seeded partial Fisher–Yates shuffle. Lloyd's algorithm is O(n·k·d) per iteration;
//!    fitting on a sample and then assigning every customer to the nearest centroid keeps a
//!    million customers × 6 features × k = 2…8 at about 0.5 s (clustered data) to 0.9 s
//!    (structureless data, the slowest to converge) on one core of a busy 2-core machine
//!    (release build; the ignored `one_million_*` tests measure it).
//! 4. **For each k** in `k_min..=k_max` (capped below the sample size): `restarts` runs of
//!    k-means++ seeding and Lloyd iterations, the lowest inertia kept; then the exact mean
//!    silhouette on the first ≤ `silhouette_sample` (3 000) rows of the shuffled fit sample.
//!    The exact silhouette is O(s²); pairwise distances are computed once and reused for
//!    every k.
//! 5. **k** with the highest mean silhouette wins (the smaller k on ties).
//! 6. **Every customer** is assigned to the nearest centroid of that fit; clusters are then
//!    renumbered by size, largest first (ties by fitted order), so ids are stable for a seed.
//! 7. **Words** from the centroid z-scores ([`describe`]).
//!
//! `centroids_raw` are the fitted centroids mapped back to the original units
//! (`mean + sd · z`, on the imputed data).

pub mod describe;
mod lloyd;

use serde::{Deserialize, Serialize};

use crate::ClassifyError;
use crate::explain::fixed;
use crate::rng::{SplitMix64, derive_seed};
use custval_base::quantile::median;

pub use describe::{ClusterTrait, Level};

/// A feature column: its id and the words used to describe clusters with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// Column id, e.g. `spend_12m`.
    pub name: String,
    /// English words, e.g. "12-month spend" (defaults to the id).
    pub label_en: String,
    /// Chinese words, e.g. "近12个月消费额" (defaults to the id).
    pub label_zh: String,
}

impl FeatureSpec {
    /// A feature described by its id in both languages.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        Self {
            label_en: name.clone(),
            label_zh: name.clone(),
            name,
        }
    }

    /// Sets the English and Chinese words.
    pub fn with_labels(mut self, en: impl Into<String>, zh: impl Into<String>) -> Self {
        self.label_en = en.into();
        self.label_zh = zh.into();
        self
    }
}

/// Settings of [`kmeans_cluster`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KMeansConfig {
    /// Smallest k tried (≥ 2: the silhouette needs two clusters). Default 2.
    pub k_min: usize,
    /// Largest k tried. Default 8.
    pub k_max: usize,
    /// Seed of every random choice. Default 20240601.
    pub seed: u64,
    /// Rows the model is fitted on at most. Default 20 000.
    pub sample: usize,
    /// Rows the silhouette is computed on at most. Default 3 000.
    pub silhouette_sample: usize,
    /// Lloyd updates per run at most. Default 100.
    pub max_iter: usize,
    /// k-means++ runs per k; the lowest inertia is kept. Default 4.
    pub restarts: usize,
    /// Stop when the centroids move less than this in total squared z units. Default 1e-4,
    /// scikit-learn's rule (its tolerance times the mean feature variance, which is 1 in z-scores).
    pub tol: f64,
}

impl Default for KMeansConfig {
    fn default() -> Self {
        Self {
            k_min: 2,
            k_max: 8,
            seed: 20_240_601,
            sample: 20_000,
            silhouette_sample: 3_000,
            max_iter: 100,
            restarts: 4,
            tol: 1e-4,
        }
    }
}

impl KMeansConfig {
    /// Checks the ranges (see the field docs).
    pub fn validate(&self) -> Result<(), ClassifyError> {
        let bad = |field, value: usize, reason| {
            Err(ClassifyError::Config {
                field,
                value: value as f64,
                reason,
            })
        };
        if self.k_min < 2 {
            return bad("k_min", self.k_min, "must be at least 2");
        }
        if self.k_max < self.k_min {
            return bad("k_max", self.k_max, "must be at least k_min");
        }
        if self.sample <= self.k_min {
            return bad("sample", self.sample, "must exceed k_min");
        }
        if self.silhouette_sample <= self.k_min {
            return bad(
                "silhouette_sample",
                self.silhouette_sample,
                "must exceed k_min",
            );
        }
        if self.max_iter == 0 {
            return bad("max_iter", 0, "must be at least 1");
        }
        if self.restarts == 0 {
            return bad("restarts", 0, "must be at least 1");
        }
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(ClassifyError::Config {
                field: "tol",
                value: self.tol,
                reason: "must be a finite number ≥ 0",
            });
        }
        Ok(())
    }
}

/// How raw features were turned into z-scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardization {
    /// Median of the known values per feature (the imputed value; 0 when none is known).
    pub medians: Vec<f64>,
    /// Mean per feature after imputation.
    pub means: Vec<f64>,
    /// Population standard deviation per feature after imputation (0 for a constant column).
    pub sds: Vec<f64>,
    /// Missing values filled with the median, per feature.
    pub imputed: Vec<usize>,
}

impl Standardization {
    fn fit(data: &[f64], n: usize, d: usize) -> Self {
        let mut medians = Vec::with_capacity(d);
        let mut means = Vec::with_capacity(d);
        let mut sds = Vec::with_capacity(d);
        let mut imputed = Vec::with_capacity(d);
        let mut column = Vec::with_capacity(n);
        for j in 0..d {
            column.clear();
            column.extend((0..n).map(|i| data[i * d + j]));
            let med = median(&column).unwrap_or(0.0);
            let value = |x: f64| if x.is_finite() { x } else { med };
            let mean = column.iter().map(|x| value(*x)).sum::<f64>() / n as f64;
            let var = column
                .iter()
                .map(|x| (value(*x) - mean) * (value(*x) - mean))
                .sum::<f64>()
                / n as f64;
            medians.push(med);
            means.push(mean);
            // Rounding can leave a constant column with a variance of 1e-30; call it constant.
            let sd = var.sqrt();
            sds.push(if sd > 1e-12 * (1.0 + mean.abs()) {
                sd
            } else {
                0.0
            });
            imputed.push(column.iter().filter(|x| !x.is_finite()).count());
        }
        Self {
            medians,
            means,
            sds,
            imputed,
        }
    }

    /// z-scores of one raw row into `out`.
    fn z_row(&self, raw: &[f64], out: &mut [f64]) {
        for (j, (z, x)) in out.iter_mut().zip(raw).enumerate() {
            let x = if x.is_finite() { *x } else { self.medians[j] };
            *z = if self.sds[j] > 0.0 {
                (x - self.means[j]) / self.sds[j]
            } else {
                0.0
            };
        }
    }

    /// z-scores of one raw row (missing values imputed with the fitted medians).
    pub fn z_scores(&self, raw: &[f64]) -> Vec<f64> {
        let mut z = vec![0.0; raw.len().min(self.means.len())];
        self.z_row(raw, &mut z);
        z
    }

    fn raw_of(&self, z: &[f64]) -> Vec<f64> {
        z.iter()
            .enumerate()
            .map(|(j, z)| self.means[j] + self.sds[j] * z)
            .collect()
    }
}

/// The cluster of one raw row against fitted centroids (z-scores, one per cluster id): the
/// nearest one, as [`kmeans_cluster`] labels every customer. Lets a customer be placed between
/// runs without refitting. `None` without centroids.
pub fn nearest_cluster(
    standardization: &Standardization,
    centroids_z: &[Vec<f64>],
    raw: &[f64],
) -> Option<u32> {
    let z = standardization.z_scores(raw);
    let d = z.len();
    let flat: Vec<f64> = centroids_z.iter().flat_map(|c| c.iter().copied()).collect();
    if d == 0 || centroids_z.is_empty() || flat.len() != d * centroids_z.len() {
        return None;
    }
    Some(lloyd::nearest(&z, &flat, d).0)
}

/// The chosen clustering of all customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    /// Number of clusters chosen.
    pub k: usize,
    /// Mean silhouette for every k tried, ascending k.
    pub silhouette_by_k: Vec<(usize, f64)>,
    /// Inertia (sum of squared z distances on the fit sample) for every k tried.
    pub inertia_by_k: Vec<(usize, f64)>,
    /// Cluster of every customer, in input order (0-based ids, largest cluster first).
    pub labels: Vec<u32>,
    /// Centroids in z-scores, one per cluster id.
    pub centroids_z: Vec<Vec<f64>>,
    /// Centroids in the features' own units (`mean + sd · z`).
    pub centroids_raw: Vec<Vec<f64>>,
    /// Customers per cluster id.
    pub sizes: Vec<usize>,
    /// The features named in each description, strongest first.
    pub traits: Vec<Vec<ClusterTrait>>,
    /// Each cluster in English words, e.g. "very high 12-month spend, low days since last order".
    pub descriptions_en: Vec<String>,
    /// Each cluster in Chinese words.
    pub descriptions_zh: Vec<String>,
    /// The feature columns, as given.
    pub features: Vec<FeatureSpec>,
    /// Imputation and scaling used.
    pub standardization: Standardization,
    /// Rows the model was fitted on.
    pub fit_sample_size: usize,
    /// Rows the silhouette was computed on.
    pub silhouette_sample_size: usize,
}

impl Clustering {
    /// Why customer `i` is in its cluster, in English; `None` for an index out of range.
    pub fn rule_en(&self, i: usize) -> Option<String> {
        let c = *self.labels.get(i)? as usize;
        Some(format!(
            "nearest centroid: cluster {c} of {} ({})",
            self.k,
            self.descriptions_en.get(c)?
        ))
    }

    /// Why customer `i` is in its cluster, in Chinese; `None` for an index out of range.
    pub fn rule_zh(&self, i: usize) -> Option<String> {
        let c = *self.labels.get(i)? as usize;
        Some(format!(
            "距离最近的聚类中心：第 {c} 类（共 {} 类）：{}",
            self.k,
            self.descriptions_zh.get(c)?
        ))
    }

    fn tried(&self) -> String {
        self.silhouette_by_k
            .iter()
            .map(|(k, s)| format!("k={k}: {}", fixed(*s, 3)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn chosen_silhouette(&self) -> f64 {
        self.silhouette_by_k
            .iter()
            .find(|(k, _)| *k == self.k)
            .map_or(f64::NAN, |(_, s)| *s)
    }

    /// How k was chosen and what was imputed, in English.
    pub fn selection_en(&self) -> String {
        let mut s = format!(
            "k = {} chosen by the highest mean silhouette ({}) on {} sampled customers, model fitted on {} (tried {})",
            self.k,
            fixed(self.chosen_silhouette(), 3),
            self.silhouette_sample_size,
            self.fit_sample_size,
            self.tried()
        );
        let filled: Vec<String> = self
            .features
            .iter()
            .zip(&self.standardization.imputed)
            .filter(|(_, n)| **n > 0)
            .map(|(f, n)| format!("{} {n}", f.name))
            .collect();
        if !filled.is_empty() {
            s.push_str(&format!(
                "; missing values filled with the column median: {}",
                filled.join(", ")
            ));
        }
        s
    }

    /// How k was chosen and what was imputed, in Chinese.
    pub fn selection_zh(&self) -> String {
        let mut s = format!(
            "按平均轮廓系数最高选择聚为 {} 类（{}，在 {} 个抽样客户上计算，模型基于 {} 个客户拟合；各类数的轮廓系数：{}）",
            self.k,
            fixed(self.chosen_silhouette(), 3),
            self.silhouette_sample_size,
            self.fit_sample_size,
            self.silhouette_by_k
                .iter()
                .map(|(k, s)| format!("{k} 类 {}", fixed(*s, 3)))
                .collect::<Vec<_>>()
                .join("，")
        );
        let filled: Vec<String> = self
            .features
            .iter()
            .zip(&self.standardization.imputed)
            .filter(|(_, n)| **n > 0)
            .map(|(f, n)| format!("{} {n} 个", f.label_zh))
            .collect();
        if !filled.is_empty() {
            s.push_str(&format!("；缺失值以该列中位数填补：{}", filled.join("，")));
        }
        s
    }
}

/// Rows `0..n` with the first `m` positions a uniform random sample, in random order.
fn shuffled_sample(n: usize, m: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for i in 0..m.min(n.saturating_sub(1)) {
        let j = i + rng.below(n - i);
        idx.swap(i, j);
    }
    idx.truncate(m);
    idx
}

/// The k tried, with their silhouettes and inertias, and the fit of the best silhouette.
struct KSearch {
    silhouette_by_k: Vec<(usize, f64)>,
    inertia_by_k: Vec<(usize, f64)>,
    best: Option<lloyd::Fit>,
}

/// Fits every k from `k_min` to `k_max` (at most `s − 1`) on the standardized sample `fit_z`,
/// keeping per k the restart of least inertia, and scores each on the first `s` points'
/// silhouette (`dists`).
fn search_k(fit_z: &[f64], d: usize, dists: &[f32], s: usize, cfg: &KMeansConfig) -> KSearch {
    let k_hi = cfg.k_max.min(s - 1);
    let mut silhouette_by_k = Vec::new();
    let mut inertia_by_k = Vec::new();
    let mut best: Option<(f64, lloyd::Fit)> = None;
    for k in cfg.k_min..=k_hi {
        let mut chosen: Option<lloyd::Fit> = None;
        for r in 0..cfg.restarts {
            let mut rng = SplitMix64::new(derive_seed(&[cfg.seed, k as u64, r as u64]));
            let f = lloyd::fit(fit_z, d, k, &mut rng, cfg.max_iter, cfg.tol);
            if chosen.as_ref().is_none_or(|c| f.inertia < c.inertia) {
                chosen = Some(f);
            }
        }
        let Some(f) = chosen else { continue };
        let sil = lloyd::mean_silhouette(dists, &f.labels[..s], k);
        silhouette_by_k.push((k, sil));
        inertia_by_k.push((k, f.inertia));
        if best.as_ref().is_none_or(|(b, _)| sil > *b) {
            best = Some((sil, f));
        }
    }
    KSearch {
        silhouette_by_k,
        inertia_by_k,
        best: best.map(|(_, f)| f),
    }
}

/// Every customer to the nearest of the `k` fitted centroids, clusters renumbered largest
/// first (fitted order on ties). Returns the labels, the sizes by fitted cluster and the
/// fitted clusters in their new order.
fn assign(
    data: &[f64],
    d: usize,
    std: &Standardization,
    centroids: &[f64],
    k: usize,
) -> (Vec<u32>, Vec<usize>, Vec<usize>) {
    let mut labels = Vec::with_capacity(data.len() / d);
    let mut sizes = vec![0usize; k];
    let mut z = vec![0.0; d];
    for raw in data.chunks_exact(d) {
        std.z_row(raw, &mut z);
        let (c, _) = lloyd::nearest(&z, centroids, d);
        sizes[c as usize] += 1;
        labels.push(c);
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|a, b| sizes[*b].cmp(&sizes[*a]).then(a.cmp(b)));
    let mut new_id = vec![0u32; k];
    for (new, old) in order.iter().enumerate() {
        new_id[*old] = new as u32;
    }
    for l in &mut labels {
        *l = new_id[*l as usize];
    }
    (labels, sizes, order)
}

/// Clusters `n` customers described by `features.len()` columns of the row-major matrix
/// `data` (n × d, NaN = missing). See the module header for the method.
///
/// Errors: `d == 0`, a matrix length that is not a multiple of `d`, fewer than `k_min + 1`
/// customers, or an invalid configuration.
pub fn kmeans_cluster(
    features: &[FeatureSpec],
    data: &[f64],
    cfg: &KMeansConfig,
) -> Result<Clustering, ClassifyError> {
    cfg.validate()?;
    let d = features.len();
    if d == 0 {
        return Err(ClassifyError::NoFeatures);
    }
    if data.len() % d != 0 {
        return Err(ClassifyError::Shape { len: data.len(), d });
    }
    let n = data.len() / d;
    if n < cfg.k_min + 1 {
        return Err(ClassifyError::TooFewPoints {
            n,
            needed: cfg.k_min + 1,
            k_min: cfg.k_min,
        });
    }
    let std = Standardization::fit(data, n, d);

    let m = n.min(cfg.sample);
    let mut rng = SplitMix64::new(derive_seed(&[cfg.seed, 0x5A3F]));
    let rows = shuffled_sample(n, m, &mut rng);
    let mut fit_z = vec![0.0; m * d];
    for (out, &i) in fit_z.chunks_exact_mut(d).zip(&rows) {
        std.z_row(&data[i * d..(i + 1) * d], out);
    }
    drop(rows);
    let s = m.min(cfg.silhouette_sample);
    let dists = lloyd::condensed_distances(&fit_z, d, s);

    let search = search_k(&fit_z, d, &dists, s, cfg);
    let Some(fit) = search.best else {
        return Err(ClassifyError::TooFewPoints {
            n,
            needed: cfg.k_min + 1,
            k_min: cfg.k_min,
        });
    };
    let k = fit.centroids.len() / d;

    let (labels, sizes, order) = assign(data, d, &std, &fit.centroids, k);
    let centroids_z: Vec<Vec<f64>> = order
        .iter()
        .map(|c| fit.centroids[c * d..(c + 1) * d].to_vec())
        .collect();
    let centroids_raw = centroids_z.iter().map(|c| std.raw_of(c)).collect();
    let sizes = order.iter().map(|c| sizes[*c]).collect();
    let traits: Vec<Vec<ClusterTrait>> = centroids_z.iter().map(|c| describe::traits(c)).collect();
    let descriptions_en = traits
        .iter()
        .map(|t| describe::describe_en(t, features))
        .collect();
    let descriptions_zh = traits
        .iter()
        .map(|t| describe::describe_zh(t, features))
        .collect();

    Ok(Clustering {
        k,
        silhouette_by_k: search.silhouette_by_k,
        inertia_by_k: search.inertia_by_k,
        labels,
        centroids_z,
        centroids_raw,
        sizes,
        traits,
        descriptions_en,
        descriptions_zh,
        features: features.to_vec(),
        standardization: std,
        fit_sample_size: m,
        silhouette_sample_size: s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `per` points around each centre, uniform noise of ±`spread` per coordinate.
    fn blobs(centres: &[&[f64]], per: usize, spread: f64, seed: u64) -> (Vec<f64>, Vec<usize>) {
        let mut rng = SplitMix64::new(seed);
        let mut data = Vec::new();
        let mut truth = Vec::new();
        for i in 0..per * centres.len() {
            // Interleave blobs so input order says nothing about membership.
            let b = i % centres.len();
            for c in centres[b] {
                data.push(c + spread * (2.0 * rng.next_f64() - 1.0));
            }
            truth.push(b);
        }
        (data, truth)
    }

    fn recovered(labels: &[u32], truth: &[usize], k: usize) -> bool {
        let mut map = vec![None; k];
        for (l, t) in labels.iter().zip(truth) {
            match map[*t] {
                None => map[*t] = Some(*l),
                Some(m) if m != *l => return false,
                _ => {}
            }
        }
        let mut seen: Vec<u32> = map.iter().flatten().copied().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len() == k
    }

    fn spend_features() -> Vec<FeatureSpec> {
        vec![
            FeatureSpec::new("spend_12m").with_labels("12-month spend", "近12个月消费额"),
            FeatureSpec::new("recency_days").with_labels("days since last order", "距上次购买天数"),
        ]
    }

    #[test]
    fn three_blobs_give_k_3_and_every_point_back() {
        let (data, truth) = blobs(&[&[0.0, 0.0], &[20.0, 0.0], &[10.0, 30.0]], 100, 1.0, 3);
        let c = kmeans_cluster(&spend_features(), &data, &KMeansConfig::default()).unwrap();
        assert_eq!(c.k, 3, "{:?}", c.silhouette_by_k);
        assert!(recovered(&c.labels, &truth, 3));
        assert_eq!(c.sizes, [100, 100, 100]);
        assert_eq!(c.silhouette_by_k.len(), 7);
        assert_eq!(c.silhouette_by_k[0].0, 2);
        let best = c
            .silhouette_by_k
            .iter()
            .map(|s| s.1)
            .fold(f64::MIN, f64::max);
        assert_eq!(c.silhouette_by_k[1].1, best);
        assert!(
            best > 0.8,
            "well separated blobs have a high silhouette: {best}"
        );
        // The blob at (10, 30): second feature 0, 0, 30 has mean 10 and sd √200, so its
        // z ≈ 1.41 ("high", not yet "very high"); on the first feature it sits at the mean.
        let top = c.centroids_raw.iter().position(|r| r[1] > 20.0).unwrap();
        assert_eq!(c.descriptions_en[top], "high days since last order");
        assert_eq!(c.descriptions_zh[top], "距上次购买天数较高");
        assert!((c.centroids_raw[top][0] - 10.0).abs() < 0.5);
        let i = c.labels.iter().position(|l| *l as usize == top).unwrap();
        assert!(
            c.rule_en(i)
                .unwrap()
                .starts_with(&format!("nearest centroid: cluster {top} of 3"))
        );
        assert!(c.rule_zh(i).unwrap().contains("共 3 类"));
        assert_eq!(c.rule_en(data.len()), None);
        assert!(
            c.selection_en()
                .starts_with("k = 3 chosen by the highest mean silhouette")
        );
        assert!(
            c.selection_zh()
                .starts_with("按平均轮廓系数最高选择聚为 3 类")
        );
    }

    #[test]
    fn sampled_fit_assigns_every_customer() {
        let centres: [&[f64]; 4] = [
            &[0.0, 0.0, 0.0],
            &[10.0, 0.0, 5.0],
            &[0.0, 10.0, -5.0],
            &[10.0, 10.0, 10.0],
        ];
        let (data, truth) = blobs(&centres, 5_000, 1.0, 11);
        let cfg = KMeansConfig {
            sample: 2_000,
            silhouette_sample: 500,
            ..KMeansConfig::default()
        };
        let features: Vec<FeatureSpec> =
            ["a", "b", "c"].into_iter().map(FeatureSpec::new).collect();
        let c = kmeans_cluster(&features, &data, &cfg).unwrap();
        assert_eq!(c.fit_sample_size, 2_000);
        assert_eq!(c.silhouette_sample_size, 500);
        assert_eq!(c.k, 4);
        assert_eq!(c.labels.len(), 20_000);
        assert!(recovered(&c.labels, &truth, 4));
        assert_eq!(c.sizes.iter().sum::<usize>(), 20_000);
        assert!(c.sizes.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn same_seed_same_clustering() {
        let (data, _) = blobs(&[&[0.0, 0.0], &[3.0, 3.0], &[0.0, 4.0]], 80, 2.0, 5);
        let cfg = KMeansConfig {
            seed: 99,
            ..KMeansConfig::default()
        };
        let a = kmeans_cluster(&spend_features(), &data, &cfg).unwrap();
        let b = kmeans_cluster(&spend_features(), &data, &cfg).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn constant_and_missing_columns_stay_finite() {
        let (mut data, truth) = blobs(&[&[0.0, 7.0, 0.0], &[20.0, 7.0, 0.0]], 50, 1.0, 8);
        // Second column constant, third entirely missing, a few missing values in the first.
        for (i, row) in data.chunks_exact_mut(3).enumerate() {
            row[1] = 7.0;
            row[2] = f64::NAN;
            if i % 10 == 0 {
                row[0] = f64::NAN;
            }
        }
        let features: Vec<FeatureSpec> = ["x", "constant", "missing"]
            .into_iter()
            .map(FeatureSpec::new)
            .collect();
        let cfg = KMeansConfig {
            k_max: 4,
            ..KMeansConfig::default()
        };
        let c = kmeans_cluster(&features, &data, &cfg).unwrap();
        assert!(c.centroids_z.iter().flatten().all(|z| z.is_finite()));
        assert!(c.centroids_raw.iter().flatten().all(|z| z.is_finite()));
        assert!(c.silhouette_by_k.iter().all(|(_, s)| s.is_finite()));
        assert_eq!(c.standardization.sds[1], 0.0);
        assert_eq!(c.standardization.imputed, [10, 0, 100]);
        assert!(
            c.descriptions_en
                .iter()
                .all(|d| !d.contains("constant") && !d.contains("missing"))
        );
        assert!(c.centroids_raw.iter().all(|r| r[1] == 7.0));
        assert!(
            c.selection_en()
                .contains("missing values filled with the column median: x 10, missing 100")
        );
        // Imputed rows land somewhere; the rest are recovered.
        assert_eq!(c.k, 2);
        let clean: Vec<(u32, usize)> = c
            .labels
            .iter()
            .zip(&truth)
            .enumerate()
            .filter(|(i, _)| i % 10 != 0)
            .map(|(_, (l, t))| (*l, *t))
            .collect();
        let (l, t): (Vec<u32>, Vec<usize>) = clean.into_iter().unzip();
        assert!(recovered(&l, &t, 2));
    }

    #[test]
    fn identical_customers_do_not_produce_nan() {
        let data = vec![1.0; 40];
        let c = kmeans_cluster(&spend_features(), &data, &KMeansConfig::default()).unwrap();
        assert_eq!(c.k, 2);
        assert!(c.silhouette_by_k.iter().all(|(_, s)| *s == 0.0));
        assert!(c.centroids_z.iter().flatten().all(|z| *z == 0.0));
        assert_eq!(c.descriptions_en[0], "close to average on every feature");
    }

    #[test]
    fn typed_errors() {
        let cfg = KMeansConfig::default();
        assert_eq!(
            kmeans_cluster(&[], &[1.0], &cfg).unwrap_err(),
            ClassifyError::NoFeatures
        );
        assert_eq!(
            kmeans_cluster(&spend_features(), &[1.0, 2.0, 3.0], &cfg).unwrap_err(),
            ClassifyError::Shape { len: 3, d: 2 }
        );
        assert_eq!(
            kmeans_cluster(&spend_features(), &[1.0, 2.0, 3.0, 4.0], &cfg).unwrap_err(),
            ClassifyError::TooFewPoints {
                n: 2,
                needed: 3,
                k_min: 2
            }
        );
        let bad = KMeansConfig { k_min: 1, ..cfg };
        assert!(matches!(
            kmeans_cluster(&spend_features(), &[0.0; 20], &bad),
            Err(ClassifyError::Config { field: "k_min", .. })
        ));
        let bad = KMeansConfig { k_max: 1, ..cfg };
        assert!(matches!(
            kmeans_cluster(&spend_features(), &[0.0; 20], &bad),
            Err(ClassifyError::Config { field: "k_max", .. })
        ));
    }

    #[test]
    fn k_max_is_capped_by_the_number_of_customers() {
        let data = [0.0, 0.0, 0.1, 0.0, 5.0, 5.0, 5.1, 5.0];
        let c = kmeans_cluster(&spend_features(), &data, &KMeansConfig::default()).unwrap();
        // Four customers: k = 2 and 3 only.
        assert_eq!(
            c.silhouette_by_k.iter().map(|s| s.0).collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(c.k, 2);
    }

    #[test]
    fn shuffled_sample_is_a_sample_without_repeats() {
        let mut rng = SplitMix64::new(4);
        let mut s = shuffled_sample(1000, 100, &mut rng);
        assert_eq!(s.len(), 100);
        s.sort_unstable();
        s.dedup();
        assert_eq!(s.len(), 100);
        let mut all = shuffled_sample(10, 10, &mut rng);
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }

    /// Run with `cargo test --release -p custval-classify -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing: one million customers, run in release"]
    fn one_million_customers_by_six_features() {
        let centres: [&[f64]; 4] = [
            &[100.0, 30.0, 2.0, 0.1, 5.0, 400.0],
            &[2000.0, 10.0, 12.0, 0.3, 9.0, 900.0],
            &[300.0, 300.0, 1.0, 0.0, 2.0, 100.0],
            &[800.0, 60.0, 6.0, 0.2, 7.0, 700.0],
        ];
        let (data, _) = blobs(&centres, 250_000, 40.0, 1);
        let features: Vec<FeatureSpec> =
            (0..6).map(|j| FeatureSpec::new(format!("f{j}"))).collect();
        let start = std::time::Instant::now();
        let c = kmeans_cluster(&features, &data, &KMeansConfig::default()).unwrap();
        let took = start.elapsed();
        eprintln!("1M x 6: k = {}, {:?}, {took:?}", c.k, c.silhouette_by_k);
        assert_eq!(c.labels.len(), 1_000_000);
        if !cfg!(debug_assertions) {
            assert!(took.as_secs_f64() < 3.0, "took {took:?}");
        }
    }

    /// Worst case for Lloyd: no structure at all, so runs go on until `tol` or `max_iter`.
    #[test]
    #[ignore = "timing: one million customers, run in release"]
    fn one_million_customers_without_structure() {
        let mut rng = SplitMix64::new(2);
        let data: Vec<f64> = (0..6_000_000).map(|_| rng.next_f64()).collect();
        let features: Vec<FeatureSpec> =
            (0..6).map(|j| FeatureSpec::new(format!("f{j}"))).collect();
        let start = std::time::Instant::now();
        let c = kmeans_cluster(&features, &data, &KMeansConfig::default()).unwrap();
        let took = start.elapsed();
        eprintln!("1M x 6 uniform: k = {}, {took:?}", c.k);
        if !cfg!(debug_assertions) {
            assert!(took.as_secs_f64() < 3.0, "took {took:?}");
        }
    }
}
