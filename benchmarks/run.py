"""Benchmark driver: this project's NumPy/torch frontends against kymatio 0.3.0 from PyPI.

Usage (from the repository root, with the project's ``.venv``)::

    .venv/bin/python benchmarks/run.py [--cases 1d-J8-Q1-1024,...] [--impls numpy,torch]
                                       [--batch CASE=B ...] [--json results.json] [--rounds R]

Each (case, implementation) runs in a fresh interpreter (``benchmarks/case.py``): ours with this
interpreter, the reference with ``benchmarks/.venv-ref/bin/python`` (created on first use with
kymatio 0.3.0, ``scipy<1.15``, ``numpy<2`` and the local CPU ``torch==2.13.0``). Within a case the
runs alternate ours/reference (the order flips from one case to the next). Outputs are compared:
2-D and 3-D directly, 1-D after undoing 0.3.0's averaged level reduction (each order-1 channel of
0.3.0 times ``2**k1``, order 2 times ``2**(2*k1 + k2)``, ``k1 = min(j1, log2_T)``,
``k2 = max(min(j2, log2_T) - k1, 0)``; reference-behaviour section 6). Ratios are reference / ours
for times (above 1: ours is faster) and ours / reference for peak memory. With ``--rounds R``
(default 2) every (case, implementation) runs ``R`` times, alternating, and each figure is its best
over the rounds: the machine's noise only ever adds time.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from case import CASES, THREADS  # noqa: E402

REF_VENV = os.path.join(HERE, ".venv-ref")
REF_PYTHON = os.path.join(REF_VENV, "bin", "python")
REF_REQUIREMENTS = ["kymatio==0.3.0", "scipy<1.15", "numpy<2", "torch==2.13.0"]
TIMEOUT_S = 900


def ensure_ref_venv():
    """Create ``benchmarks/.venv-ref`` with kymatio 0.3.0 if it is not there yet."""
    if os.path.exists(REF_PYTHON):
        return
    print("creating %s (kymatio 0.3.0) ..." % REF_VENV, flush=True)
    subprocess.check_call([sys.executable, "-m", "venv", REF_VENV])
    # One pip command: torch is resolved together with the rest (the CPU wheel on disk).
    subprocess.check_call([REF_PYTHON, "-m", "pip", "install", "-q"] + REF_REQUIREMENTS)


def probe_ref(framework):
    """Return None if 0.3.0's frontend for ``framework`` imports, else the reason it does not."""
    code = "import kymatio.%s as m; m.Scattering1D; m.Scattering2D; m.HarmonicScattering3D" % framework
    proc = subprocess.run([REF_PYTHON, "-c", code], capture_output=True, text=True, env=child_env())
    if proc.returncode == 0:
        return None
    lines = proc.stderr.strip().splitlines()
    return lines[-1] if lines else "exit status %d" % proc.returncode


def ref_of(impl):
    """0.3.0's implementation that ``impl`` is compared with (``torch-ops``: ``ref-torch``)."""
    return "ref-" + impl.replace("-ops", "")


def child_env():
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(THREADS)
    env.pop("PYTHONPATH", None)
    return env


def run_case(impl, case, batch, save_dir):
    python = REF_PYTHON if impl.startswith("ref-") else sys.executable
    cmd = [python, os.path.join(HERE, "case.py"), impl, case, "--save", save_dir]
    if batch is not None:
        cmd += ["--batch", str(batch)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"impl": impl, "case": case, "error": "timed out after %d s" % TIMEOUT_S}
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        return {"impl": impl, "case": case, "error": lines[-1] if lines else "exit %d" % proc.returncode}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ref_correction(meta_j, log2_T):
    """Per-channel factor mapping 0.3.0 1-D output onto 0.4 (reference-behaviour section 6)."""
    order, j1, j2 = meta_j[:, 0], meta_j[:, 1], meta_j[:, 2] if meta_j.shape[1] > 2 else None
    k1 = np.minimum(j1, log2_T)
    expo = np.where(order >= 1, k1, 0.0)
    if j2 is not None:
        k2 = np.maximum(np.minimum(j2, log2_T) - k1, 0)
        expo = np.where(order == 2, 2 * k1 + k2, expo)
    return 2.0 ** expo


def compare(case, save_dir, ours, ref):
    """Max |ours - ref| / max |ours| over the whole output (ref corrected for 1-D)."""
    a = np.load(os.path.join(save_dir, ours + ".npy")).astype(np.float64)
    b = np.load(os.path.join(save_dir, ref + ".npy")).astype(np.float64)
    if a.shape != b.shape:
        return "shape %s vs %s" % (a.shape, b.shape)
    dim, kwargs, _ = CASES[case]
    if dim == 1 and ref.startswith("ref-") and not ours.startswith("ref-"):
        meta_j = np.load(os.path.join(save_dir, "meta_j.npy"))
        # Default T = 2**J: log2_T = J. Channels are the second-to-last axis.
        b = b * ref_correction(meta_j, kwargs["J"])[:, None]
    return float(np.max(np.abs(a - b)) / np.max(np.abs(a)))


def best_of(results):
    """One result from the rounds of an (impl, case): the first error if any run failed, else the
    last run with the least forward time, construction time and peak memory over all runs (this
    machine's noise only ever adds)."""
    for result in results:
        if "error" in result:
            return result
    best = dict(results[-1])
    for key in ("forward_s", "construct_s", "construct_first_s", "peak_mb"):
        if all(key in r for r in results):
            best[key] = min(r[key] for r in results)
    return best


