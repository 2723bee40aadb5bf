//! A minimal SVG writer: the charts are drawn in Rust as inline SVG strings, so the report needs
//! no JavaScript, no chart library and no network.
//!
//! Design choices:
//! - **Every piece of text goes through [`escape`]**, because SVG strings are inserted into the
//!   page unescaped (askama's `|safe`): class names and labels come from the user's data.
//! - **Every coordinate goes through [`num`]**, which prints one decimal and turns NaN or
//!   infinities into `0`, so a bad input number can never produce `NaN` in the document.
//! - Charts scale with the page through `viewBox` and CSS `width: 100%`; sizes below are in
//!   viewBox units.
//! - Each chart carries `role="img"`, a `<title>`, a `<desc>` and an `aria-labelledby` pointing
//!   at both, which is what screen readers announce for inline SVG.

use std::fmt::Write;

pub(crate) use custval_base::format::xml_escape as escape;

/// A coordinate with one decimal; non-finite values become `0`.
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_string();
    }
    let s = format!("{x:.1}");
    match s.strip_suffix(".0") {
        Some("-0") => "0".to_string(),
        Some(int) => int.to_string(),
        None => s,
    }
}

/// Display width in character cells: East Asian wide characters count two.
pub(crate) use custval_export::{char_width, display_width};

/// `text` cut to at most `max` cells, with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if display_width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Horizontal text alignment.
#[derive(Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being written.
pub(crate) struct Svg {
    out: String,
}

impl Svg {
    /// Opens an SVG of `width` × `height` viewBox units with an accessible title and description;
    /// `id` must be unique in the page.
    pub(crate) fn new(id: &str, width: f64, height: f64, title: &str, desc: &str) -> Svg {
        let mut out = String::with_capacity(4096);
        let id = escape(id);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-labelledby="{id}-title {id}-desc" aria-label="{title}"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
            w = num(width),
            h = num(height),
            title = escape(title),
            desc = escape(desc),
        );
        Svg { out }
    }

    /// Appends raw, already escaped markup.
    pub(crate) fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// A line; `class` picks the CSS style (`axis`, `grid`, `cut`, …).
    pub(crate) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}"/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            escape(class)
        );
    }

    /// A filled rectangle with a hover tooltip. Negative sizes are drawn as empty.
    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tooltip: &str) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            escape(fill),
            escape(tooltip)
        );
    }

    /// A small filled circle without a tooltip (thousands of scatter points stay light).
    pub(crate) fn dot(&mut self, cx: f64, cy: f64, r: f64, fill: &str) {
        let _ = write!(
            self.out,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{}"/>"#,
            num(cx),
            num(cy),
            num(r),
            escape(fill)
        );
    }

    /// Text at (x, y) with the given anchor and CSS class.
    pub(crate) fn text(&mut self, x: f64, y: f64, anchor: Anchor, class: &str, text: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" text-anchor="{}" class="{}">{}</text>"#,
            num(x),
            num(y),
            anchor.as_str(),
            escape(class),
            escape(text)
        );
    }

    /// Text rotated by -90° around (x, y), for vertical axis titles.
    pub(crate) fn vertical_text(&mut self, x: f64, y: f64, class: &str, text: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{x}" y="{y}" text-anchor="middle" class="{c}" transform="rotate(-90 {x} {y})">{t}</text>"#,
            x = num(x),
            y = num(y),
            c = escape(class),
            t = escape(text)
        );
    }

    /// An open polyline through `points`.
    pub(crate) fn polyline(&mut self, points: &[(f64, f64)], class: &str) {
        let mut pts = String::with_capacity(points.len() * 12);
        for (i, (x, y)) in points.iter().enumerate() {
            if i > 0 {
                pts.push(' ');
            }
            let _ = write!(pts, "{},{}", num(*x), num(*y));
        }
        let _ = write!(
            self.out,
            r#"<polyline points="{}" class="{}"/>"#,
            pts,
            escape(class)
        );
    }

    /// A closed filled path with a hover tooltip; `d` must be built from [`num`] coordinates.
    pub(crate) fn path(&mut self, d: &str, fill: &str, class: &str, tooltip: &str) {
        let _ = write!(
            self.out,
            r#"<path d="{}" fill="{}" class="{}"><title>{}</title></path>"#,
            escape(d),
            escape(fill),
            escape(class),
            escape(tooltip)
        );
    }

    /// An open polyline in a given stroke colour and width (one data series of a line chart).
    pub(crate) fn series(&mut self, points: &[(f64, f64)], stroke: &str, width: f64) {
        let mut pts = String::with_capacity(points.len() * 12);
        for (i, (x, y)) in points.iter().enumerate() {
            if i > 0 {
                pts.push(' ');
            }
            let _ = write!(pts, "{},{}", num(*x), num(*y));
        }
        let _ = write!(
            self.out,
            r#"<polyline points="{}" class="series" stroke="{}" stroke-width="{}"/>"#,
            pts,
            escape(stroke),
            num(width)
        );
    }

    /// An unfilled rectangle outline styled by `class` (e.g. to mark a heatmap's diagonal).
    pub(crate) fn outline(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" class="{}"/>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            escape(class)
        );
    }

    /// Closes the document.
    pub(crate) fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// Round tick values covering `0..=max`: steps of 1, 2 or 5 × 10^k, about `target` of them.
