//! The k-means kernels: k-means++ seeding, Lloyd iterations and the exact silhouette.
//!
//! Plain functions over row-major `&[f64]` slices of z-scores (`m` rows × `d` columns), below
//! the public API so they can be measured and tuned alone. Everything is deterministic given
//! the RNG: ties in "nearest centroid" go to the lower index, an emptied cluster is re-seeded
//! with the point farthest from its centroid (lowest index on ties), and k-means++ falls back
//! to a uniform draw only when every point already coincides with a centre.

use crate::rng::SplitMix64;

/// Squared Euclidean distance.
#[inline]
pub(super) fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Index of the nearest centroid (lowest index on ties) and the squared distance to it.
#[inline]
pub(super) fn nearest(point: &[f64], centroids: &[f64], d: usize) -> (u32, f64) {
    let mut best = (0u32, f64::INFINITY);
    for (c, centre) in centroids.chunks_exact(d).enumerate() {
        let dist = sq_dist(point, centre);
        if dist < best.1 {
            best = (c as u32, dist);
        }
    }
    best
}

/// One fitted k-means model on the fit sample.
#[derive(Debug, Clone)]
pub(super) struct Fit {
    /// k × d centroids, row-major.
    pub centroids: Vec<f64>,
    /// Label of each fit-sample row.
    pub labels: Vec<u32>,
    /// Sum of squared distances to the assigned centroid.
    pub inertia: f64,
}

/// k-means++ seeding (Arthur & Vassilvitskii 2007): first centre uniform, each next one drawn
/// with probability proportional to the squared distance to the nearest centre so far.
fn seed_plus_plus(points: &[f64], d: usize, k: usize, rng: &mut SplitMix64) -> Vec<f64> {
    let m = points.len() / d;
    let row = |i: usize| &points[i * d..(i + 1) * d];
    let mut centroids = Vec::with_capacity(k * d);
    centroids.extend_from_slice(row(rng.below(m)));
    let mut d2: Vec<f64> = (0..m).map(|i| sq_dist(row(i), &centroids[..d])).collect();
    for _ in 1..k {
        let total: f64 = d2.iter().sum();
        let pick = if total > 0.0 {
            let r = rng.next_f64() * total;
            let mut acc = 0.0;
            let mut pick = None;
            for (i, w) in d2.iter().enumerate() {
                if *w > 0.0 {
                    acc += w;
                    pick = Some(i);
                    if acc > r {
                        break;
                    }
                }
            }
            pick.unwrap_or(0)
        } else {
            // Every point sits on a centre already: duplicates are unavoidable.
            rng.below(m)
        };
        let start = centroids.len();
        centroids.extend_from_slice(row(pick));
        let centre = &centroids[start..start + d];
        for (i, w) in d2.iter_mut().enumerate() {
            *w = w.min(sq_dist(row(i), centre));
        }
    }
    centroids
}

/// Moves each centroid to the mean of its points; an empty cluster takes the point farthest
/// from its own centroid. Returns the total squared movement of the centroids.
fn update(
    points: &[f64],
    d: usize,
    labels: &[u32],
    dist: &mut [f64],
    centroids: &mut [f64],
) -> f64 {
    let k = centroids.len() / d;
    let mut sums = vec![0.0; k * d];
    let mut counts = vec![0usize; k];
    for (i, &l) in labels.iter().enumerate() {
        let l = l as usize;
        counts[l] += 1;
        for (s, x) in sums[l * d..(l + 1) * d]
            .iter_mut()
            .zip(&points[i * d..(i + 1) * d])
        {
            *s += x;
        }
    }
    let mut shift = 0.0;
    for c in 0..k {
        let new: Vec<f64> = if counts[c] > 0 {
            sums[c * d..(c + 1) * d]
                .iter()
                .map(|s| s / counts[c] as f64)
                .collect()
        } else {
            let mut far = 0;
            for (i, w) in dist.iter().enumerate() {
                if *w > dist[far] {
                    far = i;
                }
            }
            dist[far] = 0.0;
            points[far * d..(far + 1) * d].to_vec()
        };
        let old = &mut centroids[c * d..(c + 1) * d];
        shift += sq_dist(old, &new);
        old.copy_from_slice(&new);
    }
    shift
}

/// k-means++ then Lloyd iterations until no label changes, the centroids move less than `tol`
/// (total squared shift), or `max_iter` updates; the labels returned always belong to the
/// returned centroids.
pub(super) fn fit(
    points: &[f64],
    d: usize,
    k: usize,
    rng: &mut SplitMix64,
    max_iter: usize,
    tol: f64,
) -> Fit {
    let m = points.len() / d;
    let mut centroids = seed_plus_plus(points, d, k, rng);
    let mut labels = vec![u32::MAX; m];
    let mut dist = vec![0.0; m];
    let mut iterations = 0;
    let mut settled = false;
    loop {
        let mut changed = 0usize;
        let mut inertia = 0.0;
        for (i, (label, dd)) in labels.iter_mut().zip(dist.iter_mut()).enumerate() {
            let (c, d2) = nearest(&points[i * d..(i + 1) * d], &centroids, d);
            if *label != c {
                *label = c;
                changed += 1;
            }
            *dd = d2;
            inertia += d2;
        }
        if changed == 0 || settled || iterations >= max_iter {
            return Fit {
                centroids,
                labels,
                inertia,
            };
        }
        let shift = update(points, d, &labels, &mut dist, &mut centroids);
        iterations += 1;
        settled = shift <= tol;
    }
}

