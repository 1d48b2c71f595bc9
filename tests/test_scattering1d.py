"""1-D scattering: reference numbers, invariants over parameter grids, errors."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from kymatio.core.filters1d import (
    anden_generator, compute_temporal_support, compute_xi_max, gauss_1d, morlet_1d, spin)
from kymatio.numpy import Scattering1D


def _cases(data_dir, cls):
    d = np.load(data_dir / "reference_cases.npz")
    for case in json.loads(str(d["index_json"])):
        if case["cls"] == cls:
            params = {k: tuple(v) if isinstance(v, list) else v for k, v in case["params"].items()}
            yield case["name"], params, d[case["name"] + "_x"], d[case["name"] + "_Sx"]


def test_reference_data_float32(data_dir):
    d = np.load(data_dir / "scattering1d_J6_Q16_N512.npz")
    S = Scattering1D(int(d["J"]), 512, Q=int(d["Q"]))
    Sx = S(d["x"])
    assert Sx.dtype == np.float32 and Sx.shape == d["Sx"].shape
    assert np.allclose(Sx, d["Sx"])
    Sx64 = S(d["x"].astype(np.float64))
    assert Sx64.dtype == np.float64
    assert np.max(np.abs(Sx64 - d["Sx"])) / np.max(np.abs(d["Sx"])) < 1e-7


def test_reference_cases_float64(data_dir):
    names = []
    for name, params, x, ref in _cases(data_dir, "Scattering1D"):
        Sx = Scattering1D(**params)(x)
        assert Sx.shape == ref.shape, name
        assert np.max(np.abs(Sx - ref)) / np.max(np.abs(ref)) < 1e-10, name
        names.append(name)
    assert len(names) == 4


def test_checkpoints():
    x = np.random.RandomState(0).randn(8192)
    Sx = Scattering1D(6, 8192, 8)(x)
    assert Sx.shape == (126, 128)
    assert np.isclose(Sx.sum(), 610.56737, rtol=1e-7)
    assert np.allclose(Sx[39, :3], [0.0251208, 0.0247109, 0.0240018], atol=1e-7)
    U = Scattering1D(6, 8192, 8, T=0, out_type="dict")(x)
    assert U[(0,)].shape == (8192,) and np.isclose(U[(0,)].sum(), 1433.66642)
    assert U[(0, 3)].shape == (4096,) and np.isclose(U[(0, 3)].sum(), 108.62511)
    assert list(U)[:3] == [(), (0,), (0, 3)]  # depth-first dict order


@pytest.mark.parametrize("J,Q,N,kwargs,shape", [
    (6, 8, 8192, {}, (126, 128)), (6, 16, 512, {}, (222, 8)), (8, 1, 1024, {}, (43, 4)),
    (3, 8, 1024, {}, (24, 128)), (5, (1, 1), 8192, {}, (19, 256)), (8, 3, 1024, {"T": 16}, (93, 64)),
    (8, 3, 1024, {"stride": 1}, (93, 1024)), (8, 3, 1024, {"T": "global"}, (93, 1)),
    (8, 3, 1024, {"max_order": 1}, (24, 4)),
])
def test_worked_example_shapes(J, Q, N, kwargs, shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        S = Scattering1D(J, N, Q, **kwargs)
    Sx = S(np.zeros((2, N)))
    assert Sx.shape == (2,) + shape
    assert S.output_size() == shape[0] == len(S.meta()["key"])
    assert sum(S.output_size(detail=True)) == shape[0]


def test_oversampling_deprecated():
    with pytest.warns(DeprecationWarning):
        S = Scattering1D(8, 1024, 3, oversampling=1)
    assert S(np.zeros(1024)).shape == (93, 8)


@pytest.mark.parametrize("J", [3, 5])
@pytest.mark.parametrize("Q", [1, 4, (8, 2)])
@pytest.mark.parametrize("max_order", [1, 2])
def test_meta_rows_describe_channels(J, Q, max_order):
    S = Scattering1D(J, 256, Q, max_order=max_order)
    x = np.random.default_rng(1).standard_normal(256)
    Sx = S(x)
    meta = S.meta()
    S.out_type = "dict"
    paths = S(x)
    assert Sx.shape[0] == len(meta["key"]) == meta["order"].size
    for c, key in enumerate(meta["key"]):
        assert np.array_equal(Sx[c], paths[key])
        assert meta["order"][c] == len(key)
        for o, n in enumerate(key):
            bank = (S.psi1_f, S.psi2_f)[o][n]
            assert meta["xi"][c, o] == bank["xi"] and meta["j"][c, o] == bank["j"]
    assert np.all(np.isnan(meta["xi"][0]))
    S.out_type = "list"
    assert [p["n"] for p in S(x)] == meta["key"]


@pytest.mark.parametrize("N", [256, 1000])
@pytest.mark.parametrize("T", [None, 8, "global"])
def test_order0_is_lowpassed_input(N, T):
    S = Scattering1D(4, N, 2, T=T)
    x = np.random.default_rng(2).standard_normal(N)
    x_pad = np.pad(x, (S.pad_left, S.pad_right), mode="reflect")
    if T == "global":
        expected = x_pad.sum(keepdims=True)
    else:
        k = 2**S.log2_stride
        low = np.fft.ifft(np.fft.fft(x_pad) * S.phi_f["levels"][0]).real[::k]
        expected = low[S.ind_start[S.log2_stride]:S.ind_end[S.log2_stride]]
    assert np.allclose(S(x)[0], expected, atol=1e-12)


@pytest.mark.parametrize("stride", [4, 16])
def test_translation_by_stride_shifts_output(stride):
    N = 1024
    S = Scattering1D(5, N, 4, stride=stride)
    x = np.zeros(N)
    x[400:600] = np.random.default_rng(3).standard_normal(200) * np.hanning(200)
    shift = 3
    a, b = S(x), S(np.roll(x, shift * stride))
    assert np.allclose(a[:, :-shift - 4], b[:, shift:-4], atol=1e-10)


def test_batch_shapes_and_empty_batch():
    S = Scattering1D(4, 128, 2)
    x = np.random.default_rng(4).standard_normal((2, 2, 2, 128)).astype(np.float32)
    out = S(x)
    assert out.shape[:3] == (2, 2, 2) and out.dtype == np.float32
    assert np.allclose(out[1, 0, 1], S(x[1, 0, 1]), atol=1e-6)
    assert S(np.zeros((0, 128))).shape == (0,) + out.shape[3:]


def test_nan_propagates():
    x = np.random.default_rng(5).standard_normal(512)
    x[100] = np.nan
    assert np.isnan(Scattering1D(6, 512, 8)(x)).any()


def test_Q_forms_agree():
    x = np.random.default_rng(6).standard_normal(256)
    ref = Scattering1D(4, 256, Q=(8, 1))(x)
    for Q in (8, (8,), np.int64(8)):
        assert np.array_equal(Scattering1D(4, 256, Q=Q)(x), ref)


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"Q": 0}, ValueError, ">= 1"), ({"Q": 0.9}, ValueError, ">= 1"),
    ({"Q": [8]}, ValueError, "integer or a tuple"), ({"Q": (1, 2, 3)}, NotImplementedError, "order 2"),
    ({"shape": (256, 2)}, ValueError, "exactly one element"), ({"shape": 1.5}, ValueError, "1-tuple"),
    ({"T": 1000}, ValueError, "cannot exceed"), ({"T": 0.5}, ValueError, ">=1"),
    ({"stride": 3}, ValueError, "power of two"), ({"stride": 2.5}, ValueError, "integer"),
    ({"stride": 2, "T": 0}, ValueError, "incompatible"), ({"stride": 2, "T": "global"}, ValueError, "incompatible"),
    ({"out_type": "bad"}, ValueError, "out_type"), ({"max_order": 3}, ValueError, "max_order"),
    ({"oversampling": -1}, ValueError, "nonnegative"), ({"oversampling": 0.5}, ValueError, "integer"),
    ({"J": 9}, ValueError, "exceed"), ({"J": "4"}, TypeError, "J must be an integer"),
])
def test_parameter_errors(kwargs, exc, match):
    params = {"J": 4, "shape": 256, **kwargs}
    with pytest.raises(exc, match=match):
        Scattering1D(**params)


def test_input_errors():
    S = Scattering1D(4, 256)
    with pytest.raises(TypeError, match="numpy.ndarray"):
        S([0.0] * 256)
    with pytest.raises(TypeError, match="real"):
        S(np.zeros(256, dtype=np.complex128))
    with pytest.raises(TypeError, match="int64"):
        S(np.zeros(256, dtype=np.int64))
    with pytest.raises(ValueError, match="at least 1 axis"):
        S(np.zeros(()))
    with pytest.raises(RuntimeError, match="256"):
        S(np.zeros((2, 255)))
    S0 = Scattering1D(4, 256, T=0)
    with pytest.raises(ValueError, match="Please set out_type to"):
        S0(np.zeros(256))


def test_filter_bank_worked_example():
    S = Scattering1D(6, 8192, 8)
    assert len(S.psi1_f) == 38 and len(S.psi2_f) == 7
    j1 = np.bincount([p["j"] for p in S.psi1_f])
    assert list(j1) == [10, 8, 8, 7, 4, 1]
    assert [p["j"] for p in S.psi2_f] == [0, 0, 0, 1, 2, 3, 4]
    assert [len(p["levels"]) for p in S.psi2_f] == [1, 1, 1, 1, 2, 3, 4]
    assert len(S.phi_f["levels"]) == 7 and np.isclose(S.phi_f["sigma"], 0.0015625)
    assert np.isclose(S.psi1_f[0]["xi"], 0.435381, atol=1e-6)


def test_filters_elementary():
    assert [compute_xi_max(q) for q in (1, 4, 8, 16)] == pytest.approx([0.35, 0.37288, 0.435381, 0.467554], abs=1e-5)
    pairs = list(anden_generator(4, 1, sigma0=0.1, r_psi=np.sqrt(0.5)))
    assert np.allclose([p[0] for p in pairs], 0.35 * 2.0 ** -np.arange(len(pairs)))
    spun = list(spin(anden_generator, {})[0](4, 1, sigma0=0.1, r_psi=np.sqrt(0.5)))
    assert spun == pairs + [(-xi, s) for xi, s in pairs]
    for Q in range(1, 20, 3):
        for xi, sigma in anden_generator(6, Q, sigma0=0.1, r_psi=np.sqrt(0.5)):
            psi = morlet_1d(2**13, xi, sigma)
            assert psi[0] == pytest.approx(0, abs=1e-14)  # zero mean
            peak = np.argmax(psi[: 2**12]) / 2**13
            assert abs(peak - xi) <= 0.01 * xi + 2 / 2**13
    phi = gauss_1d(1024, 0.01)
    assert phi[0] == pytest.approx(1) and np.allclose(phi[1:], phi[1:][::-1], atol=1e-12)
    with pytest.warns(UserWarning, match="too small"):
        compute_temporal_support(np.array([[1.0, 0, 0, 0]]))  # constant in time


@pytest.mark.parametrize("J,Q,N", [(6, 8, 1024), (8, 1, 4096), (5, 16, 2048), (4, 3, 256), (7, 2, 1024)])
def test_littlewood_paley_bounds(J, Q, N):
    """|phi|^2 + sum |psi|^2 is bounded above and below on [0, xi_max]: the bank is a frame there."""
    S = Scattering1D(J, N, Q)
    lp = S.phi_f["levels"][0] ** 2 + sum(p["levels"][0] ** 2 for p in S.psi1_f)
    freqs = np.arange(S._N_padded) / S._N_padded
    band = lp[freqs <= compute_xi_max(Q)]
    assert 0.2 < band.min() and band.max() < 1.25


def test_stride_above_T():
    # Wavelets coarser than T are subsampled down to the stride: the filters need levels coarser
    # than the stored ones, folded from level 0 on demand.
    x = np.random.default_rng(12).standard_normal(1024)
    coarse = Scattering1D(6, 1024, 2, T=8, stride=32)(x)
    fine = Scattering1D(6, 1024, 2, T=8, stride=1)(x)
    assert coarse.shape == (fine.shape[0], 32)
    assert np.linalg.norm(coarse - fine[:, ::32]) <= 2e-2 * np.linalg.norm(fine[:, ::32])
