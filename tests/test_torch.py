"""PyTorch frontend and backend: the NumPy frontend's numbers, reference data, autograd, buffers,
the dtype/device policy, torch.compile, the plugin, and GPU runs where a GPU exists."""
from __future__ import annotations

import copy
import doctest
import io
import json
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import kymatio.core  # noqa: E402
import kymatio.numpy  # noqa: E402
import kymatio.torch  # noqa: E402
from kymatio.core._periodize import alias_bank  # noqa: E402
from kymatio.core._errors import (  # noqa: E402
    BackendFrontendMismatchError, ScatteringTypeError, ScatteringValueError)
from kymatio.numpy._backend import backend as numpy_backend  # noqa: E402
from kymatio.torch import (  # noqa: E402
    HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering)
from kymatio.torch._backend import TorchBackend, backend  # noqa: E402

requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")

NUMPY_CLASS = {Scattering1D: kymatio.numpy.Scattering1D, Scattering2D: kymatio.numpy.Scattering2D,
               HarmonicScattering3D: kymatio.numpy.HarmonicScattering3D,
               TimeFrequencyScattering: kymatio.numpy.TimeFrequencyScattering}
# Relative to the largest coefficient: float32 FFTs of two libraries, and float64 ones.
TOLERANCE = {np.float32: 2e-6, np.float64: 1e-12}