pub(crate) fn nice_ticks(max: f64, target: usize) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// Linear interpolation between two `#rrggbb` colours, `t` in 0..=1.
pub(crate) fn mix(from: (u8, u8, u8), to: (u8, u8, u8), t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let ch = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        ch(from.0, to.0),
        ch(from.1, to.1),
        ch(from.2, to.2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }

    #[test]
    fn coordinates_are_always_numbers() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::NEG_INFINITY), "0");
    }

    #[test]
    fn truncation_counts_wide_characters() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdefghij", 5), "abcd…");
        assert_eq!(truncate("重要价值客户", 7), "重要价…");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            nice_ticks(100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(7.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.0, 5), vec![0.0, 1.0]);
        assert_eq!(nice_ticks(f64::NAN, 5), vec![0.0, 1.0]);
    }

    #[test]
    fn colour_mix() {
        assert_eq!(mix((0, 0, 0), (255, 255, 255), 0.0), "#000000");
        assert_eq!(mix((0, 0, 0), (255, 255, 255), 1.0), "#ffffff");
        assert_eq!(mix((0, 0, 0), (200, 100, 50), 0.5), "#643219");
        assert_eq!(mix((0, 0, 0), (255, 255, 255), f64::NAN), "#000000");
    }

    #[test]
    fn svg_has_accessible_name() {
        let mut s = Svg::new("c1", 100.0, 50.0, "T<1>", "D");
        s.text(1.0, 2.0, Anchor::Start, "lbl", "<b>");
        let out = s.finish();
        assert!(out.contains(r#"<title id="c1-title">T&lt;1&gt;</title>"#));
        assert!(out.contains(r#"aria-labelledby="c1-title c1-desc""#));
        assert!(out.contains("&lt;b&gt;"));
        assert!(out.ends_with("</svg>"));
    }

    proptest::proptest! {
        #[test]
        fn escaped_text_has_no_markup(text in "\\PC*") {
            let out = escape(&text);
            proptest::prop_assert!(!out.contains('<') && !out.contains('>') && !out.contains('"'));
            let back = out
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            proptest::prop_assert_eq!(back, text);
        }

        #[test]
        fn coordinates_parse(bits in proptest::num::u64::ANY) {
            let s = num(f64::from_bits(bits));
            proptest::prop_assert!(s.parse::<f64>().is_ok_and(f64::is_finite), "{}", s);
        }
    }
}
