"""HarmonicScattering3D (NumPy): reference numbers, invariants, shapes, parameters and errors."""
from __future__ import annotations

import doctest
import json

import numpy as np
import pytest

import kymatio.core._batching
import kymatio.core.filters3d
import kymatio.core.scattering3d
from kymatio.core._errors import ScatteringTypeError, ScatteringValueError
from kymatio.core.filters3d import cartesian_grid, generate_weighted_sum_of_gaussians
from kymatio.numpy import HarmonicScattering3D


def relative_l1(a, b):
    return np.abs(a - b).sum() / max(np.abs(a).sum(), np.abs(b).sum())


@pytest.fixture(scope="module")
def reference_3d(data_dir):
    with np.load(data_dir / "harmonic3d_J2_L2_16cube.npz") as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="module")
def S16():
    return HarmonicScattering3D(J=2, shape=(16, 16, 16))


def naive_scattering(x, filters, max_order, powers):
    """One path at a time, as the spec's pseudo-code writes it (for one volume)."""
    x_hat = np.fft.fftn(x)
    rows = [[] for _ in filters]
    for l, psi_l in enumerate(filters):
        def modulus(u_hat, j):
            total = 0
            for m in range(psi_l.shape[1]):
                total = total + np.abs(np.fft.ifftn(u_hat * psi_l[j, m])) ** 2
            return np.sqrt(total)
        order2 = []
        for j1 in range(psi_l.shape[0]):
            u1 = modulus(x_hat, j1)
            rows[l].append([np.sum(u1**p) for p in powers])
            if max_order == 2:
                u1_hat = np.fft.fftn(u1)
                for j2 in range(j1 + 1, psi_l.shape[0]):
                    order2.append([np.sum(modulus(u1_hat, j2) ** p) for p in powers])
        rows[l] += order2
    return np.array(rows).transpose(1, 0, 2)


# -- reference numbers ------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reference_data(reference_3d, dtype):
    x = reference_3d["x"].astype(dtype)
    Sx = reference_3d["Sx"]
    assert (int(reference_3d["J"]), int(reference_3d["L"])) == (2, 2)
    powers = list(reference_3d["integral_powers"])
    S = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2, sigma_0=1, integral_powers=powers)
    out = S(x)
    assert out.shape == (2, 6, 3, 2) and out.dtype == dtype
    order0 = np.stack([np.sum(x.reshape(2, -1) ** p, axis=-1) for p in powers], axis=-1)
    assert relative_l1(order0, Sx[:, :2]) < 1e-6
    assert relative_l1(out.reshape(2, -1), Sx[:, 2:]) < 1e-6


def test_reference_case_L3_float64(data_dir):
    with np.load(data_dir / "reference_cases.npz") as data:
        case = next(c for c in json.loads(str(data["index_json"])) if c["name"] == "h3_L3")
        x, Sx = data["h3_L3_x"], data["h3_L3_Sx"]
    params = dict(case["params"], shape=tuple(case["params"]["shape"]))
    out = HarmonicScattering3D(**params)(x)
    assert out.dtype == np.float64 and list(out.shape) == case["output_shape"]
    np.testing.assert_allclose(out, Sx, rtol=1e-5)


def test_reference_checkpoint_32cube():
    x = np.random.RandomState(0).randn(32, 32, 32)
    S = HarmonicScattering3D(2, (32, 32, 32), L=2)
    out = S(x)
    assert out.shape == (6, 3, 3)
    np.testing.assert_allclose(out[0, :, 0], [10351.316, 10365.649, 9787.163], rtol=1e-6)
    np.testing.assert_allclose(out[5, 2, :], [959.81470, 28.844675, 0.027800145], rtol=1e-6)


def test_first_reference_row(reference_3d):
    S = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2, integral_powers=[1, 2])
    out = S(reference_3d["x"][:1]).reshape(-1)
    np.testing.assert_allclose(out[:6], [528.6299, 105.86778, 440.16125, 56.269127, 378.1673,
                                         38.75697], rtol=1e-6)


def test_matches_naive_path_by_path_on_non_cubic_volume():
    x = np.random.default_rng(1).standard_normal((2, 9, 10, 7))
    S = HarmonicScattering3D(J=2, shape=(9, 10, 7), L=2, sigma_0=0.8, integral_powers=(0.5, 1, 3))
    out = S(x)
    for b in range(2):
        expected = naive_scattering(x[b], S.filters, 2, (0.5, 1, 3))
        np.testing.assert_allclose(out[b], expected, rtol=1e-12)


