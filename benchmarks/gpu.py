"""GPU benchmark: the ``torch`` backend on CUDA against ``torch_skcuda``, case by case.

Usage (from the repository root, on a machine with an NVIDIA GPU, CUDA torch and
``pip install "kymatio-torch[skcuda]"``)::

    python benchmarks/gpu.py [CASE ...] [--batch B] [--dtype float32|float64] [--backward]
                             [--reps N] [--json results.json]

The cases are those of ``benchmarks/case.py`` (all of them by default). Both backends run the same
module parameters on the same input, on ``cuda:0``, in one process, alternating. Times are wall
clock per call after ``torch.cuda.synchronize()`` (so the host-side launch cost, which the CuPy
kernels add to, is counted), best of ``--reps`` repetitions, each long enough to be timed; the
first call (CuPy compiles the kernels, cuFFT builds its plans) is left out. ``ratio`` is torch time
over torch_skcuda time (above 1: torch_skcuda is faster); ``peak`` is the peak of torch's CUDA
allocator during the timed calls, above what was allocated before them (modules and input); ``max_rel`` the largest difference of the two outputs relative to
the largest coefficient. Without a CUDA GPU (or CuPy) it exits with a message saying what is
missing.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from case import CASES, CLASS  # noqa: E402

BACKENDS = ("torch", "torch_skcuda")
MIN_REP_S = 0.05


def require_gpu():
    """Exit with what is missing unless torch sees a CUDA device and CuPy is installed."""
    import torch

    if not torch.cuda.is_available():
        build = "a CPU-only build" if torch.version.cuda is None else "CUDA %s" % torch.version.cuda
        sys.exit("benchmarks/gpu.py needs a CUDA GPU: torch %s (%s) sees none "
                 "(torch.cuda.is_available() is False)." % (torch.__version__, build))
    if importlib.util.find_spec("cupy") is None:
        sys.exit('benchmarks/gpu.py needs CuPy for the torch_skcuda backend: '
                 'pip install "kymatio-torch[skcuda]"')


def make(case, backend, dtype):
    import torch

    import kymatio.torch

    dim, kwargs, _ = CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        S = getattr(kymatio.torch, CLASS[dim])(backend=backend, **kwargs)
    return S.to(device="cuda", dtype=getattr(torch, dtype))


def timed(S, x, backward, reps):
    """Best seconds per call (forward, or forward + backward) and the peak CUDA memory (MiB)."""
    import torch

    def call():
        if backward:
            x.grad = None
            S(x).sum().backward()
        else:
            with torch.no_grad():
                S(x)

    call()  # compiles the kernels, builds the cuFFT plans, fills the caches
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    call()
    torch.cuda.synchronize()
    once = time.perf_counter() - t0
    inner = max(1, int(MIN_REP_S / max(once, 1e-6)))
    base = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            call()
        torch.cuda.synchronize()
        best = min(best, (time.perf_counter() - t0) / inner)
    return best, (torch.cuda.max_memory_allocated() - base) / 2**20


def run_case(case, batch, dtype, backward, reps):
    import numpy as np
    import torch

    shape = CASES[case][2] if batch is None else (batch,) + CASES[case][2][1:]
    data = np.random.RandomState(42).randn(*shape)
    x = torch.tensor(data, dtype=getattr(torch, dtype), device="cuda", requires_grad=backward)
    result = {"case": case, "input_shape": list(shape), "dtype": dtype, "backward": backward}
    outputs = {}
    # Alternate the backends so that clock and thermal drift hit both alike.
    modules = {backend: make(case, backend, dtype) for backend in BACKENDS}
    for backend in BACKENDS + BACKENDS[::-1]:
        seconds, peak = timed(modules[backend], x, backward, reps)
        key = backend + "_s"
        result[key] = min(result.get(key, float("inf")), seconds)
        result[backend + "_peak_mb"] = max(result.get(backend + "_peak_mb", 0.0), peak)
    with torch.no_grad():
        for backend in BACKENDS:
            outputs[backend] = modules[backend](x).double()
    reference = outputs["torch"]
    scale = max(reference.abs().max().item(), 1e-30)
    result["max_rel"] = (outputs["torch_skcuda"] - reference).abs().max().item() / scale
    result["ratio"] = result["torch_s"] / result["torch_skcuda_s"]
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=sorted(CASES), metavar="CASE",
                        help="cases of benchmarks/case.py (default: all)")
    parser.add_argument("--batch", type=int, default=None, help="first (batch) axis size")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--backward", action="store_true", help="time forward + backward")
    parser.add_argument("--reps", type=int, default=5, help="timed repetitions (best is kept)")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        parser.error("unknown case(s) %s; known: %s" % (unknown, ", ".join(sorted(CASES))))
    require_gpu()

    import torch

    print("device: %s, torch %s" % (torch.cuda.get_device_name(0), torch.__version__), flush=True)
    header = "%-20s %-18s %11s %14s %7s %12s %14s %9s" % (
        "case", "input", "torch ms", "skcuda ms", "ratio", "torch MiB", "skcuda MiB", "max rel")
    print(header)
    results = []
    for case in args.cases:
        r = run_case(case, args.batch, args.dtype, args.backward, args.reps)
        results.append(r)
        print("%-20s %-18s %11.3f %14.3f %7.2f %12.1f %14.1f %9.1e" % (
            case, "x".join(map(str, r["input_shape"])), 1e3 * r["torch_s"],
            1e3 * r["torch_skcuda_s"], r["ratio"], r["torch_peak_mb"],
            r["torch_skcuda_peak_mb"], r["max_rel"]), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
