"""The 3-D solid-harmonic filter bank: grid and angle conventions, formulas, shapes, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import sph_harm_y

from kymatio.core._errors import ScatteringTypeError, ScatteringValueError
from kymatio.core.filters3d import (
    cartesian_grid,
    double_factorial,
    gaussian_3d,
    gaussian_filter_bank,
    generate_weighted_sum_of_gaussians,
    get_3d_angles,
    solid_harmonic_3d,
    solid_harmonic_filter_bank,
    solid_harmonic_factors,
)


def normalisation(l):
    """c_l of the spec, written independently of the module."""
    if l % 2 == 0:
        return 1 / (2 * math.pi * math.sqrt(l + 0.5) * double_factorial(l + 1))
    return 1 / (2 ** ((l + 3) / 2) * math.sqrt(math.pi * (2 * l + 1)) * math.factorial((l + 1) // 2))


def solid_harmonic_by_angles(M, N, O, sigma, l, fourier):
    """The spec's recipe, literally: angles, SciPy's spherical harmonics, radial profile, constant."""
    grid = cartesian_grid(M, N, O, fourier=fourier)
    width = 1 / sigma if fourier else sigma
    r2 = (grid**2).sum(0)
    gauss = np.exp(-0.5 * r2 / width**2)
    if l == 0:
        return (gauss if fourier else gauss / ((2 * np.pi) ** 1.5 * sigma**3))[None]
    polar, azimuth = get_3d_angles(grid)
    poly = np.sqrt(r2) ** l / width**l * gauss
    psi = np.stack([sph_harm_y(l, m, polar, azimuth) * poly for m in range(-l, l + 1)])
    c = normalisation(l)
    return psi * (c * (2 * np.pi) ** 1.5 * (-1j) ** l if fourier else c / sigma**3)


def test_grid_is_ifftshifted_with_odd_offset():
    grid = cartesian_grid(4, 5, 1)
    np.testing.assert_array_equal(grid[0, :, 0, 0], [0, 1, -2, -1])
    # Odd sizes: index 0 holds -1 (the reference's off-by-one, kept).
    np.testing.assert_array_equal(grid[1, 0, :, 0], [-1, 0, 1, -3, -2])
    np.testing.assert_array_equal(grid[2], 0 * grid[2] - 1)
    fourier = cartesian_grid(4, 5, 1, fourier=True)
    np.testing.assert_allclose(fourier[0, :, 0, 0], np.array([0, 1, -2, -1]) * 2 * np.pi / 4)


def test_angle_convention():
    # Columns: +z, -z, +x, +y, origin (grid order z, y, x).
    points = np.array([[1.0, -1.0, 0.0, 0.0, 0.0],
                       [0.0, 0.0, 0.0, 1.0, 0.0],
                       [0.0, 0.0, 1.0, 0.0, 0.0]])
    polar, azimuth = get_3d_angles(points)
    np.testing.assert_allclose(polar, [np.pi, 0, np.pi / 2, np.pi / 2, np.pi / 2])
    np.testing.assert_allclose(azimuth, [0, 0, 0, np.pi / 2, 0])


def test_double_factorial():
    assert [double_factorial(i) for i in range(-1, 8)] == [1, 1, 1, 2, 3, 8, 15, 48, 105]
    with pytest.raises(ScatteringTypeError, match="integer"):
        double_factorial(2.5)


@pytest.mark.parametrize("fourier", [True, False])
@pytest.mark.parametrize("shape", [(8, 8, 8), (7, 9, 6), (5, 4, 3)])
@pytest.mark.parametrize("l", range(6))
def test_solid_harmonic_matches_spherical_harmonics(shape, l, fourier):
    for sigma in (1.0, 2.5):
        psi = solid_harmonic_3d(*shape, sigma, l, fourier=fourier)
        expected = solid_harmonic_by_angles(*shape, sigma, l, fourier)
        assert psi.shape == (2 * l + 1,) + shape and psi.dtype == np.complex128
        np.testing.assert_allclose(psi, expected, rtol=0, atol=1e-14 * np.abs(expected).max())


def test_l0_is_the_bare_gaussian():
    np.testing.assert_array_equal(solid_harmonic_3d(8, 8, 8, 2.0, 0)[0], gaussian_3d(8, 8, 8, 2.0))
    assert gaussian_3d(8, 8, 8, 2.0)[0, 0, 0] == 1.0


@pytest.mark.parametrize("shape", [(8, 8, 8), (7, 10, 9)])
def test_degree_0_harmonic_factor_is_exactly_one(shape):
    # The 3-D algorithm skips the product with H_00 (scattering3d's `unit`).
    harmonics = solid_harmonic_factors(*shape, J=1, L=2, sigma_0=1.0)["harmonics"]
    assert harmonics[0].shape == (1,) + shape
    assert np.array_equal(harmonics[0], np.ones_like(harmonics[0]))


@pytest.mark.parametrize("l", range(1, 5))
def test_negative_orders_are_conjugates(l):
    psi = solid_harmonic_3d(6, 7, 8, 1.5, l)
    for m in range(1, l + 1):
        np.testing.assert_allclose(psi[l - m], (-1) ** (m + l) * np.conj(psi[l + m]), atol=1e-15)


@pytest.mark.parametrize("l", range(4))
def test_space_and_fourier_filters_agree(l):
    """The DFT of the space wavelet is the Fourier wavelet (both well sampled at 32^3, sigma 2)."""
    space = solid_harmonic_3d(32, 32, 32, 2.0, l, fourier=False)
    fourier = solid_harmonic_3d(32, 32, 32, 2.0, l)
    dft = np.fft.fftn(space, axes=(1, 2, 3))
    assert np.abs(dft - fourier).max() < 1e-6 * np.abs(fourier).max()


def test_gaussian_normalisation():
    space = gaussian_3d(32, 32, 32, 2.0, fourier=False)
    assert abs(space.sum() - 1) < 1e-12
    assert np.abs(np.fft.fftn(space) - gaussian_3d(32, 32, 32, 2.0)).max() < 1e-8


def test_filter_bank_shapes_and_scales():
    bank = solid_harmonic_filter_bank(10, 12, 8, J=2, L=3, sigma_0=1.5)
    assert [psi.shape for psi in bank] == [(3, 2 * l + 1, 10, 12, 8) for l in range(4)]
    for l, psi_l in enumerate(bank):
        for j in range(3):
            np.testing.assert_array_equal(psi_l[j], solid_harmonic_3d(10, 12, 8, 1.5 * 2**j, l))
    gaussians = gaussian_filter_bank(10, 12, 8, J=3, sigma_0=1.5)
    assert gaussians.shape == (4, 10, 12, 8) and gaussians.dtype == np.complex128
    np.testing.assert_array_equal(gaussians[3].real, gaussian_3d(10, 12, 8, 12.0))


def test_weighted_sum_of_gaussians():
    grid = cartesian_grid(24, 24, 24)
    positions = np.array([[[0, 0, 0], [3, -2, 1]], [[1, 1, 1], [0, 0, 0]]], dtype=float)
    weights = np.array([[1.0, 2.0], [0.5, 0.0]])
    x = generate_weighted_sum_of_gaussians(grid, positions, weights, 1.5)
    assert x.shape == (2, 24, 24, 24)
    np.testing.assert_allclose(x.sum(axis=(1, 2, 3)), [3.0, 0.5], rtol=1e-7)
    np.testing.assert_allclose(x[1], 0.5 * np.roll(gaussian_3d(24, 24, 24, 1.5, fourier=False),
                                                   (1, 1, 1), axis=(0, 1, 2)), atol=1e-12)
    with pytest.raises(ScatteringValueError, match=r"\(B, n_points, 3\)"):
        generate_weighted_sum_of_gaussians(grid, positions[..., :2], weights, 1.5)
    with pytest.raises(ScatteringValueError, match=r"\(3, M, N, O\)"):
        generate_weighted_sum_of_gaussians(grid[:2], positions, weights, 1.5)


@pytest.mark.parametrize("call, error, message", [
    (lambda: solid_harmonic_3d(0, 8, 8, 1.0, 1), ScatteringValueError, "M must be an integer >= 1"),
    (lambda: solid_harmonic_3d(8, 8.0, 8, 1.0, 1), ScatteringTypeError, "N must be an integer"),
    (lambda: solid_harmonic_3d(8, 8, 8, 0.0, 1), ScatteringValueError, "sigma must be a finite"),
    (lambda: solid_harmonic_3d(8, 8, 8, "1", 1), ScatteringTypeError, "sigma must be a positive"),
    (lambda: solid_harmonic_3d(8, 8, 8, 1.0, -1), ScatteringValueError, "l must be an integer >= 0"),
    (lambda: solid_harmonic_filter_bank(8, 8, 8, -1, 2, 1.0), ScatteringValueError, "J must be"),
    (lambda: solid_harmonic_filter_bank(8, 8, 8, 1, 2, float("inf")), ScatteringValueError,
     "sigma_0 must be a finite"),
    (lambda: gaussian_filter_bank(8, 8, 8, 1.5, 1.0), ScatteringTypeError, "J must be an integer"),
])
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()
