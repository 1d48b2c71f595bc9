"""Share of our NumPy forward time spent inside ``scipy.fft`` (cProfile).

Usage: ``.venv/bin/python benchmarks/profile_fft.py [CASE ...]`` (default: ``1d-J8-Q8-4096``
``2d-J3-L8-224``, with the batch sizes of ``benchmarks/case.py``; ``--batch B`` overrides them).

One warm-up call, then one profiled call. The FFT time is the sum of the *exclusive* times of every
function defined under ``scipy/fft`` (the public wrappers, the pocketfft helpers) plus the pocketfft
C entry points and the ``uarray`` dispatch they go through, so nothing is counted twice.
"""
import argparse
import cProfile
import os
import pstats
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from case import CASES, input_shape, load  # noqa: E402

import numpy as np  # noqa: E402

DEFAULT = ("1d-J8-Q8-4096", "2d-J3-L8-224")


def is_fft(func):
    filename, _, name = func
    path = filename.replace(os.sep, "/")
    return ("scipy/fft" in path or "scipy/_lib/_uarray" in path or "pocketfft" in name
            or "_uarray" in name)


def profile(case, batch):
    dim, kwargs, _ = CASES[case]
    cls, to_input, _, _ = load("numpy", dim)
    x = to_input(np.random.RandomState(42).randn(*input_shape(case, batch)).astype(np.float32))
    S = cls(**kwargs)
    # cProfile sees the calling thread only: profile the single-threaded run (the batch split
    # across cores divides the work, not its shares).
    S.backend.workers = 1
    S(x)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    S(x)
    prof.disable()
    wall = time.perf_counter() - t0
    stats = pstats.Stats(prof)
    total = stats.total_tt
    fft = sum(tt for func, (_, _, tt, _, _) in stats.stats.items() if is_fft(func))
    top = sorted(((tt, func) for func, (_, _, tt, _, _) in stats.stats.items()), reverse=True)[:6]
    return wall, total, fft, top


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=list(DEFAULT))
    parser.add_argument("--batch", type=int, default=None)
    args = parser.parse_args(argv)
    print("one thread (backend.workers = 1): the shares of the work, not of the wall time")
    for case in args.cases:
        wall, total, fft, top = profile(case, args.batch)
        print("%s (input %s): profiled forward %.3f s, scipy.fft %.3f s = %.0f%%" % (
            case, "x".join(map(str, input_shape(case, args.batch))), total, fft, 100 * fft / total))
        for tt, (filename, line, name) in top:
            print("    %7.3f s  %5.1f%%  %s:%s %s" % (
                tt, 100 * tt / total, os.path.basename(filename), line, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
