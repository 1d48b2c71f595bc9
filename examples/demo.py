"""The main job on the embedded NumPy default: scatter a signal (also jointly in time and
frequency), an image and a volume.

Everything is generated here: a chirp with clicks, a synthetic textured image, and a volume that is a
sum of Gaussians (a toy molecule). Prints output shapes and timings, and draws the chirp's
scattering coefficients and the filter bank to PNG files (``kymatio.core.plot``, matplotlib) in the
folder given as the first argument (default: ``kymatio-demo`` in the temporary folder).

    python examples/demo.py [OUTPUT_FOLDER]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import kymatio.core
from kymatio.core.filters3d import cartesian_grid, generate_weighted_sum_of_gaussians
from kymatio.numpy import HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering


def timed(label, fn):
    start = time.perf_counter()
    value = fn()
    print(f"  {label:<28s} {1e3 * (time.perf_counter() - start):8.1f} ms")
    return value


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(tempfile.gettempdir()) / "kymatio-demo"
    rng = np.random.default_rng(0)
    print(f"kymatio {kymatio.core.__version__}; backends: {kymatio.core.list_backends()}")

    print("1-D: chirp + clicks, 8 signals of 2**14 samples, J=8, Q=12")
    t = np.arange(2**14) / 2**14
    chirp = np.sin(2 * np.pi * (50 * t + 2000 * t**2))
    clicks = np.zeros_like(t)
    clicks[::2048] = 5.0
    x = (chirp + clicks + 0.1 * rng.standard_normal((8, t.size))).astype(np.float32)
    S1 = timed("build filters", lambda: Scattering1D(J=8, shape=t.size, Q=12))
    Sx = timed("forward", lambda: S1(x))
    print(f"  output {Sx.shape} {Sx.dtype}; channels per order {S1.output_size(detail=True)}")

    print("JTFS: 2 of these signals, J=8, J_fr=3, Q=8; spin tells the chirp's direction")
    S_tf = timed("build filters", lambda: TimeFrequencyScattering(
        J=8, J_fr=3, Q=8, shape=t.size, format="joint"))
    Sx = timed("forward", lambda: S_tf(x[:2]))
    meta = S_tf.meta()
    energy = (Sx.astype(np.float64) ** 2).sum(axis=(0, 2, 3))
    up, down = (energy[(meta["order"] == 2) & (meta["spin"] == s)].sum() for s in (1, -1))
    print(f"  output {Sx.shape} {Sx.dtype}; second-order energy spin +1 / spin -1 = {up / down:.1f}")

    print("2-D: oriented texture, 16 images 128x128, J=3, L=8")
    u, v = np.meshgrid(np.arange(128), np.arange(128), indexing="ij")
    img = np.cos(0.6 * u + 0.3 * v)[None] + 0.2 * rng.standard_normal((16, 128, 128))
    S2 = timed("build filters", lambda: Scattering2D(J=3, shape=(128, 128), L=8))
    Sx = timed("forward", lambda: S2(img.astype(np.float32)))
    print(f"  output {Sx.shape} {Sx.dtype}")

    print("3-D: sum of Gaussians ('molecule'), 2 volumes 32^3, J=2, L=2")
    grid = cartesian_grid(32, 32, 32)
    positions = rng.uniform(-8, 8, size=(2, 5, 3))
    weights = rng.uniform(1, 6, size=(2, 5))
    vol = generate_weighted_sum_of_gaussians(grid, positions, weights, 2.0)
    S3 = timed("build filters", lambda: HarmonicScattering3D(J=2, shape=(32, 32, 32), L=2))
    Sx = timed("forward", lambda: S3(vol.astype(np.float32)))
    print(f"  output {Sx.shape} {Sx.dtype}")

    print("Figures: the 1-D filter bank, and the chirp's scalogram and second order")
    draw(out, S1, x[0])


def draw(out, S, signal):
    """The filter bank and the scattering of one signal, as PNG files in ``out``."""
    try:
        from kymatio.core import plot
    except ImportError as error:
        print(f"  no figures: {error}")
        return
    out.mkdir(parents=True, exist_ok=True)
    figures = {
        "filter_bank_1d.png": lambda: plot.filter_bank_1d(S),
        "chirp_scattering.png": lambda: plot.scattering_1d(S, signal, sample_rate=2**14, log=True),
    }
    for name, make in figures.items():
        timed(f"figure {name}", lambda: make().savefig(out / name, dpi=100))
    print(f"  figures written to {out.resolve()}: {', '.join(figures)}")


if __name__ == "__main__":
    main()