# -- analytic and invariance properties -------------------------------------------------------
def test_gaussian_input_gives_powers_of_k():
    """A normalised Gaussian of width s_g through wavelets of width s_w: S[j, l] = k**l with
    k = s_w / sqrt(s_w**2 + s_g**2) (80^3 instead of the reference's 128^3: same accuracy for J=1)."""
    M, sigma_g = 80, 3.0
    x = generate_weighted_sum_of_gaussians(cartesian_grid(M, M, M), np.zeros((1, 1, 3)),
                                           np.ones((1, 1)), sigma_g)
    S = HarmonicScattering3D(J=1, shape=(M, M, M), L=3, sigma_0=3, max_order=1, integral_powers=[1])
    out = S(x)
    for j in range(2):
        sigma_w = 3 * 2**j
        k = sigma_w / np.sqrt(sigma_w**2 + sigma_g**2)
        for l in range(4):
            assert abs(out[0, j, l, 0] - k**l) < 1e-4 * k**l, (j, l)


def smooth_volumes(M, rng):
    positions = rng.uniform(-5, 5, (2, 6, 3))
    weights = rng.uniform(0.5, 2, (2, 6))
    return generate_weighted_sum_of_gaussians(cartesian_grid(M, M, M), positions, weights, 2.0)


@pytest.mark.parametrize("axes", [(1, 2), (1, 3), (2, 3)])
def test_rotation_invariance(axes):
    """90-degree rotations leave the rotation-covariant coefficients unchanged. Measured: 2e-9
    relative for smooth volumes, 2e-5 for white noise (the Nyquist planes of an even grid are not
    rotated onto themselves); coefficients of m = -l alone change by 60-90%."""
    rng = np.random.default_rng(0)
    S = HarmonicScattering3D(J=2, shape=(24, 24, 24), L=3)
    for x, tolerance in ((smooth_volumes(24, rng), 1e-7), (rng.standard_normal((2, 24, 24, 24)), 1e-4)):
        rotated = np.ascontiguousarray(np.rot90(x, 1, axes=axes))
        np.testing.assert_allclose(S(rotated), S(x), rtol=tolerance)
    if axes == (2, 3):
        return  # about the z axis |Y_l^m| is unchanged (a phase), so m = -l alone is invariant too
    S.rotation_covariant = False
    x = smooth_volumes(24, rng)
    rotated = np.ascontiguousarray(np.rot90(x, 1, axes=axes))
    assert np.max(np.abs(S(rotated) - S(x)) / np.abs(S(x))) > 1e-2


def test_translation_invariance(S16):
    x = np.random.default_rng(2).standard_normal((16, 16, 16))
    shifted = np.roll(x, (3, -5, 7), axis=(0, 1, 2))
    np.testing.assert_allclose(S16(shifted), S16(x), rtol=1e-10)


# -- shapes, dtypes, batches --------------------------------------------------------------------
def test_batch_shape_agnostic(S16):
    x = np.random.default_rng(3).standard_normal((2, 3, 16, 16, 16)).astype(np.float32)
    out = S16(x)
    assert out.shape == (2, 3, 6, 4, 3) and out.dtype == np.float32
    single = S16(x[1, 2])
    assert single.shape == (6, 4, 3) and single.dtype == np.float32
    np.testing.assert_allclose(out[1, 2], single, rtol=1e-5)


def test_dtype_follows_input(S16):
    x = np.random.default_rng(4).standard_normal((2, 16, 16, 16))
    out64 = S16(x)
    out32 = S16(x.astype(np.float32))
    assert out64.dtype == np.float64 and out32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=2e-5)


def test_non_contiguous_input(S16):
    x = np.random.default_rng(5).standard_normal((16, 16, 16, 2))
    np.testing.assert_allclose(S16(np.moveaxis(x, -1, 0)),
                               S16(np.ascontiguousarray(np.moveaxis(x, -1, 0))), rtol=1e-12)


def test_nan_propagates(S16):
    x = np.zeros((2, 16, 16, 16))
    x[0, 3, 4, 5] = np.nan
    out = S16(x)
    assert np.isnan(out[0]).all() and np.isfinite(out[1]).all()