def pair(cls, *args, **kwargs):
    """The torch transform and the NumPy transform of the same parameters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return cls(*args, **kwargs), NUMPY_CLASS[cls](*args, **kwargs)


def run(S, x):
    """``S`` (converted to the dtype of ``x``) on the NumPy array ``x``, with torch's operations;
    checked against the NumPy kernels that its CPU inference runs by default."""
    S = S.double() if x.dtype == np.float64 else S.float()
    S.cpu_inference = "torch"
    out = S(torch.from_numpy(x))
    S.cpu_inference = "numpy"
    assert_same_output(S(torch.from_numpy(x)), out, x.dtype.type)
    return out


def assert_same_output(got, expected, dtype):
    """The same structure (dicts, lists, path fields) with close tensors at every leaf."""
    assert type(got) is type(expected)
    if isinstance(expected, dict):
        assert list(got) == list(expected)
        for key in expected:
            assert_same_output(got[key], expected[key], dtype)
    elif isinstance(expected, (list, tuple)):
        assert len(got) == len(expected)
        for a, b in zip(got, expected):
            assert_same_output(a, b, dtype)
    elif isinstance(expected, torch.Tensor):
        assert_close(got, expected.detach().numpy(), dtype)
    else:
        assert got == expected


def assert_close(out, expected, dtype):
    assert isinstance(out, torch.Tensor) and out.dtype == getattr(torch, np.dtype(dtype).name)
    out = out.detach().numpy()
    assert out.shape == expected.shape
    scale = max(np.abs(expected).max(), 1e-30)
    assert np.abs(out - expected).max() / scale < TOLERANCE[dtype]


def relative_l1(a, b):
    return np.abs(a - b).sum() / max(np.abs(a).sum(), np.abs(b).sum())


# -- the numbers of the NumPy frontend ----------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [
    dict(J=6, shape=1024, Q=8), dict(J=4, shape=300, Q=(4, 2), max_order=1),
    dict(J=5, shape=512, Q=2, T=16, stride=4), dict(J=5, shape=512, Q=2, T="global"),
])
@pytest.mark.parametrize("out_type", ["array", "dict", "list"])
def test_1d_matches_numpy(params, dtype, out_type):
    S, S_np = pair(Scattering1D, out_type=out_type, **params)
    x = np.random.default_rng(0).standard_normal((2, 3, S.shape[0])).astype(dtype)
    out, expected = run(S, x), S_np(x)
    if out_type == "array":
        assert_close(out, expected, dtype)
    elif out_type == "dict":
        assert list(out) == list(expected)
        for key in expected:
            assert_close(out[key], expected[key], dtype)
    else:
        assert [{k: v for k, v in c.items() if k != "coef"} for c in out] == \
               [{k: v for k, v in c.items() if k != "coef"} for c in expected]
        for c, c_np in zip(out, expected):
            assert_close(c["coef"], c_np["coef"], dtype)


def test_1d_unaveraged_dict_matches_numpy():
    S, S_np = pair(Scattering1D, J=4, shape=256, Q=2, T=0, out_type="dict")
    x = np.random.default_rng(1).standard_normal((2, 256))
    out, expected = run(S, x), S_np(x)
    assert list(out) == list(expected)
    for key in expected:
        assert_close(out[key], expected[key], np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [
    dict(J=2, shape=(32, 32)), dict(J=2, shape=(13, 17), L=3), dict(J=3, shape=(16, 24), L=2,
                                                                       max_order=1),
    dict(J=1, shape=(8, 8), L=4, pre_pad=True),
])
@pytest.mark.parametrize("out_type", ["array", "list"])
def test_2d_matches_numpy(params, dtype, out_type):
    S, S_np = pair(Scattering2D, out_type=out_type, **params)
    size = (S._M_padded, S._N_padded) if S.pre_pad else S.shape
    x = np.random.default_rng(0).standard_normal((2,) + size).astype(dtype)
    out, expected = run(S, x), S_np(x)
    if out_type == "array":
        assert_close(out, expected, dtype)
    else:
        assert [(c["j"], c["n"], c["theta"]) for c in out] == \
               [(c["j"], c["n"], c["theta"]) for c in expected]
        for c, c_np in zip(out, expected):
            assert_close(c["coef"], c_np["coef"], dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [
    dict(J=2, shape=(16, 16, 16), L=2), dict(J=1, shape=(9, 8, 10), L=3, max_order=1),
    dict(J=2, shape=(12, 12, 12), L=2, rotation_covariant=False, integral_powers=(0.5, 1, 3)),
])
def test_3d_matches_numpy(params, dtype):
    S, S_np = pair(HarmonicScattering3D, **params)
    x = np.random.default_rng(0).standard_normal((2,) + S.shape).astype(dtype)
    assert_close(run(S, x), S_np(x), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [
    dict(J=6, J_fr=2, Q=4, shape=512), dict(J=6, J_fr=2, Q=(4, 2), shape=512, format="joint"),
    dict(J=5, J_fr=2, Q=4, shape=256, T="global", F=0),
])
@pytest.mark.parametrize("out_type", ["array", "dict"])
def test_jtfs_matches_numpy(params, dtype, out_type):
    S, S_np = pair(TimeFrequencyScattering, out_type=out_type, **params)
    x = np.random.default_rng(0).standard_normal((2, S.shape[0])).astype(dtype)
    out, expected = run(S, x), S_np(x)
    if out_type == "array":
        assert_close(out, expected, dtype)
    else:
        assert list(out) == list(expected)
        for key in expected:
            assert_close(out[key], expected[key], dtype)


def test_meta_and_output_size_are_the_core_ones():
    for cls, args in [(Scattering1D, (6, 512, 8)), (Scattering2D, (2, (16, 16))),
                      (HarmonicScattering3D, (1, (8, 8, 8)))]:
        S, S_np = pair(cls, *args)
        assert S.output_size(detail=True) == S_np.output_size(detail=True)
        assert S.meta()["key"] == S_np.meta()["key"]


# -- reference data --------------------------------------------------------------------------
def _cases(data_dir, cls):
    d = np.load(data_dir / "reference_cases.npz")
    for case in json.loads(str(d["index_json"])):
        if case["cls"] == cls:
            params = {k: tuple(v) if isinstance(v, list) else v for k, v in case["params"].items()}
            yield case["name"], params, d[case["name"] + "_x"], d[case["name"] + "_Sx"]


def test_reference_1d(data_dir):
    d = np.load(data_dir / "scattering1d_J6_Q16_N512.npz")
    S = Scattering1D(int(d["J"]), 512, Q=int(d["Q"]))
    out = run(S, d["x"])
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), d["Sx"], rtol=1e-5, atol=1e-6)
    out64 = run(S, d["x"].astype(np.float64)).numpy()
    assert np.abs(out64 - d["Sx"]).max() / np.abs(d["Sx"]).max() < 1e-7
    names = []
    for name, params, x, ref in _cases(data_dir, "Scattering1D"):
        out = run(Scattering1D(**params), x).numpy()
        assert out.shape == ref.shape, name
        assert np.abs(out - ref).max() / np.abs(ref).max() < 1e-10, name
        names.append(name)
    assert len(names) == 4


def test_reference_2d(data_dir):
    d = np.load(data_dir / "scattering2d_J4_32x32.npz")
    S = Scattering2D(J=int(d["J"]), shape=(32, 32), pre_pad=bool(d["pre_pad"]))
    out = run(S, d["x"])
    assert out.shape == (2, 3, 417, 2, 2) and out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), d["Sx"], rtol=1e-5, atol=1e-7)
    [(_, params, x, ref)] = [c for c in _cases(data_dir, "Scattering2D") if c[0] == "s2_odd"]
    np.testing.assert_allclose(run(Scattering2D(**params), x).numpy(), ref, rtol=1e-5, atol=0)


def test_reference_jtfs(data_dir):
    names = []
    for name, params, x, ref in _cases(data_dir, "TimeFrequencyScattering"):
        out = run(TimeFrequencyScattering(**params), x).numpy()
        assert out.shape == ref.shape, name
        assert np.abs(out - ref).max() <= 1e-10 * np.abs(ref).max(), name
        names.append(name)
    assert len(names) == 4


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reference_3d(data_dir, dtype):
    d = np.load(data_dir / "harmonic3d_J2_L2_16cube.npz")
    powers = list(d["integral_powers"])
    S = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2, integral_powers=powers)
    out = run(S, d["x"].astype(dtype)).numpy()
    assert out.shape == (2, 6, 3, 2) and out.dtype == dtype
    assert relative_l1(out.reshape(2, -1), d["Sx"][:, 2:]) < 1e-6
    [(_, params, x, ref)] = list(_cases(data_dir, "HarmonicScattering3D"))
    np.testing.assert_allclose(run(HarmonicScattering3D(**params), x).numpy(), ref, rtol=1e-5)


# -- autograd -------------------------------------------------------------------------------
@pytest.mark.parametrize("make,shape", [
    (lambda: Scattering1D(J=2, shape=32, Q=1), (2, 32)),
    (lambda: Scattering1D(J=2, shape=32, Q=2, T="global"), (1, 32)),
    (lambda: Scattering2D(J=1, shape=(8, 8), L=2), (1, 8, 8)),
    (lambda: Scattering2D(J=2, shape=(8, 6), L=2), (1, 8, 6)),
    (lambda: HarmonicScattering3D(J=1, shape=(6, 5, 4), L=1), (1, 6, 5, 4)),
    (lambda: TimeFrequencyScattering(J=2, J_fr=1, Q=2, shape=32), (1, 32)),
])
def test_gradcheck_float64(make, shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        S = make().double()
    x = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0),
                    requires_grad=True)
    # fast_mode compares u^T J v for random u, v (analytical against finite differences): one
    # backward instead of one per output, which a bug in any Jacobian entry still fails.
    assert torch.autograd.gradcheck(S, (x,), fast_mode=True)
    if isinstance(S, Scattering1D) and S.average == "local":
        assert torch.autograd.gradcheck(S, (x,))  # the full Jacobian, once


@pytest.mark.parametrize("make,shape", [
    (lambda: Scattering1D(J=4, shape=128, Q=4), (2, 128)),
    (lambda: Scattering2D(J=2, shape=(16, 16), L=4), (2, 16, 16)),
    (lambda: HarmonicScattering3D(J=1, shape=(8, 8, 8), L=2), (2, 8, 8, 8)),
    (lambda: TimeFrequencyScattering(J=4, J_fr=2, Q=2, shape=128), (2, 128)),
])
@pytest.mark.parametrize("kind", ["zero", "sparse"])
def test_no_nan_gradient(make, shape, kind):
    S = make()
    x = torch.zeros(shape)
    if kind == "sparse":
        x[(0,) * len(shape)] = 1.0
    x.requires_grad_(True)
    out = S(x)
    (grad,) = torch.autograd.grad(out.sum(), x, retain_graph=True)
    assert torch.isfinite(grad).all()
    if kind == "zero":
        # Every modulus is 0: orders 1 and 2 contribute the zero subgradient, and only the linear
        # order 0 (channel 0 in 1-D and 2-D; none in 3-D) has a gradient.
        if isinstance(S, HarmonicScattering3D):
            expected = torch.zeros_like(x)
        else:
            order0 = out.select(-3 if isinstance(S, Scattering2D) else -2, 0)
            (expected,) = torch.autograd.grad(order0.sum(), x)
        assert torch.equal(grad, expected)


def test_modulus_gradient_is_zero_at_zero():
    z = torch.zeros(4, dtype=torch.complex128, requires_grad=True)
    backend.modulus(z).sum().backward()
    assert torch.equal(z.grad, torch.zeros_like(z))
    z = torch.zeros(3, 4, dtype=torch.complex128, requires_grad=True)
    (backend.integrals(backend.modulus_rotation(z, axis=0), [0.5, 1.0, 2.0], ndim=1)).sum().backward()
    assert torch.equal(z.grad, torch.zeros_like(z))


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_modulus_gradient_is_finite_for_subnormal_values(dtype):
    # The CPU forward is NumPy's abs (a hypot), positive for subnormal z where the squares
    # underflow: grad / |z| overflowed there, and torch's complex z / |z| gave inf (a NaN
    # gradient in the time-frequency scattering of a constant signal).
    tiny = torch.finfo(torch.float32 if dtype == torch.complex64 else torch.float64).tiny
    values = torch.tensor([tiny * 1e-3, tiny * 0.5j, -tiny * 1e-6 + tiny * 1e-5j, 3 - 4j, 0],
                          dtype=dtype)
    z = values.clone().requires_grad_()
    out = backend.modulus(z)
    np.testing.assert_array_equal(out.detach().numpy(), np.abs(values.numpy()))
    (out * 1e3).sum().backward()
    assert torch.isfinite(torch.view_as_real(z.grad)).all()
    # The subnormal and zero entries get the zero subgradient; 3 - 4j gets 1e3 * z / |z|.
    assert torch.equal(z.grad[[0, 1, 2, 4]], torch.zeros(4, dtype=dtype))
    torch.testing.assert_close(z.grad[3], torch.tensor(1e3 * (0.6 - 0.8j), dtype=dtype))
    if dtype == torch.complex128:
        torch.autograd.gradcheck(backend.modulus, (torch.randn(6, dtype=dtype, requires_grad=True),))


# -- buffers --------------------------------------------------------------------------------
def test_filters_are_float32_buffers_and_follow_double():
    S = Scattering1D(J=4, shape=128, Q=2)
    names = [name for name, _ in S.named_buffers()]
    assert names == [f"tensor{i}" for i in range(len(names))] and names
    assert all(t.dtype == torch.float32 for t in S.buffers())
    assert isinstance(S, torch.nn.Module) and S.double() is S
    assert all(t.dtype == torch.float64 for t in S.buffers())
    assert S(torch.zeros(128, dtype=torch.float64)).dtype == torch.float64
    assert all(t.dtype == torch.float32 for t in S.float().buffers())


def test_double_casts_from_the_float64_bank():
    # .double() after float32 must not give float32-rounded filters: the 1-D float64 reference
    # numbers are matched to 1e-10 only with float64-exact filters.
    S = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1)
    # Buffers: the Gaussians, then the harmonic factors of l = 0 and l = 1 (complex filters as
    # real/imaginary pairs).
    harmonics = S._filter_sources["tensor2"]
    assert S.tensor2.shape == harmonics.shape + (2,)
    S.double()
    expected = np.stack([harmonics.real, harmonics.imag], axis=-1)
    assert np.array_equal(S.tensor2.numpy(), expected)
    S.to(torch.float32).to(torch.float64)  # Module.to(dtype) would drop the imaginary part of
    assert np.array_equal(S.tensor2.numpy(), expected)  # a complex buffer


def test_state_dict_round_trip():
    def make():
        S = Scattering2D(J=2, shape=(16, 16), L=4)
        return torch.nn.Sequential(S, torch.nn.Flatten(),
                                   torch.nn.Linear(S.output_size() * 4 * 4, 3)).double()

    model = make()
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer)
    filters = [k for k in state if k.startswith("0.tensor")]
    assert filters and all(state[k].dtype == torch.float64 for k in filters)
    fresh = make()
    fresh.load_state_dict(state)
    x = torch.randn(2, 16, 16, dtype=torch.float64)
    assert torch.equal(fresh(x), model(x))


def test_copies_compute_the_same():
    S = Scattering1D(J=4, shape=128, Q=2)
    x = torch.randn(3, 128)
    expected = S(x)
    assert torch.equal(copy.deepcopy(S)(x), expected)
    assert torch.equal(torch.nn.DataParallel(S)(x), expected)  # CPU: runs the module itself


def test_rebuilt_filters_replace_the_old_buffers():
    S = Scattering1D(J=4, shape=128, Q=2)
    count = len(list(S.buffers()))
    S.create_filters()
    assert len(list(S.buffers())) == count


# -- dtype and device policy, input checks ----------------------------------------------------
def test_dtype_mismatch_names_both_dtypes():
    S = Scattering1D(J=4, shape=128)
    with pytest.raises(TypeError, match=r"torch\.float64.*torch\.float32.*S\.double\(\)"):
        S(torch.zeros(128, dtype=torch.float64))
    S.double()
    with pytest.raises(ScatteringTypeError, match=r"torch\.float32.*torch\.float64.*S\.float\(\)"):
        S(torch.zeros(128))


def test_device_mismatch_names_both_devices():
    S = Scattering2D(J=1, shape=(8, 8))
    with pytest.raises(TypeError, match=r"device meta .* on cpu.*S\.to\('meta'\)"):
        S(torch.zeros(8, 8, device="meta"))


@pytest.mark.parametrize("bad,fragment", [
    (np.zeros(128, dtype=np.float32), "torch.Tensor"),
    ([0.0] * 128, "got list"),
    (torch.zeros(128, dtype=torch.complex64), "complex input"),
    (torch.zeros(128, dtype=torch.int64), "torch.int64"),
    (torch.zeros(128, dtype=torch.float16), "torch.float16"),
])
def test_bad_input_types(bad, fragment):
    with pytest.raises(ScatteringTypeError, match=fragment):
        Scattering1D(J=4, shape=128)(bad)


def test_shape_errors_come_from_the_core():
    with pytest.raises(ScatteringValueError, match="signal shape"):
        Scattering1D(J=4, shape=128)(torch.zeros(2, 100))
    with pytest.raises(ScatteringValueError, match="shape"):
        HarmonicScattering3D(J=1, shape=(8, 8, 8))(torch.zeros(2, 8, 8, 6))
    # An empty batch is not an error: it gives an empty output of the promised shape, as in NumPy.
    S3 = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1)
    assert S3(torch.zeros(0, 8, 8, 8)).shape == (0,) + tuple(S3(torch.zeros(1, 8, 8, 8)).shape[1:])


def test_non_contiguous_input_and_batch_axes():
    S = Scattering1D(J=4, shape=128, Q=2)
    x = torch.randn(128, 6)
    assert torch.allclose(S(x.t()), S(x.t().contiguous()))
    assert S(torch.randn(2, 3, 128)).shape == (2, 3, S.output_size(), 8)
    assert S(torch.zeros(0, 128)).shape == (0, S.output_size(), 8)


@pytest.mark.parametrize("kind", ["1d", "2d", "3d", "jtfs"])
def test_batch_in_chunks_gives_the_same_numbers_and_gradients(kind, monkeypatch):
    cls, kwargs = {"1d": (Scattering1D, dict(J=4, shape=128, Q=2)),
                   "2d": (Scattering2D, dict(J=2, shape=(16, 16), L=2)),
                   "3d": (HarmonicScattering3D, dict(J=1, shape=(8, 8, 8), L=1)),
                   "jtfs": (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=2, shape=128))}[kind]
    S = cls(**kwargs).double()
    # Seeded: with an unseeded input the 3-D gradient's rounding once reached 1.4e-11 of its scale
    # (one entry of 3072) against the 1e-11 below.
    generator = torch.Generator().manual_seed(7)
    x = torch.randn((2, 3) + tuple(S.shape), dtype=torch.float64, generator=generator,
                    requires_grad=True)
    whole = S(x)
    (grad_whole,) = torch.autograd.grad(whole.square().sum(), x)
    monkeypatch.setattr("kymatio.core._frontend.CHUNK_SAMPLES", 1)  # one signal per chunk
    chunked = S(x)
    (grad_chunked,) = torch.autograd.grad(chunked.square().sum(), x)
    # torch's FFTs may pick another kernel for another batch size: equal to rounding. Gradients
    # to rounding of their scale: the integral power 1/2 has the derivative u**-0.5/2, which
    # multiplies the rounding of a modulus u near 0 (seen: 4e-13 of the largest entry in 3-D,
    # where the real order m = 0 goes through torch's real inverse FFT; 4e-16 without p = 1/2).
    torch.testing.assert_close(chunked, whole, rtol=1e-12, atol=1e-14)
    scale = float(grad_whole.abs().max())
    torch.testing.assert_close(grad_chunked, grad_whole, rtol=1e-12, atol=1e-11 * scale)


# -- CPU inference with the NumPy kernels ------------------------------------------------------------
@pytest.fixture
def numpy_calls(monkeypatch):
    """Counts the NumPy backend's real FFTs, with the FFT threads they were asked for."""
    calls = []
    original = type(numpy_backend).rfft

    def rfft(self, x, ndim=1):
        calls.append(self.workers)
        return original(self, x, ndim)

    monkeypatch.setattr(type(numpy_backend), "rfft", rfft)
    return calls


