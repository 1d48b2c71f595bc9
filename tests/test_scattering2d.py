"""2-D scattering (NumPy frontend): reference numbers, shapes, invariants and every error path."""
from __future__ import annotations

import doctest
import json

import numpy as np
import pytest

from kymatio.core._errors import ScatteringTypeError, ScatteringValueError
from kymatio.numpy import Scattering2D


@pytest.fixture(scope="module")
def reference_2d(data_dir):
    return dict(np.load(data_dir / "scattering2d_J4_32x32.npz"))


# -- reference numbers ------------------------------------------------------------------------------
def test_reference_data_float32(reference_2d):
    x, Sx = reference_2d["x"], reference_2d["Sx"]
    S = Scattering2D(J=int(reference_2d["J"]), shape=(32, 32), pre_pad=bool(reference_2d["pre_pad"]))
    out = S(x)
    assert out.shape == Sx.shape == (2, 3, 417, 2, 2)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, Sx, rtol=1e-5, atol=1e-8)


def test_reference_data_max_order_1_is_prefix(reference_2d):
    S = Scattering2D(J=4, shape=(32, 32), max_order=1)
    np.testing.assert_allclose(S(reference_2d["x"]), reference_2d["Sx"][..., :33, :, :],
                               rtol=1e-5, atol=1e-8)
    S.max_order = 2
    assert S(reference_2d["x"]).shape[-3] == 417


def test_reference_case_odd_sizes_float64(data_dir):
    cases = np.load(data_dir / "reference_cases.npz")
    case = next(c for c in json.loads(str(cases["index_json"])) if c["name"] == "s2_odd")
    params = dict(case["params"], shape=tuple(case["params"]["shape"]))
    x, Sx = cases["s2_odd_x"], cases["s2_odd_Sx"]
    out = Scattering2D(**params)(x)
    assert out.shape == tuple(case["output_shape"]) == (2, 81, 7, 8)
    assert out.dtype == np.float64
    # The reference built its filters in float32.
    np.testing.assert_allclose(out, Sx, rtol=1e-5, atol=0)


def test_section_9_checkpoint():
    x = np.random.RandomState(0).randn(32, 32)
    S = Scattering2D(2, (32, 32))(x)
    assert S.shape == (81, 8, 8)
    assert S.sum() == pytest.approx(228.76199, rel=1e-6)
    np.testing.assert_allclose(S[0, 0, :3], [-0.2056693, 0.3646817, -0.1995125], atol=1e-6)
    np.testing.assert_allclose(S[1, 0, :3], [0.244232, 0.1591331, 0.166923], atol=1e-6)
    np.testing.assert_allclose(S[17, 0, :3], [0.0318815, 0.0169899, 0.0314334], atol=1e-6)


