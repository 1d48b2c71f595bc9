"""
Joint time-frequency scattering of a chirp
==========================================

Time scattering looks at each frequency band on its own: it cannot say whether energy moves
from low to high frequencies or the other way. Joint time-frequency scattering (JTFS) convolves
the scalogram along time *and* along log-frequency with two-dimensional wavelets, whose
orientation, the *spin*, is +1 or -1. An ascending pattern in the time-frequency plane and its
mirror image light up paths of opposite spins.

This example scatters an ascending and a descending exponential chirp with
:class:`kymatio.numpy.TimeFrequencyScattering` and reads the direction from ``meta()["spin"]``.

Needs ``kymatio-numpy`` and matplotlib.
"""

# %%
# Two chirps
# ----------
# The instantaneous frequency of an exponential chirp goes geometrically from ``f0`` to ``f1``:
# a straight line in the (time, log-frequency) plane that JTFS works in.
import numpy as np
import matplotlib.pyplot as plt

from kymatio.numpy import Scattering1D, TimeFrequencyScattering

N = 4096
t = np.arange(N) / N


def exponential_chirp(f0, f1):
    rate = np.log(f1 / f0)
    return np.sin(2 * np.pi * N * f0 * (np.exp(rate * t) - 1) / rate)


up, down = exponential_chirp(0.01, 0.3), exponential_chirp(0.3, 0.01)
x = np.stack([up, down]).astype(np.float32)
names = ["ascending", "descending"]

# %%
# The scalograms
# --------------
# The first-order time scattering coefficients with a small averaging scale (``T=16``) show each
# chirp in the time-frequency plane, one row per wavelet (highest frequency on top).
S1 = Scattering1D(J=8, shape=N, Q=8, T=16, max_order=1)
scalogram = S1(x)[:, S1.meta()["order"] == 1]            # (2, 54, 256)
fig, axes = plt.subplots(1, 2, figsize=(8, 3), sharey=True)
for ax, image, name in zip(axes, scalogram, names):
    ax.imshow(np.log1p(image / image.max() * 1e3), aspect="auto", cmap="magma")
    ax.set_title(name)
    ax.set_xlabel("time (samples / 16)")
axes[0].set_ylabel("first-order channel")
fig.tight_layout()

# %%
# Joint scattering
# ----------------
# ``format="joint"`` keeps the first-order index as an axis: each of the 59 joint paths gives an
# array of ``(F_out, T_out)`` coefficients (frequency rows by time samples). ``meta()`` has one row
# per path, with ``order``, the time scales ``j``, and the frequential wavelet's ``j_fr`` and
# ``spin``. Spin 0 marks the paths whose frequential filter is the low-pass.
S = TimeFrequencyScattering(J=8, J_fr=3, Q=8, shape=N, format="joint")
Sx = S(x)
meta = S.meta()
print("output", Sx.shape, Sx.dtype, "- spins of the second-order paths:",
      sorted(set(meta["spin"][meta["order"] == 2].tolist())))

energy = (Sx.astype(np.float64) ** 2).sum(axis=(-2, -1))        # (2 signals, 59 paths)
second = meta["order"] == 2
by_spin = {s: energy[:, second & (meta["spin"] == s)].sum(axis=1) for s in (1, -1, 0)}
for i, name in enumerate(names):
    ratio = by_spin[1][i] / by_spin[-1][i]
    print(f"{name:>10}: second-order energy, spin +1 / spin -1 = {ratio:.3g}")

fig, ax = plt.subplots(figsize=(5, 3))
width = 0.25
for k, spin in enumerate((1, -1, 0)):
    ax.bar(np.arange(2) + (k - 1) * width, by_spin[spin], width, label=f"spin {spin:+d}")
ax.set_xticks(range(2), names)
ax.set_ylabel("second-order energy")
ax.set_yscale("log")
ax.legend()
fig.tight_layout()

# %%
# One signal's strongest paths of each spin
# -----------------------------------------
# Each joint path is an image over (first-order rows, time). For the ascending chirp, the
# strongest spin +1 path holds far more energy than the strongest spin -1 path: the diagonal
# structure matches one orientation of the joint wavelets only.
fig, axes = plt.subplots(1, 2, figsize=(8, 3), sharey=True)
top = max(Sx[0][second].max(), 1e-12)
for ax, spin in zip(axes, (1, -1)):
    paths = np.flatnonzero(second & (meta["spin"] == spin))
    strongest = paths[np.argmax(energy[0, paths])]
    ax.imshow(Sx[0, strongest], aspect="auto", cmap="viridis", vmin=0, vmax=top)
    ax.set_title(f"spin {spin:+d}: j = {meta['j'][strongest, 1]:.0f}, "
                 f"j_fr = {meta['j_fr'][strongest]:.0f}")
    ax.set_xlabel("time (samples / 256)")
axes[0].set_ylabel("frequency row")
fig.tight_layout()