def fmt_t(s):
    if s is None:
        return "-"
    return "%.3g ms" % (s * 1e3) if s < 1 else "%.3g s" % s


def fmt_r(r):
    return "-" if r is None else "%.2f" % r


def ratio(num, den):
    if num is None or den is None or den <= 0:
        return None
    return num / den


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--impls", default="numpy,torch",
                        help="ours, compared with 0.3.0's frontend of the same framework: numpy, "
                             "torch, torch-ops (torch with cpu_inference='torch')")
    parser.add_argument("--batch", action="append", default=[], help="CASE=B overrides the batch")
    parser.add_argument("--json", default=None, help="also write every raw result to this file")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternating rounds per case (ours/0.3.0, the order flipped each "
                             "round); each figure is the best over the rounds")
    args = parser.parse_args(argv)

    cases = [c for c in args.cases.split(",") if c]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        parser.error("unknown case(s) %s; known: %s" % (unknown, ", ".join(CASES)))
    batches = dict((k, int(v)) for k, v in (b.split("=") for b in args.batch))
    frameworks = [f for f in args.impls.split(",") if f]

    ensure_ref_venv()
    skipped = {}
    for fw in frameworks:
        reason = probe_ref(fw.replace("-ops", ""))
        if reason:
            skipped[fw] = reason
            print("SKIP %s rows: kymatio 0.3.0 %s frontend does not import: %s" % (fw, fw, reason))
    frameworks = [fw for fw in frameworks if fw not in skipped]

    rows, raw = [], []
    for i, case in enumerate(cases):
        batch = batches.get(case)
        save_dir = tempfile.mkdtemp(prefix="kymatio-bench-")
        try:
            runs = {}
            for round_ in range(max(1, args.rounds)):
                for fw in frameworks:
                    pair = [fw, ref_of(fw)]
                    if (i + round_) % 2:
                        pair.reverse()
                    for impl in pair:
                        result = run_case(impl, case, batch, save_dir)
                        runs.setdefault(impl, []).append(result)
                        raw.append(result)
                        print("  %-18s %-10s %s" % (case, impl, json.dumps(
                            {k: v for k, v in result.items()
                             if k in ("forward_s", "construct_s", "peak_mb", "error")})), flush=True)
            results = {impl: best_of(r) for impl, r in runs.items()}
            errors = {}
            for fw in frameworks:
                if "error" not in results[fw] and "error" not in results[ref_of(fw)]:
                    errors[fw] = compare(case, save_dir, fw, ref_of(fw))
            if ({"numpy", "torch"} <= set(frameworks)
                    and all("error" not in results[f] for f in ("numpy", "torch"))):
                errors["numpy-vs-torch"] = compare(case, save_dir, "numpy", "torch")
        finally:
            shutil.rmtree(save_dir, ignore_errors=True)
        for fw in frameworks:
            o, r = results[fw], results[ref_of(fw)]
            rows.append({
                "case": case, "framework": fw,
                "batch": "x".join(str(n) for n in (o.get("input_shape") or r.get("input_shape") or [])),
                "fwd": o.get("forward_s"), "fwd_ref": r.get("forward_s"),
                "fwd_x": ratio(r.get("forward_s"), o.get("forward_s")),
                "con": o.get("construct_s"), "con_ref": r.get("construct_s"),
                "con_x": ratio(r.get("construct_s"), o.get("construct_s")),
                "con_first_x": ratio(r.get("construct_first_s"), o.get("construct_first_s")),
                "mem": o.get("peak_mb"), "mem_ref": r.get("peak_mb"),
                "mem_x": ratio(o.get("peak_mb"), r.get("peak_mb")),
                "err": errors.get(fw), "err_np_torch": errors.get("numpy-vs-torch"),
                "error": o.get("error") or r.get("error"),
            })

    print()
    print("| case | fw | input | forward ours | forward 0.3.0 | speed-up | construct ours | "
          "construct 0.3.0 | speed-up | peak MB ours | peak MB 0.3.0 | mem ratio | max rel err |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        err = r["err"] if isinstance(r["err"], str) else ("-" if r["err"] is None else "%.1e" % r["err"])
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["case"], r["framework"], r["batch"], fmt_t(r["fwd"]), fmt_t(r["fwd_ref"]),
            fmt_r(r["fwd_x"]), fmt_t(r["con"]), fmt_t(r["con_ref"]), fmt_r(r["con_x"]),
            "-" if r["mem"] is None else "%.0f" % r["mem"],
            "-" if r["mem_ref"] is None else "%.0f" % r["mem_ref"], fmt_r(r["mem_x"]), err)
            + (" ERROR: %s" % r["error"] if r["error"] else ""))
    for fw in frameworks:
        fr = [r for r in rows if r["framework"] == fw]
        nd = [r for r in fr if not r["case"].startswith("1d")]
        print("%s: forward speed-up geometric mean %s, min %s; construction speed-up (2-D/3-D) "
              "min %s (first construction of the process: min %s); memory ratio max %s" % (
                  fw, fmt_r(geomean([r["fwd_x"] for r in fr])),
                  fmt_r(min([r["fwd_x"] for r in fr if r["fwd_x"]], default=None)),
                  fmt_r(min([r["con_x"] for r in nd if r["con_x"]], default=None)),
                  fmt_r(min([r["con_first_x"] for r in nd if r["con_first_x"]], default=None)),
                  fmt_r(max([r["mem_x"] for r in fr if r["mem_x"]], default=None))))
    if skipped:
        for fw, reason in skipped.items():
            print("skipped %s: %s" % (fw, reason))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "raw": raw, "skipped": skipped}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
