"""Run one benchmark case for one implementation and print one JSON line.

Usage: ``python benchmarks/case.py IMPL CASE [--batch B] [--save DIR]``

``IMPL`` is ``numpy`` or ``torch`` (this project's frontends, run from the project's ``.venv``;
``torch-ops`` is the torch frontend with ``cpu_inference="torch"``: torch's own operations instead of
the NumPy kernels that its CPU inference runs by default) or ``ref-numpy`` / ``ref-torch`` (kymatio 0.3.0 from PyPI, run from ``benchmarks/.venv-ref``); ``CASE``
is a key of :data:`CASES`. The script is run in a fresh interpreter per (impl, case) by
``benchmarks/run.py`` so that peak memory and import state are not shared between measurements.

Printed fields: ``construct_s`` (best constructor time), ``construct_first_s`` (the first one,
which includes the first touch of the bank's memory), ``first_s`` (first forward call, which
includes one-off work such as our per-dtype filter conversion), ``forward_s`` (the least time of
``reps x inner`` forward calls, each timed on its own), ``forward_median_s`` (their median),
``reps``/``inner`` (``reps x inner`` calls are timed, after a second untimed call that
sizes them), ``peak_mb`` (peak RSS after
the run minus peak RSS after imports -- our backend's included, which we import lazily -- and
input creation; see :func:`rss_mb`), ``checksum`` (sum and sum of
absolute values of the output), ``shape`` and, with ``--save``, the path of the saved output.

Only the standard library, NumPy and the framework under test are imported: the same file runs
under NumPy 1.26 (reference venv) and NumPy 2 (project venv).
"""
import argparse
import json
import os
import resource
import sys
import time

THREADS = 2
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))

import numpy as np  # noqa: E402

# name -> (dimension, constructor keyword arguments, default input shape (batch axes + signal))
CASES = {
    "1d-J8-Q1-1024": (1, dict(J=8, Q=1, shape=1024), (32, 1, 1024)),
    "1d-J8-Q8-4096": (1, dict(J=8, Q=8, shape=4096), (32, 1, 4096)),
    "1d-J13-Q12-65536": (1, dict(J=13, Q=12, shape=65536), (32, 1, 65536)),
    "2d-J2-L8-32": (2, dict(J=2, L=8, shape=(32, 32)), (32, 3, 32, 32)),
    "2d-J3-L8-224": (2, dict(J=3, L=8, shape=(224, 224)), (32, 3, 224, 224)),
    "2d-J6-L2-64": (2, dict(J=6, L=2, shape=(64, 64)), (4, 3, 64, 64)),
    "3d-J2-L2-32": (3, dict(J=2, L=2, shape=(32, 32, 32)), (4, 32, 32, 32)),
    "3d-J2-L2-128": (3, dict(J=2, L=2, shape=(128, 128, 128)), (2, 128, 128, 128)),
}
IMPLS = ("numpy", "torch", "torch-ops", "ref-numpy", "ref-torch")
CLASS = {1: "Scattering1D", 2: "Scattering2D", 3: "HarmonicScattering3D"}

# A forward call shorter than this is repeated inside one timed repetition.
MIN_REP_S = 0.2
# Cases whose first call is shorter than this get 3 repetitions, the others 2.
FAST_S = 2.0