def test_cpu_inference_runs_the_numpy_kernels_only_without_autograd(numpy_calls):
    S = Scattering1D(J=5, shape=256, Q=4)
    x = torch.randn(3, 256, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        fast = S(x)
    assert numpy_calls and not fast.requires_grad
    expected = kymatio.numpy.Scattering1D(J=5, shape=256, Q=4)(x.numpy())
    np.testing.assert_allclose(fast.numpy(), expected, rtol=0, atol=1e-6 * np.abs(expected).max())
    numpy_calls.clear()
    recorded = S(x.clone().requires_grad_())
    assert not numpy_calls and recorded.grad_fn is not None
    torch.testing.assert_close(recorded.detach(), fast, rtol=2e-6, atol=2e-6 * float(fast.abs().max()))
    S.cpu_inference = "torch"
    with torch.no_grad():
        S(x)
    assert not numpy_calls
    with torch.inference_mode():  # inference tensors, which keep no version counter
        S.cpu_inference = "numpy"
        torch.testing.assert_close(S(x), fast, rtol=0, atol=0)
    assert numpy_calls


def test_cpu_inference_follows_the_module(numpy_calls):
    S = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1)
    x = torch.randn(2, 8, 8, 8, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        both = S(x)
        S.max_order = 1  # settable parameters apply at once
        first = S(x)
        assert first.shape[1] < both.shape[1]
        S.cpu_inference = "torch"
        torch.testing.assert_close(first, S(x))
        S.cpu_inference = "numpy"
        state = {k: torch.zeros_like(v) for k, v in S.state_dict().items()}
        S.load_state_dict(state)  # in-place writes to the buffers: the NumPy arrays see them
        assert float(S(x).abs().max()) == 0.0
        S64 = copy.deepcopy(S).double()
        assert S64(x.double()).dtype == torch.float64
    assert numpy_calls


def test_cpu_inference_uses_torch_threads(numpy_calls):
    S = Scattering2D(J=2, shape=(32, 32), L=4)
    x = torch.randn(64, 32, 32, generator=torch.Generator().manual_seed(2))
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        with torch.no_grad():
            one = S(x)
        assert numpy_calls and set(numpy_calls) == {1}
    finally:
        torch.set_num_threads(threads)
    S.cpu_inference = "torch"
    with torch.no_grad():
        torch.testing.assert_close(one, S(x), rtol=2e-6, atol=2e-6 * float(one.abs().max()))


def test_cpu_inference_keeps_another_backend_and_checks_its_value(numpy_calls):
    class Mine(TorchBackend):
        name = "mine"

    S = Scattering1D(J=3, shape=64, backend=Mine())
    with torch.no_grad():
        S(torch.zeros(2, 64))
    assert not numpy_calls  # a backend the user chose computes
    with pytest.raises(ValueError, match="cpu_inference must be 'numpy' or 'torch', got 'jax'"):
        S.cpu_inference = "jax"


def test_numpy_backend_is_refused():
    with pytest.raises(BackendFrontendMismatchError, match="numpy"):
        Scattering1D(J=4, shape=128, backend="numpy")


# -- torch.compile --------------------------------------------------------------------------
# Inductor's own deprecated calls, and its note that it leaves complex operators to eager kernels.
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_compiled_model_gives_the_same_numbers():
    S = Scattering1D(J=3, shape=64, Q=2)
    model = torch.nn.Sequential(S, torch.nn.Flatten(), torch.nn.Linear(S.output_size() * 8, 3))
    x = torch.randn(4, 64, generator=torch.Generator().manual_seed(0))
    # fullgraph: the core's hot path is traced in one graph, without a break.
    out = torch.compile(model, fullgraph=True)(x)
    torch.testing.assert_close(out, model(x), rtol=1e-5, atol=1e-6)


# -- backend operations ---------------------------------------------------------------------
@pytest.mark.parametrize("n,left,right", [(5, 2, 3), (4, 3, 3), (3, 7, 9), (1, 2, 1), (6, 0, 0)])
def test_reflect_pad_matches_numpy(n, left, right):
    x = np.arange(2 * n, dtype=np.float64).reshape(2, n) ** 2
    out = backend.pad(torch.from_numpy(x), [(left, right)])
    np.testing.assert_array_equal(out.numpy(), np.pad(x, [(0, 0), (left, right)], mode="reflect"))


@pytest.mark.parametrize("widths", [[(4, 5), (1, 6)], [(1, 2), (3, 4)], [(0, 2), (0, 0)]])
def test_pad_2d_and_constant(widths):
    x = np.random.default_rng(0).standard_normal((2, 1, 3, 5))
    for mode in ("reflect", "constant"):
        out = backend.pad(torch.from_numpy(x), widths, mode=mode)
        np.testing.assert_array_equal(out.numpy(), numpy_backend.pad(x, widths, mode=mode))


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_backend_matches_numpy_backend(ndim):
    rng = np.random.default_rng(ndim)
    shape = (2, 3) + (8,) * ndim
    x = rng.standard_normal(shape)
    t = torch.from_numpy(x)
    np.testing.assert_allclose(backend.rfft(t, ndim).numpy(), numpy_backend.rfft(x, ndim))
    spectrum = numpy_backend.rfft(x, ndim)
    np.testing.assert_allclose(backend.irfft(torch.from_numpy(spectrum), ndim).numpy(), x,
                               atol=1e-12)
    bank = alias_bank(rng.standard_normal((2,) + (8,) * ndim), 4, ndim)
    torch_bank = dict(bank, filters=[torch.from_numpy(f) for f in bank["filters"]])
    np.testing.assert_allclose(
        backend.periodized_product(torch.from_numpy(spectrum[:, :, None]), torch_bank).numpy(),
        numpy_backend.periodized_product(spectrum[:, :, None], bank))
    np.testing.assert_allclose(backend.modulus_rotation(torch.from_numpy(spectrum), 1).numpy(),
                               numpy_backend.modulus_rotation(spectrum, 1))
    np.testing.assert_allclose(backend.integrals(t.abs(), [0.5, 1, 2], ndim).numpy(),
                               numpy_backend.integrals(np.abs(x), [0.5, 1, 2], ndim))
    for indices in ([2, 0], [1], [0, 1]):
        np.testing.assert_array_equal(backend.take(t, indices, 1).numpy(),
                                      numpy_backend.take(x, indices, 1))
    axes = tuple(reversed(range(x.ndim)))
    np.testing.assert_array_equal(backend.transpose(t, axes).numpy(), np.transpose(x, axes))


def test_backend_keeps_precision():
    for dtype, complex_dtype in [(torch.float32, torch.complex64), (torch.float64, torch.complex128)]:
        x = torch.zeros(2, 16, dtype=dtype)
        spectrum = backend.rfft(x)
        assert spectrum.dtype == complex_dtype
        assert backend.irfft(spectrum).dtype == dtype
        assert backend.modulus(spectrum).dtype == dtype
    assert backend.asarray(np.ones(3), "complex64").dtype == torch.complex64


# -- the plugin and the package ---------------------------------------------------------------
def test_public_classes_and_dispatch():
    for cls in (Scattering1D, Scattering2D, HarmonicScattering3D, TimeFrequencyScattering):
        assert cls.__module__ == "kymatio.torch" and issubclass(cls, torch.nn.Module)
        assert getattr(kymatio.torch, cls.__name__) is cls
    S = kymatio.core.Scattering2D(J=2, shape=(16, 16), frontend="torch")
    assert type(S) is Scattering2D and S.backend is backend
    assert isinstance(backend, TorchBackend) and backend.name == backend.frontend == "torch"
    assert "torch" in kymatio.core.list_backends("torch")
    # Two backends serve the torch frontend: "torch" and the GPU one, "torch_skcuda".
    infos = {i.name: i for i in kymatio.core.list_backends("torch", detail=True)}
    info = infos["torch"]
    assert info.available and info.distribution == "kymatio-torch"
    assert info.install_hint == "pip install kymatio-torch"
    assert "torch_skcuda" in infos and infos["torch_skcuda"].frontend == "torch"
    assert "kymatio-torch[skcuda]" in infos["torch_skcuda"].install_hint


_SCAN_IMPORTS_NO_TORCH = """
    import sys
    import kymatio.core, kymatio.torch
    kymatio.core.list_backends(detail=True)
    kymatio.core.list_frontends(detail=True)
    assert "torch" not in sys.modules, "the plugin scan imported torch"
    import kymatio.torch._plugin
    assert "torch" not in sys.modules
    print("ok")
"""


def test_plugin_scan_imports_no_torch():
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_SCAN_IMPORTS_NO_TORCH)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize("obj", [kymatio.torch, Scattering1D, Scattering2D, HarmonicScattering3D,
                                 TimeFrequencyScattering])
