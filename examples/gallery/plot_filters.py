"""
Plotting the filters
====================

Every transform is built from a bank of wavelets computed once, in NumPy, when the transform is
constructed. :mod:`kymatio.core.plot` draws the 1-D and 2-D banks of any frontend's transform;
the 3-D solid harmonics come from :mod:`kymatio.core.filters3d` and are drawn here by hand.

The functions of :mod:`kymatio.core.plot` return a ``matplotlib.figure.Figure`` made without
pyplot (no window, no global state): in a script, save it with ``fig.savefig("bank.png")``; a
notebook displays it when it is the cell's value.

Needs ``kymatio-core[plot]`` (matplotlib) and ``kymatio-numpy``.
"""

# %%
# The 1-D Morlet bank
# -------------------
# With ``Q=8`` the first layer has 8 wavelets per octave down to the scale ``2**J``, then a few
# of constant bandwidth towards frequency 0; the second layer has one per octave. The thick line
# is the Littlewood-Paley sum, which stays at most 1: no frequency is amplified, and every
# frequency above the low-pass's band is covered.
from kymatio.core import plot
from kymatio.numpy import Scattering1D, Scattering2D

S1 = Scattering1D(J=6, shape=2048, Q=8)
print("wavelets per layer:", len(S1.psi1_f), len(S1.psi2_f))
fig_1d = plot.filter_bank_1d(S1)

# %%
# The 2-D Morlet bank
# -------------------
# ``J`` scales times ``L`` orientations, real parts in space, on a common window so that the
# scales compare; the last tile is the low-pass ``phi``.
S2 = Scattering2D(J=3, shape=(64, 64), L=6)
fig_2d = plot.filter_bank_2d(S2)

# %%
# 3-D solid harmonics
# -------------------
# The wavelets of :class:`kymatio.numpy.HarmonicScattering3D` are Gaussians times solid harmonics
# :math:`r^l Y_l^m`. Below, the central slice of the real part of each ``m`` for degrees ``l = 0,
# 1, 2``, width 3 voxels, in space (``fourier=False``).
import numpy as np
import matplotlib.pyplot as plt

from kymatio.core.filters3d import solid_harmonic_3d

L, size = 2, 24
fig, axes = plt.subplots(L + 1, 2 * L + 1, figsize=(7, 4.2))
for l in range(L + 1):
    psi = solid_harmonic_3d(size, size, size, sigma=3.0, l=l, fourier=False)
    for m in range(-L, L + 1):
        ax = axes[l, m + L]
        ax.set_axis_off()
        if abs(m) > l:
            continue
        central = np.fft.fftshift(psi[m + l].real)[:, :, size // 2]
        limit = np.abs(central).max()
        ax.imshow(central, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"l={l}, m={m}", fontsize=8)
fig.suptitle("solid harmonic wavelets, real part, central slice")
fig.tight_layout()
