"""custval vs lifetimes 0.11.3: BG/NBD and Pareto/NBD fits on simulated customer summaries.

Usage (normally through run.sh):
    python bench.py [--sizes bgnbd:100000,bgnbd:1000000,pnbd:20000,pnbd:1000000] [--no-lifetimes-above N]

For each case it simulates N customers from the model (numpy, seeded), writes a CSV with columns
frequency,recency,T (weeks; purchase dates and ages on whole days, as transaction data are),
times lifetimes' fit in this process, times the whole custval process (medians of
`--repeat` runs each)
(`$CUSTVAL clv fit --model M --input FILE --format json`, or, until the CLI has `clv`, the
`fit_csv` example of custval-clv given by $CUSTVAL_FIT_CSV), checks that the estimates agree to
1 % and prints the ratios of the wall-clock times and of the CPU times (user + system; on a
shared machine the CPU ratio is the stable one, the wall ratio is what a user sees).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

TRUE = {
    # CDNOW estimates (weeks), so the simulated bases look like the published one.
    "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "pnbd": {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67},
}


def simulate(model, n, seed):
    """Exact simulation of (x, t_x, T); T uniform on 1..273 days (a 39-week cohort window)."""
    rng = np.random.default_rng(seed)
    p = TRUE[model]
    t_days = rng.integers(1, 274, size=n).astype(float)
    T = t_days / 7.0
    lam = rng.gamma(p["r"], 1.0 / p["alpha"], size=n)
    if model == "bgnbd":
        drop = rng.beta(p["a"], p["b"], size=n)
        m = rng.poisson(lam * T)  # purchases a never-dying customer would make in (0, T]
        k = rng.geometric(drop)  # purchases up to and including the one after which they die
        x = np.minimum(m, k)
        window = T
    else:
        mu = rng.gamma(p["s"], 1.0 / p["beta"], size=n)
        tau = rng.exponential(1.0 / mu)
        window = np.minimum(tau, T)
        m = rng.poisson(lam * window)
        x = m
    # Time of the x-th of m uniform purchase times in (0, window]: Beta(x, m - x + 1).
    frac = np.where(x > 0, rng.beta(np.maximum(x, 1), np.maximum(m - x + 1, 1)), 0.0)
    tx_days = np.floor(frac * window * 7.0)
    tx_days = np.minimum(tx_days, t_days)
    return pd.DataFrame({"frequency": x, "recency": tx_days / 7.0, "T": T})


def lifetimes_fit(model, df):
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    fitter = BetaGeoFitter() if model == "bgnbd" else ParetoNBDFitter()
    t0, c0 = time.perf_counter(), time.process_time()
    fitter.fit(df["frequency"], df["recency"], df["T"])
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {k: float(v) for k, v in fitter.params_.items()}, secs, cpu


def custval_fit(model, path):
    custval = os.environ.get("CUSTVAL")
    fit_csv = os.environ.get("CUSTVAL_FIT_CSV")
    if custval and os.path.exists(custval):
        cmd = [custval, "clv", "fit", "--model", model, "--input", path, "--format", "json"]
        probe = subprocess.run([custval, "clv", "--help"], capture_output=True)
        if probe.returncode != 0:
            cmd = None
    else:
        cmd = None
    if cmd is None:
        if not fit_csv:
            sys.exit("neither $CUSTVAL (with `clv`) nor $CUSTVAL_FIT_CSV is available")
        cmd = [fit_csv, model, path]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    secs = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    res = json.loads(out.stdout)
    return res, secs, cpu, os.path.basename(cmd[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="bgnbd:100000,bgnbd:1000000,pnbd:20000,pnbd:1000000")
    ap.add_argument("--no-lifetimes-above", type=int, default=10**9,
                    help="skip lifetimes for pnbd cases larger than this (it takes minutes)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=1,
                    help="time each tool this many times and report the medians (shared machines are noisy)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="custval-clv-bench-")
    rows = []
    for case in args.sizes.split(","):
        model, n = case.split(":")
        n = int(n)
        df = simulate(model, n, args.seed)
        path = os.path.join(tmp, f"{model}_{n}.csv")
        df.to_csv(path, index=False, float_format="%.6f")
        patterns = len(df.drop_duplicates())
        runs = [custval_fit(model, path) for _ in range(args.repeat)]
        res, _, _, tool = runs[0]
        c_secs = float(np.median([r[1] for r in runs]))
        c_cpu = float(np.median([r[2] for r in runs]))
        line = {"model": model, "customers": n, "patterns": patterns, "custval_tool": tool,
                "repeat": args.repeat, "custval_s": round(c_secs, 3), "custval_cpu_s": round(c_cpu, 3), "custval_fit_s": res.get("seconds_fit"),
                "custval_params": res["params"], "custval_ll": res["log_likelihood"],
                "custval_converged": res["converged"]}
        skip = model == "pnbd" and n > args.no_lifetimes_above
        if not skip:
            l_runs = [lifetimes_fit(model, df) for _ in range(args.repeat)]
            l_params = l_runs[0][0]
            l_secs = float(np.median([r[1] for r in l_runs]))
            l_cpu = float(np.median([r[2] for r in l_runs]))
            worst = max(abs(res["params"][k] / l_params[k] - 1.0) for k in l_params)
            line.update({"lifetimes_s": round(l_secs, 3), "lifetimes_cpu_s": round(l_cpu, 3),
                         "cpu_speedup": round(l_cpu / c_cpu, 1), "lifetimes_params": l_params,
                         "max_rel_diff": worst, "agree_1pct": worst <= 0.01,
                         "speedup": round(l_secs / c_secs, 1)})
        rows.append(line)
        print(json.dumps(line), flush=True)
    print("\n| model | customers | patterns | lifetimes fit wall / CPU (s) | custval process wall / CPU (s) "
          "| speedup wall | speedup CPU | estimates agree (1%) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        lt = f"{r['lifetimes_s']} / {r['lifetimes_cpu_s']}" if "lifetimes_s" in r else "not run"
        sw = f"{r['speedup']}×" if "speedup" in r else "-"
        sc = f"{r['cpu_speedup']}×" if "cpu_speedup" in r else "-"
        print(f"| {r['model']} | {r['customers']:,} | {r['patterns']:,} | {lt} | "
              f"{r['custval_s']} / {r['custval_cpu_s']} | {sw} | {sc} | {r.get('agree_1pct', '-')} |")


if __name__ == "__main__":
    main()
