"""
Regression on synthetic molecules with 3-D harmonic scattering
==============================================================

A molecule can be drawn as a density: one Gaussian per atom, weighted by its charge. Its
electrostatic energy depends on how those charges sit relative to one another, not on where the
molecule is or how it is turned. Solid-harmonic scattering integrals are invariant to
translations and (with ``rotation_covariant=True``) to rotations, and they mix the densities at
several scales; linear regression on them predicts the energy.

This example makes a small set of random "molecules", computes
:class:`kymatio.numpy.HarmonicScattering3D` integrals of their densities, and fits a ridge
regression to their Coulomb energy, compared with the order-0 integrals alone.

Needs ``kymatio-numpy``, scikit-learn and matplotlib.
"""

# %%
# Molecules as sums of Gaussians
# ------------------------------
# Each molecule has 3 to 8 atoms with charges drawn from {1, 6, 7, 8} (as for H, C, N, O), at
# random positions in a box of 14 voxels a side. Its target is the Coulomb energy
# :math:`E = \sum_{i<j} q_i q_j / |r_i - r_j|`. The density is a sum of Gaussians of width 1.5
# voxels on a 32 x 32 x 32 grid (:func:`kymatio.core.filters3d.generate_weighted_sum_of_gaussians`
# on the grid of :func:`kymatio.core.filters3d.cartesian_grid`, whose origin is voxel 0).
import numpy as np
import matplotlib.pyplot as plt

from kymatio.core.filters3d import cartesian_grid, generate_weighted_sum_of_gaussians

rng = np.random.default_rng(0)
n_molecules, M, width, max_atoms = 160, 32, 1.5, 8
positions = np.zeros((n_molecules, max_atoms, 3))
charges = np.zeros((n_molecules, max_atoms))        # absent atoms have charge 0
energy = np.zeros(n_molecules)
for i in range(n_molecules):
    k = rng.integers(3, max_atoms + 1)
    r = rng.uniform(-7, 7, size=(k, 3))
    q = rng.choice([1.0, 6.0, 7.0, 8.0], size=k)
    positions[i, :k], charges[i, :k] = r, q
    a, b = np.triu_indices(k, 1)
    energy[i] = np.sum(q[a] * q[b] / np.linalg.norm(r[a] - r[b], axis=-1))

grid = cartesian_grid(M, M, M)
densities = generate_weighted_sum_of_gaussians(grid, positions, charges, width).astype(np.float32)
print("densities", densities.shape, densities.dtype)

fig, axes = plt.subplots(1, 3, figsize=(8, 2.8))
for ax, i in zip(axes, range(3)):
    ax.imshow(np.fft.fftshift(densities[i]).sum(axis=0), cmap="magma")
    ax.set_title(f"E = {energy[i]:.0f}", fontsize=9)
    ax.set_axis_off()
fig.suptitle("densities, summed along one axis")
fig.tight_layout()

# %%
# Scattering integrals
# --------------------
# With ``J=2`` and ``L=2`` the wavelets have widths ``1, 2, 4`` voxels and degrees ``l = 0, 1, 2``;
# each volume gives ``(K, L + 1, P) = (6, 3, 3)`` numbers: 6 paths (3 first-order scales and 3
# pairs ``j1 < j2``), 3 degrees, and the integrals of the moduli to the powers 0.5, 1 and 2.
# :meth:`~kymatio.numpy.HarmonicScattering3D.meta` names each row. The order-0 integrals
# :math:`\sum_u \rho(u)^p` (not part of the transform's output) are added by hand.
from kymatio.numpy import HarmonicScattering3D

powers = (0.5, 1.0, 2.0)
S = HarmonicScattering3D(J=2, shape=(M, M, M), L=2, sigma_0=1.0, integral_powers=powers)
Sx = S(densities)
print("coefficients", Sx.shape, Sx.dtype, "rows:", S.meta()["key"])
order0 = np.stack([np.sum(np.abs(densities) ** p, axis=(1, 2, 3)) for p in powers], axis=1)
features = np.concatenate([order0, Sx.reshape(n_molecules, -1)], axis=1)

# %%
# Ridge regression, cross-validated
# ---------------------------------
# Every prediction below comes from a model that did not see that molecule (5-fold
# cross-validation); the ridge penalty is chosen inside each fold.
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def predict(X):
    model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13)))
    return cross_val_predict(model, X, energy, cv=5)


for name, X in (("order 0 only", order0), ("orders 0-2", features)):
    predicted = predict(X)
    r2 = 1 - np.mean((predicted - energy) ** 2) / np.var(energy)
    print(f"{name:>12}: mean absolute error {np.mean(np.abs(predicted - energy)):5.2f}, "
          f"R^2 {r2:.3f}")

fig, ax = plt.subplots(figsize=(4, 4))
ax.scatter(energy, predicted, s=10)
limits = [energy.min(), energy.max()]
ax.plot(limits, limits, color="gray", lw=1)
ax.set_xlabel("Coulomb energy")
ax.set_ylabel("predicted (cross-validated)")
ax.set_title("orders 0-2")
fig.tight_layout()

# %%
# The order-0 integrals know the total charge and how concentrated the density is; the
# scattering integrals add how the charge is arranged at the scales of the wavelets, which is
# what the pairwise distances in the energy depend on. For larger volumes, the same code runs
# with :class:`kymatio.torch.HarmonicScattering3D` on a GPU.