/// Pairwise Euclidean distances of the first `s` rows, condensed (i < j, row by row), as `f32`
/// to halve the memory: 3 000 rows take 18 MB. Computed once and reused for every k.
pub(super) fn condensed_distances(points: &[f64], d: usize, s: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(s * s.saturating_sub(1) / 2);
    for i in 0..s {
        let a = &points[i * d..(i + 1) * d];
        for j in i + 1..s {
            out.push(sq_dist(a, &points[j * d..(j + 1) * d]).sqrt() as f32);
        }
    }
    out
}

/// Mean silhouette (Rousseeuw 1987) of `labels` over the points whose condensed distances are
/// given: s(i) = (b − a) / max(a, b), with a the mean distance to the other members of i's
/// cluster and b the lowest mean distance to another non-empty cluster; s(i) = 0 for a point
/// alone in its cluster, when no other cluster is present, or when a = b = 0.
pub(super) fn mean_silhouette(dists: &[f32], labels: &[u32], k: usize) -> f64 {
    let s = labels.len();
    if s < 2 {
        return 0.0;
    }
    let mut counts = vec![0usize; k];
    for &l in labels {
        counts[l as usize] += 1;
    }
    let mut sums = vec![0.0f64; s * k];
    let mut idx = 0;
    for i in 0..s {
        let li = labels[i] as usize;
        for j in i + 1..s {
            let dij = f64::from(dists[idx]);
            idx += 1;
            sums[i * k + labels[j] as usize] += dij;
            sums[j * k + li] += dij;
        }
    }
    let mut total = 0.0;
    for i in 0..s {
        let li = labels[i] as usize;
        if counts[li] <= 1 {
            continue;
        }
        let a = sums[i * k + li] / (counts[li] - 1) as f64;
        let b = (0..k)
            .filter(|c| *c != li && counts[*c] > 0)
            .map(|c| sums[i * k + c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        let top = a.max(b);
        if b.is_finite() && top > 0.0 {
            total += (b - a) / top;
        }
    }
    total / s as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    // Hand computation: points 0, 1 | 10, 11 on a line.
    // Point 0: a = 1, b = (10 + 11) / 2 = 10.5, s = 1 − 1/10.5 = 0.904762;
    // point 1: a = 1, b = (9 + 10) / 2 = 9.5, s = 1 − 1/9.5 = 0.894737; the other two mirror
    // these, so the mean is (0.904762 + 0.894737) / 2 = 0.899749.
    #[test]
    fn silhouette_by_hand() {
        let pts = [0.0, 1.0, 10.0, 11.0];
        let dists = condensed_distances(&pts, 1, 4);
        assert_eq!(dists, [1.0, 10.0, 11.0, 9.0, 10.0, 1.0]);
        let s = mean_silhouette(&dists, &[0, 0, 1, 1], 2);
        let want = (1.0 - 1.0 / 10.5 + 1.0 - 1.0 / 9.5) / 2.0;
        assert!((s - want).abs() < 1e-12, "{s} vs {want}");
    }

    #[test]
    fn silhouette_of_singletons_and_one_cluster_is_zero() {
        let pts = [0.0, 5.0, 9.0];
        let dists = condensed_distances(&pts, 1, 3);
        assert_eq!(mean_silhouette(&dists, &[0, 1, 2], 3), 0.0);
        assert_eq!(mean_silhouette(&dists, &[0, 0, 0], 3), 0.0);
        let same = condensed_distances(&[1.0, 1.0, 1.0], 1, 3);
        assert_eq!(mean_silhouette(&same, &[0, 0, 1], 2), 0.0);
    }

    #[test]
    fn lloyd_finds_two_groups_on_a_line() {
        let pts = [0.0, 0.2, 0.4, 10.0, 10.2, 10.4];
        let mut rng = SplitMix64::new(7);
        let f = fit(&pts, 1, 2, &mut rng, 100, 0.0);
        assert_ne!(f.labels[0], f.labels[3]);
        assert!(f.labels[..3].iter().all(|l| *l == f.labels[0]));
        assert!(f.labels[3..].iter().all(|l| *l == f.labels[3]));
        // Inertia: each group of three spaced 0.2 apart: 2 × (0.04 + 0 + 0.04).
        assert!((f.inertia - 0.16).abs() < 1e-12);
    }

    #[test]
    fn identical_points_do_not_break_seeding() {
        let pts = [3.0; 10];
        let mut rng = SplitMix64::new(1);
        let f = fit(&pts, 2, 3, &mut rng, 50, 0.0);
        assert!(f.centroids.iter().all(|c| *c == 3.0));
        assert_eq!(f.inertia, 0.0);
    }
}
