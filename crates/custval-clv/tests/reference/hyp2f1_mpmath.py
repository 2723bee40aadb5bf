"""Reference values of ln 2F1(a, b; c; z) for custval-clv's tests (tests/hyp2f1.rs).

Run:  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install mpmath
      /tmp/venv/bin/python crates/custval-clv/tests/reference/hyp2f1_mpmath.py > values.txt

Each value is computed twice at 30 digits, by mpmath.hyp2f1 and by mpmath.quad of Euler's
integral on the line (t = e^v, the form custval's quadrature uses, split around the peak),
(mpmath.hyp2f1 only below 5,000: beyond, its series takes minutes) and printed only when the two agree to 1e-18 relative; otherwise the row says which failed.
The output is Rust tuples (a, b, c, z, ln F) pasted into tests/hyp2f1.rs.
"""
import mpmath as mp

mp.mp.dps = 30


def ln_f_hyp(a, b, c, z):
    return mp.log(mp.hyp2f1(a, b, c, z, maxterms=10**7))


def ln_f_quad(a, b, c, z):
    # Gamma(c)/(Gamma(a)Gamma(c-a)) * integral of e^{k v}(1+e^v)^{b-c}(1-z+e^v)^{-b} dv
    a, b, c, z = map(mp.mpf, (a, b, c, z))
    k, p, q, eps = c - a, c - b, b, 1 - z
    L = lambda v: k * v - p * mp.log1p(mp.exp(v)) - q * mp.log(eps + mp.exp(v))
    dL = lambda v: k - p / (1 + mp.exp(-v)) - q * mp.exp(v) / (eps + mp.exp(v))
    v0 = mp.findroot(dL, (mp.mpf(-800), mp.mpf(800)), solver="bisect") if dL(-800) > 0 > dL(800) else mp.mpf(0)
    l0 = L(v0)
    f = lambda v: mp.exp(L(v) - l0)
    pts = [-mp.inf] + [v0 + d for d in (-64, -16, -4, -1, -0.25, -0.05, -0.01, -0.002, 0, 0.002, 0.01, 0.05, 0.25, 1, 4, 16, 64)] + [mp.inf]
    pts += [mp.log(eps), mp.mpf(0)]
    pts = sorted(set(pts))
    i = mp.quad(f, pts, maxdegree=12)
    return mp.loggamma(c) - mp.loggamma(a) - mp.loggamma(c - a) + l0 + mp.log(i)


def cases():
    # Pareto/NBD shape: c = a + 1, b = s + 1 or r + x.
    for a in (0.05, 0.7, 1000.3, 1000000.5):
        for b in (0.3, 2.0, 50.5, a + 0.5):
            for z in (1e-8, 0.3, 0.99, 1 - 1e-8, 1 - 1e-12, -50.0):
                yield (a, b, a + 1, z)
    # Conditional P(X = n) shape: c = a + k, k integer.
    for (a, b, k) in ((2.5, 1.6, 4), (5000.5, 2.2, 7), (3.1, 12.4, 11)):
        for z in (0.5, 0.999, 1 - 1e-9):
            yield (a, b, a + k, z)
    # General parameters (c - a not an integer), incl. sBG's (1, beta + n, alpha + beta + n).
    for (a, b, c) in ((1.0, 3.7, 5.2), (1.0, 2000.5, 2001.3), (800.5, 1200.25, 3000.75),
                      (0.5, 100000.0, 100003.5), (1000.0, 10.0, 2000.0)):
        for z in (1e-6, 0.5, 0.95, 0.9999, 1 - 1e-10, -3.0):
            yield (a, b, c, z)


def main():
    for (a, b, c, z) in cases():
        h = None
        if max(a, b, c) < 5000:  # mpmath's series takes minutes beyond
            try:
                h = ln_f_hyp(a, b, c, z)
            except Exception:  # noqa: BLE001 - quad alone then
                h = None
        q = ln_f_quad(a, b, c, z)
        if h is not None and abs(h - q) > mp.mpf(10) ** -18 * max(1, abs(q)):
            print(f"// disagree {a} {b} {c} {z}: hyp2f1 {mp.nstr(h, 25)} quad {mp.nstr(q, 25)}")
            continue
        src = "both" if h is not None else "quad only"
        print(f"    ({a!r}, {b!r}, {c!r}, {z!r}, {mp.nstr(q, 17, min_fixed=-50, max_fixed=50)}), // {src}")


if __name__ == "__main__":
    main()