def rss_mb():
    """Peak resident set size of this process so far, in MiB.

    ``VmHWM`` from ``/proc/self/status`` where there is one: Linux keeps ``ru_maxrss`` across
    ``execve``, so a child started by a driver that once held large arrays would inherit the
    driver's peak and report nothing of its own. ``ru_maxrss`` elsewhere.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def input_shape(case, batch):
    shape = CASES[case][2]
    if batch is None:
        return shape
    return (batch,) + shape[1:]


def warm_up(framework):
    """Run each kind of operation the transforms use once on a tiny array, for every
    implementation alike: the first FFT, concatenation or reduction of a process loads library
    code and starts thread pools (the first torch FFT adds 15 MB of resident memory, the first
    reduction 4 MB), which would otherwise count in the peak memory of whichever side calls it
    first, and which says nothing about the transform."""
    a = np.random.RandomState(0).randn(4, 16, 16).astype(np.float32)
    if framework == "torch":
        import torch

        w = torch.from_numpy(a)
        for d in (1, 2, 3):
            dims = tuple(range(-d, 0))
            c = torch.fft.fftn(w, dim=dims)
            torch.fft.ifftn(c, dim=dims), torch.fft.rfftn(w, dim=dims), torch.fft.irfftn(c, dim=dims)
        torch.cat([w, w.flip(-1)], -1), (w * w).sum(), (c * c).abs(), w.sum(dim=(-2, -1))
        torch.index_select(w, -1, torch.arange(3)), torch.nn.functional.pad(w, (2, 2), mode="reflect")
        return
    for d in (1, 2, 3):
        axes = tuple(range(-d, 0))
        c = np.fft.fftn(a, axes=axes)
        np.fft.ifftn(c, axes=axes), np.fft.rfftn(a, axes=axes), np.fft.irfftn(c, axes=axes)
    try:
        import scipy.fft
    except ImportError:
        return
    for d in (1, 2, 3):
        axes = tuple(range(-d, 0))
        c = scipy.fft.fftn(a, axes=axes)
        scipy.fft.ifftn(c, axes=axes), scipy.fft.rfftn(a, axes=axes), scipy.fft.irfftn(c, axes=axes)


def load(impl, dim):
    """Import the frontend class and return ``(cls, to_input, to_numpy, context)``."""
    framework = impl.replace("ref-", "").replace("-ops", "")
    module = __import__("kymatio." + framework, fromlist=[CLASS[dim]])
    cls = getattr(module, CLASS[dim])
    if not impl.startswith("ref-"):
        # 0.3.0 imports its backends with the package; ours are imported on first use (after a
        # scan of the plugin registry). Do both here so that neither side's peak memory or
        # construction time counts one-off imports.
        from kymatio.core._registry import resolve_backend

        resolve_backend(framework, framework)
        if framework == "torch":  # whose CPU inference runs the NumPy kernels (with scipy.fft)
            resolve_backend("numpy", "numpy")
    if framework == "torch":
        import torch

        torch.set_num_threads(THREADS)
        return (cls, torch.from_numpy, lambda y: y.numpy(), torch.no_grad)
    import contextlib

    return cls, lambda x: x, np.asarray, contextlib.nullcontext


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("impl", choices=IMPLS)
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--batch", type=int, default=None, help="first (batch) axis size")
    parser.add_argument("--save", default=None, help="directory to save the output (.npy) to")
    args = parser.parse_args(argv)

    dim, kwargs, _ = CASES[args.case]
    cls, to_input, to_numpy, no_grad = load(args.impl, dim)
    warm_up(args.impl.replace("ref-", "").replace("-ops", ""))
    if args.impl == "torch-ops":
        make = cls
        def cls(**kw):  # noqa: E306
            S = make(**kw)
            S.cpu_inference = "torch"
            return S
    x = to_input(np.random.RandomState(42).randn(*input_shape(args.case, args.batch)).astype(np.float32))
    base = rss_mb()

    # Construction: best of 2-3 (2 when they take more than a second), for every implementation
    # alike. The first in a process can also pay for memory the machine had not used yet (on the
    # project's VM, filling 168 MB of fresh memory took 0.59 s the first time in a process, then
    # 0.013 s: the hypervisor backs guest pages on first use), which later constructions reuse:
    # 0.8-1.3 s of our 3d-128 construction against 0.1 s. The first is reported apart, as
    # construct_first_s. (With "fewer when one takes more than a second" alone, a first
    # construction just over or under a second flipped our 3d-128 figure between ~1 s and ~0.1 s
    # from run to run.)
    construct = []
    S = None
    for i in range(3):
        S = None  # the previous bank is freed before the next is built, as a user's would be
        t0 = time.perf_counter()
        S = cls(**kwargs)
        construct.append(time.perf_counter() - t0)
        if i >= 1 and sum(construct) > 1.0:
            break

    with no_grad():
        t0 = time.perf_counter()
        y = S(x)
        first = time.perf_counter() - t0
        # The repetitions are sized by a second call: the first also pays for one-off work (the
        # torch frontend's first CPU inference imports scipy.fft, 0.3 s, which had cut 3d-32's
        # timed calls from 15 to 3).
        t0 = time.perf_counter()
        y = S(x)
        second = time.perf_counter() - t0
        inner = 1 if second >= MIN_REP_S else int(np.ceil(MIN_REP_S / max(second, 1e-6)))
        reps = 3 if second < FAST_S else 2
        # Every call timed on its own: on this shared VM noise only ever adds (steal time, page
        # reclaim), so the least of reps x inner calls estimates a call's cost better than the
        # least of reps means of inner calls, and the median is reported beside it.
        times = []
        for _ in range(reps * inner):
            t0 = time.perf_counter()
            y = S(x)
            times.append(time.perf_counter() - t0)
    peak = rss_mb() - base

    out = np.asarray(to_numpy(y), dtype=np.float64)
    result = {
        "impl": args.impl, "case": args.case, "input_shape": list(input_shape(args.case, args.batch)),
        "construct_s": min(construct), "construct_first_s": construct[0], "first_s": first,
        "forward_s": min(times), "forward_median_s": float(np.median(times)), "reps": reps,
        "inner": inner, "peak_mb": peak, "shape": list(out.shape), "dtype": str(to_numpy(y).dtype),
        "checksum": [float(out.sum()), float(np.abs(out).sum())],
    }
    if args.save:
        path = os.path.join(args.save, "%s.npy" % args.impl)
        np.save(path, to_numpy(y))
        result["saved"] = path
        if dim == 1 and not args.impl.startswith("ref-"):
            # Per-channel order and (j1, j2), to undo 0.3.0's averaged level reduction.
            meta = S.meta()
            np.save(os.path.join(args.save, "meta_j.npy"),
                    np.column_stack([meta["order"], np.nan_to_num(meta["j"], nan=-1)]))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