def test_docstring_examples(obj):
    # The classes' __module__ is the public "kymatio.torch", so testmod would skip them.
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder(recurse=False).find(obj, globs={}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0


# -- GPU ------------------------------------------------------------------------------------
@requires_cuda
@pytest.mark.parametrize("make,shape", [
    (lambda: Scattering1D(J=6, shape=1024, Q=8), (4, 1024)),
    (lambda: Scattering2D(J=2, shape=(32, 32)), (4, 32, 32)),
    (lambda: HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2), (2, 16, 16, 16)),
    (lambda: TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512), (2, 512)),
])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gpu_matches_cpu(make, shape, dtype):
    S = make().to(dtype)
    x = torch.randn(shape, dtype=dtype)
    expected = S(x)
    S.cuda()
    assert all(t.is_cuda for t in S.buffers())
    out = S(x.cuda())
    assert out.is_cuda and out.dtype == dtype
    torch.testing.assert_close(out.cpu(), expected, rtol=1e-4 if dtype == torch.float32 else 1e-10,
                               atol=1e-5 if dtype == torch.float32 else 1e-12)
    with pytest.raises(TypeError, match="cuda"):
        S(x)


@requires_cuda
def test_gpu_gradient_and_data_parallel():
    S = Scattering2D(J=2, shape=(32, 32)).cuda()
    x = torch.randn(4, 32, 32, device="cuda", requires_grad=True)
    S(x).sum().backward()
    assert torch.isfinite(x.grad).all()
    parallel = torch.nn.DataParallel(S)
    torch.testing.assert_close(parallel(x.detach()), S(x.detach()))


def test_filter_plan_is_reused_and_follows_the_buffers():
    S = Scattering1D(J=3, shape=64, Q=1)
    x = torch.randn(2, 64)
    first = S(x)
    tree = S._filters("float32")
    assert S._filters("float32") is tree  # kept between calls while the buffers stay the same
    # An in-place write to a buffer (what load_state_dict does) bumps its version: the plan follows.
    S.load_state_dict({name: 2 * value for name, value in S.state_dict().items()})
    assert S._filters("float32") is not tree
    doubled = S(x)
    assert not torch.allclose(doubled, first)
    S.load_state_dict({name: value / 2 for name, value in S.state_dict().items()})
    torch.testing.assert_close(S(x), first, rtol=0, atol=0)
    # A cast gives new tensors: a new plan of the new dtype.
    S.double()
    assert S(x.double()).dtype == torch.float64
    # Copies carry the buffers, not the cached plan.
    assert "_filters_cache" not in S.__getstate__()
    with torch.inference_mode():  # inference tensors keep no version: computed, not cached
        inference = Scattering1D(J=3, shape=64, Q=1)
        torch.testing.assert_close(inference(x), first, rtol=0, atol=0)
    assert "_filters_cache" not in inference.__dict__
