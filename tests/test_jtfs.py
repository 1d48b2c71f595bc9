"""Joint time-frequency scattering: reference data, a dense re-derivation, shapes, spin, invariants."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from kymatio.core.filters1d import (anden_generator, gauss_1d, get_max_dyadic_subsampling,
                                    morlet_1d)
from kymatio.numpy import Scattering1D, TimeFrequencyScattering


def _cases(data_dir):
    data = np.load(data_dir / "reference_cases.npz")
    for case in json.loads(str(data["index_json"])):
        if case["cls"] == "TimeFrequencyScattering":
            params = {k: tuple(v) if isinstance(v, list) else v for k, v in case["params"].items()}
            yield case["name"], params, data[case["name"] + "_x"], data[case["name"] + "_Sx"]


def test_reference_cases_float64(data_dir):
    names = []
    for name, params, x, expected in _cases(data_dir):
        out = TimeFrequencyScattering(**params)(x)
        assert out.shape == expected.shape, name
        assert np.max(np.abs(out - expected)) <= 1e-10 * np.max(np.abs(expected)), name
        names.append(name)
    assert sorted(names) == ["jtfs_F4", "jtfs_joint", "jtfs_stridefr2", "jtfs_time"]


def test_reference_case_float32(data_dir):
    name, params, x, expected = next(_cases(data_dir))
    out = TimeFrequencyScattering(**params)(x.astype(np.float32))
    assert out.dtype == np.float32
    assert np.allclose(out, expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max())


def test_checkpoints():
    x = np.random.RandomState(0).randn(1024)
    S = TimeFrequencyScattering(J=8, J_fr=3, Q=3, shape=1024)
    out = S(x)
    assert out.shape == (115, 4)
    assert math.isclose(out.sum(), 2.0657133, rel_tol=1e-6)
    assert np.allclose(out[:3, 0], [-0.0383215, 0.0563479, 0.0618834], atol=1e-7)
    assert np.allclose(out[20], [0.0025863, 0.002479, 0.0023069, 0.0021499], atol=1e-7)
    S.format = "joint"
    out = S(x)
    assert out.shape == (59, 11, 4)
    assert math.isclose(out.sum(), 4.7768619, rel_tol=1e-6)
    assert np.allclose(out[0, :3, 0], [0.0563479, 0.0618834, 0.0495086], atol=1e-7)
    assert np.allclose(out[10, 0], [0.0028492, 0.0028871, 0.0029238, 0.0029486], atol=1e-7)


@pytest.mark.parametrize("kwargs, shape", [
    ({}, (115, 4)),
    ({"format": "joint"}, (59, 11, 4)),
    ({"T": "global", "F": 0}, (582, 1)),
    ({"F": 4}, (191, 4)),
    ({"stride_fr": 2}, (351, 4)),
    ({"Q": (3, 2)}, (241, 4)),
    ({"Q_fr": 2}, (190, 4)),
    ({"F": 4, "format": "joint"}, (59, 14, 4)),
    ({"T": "global", "format": "joint"}, (59, 11, 1)),
])
def test_worked_example_shapes(kwargs, shape):
    params = {"J": 8, "J_fr": 3, "Q": 3, "shape": 1024, **kwargs}
    S = TimeFrequencyScattering(**params)
    x = np.random.default_rng(1).standard_normal((2, 1024))
    assert S(x).shape == (2,) + shape
    assert S.output_size() == shape[0] == len(S.meta()["key"])


def test_docstring_example_shapes():
    S = TimeFrequencyScattering(J=6, J_fr=2, Q=8, shape=8192)
    x = np.random.default_rng(2).standard_normal(8192)
    assert S(x).shape == (209, 128)
    S.format = "joint"
    assert S(x).shape == (32, 22, 128)


# -- a dense re-derivation: no subsampling anywhere, straight from the formulas -----------------

def _dense_jtfs(S, x):
    """JTFS of one signal at full resolution in time and frequency (stride = stride_fr = 1),
    written from the definitions with NumPy FFTs; returns the time-format channels."""
    fft, ifft = np.fft.fft, np.fft.ifft
    xp = np.pad(x, (S.pad_left, S.pad_right), mode="reflect")
    phi = S.phi_f["levels"][0]
    psi1 = [p["levels"][0] for p in S.psi1_f]
    psi2 = [p["levels"][0] for p in S.psi2_f]
    phi_F, psi_fr = S.filters_fr[0]["levels"][0], [f["levels"][0] for f in S.filters_fr[1]]
    N_fr = S._N_padded_fr
    crop = slice(S.pad_left, S.pad_left + S.shape[0])

    def along_n1(X, filt):         # X (n1, T): zero-pad n1 to N_fr, filter along it
        Xp = np.zeros((N_fr, X.shape[1]), dtype=complex)
        Xp[: len(X)] = X
        return ifft(fft(Xp, axis=0) * filt[:, None], axis=0)

    def joint(X, n_fr, n1_max, average_time):
        Z = np.abs(along_n1(X, psi_fr[n_fr]))
        if average_time:
            Z = ifft(fft(Z, axis=1) * phi[None, :], axis=1).real
        if n_fr != 0:
            Z = along_n1(Z, phi_F).real
        n1_stride = 2**S.J_fr if n_fr == 0 else 1
        return Z[: len(range(0, n1_max, n1_stride)), crop]

    x_hat = fft(xp)
    U1 = np.abs(ifft(x_hat[None, :] * np.array(psi1)))
    S1 = ifft(fft(U1) * phi).real
    channels = [ifft(x_hat * phi).real[crop][None]]
    for n_fr, f in enumerate(S.filters_fr[1]):
        if f["xi"] >= 0:
            channels.append(joint(S1, n_fr, len(psi1), False))
    for n2, p2 in enumerate(S.psi2_f):
        n1s = [n1 for n1, p1 in enumerate(S.psi1_f) if p1["j"] < p2["j"]]
        if not n1s:
            continue
        Y2 = ifft(fft(U1[n1s]) * psi2[n2])
        for n_fr in range(len(psi_fr)):
            channels.append(joint(Y2, n_fr, len(n1s), True))
    return np.concatenate(channels)


@pytest.mark.parametrize("J, J_fr, Q, N, T", [(5, 2, 2, 256, None), (6, 3, (3, 2), 300, 16),
                                             (4, 1, 1, 128, 4)])
def test_unsubsampled_jtfs_matches_dense_formulas(J, J_fr, Q, N, T):
    # stride=1 < 2**J: a case the reference cannot compute (its second order assumes j2 <= stride).
    S = TimeFrequencyScattering(J=J, J_fr=J_fr, Q=Q, shape=N, T=T, stride=1, stride_fr=1)
    x = np.random.default_rng(J).standard_normal(N)
    out = S(x)
    dense = _dense_jtfs(S, x)
    assert out.shape == dense.shape
    assert np.max(np.abs(out - dense)) <= 1e-12 * np.max(np.abs(dense))


def test_small_stride_approximates_dense_subsampled():
    # T and stride below 2**J: second-order paths whose scale exceeds the stride are subsampled
    # only down to the stride, so the result is the dense transform sampled at the stride, up to
    # the aliasing of moduli computed at a coarser rate.
    S = TimeFrequencyScattering(J=7, J_fr=2, Q=4, shape=1024, T=16, stride_fr=1)
    x = np.random.default_rng(7).standard_normal(1024)
    out = S(x)
    dense = _dense_jtfs(
        TimeFrequencyScattering(J=7, J_fr=2, Q=4, shape=1024, T=16, stride=1, stride_fr=1), x)
    sampled = dense[:, S.ind_start[0] % 16::16][:, : out.shape[1]]
    assert out.shape == sampled.shape
    assert np.linalg.norm(out - sampled) <= 0.02 * np.linalg.norm(sampled)


def test_order0_and_spin0_first_order_agree_with_scattering1d():
    N, J, Q = 512, 6, 4
    x = np.random.default_rng(3).standard_normal(N)
    S = TimeFrequencyScattering(J=J, J_fr=2, Q=Q, shape=N, F=0)
    out = S(x)
    S1d = Scattering1D(J=J, shape=N, Q=Q, max_order=1)(x)
    assert np.allclose(out[0], S1d[0], atol=1e-13)
    # spin 0 along n1 (F=0: no further averaging), subsampled by 2**J_fr, from Scattering1D's S1
    n1 = len(S.psi1_f)
    padded = np.zeros((S._N_padded_fr, S1d.shape[-1]))
    padded[:n1] = S1d[1:]
    phi_J = S.filters_fr[1][0]["levels"][0]
    spin0 = np.abs(np.fft.ifft(np.fft.fft(padded, axis=0) * phi_J[:, None], axis=0))[::4]
    rows = len(range(0, n1, 4))
    assert np.allclose(out[1:1 + rows], spin0[:rows], atol=1e-13)


# -- the reference's failures, fixed -------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{"T": 16}, {"stride": 8}, {"T": 32, "stride": 4}])
def test_time_scale_below_2J(kwargs):
    S = TimeFrequencyScattering(J=8, J_fr=3, Q=3, shape=1024, **kwargs)
    out = S(np.random.default_rng(4).standard_normal(1024))
    T_out = S.ind_end[S.log2_stride] - S.ind_start[S.log2_stride]
    assert out.shape == (115, T_out) and np.isfinite(out).all()
    S.format = "joint"
    assert S(np.zeros(1024)).shape == (59, 11, T_out)


def test_T0_time_format_keeps_first_order():
    S = TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512, T=0, out_type="dict")
    x = np.random.default_rng(5).standard_normal(512)
    out = S(x)
    meta = S.meta()
    assert list(out) == meta["key"]
    first = [key for key, order in zip(meta["key"], meta["order"]) if order == 1]
    assert first and all(out[key].shape == (512 // 2**S.log2_stride,) for key in first)
    assert all(np.abs(out[key]).sum() > 0 for key in first)
    # second order, not averaged in time, sits at the resolution 2**j2 of its wavelet
    for key, order in zip(meta["key"], meta["order"]):
        if order == 2:
            j2 = S.psi2_f[key[1]]["j"]
            assert out[key].shape == (S.ind_end[j2] - S.ind_start[j2],)
    # The first order is the time-averaged scalogram scattered along n1 whatever T: with every
    # j1 <= log2(stride), it equals the first order of the default T, sample for sample.
    assert max(p["j"] for p in S.psi1_f) <= S.log2_stride
    averaged = TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512, out_type="dict")(x)
    for key in first:
        np.testing.assert_allclose(out[key], averaged[key], rtol=1e-12, atol=1e-15)
    # the same in format='joint' (which the reference unpadded right): rows (n1) by time
    joint = TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512, T=0, out_type="dict",
                                    format="joint")(x)
    joint_averaged = TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512, out_type="dict",
                                             format="joint")(x)
    assert list(joint) == list(joint_averaged)
    for key in joint:
        if len(key) == 1:
            assert joint[key].ndim == 2 and joint[key].shape[-1] == 512 // 2**S.log2_stride
            np.testing.assert_allclose(joint[key], joint_averaged[key], rtol=1e-12, atol=1e-15)


def test_F_global_joint_array():
    S = TimeFrequencyScattering(J=8, J_fr=3, Q=3, shape=1024, F="global", format="joint")
    x = np.random.default_rng(6).standard_normal((2, 1024))
    out = S(x)
    assert out.shape == (2, 59, 1, 4)
    # the non-zero spins are summed over the whole frequential axis, as in every other format
    dict_out = TimeFrequencyScattering(J=8, J_fr=3, Q=3, shape=1024, F="global", format="joint",
                                       out_type="dict")(x)
    keys = S.meta()["key"]
    for c, key in enumerate(keys):
        if S.meta()["spin"][c] != 0:
            assert np.allclose(out[:, c], dict_out[key], atol=1e-14)
    # The first-order spin-0 channel: the scalogram low-passed by phi_J along n1, subsampled by
    # 2**J_fr (its rows in every other format), summed over all those rows.
    S1 = Scattering1D(J=8, shape=1024, Q=3, max_order=1)(x)[:, 1:]          # (2, n1, T)
    padded = np.zeros((2, S._N_padded_fr, S1.shape[-1]))
    padded[:, : S1.shape[1]] = S1
    phi_J = S.filters_fr[1][0]["levels"][0]
    spin0 = np.abs(np.fft.ifft(np.fft.fft(padded, axis=1) * phi_J[:, None], axis=1))[:, :: 2**3]
    assert keys[0] == (0,) and S.meta()["spin"][0] == 0
    np.testing.assert_allclose(out[:, 0, 0], spin0.sum(axis=1), rtol=1e-10)


@pytest.mark.parametrize("params", [
    {"J": 6, "J_fr": 2, "Q": 4, "shape": 512},
    {"J": 6, "J_fr": 3, "Q": (8, 2), "shape": 512, "Q_fr": 2, "F": 4, "stride_fr": 2},
])
def test_list_order_and_meta_agree_with_array_channels(params):
    x = np.random.default_rng(7).standard_normal(512)
    for fmt in ("time", "joint"):
        array = TimeFrequencyScattering(**params, format=fmt)(x)
        as_list = TimeFrequencyScattering(**params, format=fmt, out_type="list")(x)
        S = TimeFrequencyScattering(**params, format=fmt)
        meta = S.meta()
        entries = as_list[1:] if fmt == "joint" else as_list
        assert [e["n"] for e in entries] == meta["key"]
        assert [e["order"] for e in entries] == list(meta["order"])
        for c, entry in enumerate(entries):
            if entry["order"] == 0:
                assert (entry["n"], entry["j"], entry["n_fr"], entry["spin"]) == ((), (), (), 0)
            else:
                assert entry["n_fr"] == (int(meta["n_fr"][c]),)
                assert entry["j_fr"] == (int(meta["j_fr"][c]),)
                assert entry["spin"] == meta["spin"][c]
                j = tuple(int(v) for v in meta["j"][c] if not np.isnan(v))
                assert entry["j"] == (j if fmt == "time" else (-1,) + j)
            coef = entry["coef"]
            assert np.allclose(array[c][..., : coef.shape[-2] if coef.ndim == 2 else None, :]
                               if coef.ndim == 2 else array[c], coef, atol=1e-14)
        if fmt == "time":
            assert meta["order"][0] == 0 and set(meta["order"][1:]) == {1, 2}
            assert as_list[0]["order"] == 0
        else:
            assert set(meta["order"]) == {1, 2} and as_list[0]["n"] == ()


# -- shapes over a grid -----------------------------------------------------------------------

def _expected_shape(S):
    """Channel count and lengths from the filter banks, independently of the path bookkeeping."""
    psi_fr = S.filters_fr[1]
    s_fr, N_fr = S.log2_stride_fr, S._N_padded_fr

    def stride(n_fr, n1_max):
        if n_fr == 0:
            return 2**S.J_fr
        if S.average_fr == "global":
            return n1_max
        return 2**s_fr if S.average_fr == "local" else 2 ** psi_fr[n_fr]["j"]

    n1 = len(S.psi1_f)
    n1_max = [sum(p1["j"] < p2["j"] for p1 in S.psi1_f) for p2 in S.psi2_f]
    n1_max = [m for m in n1_max if m]
    positive = [n for n, f in enumerate(psi_fr) if f["xi"] >= 0]
    if S.average == "global":
        T_out = 1
    else:
        s = S.log2_stride
        T_out = -(-(S.pad_left + S.shape[0]) // 2**s) - (-(-S.pad_left // 2**s))
    if S.format == "time":
        C = 1 + sum(math.ceil(n1 / stride(n, n1)) for n in positive)
        C += sum(math.ceil(m / stride(n, m)) for m in n1_max for n in range(len(psi_fr)))
        return (C, T_out)
    F_out = 1 if S.average_fr == "global" else N_fr // 2**s_fr
    return (len(positive) + len(n1_max) * len(psi_fr), F_out, T_out)


def _n1_stride(S, n_fr, n1_max):
    """Spacing of a path's rows along n1 in format='time' (the reference's)."""
    if n_fr == 0:
        return 2**S.J_fr
    if S.average_fr == "global":
        return n1_max
    if S.average_fr == "local":
        return 2**S.log2_stride_fr
    return 2 ** S.filters_fr[1][n_fr]["j"]


def _expected_keys(S):
    """The channel keys in the reference's generator order (spec 3.2), from the filter banks:
    time: (), (n1, n_fr) with n_fr outer, then (n1, n2, n_fr) with n2 outermost, n1 innermost;
    joint: (n_fr,), then (n2, n_fr)."""
    psi_fr = S.filters_fr[1]
    positive = [n for n, f in enumerate(psi_fr) if f["xi"] >= 0]
    n1_count = len(S.psi1_f)
    second = [(n2, sum(p1["j"] < p2["j"] for p1 in S.psi1_f)) for n2, p2 in enumerate(S.psi2_f)]
    second = [(n2, m) for n2, m in second if m]
    if S.format == "joint":
        keys = [(n,) for n in positive] + [(n2, n) for n2, _ in second for n in range(len(psi_fr))]
        return keys if S.out_type == "array" else [()] + keys
    keys = [()]
    keys += [(n1, n) for n in positive for n1 in range(0, n1_count, _n1_stride(S, n, n1_count))]
    keys += [(n1, n2, n) for n2, m in second for n in range(len(psi_fr))
             for n1 in range(0, m, _n1_stride(S, n, m))]
    return keys


@pytest.mark.parametrize("fmt", ["time", "joint"])
@pytest.mark.parametrize("params", [
    {"J": 7, "J_fr": 3, "Q": (8, 1), "shape": 1024},
    {"J": 6, "J_fr": 3, "Q": (16, 2), "shape": 512, "Q_fr": 2, "F": 4, "stride_fr": 2},
    {"J": 6, "J_fr": 2, "Q": 4, "shape": 512, "F": "global", "T": "global"},
])
def test_meta_rows_describe_their_channels(params, fmt):
    S = TimeFrequencyScattering(**params, format=fmt)
    meta = S.meta()
    assert meta["key"] == _expected_keys(S)
    psi_fr = S.filters_fr[1]
    n1_max = {n2: sum(p1["j"] < p2["j"] for p1 in S.psi1_f) for n2, p2 in enumerate(S.psi2_f)}
    for c, key in enumerate(meta["key"]):
        if key == ():
            assert meta["order"][c] == 0
            assert all(np.isnan(meta[f][c]).all() for f in ("n", "xi", "sigma", "j", "xi_fr",
                                                            "sigma_fr", "j_fr", "spin", "n_fr"))
            continue
        n_fr = key[-1]
        assert meta["n_fr"][c] == n_fr
        for field in ("xi", "sigma", "j"):
            assert meta[field + "_fr"][c] == psi_fr[n_fr][field]
        assert meta["spin"][c] == np.sign(psi_fr[n_fr]["xi"])
        if fmt == "time":
            n1, n2 = key[0], (key[1] if len(key) == 3 else None)
            assert meta["order"][c] == len(key) - 1
            np.testing.assert_array_equal(meta["n"][c], [n1, np.nan if n2 is None else n2])
        else:
            n1, n2 = None, (key[0] if len(key) == 2 else None)
            assert meta["order"][c] == len(key)
            count = len(S.psi1_f) if n2 is None else n1_max[n2]
            stride = _n1_stride(S, n_fr, count) if not (n_fr == 0 and S._spin0_to_grid()) else (
                count if S.average_fr == "global" else 2**S.log2_stride_fr)
            assert meta["n"][c, 0] == range(0, count, stride)
        for field in ("xi", "sigma", "j"):
            first = np.nan if n1 is None else S.psi1_f[n1][field]
            second = np.nan if n2 is None else S.psi2_f[n2][field]
            np.testing.assert_array_equal(meta[field][c], [first, second])
    # and row c is channel c: the dict entry of that key (except the joint array's spin-0
    # channels where they are brought to the common grid, which the dict does not do)
    x = np.random.default_rng(12).standard_normal(S.shape[0])
    array = S(x)
    regridded = S._spin0_to_grid()
    S.out_type = "dict"
    as_dict = S(x)
    keys = meta["key"] if fmt == "time" else [()] + meta["key"]
    assert list(as_dict) == keys
    for c, key in enumerate(meta["key"]):
        if regridded and key[-1] == 0:
            continue
        coef = as_dict[key]
        np.testing.assert_allclose(array[c][: coef.shape[0]] if coef.ndim == 2 else array[c], coef,
                                   rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("params", [
    {"J": 8, "J_fr": 3, "Q": (8, 1), "shape": 1024},
    {"J": 8, "J_fr": 3, "Q": (16, 2), "shape": 1024},
    {"J": 6, "J_fr": 3, "Q": 8, "shape": 512, "Q_fr": 2},
    {"J": 7, "J_fr": 3, "Q": 8, "shape": 1024, "F": 4, "stride_fr": 2},
    {"J": 5, "J_fr": 2, "Q": (12, 1), "shape": 512, "F": "global"},
])
def test_frequential_filters_follow_the_spec(params):
    # spec 1.5 and 2.2: N_fr, phi_F, phi_J and the spinned wavelets, for parameters beyond the
    # reference data's
    S = TimeFrequencyScattering(**params)
    J_fr, Q1 = params["J_fr"], S.Q[0]
    N_input_fr = (params["J"] + 1) * Q1
    assert S.N_input_fr == N_input_fr
    assert S._N_padded_fr == ((N_input_fr + 8 * min(S.F, 2**J_fr)) // 2**J_fr) * 2**J_fr
    phi_F, psis = S.filters_fr
    assert phi_F["N"] == S._N_padded_fr and phi_F["j"] == S.log2_F
    assert math.isclose(phi_F["sigma"], 0.1 / S.F)
    assert psis[0]["xi"] == 0 and psis[0]["j"] == J_fr
    assert math.isclose(psis[0]["sigma"], 0.1 / 2**J_fr)
    half = list(anden_generator(J_fr, S.Q_fr[0], sigma0=0.1, r_psi=math.sqrt(0.5)))
    assert len(psis) == 1 + 2 * len(half)
    for (xi, sigma), up, down in zip(half, psis[1:1 + len(half)], psis[1 + len(half):]):
        assert (up["xi"], up["sigma"]) == (xi, sigma)
        assert (down["xi"], down["sigma"]) == (-xi, sigma)
        assert up["j"] == down["j"] == get_max_dyadic_subsampling(xi, sigma, alpha=5.0)
        np.testing.assert_allclose(up["levels"][0], morlet_1d(S._N_padded_fr, xi, sigma),
                                   rtol=0, atol=1e-15)
        assert abs(xi) < 0.5 / 2 ** up["j"]
    np.testing.assert_allclose(phi_F["levels"][0], gauss_1d(S._N_padded_fr, 0.1 / S.F), atol=1e-15)


def test_float_F_is_accepted():
    # The reference accepted F=4.0 and then failed on a float padded length.
    x = np.random.default_rng(13).standard_normal(1024)
    params = {"J": 7, "J_fr": 3, "Q": 8, "shape": 1024}
    np.testing.assert_array_equal(TimeFrequencyScattering(**params, F=4.0)(x),
                                  TimeFrequencyScattering(**params, F=4)(x))
    S = TimeFrequencyScattering(**params, F=4.5, format="joint")
    assert isinstance(S._N_padded_fr, int) and S.log2_F == 2
    assert math.isclose(S.filters_fr[0]["sigma"], 0.1 / 4.5)
    assert np.isfinite(S(x)).all()


GRID = [dict(J=J, J_fr=J_fr, Q=Q, shape=N, F=F, stride_fr=sf, format=fmt)
        for J, Q, N in [(5, 1, 256), (6, (4, 2), 500), (7, 8, 1024)]
        for J_fr in (1, 3)
        for F, sf in [(None, None), (2, None), (None, 1), ("global", None), (0, None)]
        for fmt in ("time", "joint")
        if not (fmt == "joint" and F == 0)]


@pytest.mark.parametrize("params", GRID, ids=lambda p: "-".join(f"{k}{v}" for k, v in p.items()))
def test_output_shapes_over_grid(params):
    S = TimeFrequencyScattering(**params)
    out = S(np.random.default_rng(8).standard_normal((1, params["shape"])))
    assert out.shape == (1,) + _expected_shape(S)
    meta = S.meta()
    assert len(meta["key"]) == out.shape[1] == S.output_size() == sum(S.output_size(True))
    assert len(set(meta["key"])) == len(meta["key"])
    assert meta["key"] == _expected_keys(S)
    assert np.isfinite(out).all()
    for field in ("xi", "sigma", "j"):
        assert meta[field].shape == (out.shape[1], 2)
    for field in ("xi_fr", "sigma_fr", "j_fr", "spin", "n_fr"):
        assert meta[field].shape == (out.shape[1],)


# -- mathematical properties --------------------------------------------------------------------

def _chirp(N, f0=0.01, f1=0.3):
    t = np.arange(N) / N
    phase = 2 * np.pi * N * f0 * ((f1 / f0) ** t - 1) / np.log(f1 / f0)
    return np.cos(phase) * np.hanning(N)


def _spin_energies(S, x):
    out, meta = S(x), S.meta()
    energy = (out**2).reshape(out.shape[0], -1).sum(axis=1)
    second = meta["order"] == 2
    return energy[second & (meta["spin"] > 0)].sum(), energy[second & (meta["spin"] < 0)].sum()


@pytest.mark.parametrize("fmt", ["time", "joint"])
def test_spin_selects_chirp_direction(fmt):
    N = 4096
    S = TimeFrequencyScattering(J=8, J_fr=3, Q=8, shape=N, format=fmt)
    up, down = _spin_energies(S, _chirp(N))
    assert up > 20 * down
    up_r, down_r = _spin_energies(S, _chirp(N)[::-1].copy())
    assert down_r > 20 * up_r
    assert math.isclose(up, down_r, rel_tol=0.05)


def _lp_max(filters):
    return float(np.max(np.sum(np.abs(np.array(filters)) ** 2, axis=0)))


@pytest.mark.parametrize("J, J_fr, Q", [(5, 2, 2), (6, 3, 4)])
def test_energy_bounded_by_littlewood_paley(J, J_fr, Q):
    # Unsubsampled and uncropped, each layer is a filter bank of Littlewood-Paley sum <= B
    # followed by contractions (modulus, averaging by filters of gain <= 1), so the energy of each
    # order is bounded by the energy of the padded input times the product of the bounds.
    N = 256
    S = TimeFrequencyScattering(J=J, J_fr=J_fr, Q=Q, shape=N, stride=1, stride_fr=1,
                                out_type="list", format="joint")
    S.ind_start = {r: 0 for r in S.ind_start}
    S.ind_end = {r: S._N_padded for r in S.ind_end}
    B_t1 = _lp_max([p["levels"][0] for p in S.psi1_f])
    B_t2 = _lp_max([p["levels"][0] for p in S.psi2_f])
    B_fr = _lp_max([f["levels"][0] for f in S.filters_fr[1]])
    for seed in range(3):
        x = np.random.default_rng(seed).standard_normal(N)
        energy_in = np.sum(np.pad(x, (S.pad_left, S.pad_right), mode="reflect") ** 2)
        energy = {0: 0.0, 1: 0.0, 2: 0.0}
        for entry in S(x):
            energy[entry["order"]] += float(np.sum(entry["coef"] ** 2))
        assert energy[0] <= energy_in
        assert 0 < energy[1] <= B_fr * B_t1 * energy_in
        assert 0 < energy[2] <= B_fr * B_t1 * B_t2 * energy_in
        assert energy[1] + energy[2] >= 1e-3 * energy_in


def test_translation_by_stride_shifts_output():
    N, stride = 1024, 16
    S = TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=N, stride=stride)
    x = np.zeros(N)
    x[400:600] = np.random.default_rng(9).standard_normal(200) * np.hanning(200)
    a, b = S(x), S(np.roll(x, 3 * stride))
    # away from the borders, where the reflected padding differs
    assert np.allclose(a[:, 24:38], b[:, 27:41], atol=1e-9)
    assert not np.allclose(a[:, 24:38], b[:, 24:38], atol=1e-6)


def test_batch_axes_and_empty_batch():
    S = TimeFrequencyScattering(J=5, J_fr=2, Q=2, shape=128, format="joint")
    x = np.random.default_rng(10).standard_normal((2, 3, 128)).astype(np.float32)
    out = S(x)
    assert out.shape[:2] == (2, 3) and out.dtype == np.float32
    assert np.allclose(out[1, 2], S(x[1, 2]), atol=1e-6)
    assert S(np.zeros((0, 128))).shape == (0,) + out.shape[2:]


def test_dict_keys_follow_channels():
    S = TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512, stride_fr=1)
    x = np.random.default_rng(11).standard_normal(512)
    array = S(x)
    S.out_type = "dict"
    out = S(x)
    assert list(out) == S.meta()["key"]
    for c, coef in enumerate(out.values()):
        assert np.array_equal(coef, array[c])


# -- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, exc, match", [
    ({"Q_fr": 0}, ValueError, "Q_fr must be >= 1"),
    ({"Q_fr": (1, 2)}, NotImplementedError, "beyond order 2"),
    ({"Q_fr": 1.5}, ValueError, "Q_fr must be an integer"),
    ({"format": "frequency"}, ValueError, "format must be 'time' or 'joint'. Got: 'frequency'"),
    ({"F": 100}, ValueError, "support F of the low-pass filter cannot exceed"),
    ({"F": 0.5}, ValueError, "F must be ==0 or >=1"),
    ({"stride_fr": 3}, ValueError, "stride_fr must be a power of two"),
    ({"stride_fr": 2.5}, ValueError, "stride_fr must be integer. Got: 2.5"),
    ({"stride": 3}, ValueError, "stride must be a power of two"),
    ({"Q": (4, 1, 1)}, NotImplementedError, "beyond order 2"),
    ({"T": 1000}, ValueError, "support T of the low-pass filter cannot exceed"),
    ({"shape": (512, 1)}, ValueError, "exactly one element"),
    ({"stride_fr": 2, "F": 0}, ValueError, "stride_fr=2 is incompatible with F=0"),
    ({"stride_fr": 2, "F": "global"}, ValueError, "incompatible"),
    ({"J_fr": -1}, ValueError, "J_fr must be an integer >= 0"),
    ({"J_fr": 2.0}, TypeError, "J_fr must be an integer"),
    ({"out_type": "tuple"}, ValueError, "out_type must be one of"),
    ({"Q": 0}, ValueError, "Q must always be >= 1"),
])
def test_parameter_errors(kwargs, exc, match):
    params = {"J": 6, "J_fr": 2, "Q": 4, "shape": 512, **kwargs}
    with pytest.raises(exc, match=match):
        TimeFrequencyScattering(**params)


def test_runtime_errors():
    x = np.zeros(512)
    with pytest.raises(ValueError, match="out_type='array' with T=0"):
        TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512, T=0)(x)
    with pytest.raises(ValueError, match="format='joint' with out_type='array' and F=0"):
        TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512, F=0, format="joint")(x)
    S = TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512)
    with pytest.raises(ValueError, match=r"too short for an output at stride 2\*\*6"):
        TimeFrequencyScattering(J=6, J_fr=1, Q=1, shape=32, T=0, out_type="dict")
    with pytest.raises(ValueError, match="max_order is fixed to 2"):
        S.max_order = 1
    with pytest.raises(ValueError, match="format must be"):
        S.format = "both"
    with pytest.raises(ValueError, match=r"signal shape \(512,\)"):
        S(np.zeros(500))
    with pytest.raises(TypeError, match="numpy.ndarray"):
        S([0.0] * 512)


def test_signature_matches_reference_order():
    S = TimeFrequencyScattering(6, 2, 4, 512, None, None, 1, None, None, "array", "joint")
    assert (S.J, S.J_fr, S.Q, S.shape, S.Q_fr, S.format) == (6, 2, (4, 1), (512,), (1,), "joint")
    assert (S.F, S.stride_fr, S.T, S.stride, S.max_order) == (4, 4, 64, 64, 2)