# -- shapes, sizes, meta ------------------------------------------------------------------------------
@pytest.mark.parametrize("J", [1, 2, 3])
@pytest.mark.parametrize("L", [1, 3, 8])
@pytest.mark.parametrize("max_order", [1, 2])
@pytest.mark.parametrize("shape", [(8, 8), (13, 17), (16, 9)])
@pytest.mark.parametrize("pre_pad", [False, True])
def test_output_size_and_meta_match_output(J, L, max_order, shape, pre_pad):
    S = Scattering2D(J, shape, L=L, max_order=max_order, pre_pad=pre_pad)
    M_pad, N_pad = S._M_padded, S._N_padded
    assert (M_pad, N_pad) == tuple(2**J * (s // 2**J + 2) for s in shape)
    x = np.random.default_rng(0).standard_normal((2, M_pad, N_pad) if pre_pad else (2,) + shape)
    out = S(x)
    C = S.output_size()
    assert C == 1 + L * J + (L * L * J * (J - 1) // 2 if max_order == 2 else 0)
    assert out.shape == (2, C, shape[0] // 2**J, shape[1] // 2**J)
    detail = S.output_size(detail=True)
    assert len(detail) == max_order + 1 and sum(detail) == C
    meta = S.meta()
    assert len(meta["key"]) == C
    for field in ("n", "j", "theta", "xi", "sigma"):
        assert meta[field].shape == (C, max_order)
    np.testing.assert_array_equal(np.bincount(meta["order"], minlength=max_order + 1), detail)
    assert np.all(np.isnan(meta["n"][0]))


def test_meta_describes_channels():
    S = Scattering2D(3, (32, 32), L=4)
    meta = S.meta()
    keys = meta["key"]
    assert keys[0] == () and keys[1:13] == [(n,) for n in range(12)]
    assert keys[13:] == sorted(keys[13:])  # order 2 lexicographic in (n1, n2)
    for c, key in enumerate(keys):
        order = len(key)
        assert meta["order"][c] == order
        for k, n in enumerate(key):
            j, theta = divmod(n, 4)
            assert (meta["n"][c, k], meta["j"][c, k], meta["theta"][c, k]) == (n, j, theta)
            assert meta["xi"][c, k] == pytest.approx(3 * np.pi / 4 / 2**j)
            assert meta["sigma"][c, k] == pytest.approx(0.8 * 2**j)
        assert np.all(np.isnan(meta["j"][c, order:]))
        if order == 2:
            assert meta["j"][c, 0] < meta["j"][c, 1]


def test_list_output_matches_array_and_meta():
    x = np.random.default_rng(1).standard_normal((2, 3, 16, 20)).astype(np.float32)
    S = Scattering2D(2, (16, 20), L=4)
    array = S(x)
    S.out_type = "list"
    paths = S(x)
    meta = S.meta()
    assert len(paths) == array.shape[-3] == len(meta["key"])
    for c, path in enumerate(paths):
        assert set(path) == {"coef", "j", "n", "theta"}
        assert path["n"] == meta["key"][c]
        assert path["j"] == tuple(int(j) for j in meta["j"][c, : len(path["n"])])
        assert path["theta"] == tuple(int(t) for t in meta["theta"][c, : len(path["n"])])
        assert path["coef"].shape == (2, 3, 4, 5) and path["coef"].dtype == np.float32
        np.testing.assert_array_equal(path["coef"], array[:, :, c])


@pytest.mark.parametrize("batch", [(), (1,), (3,), (2, 3), (2, 1, 2)])
def test_batch_shape_agnostic(batch):
    S = Scattering2D(3, (32, 32))
    x = np.random.default_rng(2).standard_normal(batch + (32, 32)).astype(np.float32)
    out = S(x)
    assert out.shape == batch + (217, 4, 4)
    flat = x.reshape((-1, 32, 32))
    want = np.stack([S(image) for image in flat])
    np.testing.assert_allclose(out.reshape((-1, 217, 4, 4)), want, rtol=1e-6, atol=1e-7)


def test_empty_batch():
    S = Scattering2D(2, (16, 16))
    assert S(np.zeros((0, 16, 16))).shape == (0, 81, 4, 4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = np.random.default_rng(3).standard_normal((2, 24, 24)).astype(dtype)
    S = Scattering2D(2, (24, 24))
    out = S(x)
    assert out.dtype == dtype
    S.out_type = "list"
    assert all(p["coef"].dtype == dtype for p in S(x))


def test_float32_close_to_float64():
    x = np.random.default_rng(4).standard_normal((2, 24, 24))
    S = Scattering2D(2, (24, 24))
    high = S(x)
    np.testing.assert_allclose(S(x.astype(np.float32)), high, rtol=1e-4,
                               atol=1e-5 * np.abs(high).max())


def test_pre_pad_equals_manual_reflect_padding():
    x = np.random.default_rng(5).standard_normal((2, 13, 18))
    S = Scattering2D(2, (13, 18))
    S_pre = Scattering2D(2, (13, 18), pre_pad=True)
    (top, bottom), (left, right) = S._pad_widths
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right)), mode="reflect")
    assert padded.shape[-2:] == (S._M_padded, S._N_padded) == (20, 24)
    np.testing.assert_allclose(S_pre(padded), S(x), rtol=1e-12, atol=1e-14)


def test_padding_widths_of_worked_example():
    S = Scattering2D(2, (31, 33))
    assert (S._M_padded, S._N_padded) == (36, 40)
    assert S._pad_widths == ((2, 3), (3, 4))
    S = Scattering2D(6, (64, 64), L=2)  # padding as wide as the image: iterated reflection
    assert S._pad_widths == ((64, 64), (64, 64))
    assert S(np.ones((64, 64))).shape == (73, 1, 1)


def test_attributes():
    S = Scattering2D(2, [16, 20], L=4)
    assert Scattering2D.__module__ == "kymatio.numpy" and Scattering2D.__name__ == "Scattering2D"
    assert S.shape == (16, 20) and (S.M, S.N) == (16, 20)
    assert S.phi["j"] == 2 and len(S.phi["levels"]) == 2
    assert len(S.psi) == 8 and S.psi[5]["j"] == 1 and S.psi[5]["theta"] == 1
    assert S.backend.name == "numpy"


def test_backend_object_is_accepted():
    from kymatio.numpy._backend import backend

    x = np.random.default_rng(6).standard_normal((16, 16))
    np.testing.assert_array_equal(Scattering2D(2, (16, 16), backend=backend)(x),
                                  Scattering2D(2, (16, 16))(x))


# -- invariants ------------------------------------------------------------------------------------
def test_constant_image():
    S = Scattering2D(3, (24, 32))
    out = S(np.full((24, 32), 2.5))
    # Order 0 is the constant times phi_hat(0); the wavelets have zero mean, so orders 1-2 vanish.
    np.testing.assert_allclose(out[0], 2.5 * S.phi["levels"][0][0, 0], rtol=1e-12)
    assert np.abs(out[1:]).max() < 1e-9


def _circular_low_pass(u, phi_hat, k):
    """Spatial-domain reference: circular convolution with phi, then keep every k-th pixel."""
    return np.real(np.fft.ifft2(np.fft.fft2(u) * phi_hat))[..., ::k, ::k]


def test_paths_equal_their_spatial_definition():
    # Width-first batching against one path at a time, subsampling in space rather than Fourier.
    J, L = 3, 4
    x = np.random.default_rng(7).standard_normal((21, 26))
    S = Scattering2D(J, (21, 26), L=L)
    out = S(x)
    (top, bottom), (left, right) = S._pad_widths
    xp = np.pad(x, ((top, bottom), (left, right)), mode="reflect")
    x_hat = np.fft.fft2(xp)
    phi, psi = S.phi["levels"], S.psi
    np.testing.assert_allclose(out[0], _circular_low_pass(xp, phi[0], 2**J)[1:-1, 1:-1], atol=1e-12)
    keys = S.meta()["key"]
    for n1, n2 in [(0, 4), (2, 11), (5, 9)]:
        j1, j2 = psi[n1]["j"], psi[n2]["j"]
        u1 = np.abs(np.fft.ifft2(x_hat * psi[n1]["levels"][0]))[::2**j1, ::2**j1]
        s1 = _circular_low_pass(u1, phi[j1], 2 ** (J - j1))[1:-1, 1:-1]
        np.testing.assert_allclose(out[keys.index((n1,))], s1, atol=1e-12)
        u2 = np.abs(np.fft.ifft2(np.fft.fft2(u1) * psi[n2]["levels"][j1]))[::2 ** (j2 - j1),
                                                                            ::2 ** (j2 - j1)]
        s2 = _circular_low_pass(u2, phi[j2], 2 ** (J - j2))[1:-1, 1:-1]
        np.testing.assert_allclose(out[keys.index((n1, n2))], s2, atol=1e-12)


def test_translation_by_multiple_of_2J_with_pre_pad():
    # On the padded grid the transform is circular, so shifting by 2**J shifts the output by one.
    J = 2
    S = Scattering2D(J, (16, 20), pre_pad=True)
    xp = np.random.default_rng(8).standard_normal((S._M_padded, S._N_padded))
    out = S(xp)
    shifted = S(np.roll(xp, (2**J, -2 * 2**J), axis=(0, 1)))
    np.testing.assert_allclose(shifted[:, 1:, :-2], out[:, :-1, 2:], rtol=1e-10, atol=1e-12)


def test_energy_is_nonnegative_and_decays():
    x = np.random.default_rng(9).standard_normal((32, 32))
    S = Scattering2D(3, (32, 32))
    out = S(x)
    first, second = S.output_size(detail=True)[1:]
    order1, order2 = out[1:1 + first], out[1 + first:]
    assert order1.min() > 0 and order2.min() > 0  # low-passed moduli of a generic image
    assert np.sum(order2**2) < np.sum(order1**2)


def test_nan_propagates():
    x = np.zeros((16, 16))
    x[3, 4] = np.nan
    out = Scattering2D(2, (16, 16))(x)
    assert np.isnan(out).any()


# -- errors ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def S16():
    return Scattering2D(2, (16, 16))


@pytest.mark.parametrize("bad, fragment", [
    (None, "NoneType"),
    ([[1.0] * 16] * 16, "got list"),
    (np.ones((16, 16), dtype=np.int64), "int64"),
    (np.ones((16, 16), dtype=np.complex64), "complex"),
])
def test_input_type_errors(S16, bad, fragment):
    with pytest.raises(ScatteringTypeError, match=fragment) as info:
        S16(bad)
    assert isinstance(info.value, TypeError)
    assert "float32 or float64" in str(info.value)


@pytest.mark.parametrize("shape, fragment", [
    ((16,), "at least 2 axes"),
    ((15, 16), r"\(15, 16\)"),
    ((2, 16, 31), r"\(2, 16, 31\)"),
])
def test_input_shape_errors(S16, shape, fragment):
    with pytest.raises(ScatteringValueError, match=fragment) as info:
        S16(np.ones(shape))
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, ValueError)
    assert "(16, 16)" in str(info.value)


@pytest.mark.parametrize("shape", [(16, 16), (24,), (2, 24, 23)])
def test_pre_pad_size_error(shape):
    S = Scattering2D(2, (16, 16), pre_pad=True)
    with pytest.raises(ScatteringValueError, match="pre_pad=True") as info:
        S(np.ones(shape))
    assert "(24, 24)" in str(info.value) and str(shape) in str(info.value)
    assert isinstance(info.value, RuntimeError)


@pytest.mark.parametrize("J, shape", [(10, (10, 10)), (5, (32, 31)), (3, (4, 64))])
def test_J_too_large(J, shape):
    with pytest.raises(ScatteringValueError, match="smallest dimension should be larger than 2") \
            as info:
        Scattering2D(J, shape)
    assert str(shape) in str(info.value) and isinstance(info.value, RuntimeError)


@pytest.mark.parametrize("kwargs, error, fragment", [
    (dict(J=0), ScatteringValueError, "J must be an integer >= 1, got 0"),
    (dict(J=2.0), ScatteringTypeError, "J must be an integer, got 2.0"),
    (dict(J=True), ScatteringTypeError, "J must be an integer"),
    (dict(shape=16), ScatteringValueError, "shape must be a tuple"),
    (dict(shape=(16, 16, 1)), ScatteringValueError, r"got \(16, 16, 1\)"),
    (dict(shape=(16, 0)), ScatteringValueError, "shape\\[1\\] must be an integer >= 1, got 0"),
    (dict(shape=(16.0, 16)), ScatteringTypeError, "shape\\[0\\] must be an integer"),
    (dict(L=0), ScatteringValueError, "L must be an integer >= 1, got 0"),
    (dict(L=2.5), ScatteringTypeError, "L must be an integer, got 2.5"),
    (dict(max_order=3), ScatteringValueError, "max_order must be 1 or 2, got 3"),
    (dict(max_order=0), ScatteringValueError, "max_order must be 1 or 2, got 0"),
    (dict(max_order=1.5), ScatteringTypeError, "max_order must be an integer, got 1.5"),
    (dict(out_type="dict"), ScatteringValueError, "out_type must be one of 'array', 'list'. Got: 'dict'"),
    (dict(pre_pad=1), ScatteringTypeError, "pre_pad must be True or False, got 1"),
])
def test_parameter_errors(kwargs, error, fragment):
    params = dict(J=2, shape=(16, 16))
    params.update(kwargs)
    with pytest.raises(error, match=fragment):
        Scattering2D(**params)


def test_settable_parameters_are_validated():
    S = Scattering2D(2, (16, 16))
    with pytest.raises(ScatteringValueError, match="max_order must be 1 or 2, got 4"):
        S.max_order = 4
    with pytest.raises(ScatteringValueError, match="out_type must be one of"):
        S.out_type = "dict"
    assert S.max_order == 2 and S.out_type == "array"
    S.max_order = np.int64(1)
    assert S.max_order == 1 and S(np.ones((16, 16))).shape == (17, 4, 4)
    assert S.output_size() == 17 and S.meta()["n"].shape == (17, 1)


def test_docstring_examples():
    # The class's __module__ is the public "kymatio.numpy", so testmod would skip it.
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(Scattering2D, globs={}):
        runner.run(test)
    assert runner.tries > 0 and runner.failures == 0