@pytest.mark.parametrize("J", [0, 1, 3])
@pytest.mark.parametrize("L", [0, 2])
@pytest.mark.parametrize("max_order", [1, 2])
@pytest.mark.parametrize("powers", [(2.0,), (0.5, 1.0, 2.0)])
def test_sizes_and_meta(J, L, max_order, powers):
    S = HarmonicScattering3D(J=J, shape=(8, 6, 5), L=L, max_order=max_order, integral_powers=powers)
    out = S(np.random.default_rng(6).standard_normal((2, 8, 6, 5)))
    K = S.output_size()
    assert out.shape == (2, K, L + 1, len(powers))
    detail = S.output_size(detail=True)
    assert sum(detail) == K and detail[0] == J + 1
    assert detail == ((J + 1,) if max_order == 1 else (J + 1, J * (J + 1) // 2))
    meta = S.meta()
    assert len(meta["key"]) == K and meta["order"].shape == (K,)
    assert meta["j"].shape == meta["sigma"].shape == (K, max_order)
    assert list(meta["order"]) == [len(key) for key in meta["key"]]
    assert meta["key"][: J + 1] == [(j,) for j in range(J + 1)]
    assert all(j1 < j2 for key in meta["key"][J + 1:] for j1, j2 in [key])
    np.testing.assert_array_equal(meta["l"], np.arange(L + 1))
    np.testing.assert_array_equal(meta["integral_powers"], powers)
    if max_order == 2:
        assert np.isnan(meta["j"][: J + 1, 1]).all() and not np.isnan(meta["j"][J + 1:]).any()
        S.max_order = 1
        np.testing.assert_allclose(S(np.random.default_rng(6).standard_normal((2, 8, 6, 5))),
                                   out[:, : J + 1], rtol=1e-12)


def test_meta_keys_lexicographic():
    meta = HarmonicScattering3D(J=3, shape=(8, 8, 8), L=1, sigma_0=0.5).meta()
    assert meta["key"] == [(0,), (1,), (2,), (3,), (0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    np.testing.assert_array_equal(meta["sigma"][5], [0.5, 2.0])


def test_chunking_does_not_change_results(monkeypatch):
    x = np.random.default_rng(7).standard_normal((3, 8, 8, 8))
    S = HarmonicScattering3D(J=2, shape=(8, 8, 8), L=2)
    whole = S(x)
    # One volume per step (the budget below one volume with all its orders), then two.
    monkeypatch.setattr(kymatio.core._batching, "STEP_FACTOR", 0)
    monkeypatch.setattr(kymatio.core._batching, "MIN_STEP", 1)
    np.testing.assert_allclose(S(x), whole, rtol=1e-12)
    monkeypatch.setattr(kymatio.core._batching, "MIN_STEP", 2 * 5 * 512)
    np.testing.assert_allclose(S(x), whole, rtol=1e-12)


# -- attributes -------------------------------------------------------------------------------
def test_mutable_attributes_are_read_at_call_time():
    x = np.random.default_rng(8).standard_normal((8, 8, 8))
    S = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1)
    full = S(x)
    S.integral_powers = [2.0]
    np.testing.assert_allclose(S(x), full[..., 2:], rtol=1e-12)
    S.max_order = 1
    assert S(x).shape == (2, 2, 1)
    S.rotation_covariant = False
    direct = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1, max_order=1, rotation_covariant=False,
                                  integral_powers=[2.0])
    np.testing.assert_array_equal(S(x), direct(x))
    # l = 0 has one order only: the same either way.
    np.testing.assert_allclose(S(x)[:, 0], full[:2, 0, 2:], rtol=1e-12)


def test_filters_points_and_gaussian_filters():
    S = HarmonicScattering3D(J=1, shape=(8, 6, 4), L=2, points=[(0, 0, 0)])
    assert S.points == [(0, 0, 0)]
    assert [f.shape for f in S.filters] == [(2, 2 * l + 1, 8, 6, 4) for l in range(3)]
    assert S._gaussian_filters is None
    assert S.gaussian_filters.shape == (3, 8, 6, 4)
    assert S.gaussian_filters is S.gaussian_filters


def test_public_class():
    assert HarmonicScattering3D.__module__ == "kymatio.numpy"
    assert HarmonicScattering3D.__name__ == "HarmonicScattering3D"


@pytest.mark.parametrize("obj", [HarmonicScattering3D, kymatio.core.filters3d])
def test_docstring_examples(obj):
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(obj, globs={"np": np, **vars(kymatio.core.filters3d)}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("x, error, message", [
    (None, ScatteringTypeError, "got NoneType"),
    ([[[0.0]]], ScatteringTypeError, "got list"),
    (np.zeros((16, 16, 16), dtype=np.int64), ScatteringTypeError, "int64"),
    (np.zeros((16, 16, 16), dtype=np.complex64), ScatteringTypeError, "complex"),
    (np.zeros((16, 16), dtype=np.float32), ScatteringValueError, r"at least 3 axes.*\(16, 16\)"),
    (np.zeros((2, 16, 16, 15)), ScatteringValueError, r"\(16, 16, 16\).*\(2, 16, 16, 15\)"),
])
def test_bad_input(S16, x, error, message):
    with pytest.raises(error, match=message):
        S16(x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_empty_batch_gives_empty_output(S16, dtype):
    out = S16(np.zeros((0, 3, 16, 16, 16), dtype=dtype))
    full = S16(np.zeros((1, 16, 16, 16), dtype=dtype))
    assert out.shape == (0, 3) + full.shape[1:] and out.dtype == dtype


def test_shape_errors_are_runtime_errors(S16):
    # The reference raised RuntimeError for these; existing except clauses keep working.
    with pytest.raises(RuntimeError):
        S16(np.zeros((16, 16)))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"J": -1}, ScatteringValueError, "J must be an integer >= 0, got -1"),
    ({"J": 1.5}, ScatteringTypeError, "J must be an integer, got 1.5"),
    ({"L": -2}, ScatteringValueError, "L must be an integer >= 0, got -2"),
    ({"sigma_0": 0}, ScatteringValueError, "sigma_0 must be a finite real number > 0, got 0"),
    ({"sigma_0": "1"}, ScatteringTypeError, "sigma_0 must be a positive real number, got '1'"),
    ({"max_order": 3}, ScatteringValueError, "max_order must be 1 or 2, got 3"),
    ({"max_order": 0}, ScatteringValueError, "max_order must be 1 or 2, got 0"),
    ({"max_order": 1.0}, ScatteringTypeError, "max_order must be an integer"),
    ({"rotation_covariant": "yes"}, ScatteringTypeError, "rotation_covariant must be True or False"),
    ({"method": "standard"}, ScatteringValueError, "method must be one of 'integral'. Got: 'standard'"),
    ({"integral_powers": []}, ScatteringValueError, "non-empty"),
    ({"integral_powers": 2.0}, ScatteringTypeError, "sequence of real numbers"),
    ({"integral_powers": "12"}, ScatteringTypeError, "sequence of real numbers"),
    ({"integral_powers": [1, "a"]}, ScatteringTypeError, "real numbers only, got 'a'"),
    ({"integral_powers": [1, 1j]}, ScatteringTypeError, "real numbers only"),
    ({"integral_powers": [1, float("nan")]}, ScatteringValueError, "finite numbers only, got nan"),
    ({"shape": (16, 16)}, ScatteringValueError, r"shape must be a tuple \(M, N, O\).*\(16, 16\)"),
    ({"shape": 16}, ScatteringValueError, "shape must be a tuple"),
    ({"shape": (16, 16, 0)}, ScatteringValueError, r"shape\[2\] must be an integer >= 1, got 0"),
])
def test_bad_parameters(kwargs, error, message):
    params = dict(J=1, shape=(8, 8, 8))
    params.update(kwargs)
    with pytest.raises(error, match=message):
        HarmonicScattering3D(**params)


@pytest.mark.parametrize("name, value, error, message", [
    ("method", "sum", ScatteringValueError, "method must be one of 'integral'. Got: 'sum'"),
    ("max_order", 5, ScatteringValueError, "max_order must be 1 or 2, got 5"),
    ("integral_powers", [], ScatteringValueError, "non-empty"),
    ("rotation_covariant", None, ScatteringTypeError, "rotation_covariant must be True or False"),
])
def test_bad_attributes_at_call_time(name, value, error, message):
    S = HarmonicScattering3D(J=1, shape=(8, 8, 8))
    with pytest.raises(error, match=message):
        # max_order is validated on assignment (shared base property), the others at call time
        setattr(S, name, value)
        S(np.zeros((8, 8, 8)))


def test_numpy_integers_and_arrays_accepted():
    S = HarmonicScattering3D(J=np.int64(1), shape=np.array([8, 8, 8]).tolist(), L=np.int32(1),
                             sigma_0=np.float32(1.0), integral_powers=np.array([1.0, 2.0]))
    assert S(np.zeros((8, 8, 8))).shape == (2 + 1, 2, 2)
