"""TensorFlow frontend and backend: the NumPy frontend's numbers, reference data, tf.function with a
dynamic batch, XLA, GradientTape, precision, pre_pad, input errors, the plugin, and GPU runs where a
GPU exists."""
from __future__ import annotations

import doctest
import inspect
import json
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import kymatio.core  # noqa: E402
import kymatio.numpy  # noqa: E402
import kymatio.tensorflow  # noqa: E402
from kymatio.core._periodize import alias_bank  # noqa: E402
from kymatio.core._errors import (  # noqa: E402
    BackendFrontendMismatchError, ScatteringTypeError, ScatteringValueError)
from kymatio.numpy._backend import backend as numpy_backend  # noqa: E402
from kymatio.tensorflow import (  # noqa: E402
    HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering)
from kymatio.tensorflow._backend import TensorFlowBackend, backend  # noqa: E402

requires_gpu = pytest.mark.skipif(not tf.config.list_physical_devices("GPU"),
                                  reason="no GPU visible to TensorFlow")

NUMPY_CLASS = {Scattering1D: kymatio.numpy.Scattering1D, Scattering2D: kymatio.numpy.Scattering2D,
               HarmonicScattering3D: kymatio.numpy.HarmonicScattering3D,
               TimeFrequencyScattering: kymatio.numpy.TimeFrequencyScattering}
# Relative to the largest coefficient: float32 FFTs of two libraries, and float64 ones.
TOLERANCE = {np.float32: 2e-6, np.float64: 1e-12}

# Small transforms of each kind, with the shape of a batch of inputs.
SMALL = {
    "1d": (Scattering1D, dict(J=4, shape=128, Q=4), (3, 128)),
    "2d": (Scattering2D, dict(J=2, shape=(16, 12), L=4), (2, 16, 12)),
    "3d": (HarmonicScattering3D, dict(J=1, shape=(8, 8, 8), L=1), (2, 8, 8, 8)),
    "jtfs": (TimeFrequencyScattering, dict(J=5, J_fr=2, Q=4, shape=256, format="joint"), (2, 256)),
}


def pair(cls, *args, **kwargs):
    """The TensorFlow transform and the NumPy transform of the same parameters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return cls(*args, **kwargs), NUMPY_CLASS[cls](*args, **kwargs)


def assert_close(out, expected, dtype, tolerance=None):
    assert isinstance(out, tf.Tensor) and out.dtype == tf.as_dtype(dtype)
    out = out.numpy()
    assert out.shape == expected.shape
    scale = max(np.abs(expected).max(), 1e-30)
    assert np.abs(out - expected).max() / scale < (tolerance or TOLERANCE[dtype])


def assert_same_output(out, expected, dtype):
    """Array, dict or list outputs of the two frontends agree entry by entry."""
    if isinstance(expected, dict):
        assert list(out) == list(expected)
        for key in expected:
            assert_close(out[key], expected[key], dtype)
    elif isinstance(expected, list):
        assert [{k: v for k, v in c.items() if k != "coef"} for c in out] == \
               [{k: v for k, v in c.items() if k != "coef"} for c in expected]
        for c, e in zip(out, expected):
            assert_close(c["coef"], e["coef"], dtype)
    else:
        assert_close(out, expected, dtype)


def relative_l1(a, b):
    return np.abs(a - b).sum() / max(np.abs(a).sum(), np.abs(b).sum())


def reference_case(data_dir, name):
    data = np.load(data_dir / "reference_cases.npz")
    case = next(c for c in json.loads(str(data["index_json"])) if c["name"] == name)
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in case["params"].items()}
    return params, data[name + "_x"], data[name + "_Sx"]


# -- the numbers of the NumPy frontend -------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [
    dict(J=6, shape=1024, Q=8), dict(J=4, shape=300, Q=(4, 2), max_order=1),
    dict(J=5, shape=512, Q=2, T=16, stride=4), dict(J=5, shape=512, Q=2, T="global"),
])
@pytest.mark.parametrize("out_type", ["array", "dict", "list"])
def test_1d_matches_numpy(params, dtype, out_type):
    S, S_np = pair(Scattering1D, out_type=out_type, **params)
    x = np.random.default_rng(0).standard_normal((2, 3, S.shape[0])).astype(dtype)
    assert_same_output(S(x), S_np(x), dtype)


def test_1d_unaveraged_dict_matches_numpy():
    S, S_np = pair(Scattering1D, J=5, shape=256, Q=4, T=0, out_type="list")
    x = np.random.default_rng(1).standard_normal((2, 256))
    assert_same_output(S(tf.constant(x)), S_np(x), np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [dict(J=2, shape=(31, 33), L=8),
                                    dict(J=3, shape=(32, 24), L=4, max_order=1)])
@pytest.mark.parametrize("out_type", ["array", "list"])
def test_2d_matches_numpy(params, dtype, out_type):
    S, S_np = pair(Scattering2D, out_type=out_type, **params)
    x = np.random.default_rng(2).standard_normal((2,) + S.shape).astype(dtype)
    assert_same_output(S(x), S_np(x), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [
    dict(J=2, shape=(12, 10, 8), L=2),
    dict(J=1, shape=(8, 8, 8), L=2, rotation_covariant=False, max_order=1,
         integral_powers=(1.0, 3.0)),
])
def test_3d_matches_numpy(params, dtype):
    S, S_np = pair(HarmonicScattering3D, **params)
    x = np.random.default_rng(3).standard_normal((2,) + S.shape).astype(dtype)
    assert_same_output(S(x), S_np(x), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [dict(J=6, J_fr=2, Q=4, shape=512),
                                    dict(J=6, J_fr=2, Q=4, shape=512, format="joint", F=2)])
@pytest.mark.parametrize("out_type", ["array", "dict", "list"])
def test_jtfs_matches_numpy(params, dtype, out_type):
    S, S_np = pair(TimeFrequencyScattering, out_type=out_type, **params)
    x = np.random.default_rng(4).standard_normal((2, 512)).astype(dtype)
    assert_same_output(S(x), S_np(x), dtype)


@pytest.mark.parametrize("kind", ["1d", "2d", "3d", "jtfs"])
def test_chunked_paths_match_numpy(kind, monkeypatch):
    # Tiny chunks: every product is split along filters (and the 3-D batch along volumes), so the
    # slices and concatenations of the core run on tensors too.
    monkeypatch.setattr("kymatio.core._batching.STEP_FACTOR", 0)
    monkeypatch.setattr("kymatio.core._batching.MIN_STEP", 1)
    cls, kwargs, shape = SMALL[kind]
    S, S_np = pair(cls, **kwargs)
    x = np.random.default_rng(17).standard_normal((3,) + shape[1:])
    assert_same_output(S(x), S_np(x), np.float64)


def test_meta_and_output_size_are_the_core_ones():
    for cls, kwargs in [(Scattering1D, dict(J=4, shape=128, Q=4)),
                        (Scattering2D, dict(J=2, shape=(16, 16), L=4)),
                        (HarmonicScattering3D, dict(J=2, shape=(8, 8, 8), L=1)),
                        (TimeFrequencyScattering, dict(J=5, J_fr=2, Q=4, shape=256))]:
        S, S_np = pair(cls, **kwargs)
        assert S.output_size() == S_np.output_size()
        assert S.meta()["key"] == S_np.meta()["key"]


# -- reference data --------------------------------------------------------------------------------
def test_reference_1d(data_dir):
    d = np.load(data_dir / "scattering1d_J6_Q16_N512.npz")
    S = Scattering1D(int(d["J"]), 512, Q=int(d["Q"]))
    assert_close(S(tf.constant(d["x"])), d["Sx"], np.float32, tolerance=1e-6)
    out64 = S(tf.constant(d["x"], dtype=tf.float64))
    assert_close(out64, d["Sx"], np.float64, tolerance=1e-7)  # the reference data is float32
    for name in ("s1_T16", "s1_stride1", "s1_global", "s1_Q82"):
        params, x, expected = reference_case(data_dir, name)
        assert_close(Scattering1D(**params)(x), expected, np.float64, tolerance=1e-10)


def test_reference_jtfs(data_dir):
    for name in ("jtfs_time", "jtfs_joint", "jtfs_F4", "jtfs_stridefr2"):
        params, x, expected = reference_case(data_dir, name)
        assert_close(TimeFrequencyScattering(**params)(x), expected, np.float64, tolerance=1e-10)


def test_reference_2d(data_dir):
    d = np.load(data_dir / "scattering2d_J4_32x32.npz")
    S = Scattering2D(J=int(d["J"]), shape=(32, 32), pre_pad=bool(d["pre_pad"]))
    out = S(tf.constant(d["x"]))
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), d["Sx"], rtol=1e-5, atol=1e-7)
    params, x, expected = reference_case(data_dir, "s2_odd")
    out = Scattering2D(**params)(x)
    assert out.dtype == tf.float64
    # The reference built its filters in float32.
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reference_3d(data_dir, dtype):
    with np.load(data_dir / "harmonic3d_J2_L2_16cube.npz") as d:
        x, Sx, powers = d["x"].astype(dtype), d["Sx"], list(d["integral_powers"])
    S = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2, integral_powers=powers)
    out = S(x)
    assert out.dtype == tf.as_dtype(dtype) and out.shape == (2, 6, 3, 2)
    assert relative_l1(out.numpy().reshape(2, -1), Sx[:, 2:]) < 1e-6
    params, x, expected = reference_case(data_dir, "h3_L3")
    out = HarmonicScattering3D(**params)(x)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5)


# -- tf.function, dynamic batch, XLA ---------------------------------------------------------------
@pytest.mark.parametrize("kind", list(SMALL))
def test_tf_function_with_dynamic_batch(kind):
    cls, kwargs, shape = SMALL[kind]
    S = cls(**kwargs)
    spec = tf.TensorSpec((None,) + shape[1:], tf.float32)
    f = tf.function(S.scattering, input_signature=[spec])
    concrete = f.get_concrete_function()
    out_shape = concrete.structured_outputs.shape
    assert out_shape[0] is None and None not in out_shape[1:]
    rng = np.random.default_rng(5)
    for batch in (shape[0], 1, 5):
        x = rng.standard_normal((batch,) + shape[1:]).astype(np.float32)
        out = f(x)
        assert out.shape[0] == batch and out.shape[1:] == out_shape[1:]
        np.testing.assert_allclose(out.numpy(), S(x).numpy(), rtol=1e-6, atol=1e-7)
    assert f.experimental_get_tracing_count() == 1


def test_tf_function_with_several_dynamic_axes_and_dict_output():
    S = Scattering1D(J=4, shape=128, Q=4, out_type="dict")
    f = tf.function(S, input_signature=[tf.TensorSpec([None, None, None], tf.float64)])
    x = np.random.default_rng(6).standard_normal((2, 3, 128))
    out, expected = f(x), S(x)
    assert list(out) == list(expected)
    for key in expected:
        assert out[key].shape == expected[key].shape == (2, 3, expected[key].shape[-1])
        assert out[key].dtype == tf.float64
        np.testing.assert_allclose(out[key].numpy(), expected[key].numpy(), rtol=1e-12, atol=1e-14)
    # The signal axis was dynamic: it must hold the transform's length at run time.
    with pytest.raises(tf.errors.InvalidArgumentError):
        f(np.zeros((2, 3, 100)))


def test_errors_keep_their_types_inside_tf_function():
    S = Scattering1D(J=4, shape=128, Q=4)
    with pytest.raises(ScatteringValueError, match=r"unknown rank.*TensorSpec\(\[None, 128\]"):
        tf.function(S, input_signature=[tf.TensorSpec(None, tf.float32)]).get_concrete_function()
    # Also through a function of the user's, which AutoGraph converts.
    with pytest.raises(ScatteringValueError, match=r"signal shape \(128,\)"):
        tf.function(lambda x: 2 * S(x)).get_concrete_function(tf.TensorSpec([3, 100]))
    with pytest.raises(ScatteringTypeError, match="dtype int32"):
        tf.function(S.scattering).get_concrete_function(tf.TensorSpec([3, 128], tf.int32))


def test_first_call_inside_tf_function_then_eager():
    # The filters are made on first use: when that is a trace, they must still be eager constants.
    cls, kwargs, shape = SMALL["2d"]
    S = cls(**kwargs)
    x = np.random.default_rng(7).standard_normal(shape).astype(np.float32)
    traced = tf.function(S)(x)
    assert all(not tf.is_symbolic_tensor(t) for t in tf.nest.flatten(S._filters("float32")))
    np.testing.assert_allclose(S(x).numpy(), traced.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kind", ["1d", "2d", "3d", "jtfs"])
def test_xla_jit_compile(kind):
    # TensorFlow's FFT ops have XLA kernels on the CPU too: the whole transform compiles.
    cls, kwargs, shape = SMALL[kind]
    S = cls(**kwargs)
    x = np.random.default_rng(8).standard_normal(shape).astype(np.float32)
    compiled = tf.function(S, jit_compile=True)
    out = compiled(x)
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), S(x).numpy(), rtol=1e-5, atol=1e-6)
    if kind == "1d":  # one float64 compilation is enough (each takes seconds)
        out64 = compiled(x.astype(np.float64))
        assert out64.dtype == tf.float64
        assert_close(out64, NUMPY_CLASS[cls](**kwargs)(x.astype(np.float64)), np.float64)


# -- gradients -------------------------------------------------------------------------------------
TINY = {
    "1d": (lambda: Scattering1D(J=2, shape=32, Q=1), (1, 32)),
    "2d": (lambda: Scattering2D(J=1, shape=(8, 8), L=2), (1, 8, 8)),
    "3d": (lambda: HarmonicScattering3D(J=1, shape=(6, 6, 6), L=1,
                                        integral_powers=(0.5, 1.0, 2.0)), (1, 6, 6, 6)),
    "jtfs": (lambda: TimeFrequencyScattering(J=3, J_fr=1, Q=2, shape=64), (1, 64)),
}


@pytest.mark.parametrize("kind", list(TINY))
def test_gradient_matches_finite_differences(kind):
    make, shape = TINY[kind]
    S = make()
    rng = np.random.default_rng(9)
    x = tf.constant(rng.standard_normal(shape) + 0.5)
    weights = None

    def loss(x):
        nonlocal weights
        out = S(x)
        if weights is None:
            weights = tf.constant(rng.standard_normal(out.shape))
        return tf.reduce_sum(out * weights)

    with tf.GradientTape() as tape:
        tape.watch(x)
        value = loss(x)
    grad = tape.gradient(value, x).numpy()
    assert grad.shape == shape and np.all(np.isfinite(grad))
    eps = 1e-6
    for _ in range(3):
        direction = rng.standard_normal(shape)
        plus = loss(x + eps * direction).numpy()
        minus = loss(x - eps * direction).numpy()
        numeric = (plus - minus) / (2 * eps)
        assert np.isclose(np.sum(grad * direction), numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("kind", list(TINY))
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_no_nan_gradient_at_zero_input(kind, dtype):
    make, shape = TINY[kind]
    S = make()
    x = tf.zeros(shape, dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = tf.reduce_sum(S(x))
    grad = tape.gradient(value, x)
    assert grad.dtype == dtype
    assert np.all(np.isfinite(grad.numpy()))


def test_modulus_gradients_are_zero_at_zero():
    z = tf.constant([0j, 3 + 4j], dtype=tf.complex128)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(z)
        m = backend.modulus(z)
        r = backend.modulus_rotation(tf.stack([z, 2 * z]), axis=0)
    np.testing.assert_allclose(m.numpy(), [0, 5])
    np.testing.assert_allclose(tape.gradient(m, z).numpy(), [0, (3 + 4j) / 5])
    np.testing.assert_allclose(r.numpy(), [0, 5 * np.sqrt(5)])
    grad = tape.gradient(r, z).numpy()
    np.testing.assert_allclose(grad, [0, 5 * (3 + 4j) / (5 * np.sqrt(5))])
    u = tf.constant([[0.0, 4.0]], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(u)
        s = backend.integrals(u, [0.5, 2.0], ndim=1)
    np.testing.assert_allclose(s.numpy(), [[2.0, 16.0]])
    np.testing.assert_allclose(tape.gradient(s, u).numpy(), [[0.0, 0.25 + 8.0]])


# -- precision and pre_pad -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(SMALL))
def test_float64_stays_float64(kind):
    cls, kwargs, shape = SMALL[kind]
    S = cls(**kwargs)
    x = tf.constant(np.random.default_rng(10).standard_normal(shape))
    assert S(x).dtype == tf.float64
    assert S(tf.cast(x, tf.float32)).dtype == tf.float32
    for dtype in ("float32", "float64"):
        leaves = tf.nest.flatten(S._filters(dtype))
        tensors = [t for t in leaves if isinstance(t, tf.Tensor)]
        assert tensors and {t.dtype.real_dtype for t in tensors} == {tf.as_dtype(dtype)}
    assert S._filters("float64") is S._filters("float64")  # converted once per dtype


def test_pre_pad_2d_works_and_matches_numpy():
    S, S_np = pair(Scattering2D, J=2, shape=(20, 28), L=4, pre_pad=True)
    padded = (2, S._M_padded, S._N_padded)
    x = np.random.default_rng(11).standard_normal(padded).astype(np.float32)
    assert_same_output(S(tf.constant(x)), S_np(x), np.float32)
    f = tf.function(S, input_signature=[tf.TensorSpec((None,) + padded[1:], tf.float32)])
    np.testing.assert_allclose(f(x).numpy(), S_np(x), rtol=1e-5, atol=1e-6)
    compiled = tf.function(S, jit_compile=True)
    np.testing.assert_allclose(compiled(x).numpy(), S_np(x), rtol=1e-5, atol=1e-6)
    with tf.GradientTape() as tape:
        padded_input = tf.constant(x.astype(np.float64))
        tape.watch(padded_input)
        value = tf.reduce_sum(S(padded_input))
    grad = tape.gradient(value, padded_input)
    assert grad.dtype == tf.float64 and np.isfinite(grad.numpy()).all()
    assert float(tf.reduce_max(tf.abs(grad))) > 0
    with pytest.raises(ScatteringValueError, match="padded size"):
        S(tf.zeros((20, 28)))


# -- input checks ----------------------------------------------------------------------------------
@pytest.mark.parametrize("bad, fragment", [
    ([0.0] * 128, "got list"),
    (tf.zeros(128, tf.int32), "int32"),
    (tf.zeros(128, tf.complex64), "complex"),
    (np.zeros(128, np.complex128), "complex"),
    (np.zeros(128, np.int64), "int64"),
    (tf.zeros(128, tf.float16), "float16"),
])
def test_bad_input_types(bad, fragment):
    with pytest.raises(ScatteringTypeError, match=fragment):
        Scattering1D(J=4, shape=128, Q=4)(bad)


def test_shape_errors_come_from_the_core():
    with pytest.raises(ScatteringValueError, match=r"signal shape \(128,\)"):
        Scattering1D(J=4, shape=128, Q=4)(tf.zeros((2, 100)))
    with pytest.raises(ScatteringValueError, match="at least 2 axes"):
        Scattering2D(J=2, shape=(16, 16))(tf.zeros(16))


def test_variable_input_and_batch_axes():
    S = Scattering1D(J=4, shape=128, Q=4)
    x = np.random.default_rng(12).standard_normal((2, 2, 128)).astype(np.float32)
    out = S(tf.Variable(x))
    assert out.shape == (2, 2) + tuple(S(x[0, 0]).shape)
    np.testing.assert_allclose(out.numpy()[1, 0], S(x[1, 0]).numpy(), rtol=1e-6, atol=1e-7)
    assert S(np.zeros((0, 128), np.float32)).shape[0] == 0


def test_numpy_backend_is_refused():
    with pytest.raises(BackendFrontendMismatchError, match="can not be called"):
        Scattering1D(J=4, shape=128, backend="numpy")
    with pytest.raises(BackendFrontendMismatchError, match="not supported"):
        Scattering1D(J=4, shape=128, backend=numpy_backend)


def test_name_must_be_a_module_name():
    with pytest.raises(ScatteringTypeError, match="name must be a string"):
        Scattering1D(J=4, shape=128, name=3)
    with pytest.raises(ScatteringValueError, match="got 'two words'"):
        Scattering2D(J=2, shape=(16, 16), name="two words")


# -- the backend -----------------------------------------------------------------------------------
@pytest.mark.parametrize("n, left, right", [(5, 2, 3), (4, 7, 9), (3, 10, 1), (1, 2, 2), (6, 0, 0)])
def test_reflect_pad_matches_numpy(n, left, right):
    x = np.arange(2 * n, dtype=np.float64).reshape(2, n)
    out = backend.pad(tf.constant(x), [(left, right)])
    np.testing.assert_array_equal(out.numpy(), np.pad(x, [(0, 0), (left, right)], mode="reflect"))


def test_pad_2d_and_constant():
    x = np.random.default_rng(13).standard_normal((2, 3, 4))
    np.testing.assert_array_equal(
        backend.pad(tf.constant(x), [(3, 4), (5, 2)]).numpy(),
        np.pad(x, [(0, 0), (3, 4), (5, 2)], mode="reflect"))
    np.testing.assert_array_equal(
        backend.pad(tf.constant(x), [(0, 2), (1, 0)], mode="constant").numpy(),
        np.pad(x, [(0, 0), (0, 2), (1, 0)]))


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_backend_matches_numpy_backend(ndim):
    rng = np.random.default_rng(14)
    shape = (2, 3) + (8,) * ndim
    x = rng.standard_normal(shape)
    z = x + 1j * rng.standard_normal(shape)
    t, tz = tf.constant(x), tf.constant(z)
    bank = alias_bank(rng.standard_normal((2,) + (8,) * ndim), 4, ndim)
    tf_bank = dict(bank, filters=[tf.constant(f, tf.complex128) for f in bank["filters"]])
    pairs = [
        (backend.rfft(t, ndim), numpy_backend.rfft(x, ndim)),
        (backend.fft(tz, ndim), numpy_backend.fft(z, ndim)),
        (backend.ifft(tz, ndim), numpy_backend.ifft(z, ndim)),
        (backend.irfft(backend.rfft(t, ndim), ndim), x),
        (backend.periodized_product(tz[:, :, None], tf_bank),
         numpy_backend.periodized_product(z[:, :, None], bank)),
        (backend.modulus(tz), np.abs(z)),
        (backend.modulus_rotation(tz, 1), numpy_backend.modulus_rotation(z, 1)),
        (backend.take(t, [2, 0], 1), np.take(x, [2, 0], axis=1)),
        (backend.transpose(t, list(range(ndim + 2))[::-1]), x.T),
        (backend.integrals(t * t, [0.5, 1.0], ndim),
         numpy_backend.integrals(x * x, [0.5, 1.0], ndim)),
        (backend.cdgmm(tz, tf.constant(x[0])), z * x[0]),
    ]
    for got, expected in pairs:
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_backend_keeps_precision_and_dynamic_reshape():
    x32 = tf.zeros((2, 16), tf.float32)
    assert backend.rfft(x32).dtype == tf.complex64
    assert backend.irfft(backend.rfft(x32)).dtype == tf.float32
    assert backend.rfft(tf.cast(x32, tf.float64)).dtype == tf.complex128
    assert backend.asarray(np.ones(3), "complex128").dtype == tf.complex128

    bank = alias_bank(np.ones((3, 16)), 2)
    tf_bank = dict(bank, filters=[tf.constant(f, tf.complex64) for f in bank["filters"]])

    @tf.function(input_signature=[tf.TensorSpec([None, 3, 16], tf.complex64)])
    def f(z):
        y = backend.periodized_product(backend.reshape(z, (-1, 1, 16)), tf_bank)
        assert y.shape.as_list() == [None, 3, 8]
        return y

    assert f(tf.zeros((4, 3, 16), tf.complex64)).shape == (12, 3, 8)


# -- tf.Module, signatures, registry ---------------------------------------------------------------
def test_modules_names_and_signatures():
    S = Scattering2D(J=2, shape=(16, 16), name="scat")
    assert isinstance(S, tf.Module) and S.name == "scat"
    assert S.variables == () and S.submodules == ()
    S.weight = tf.Variable(1.0)  # attributes added later are the module's as usual
    assert S.variables == (S.weight,)
    assert Scattering1D(J=4, shape=128).name == "Scattering1D"
    expected = {
        Scattering1D: ["J", "shape", "Q", "T", "stride", "max_order", "oversampling", "out_type",
                       "backend", "name"],
        TimeFrequencyScattering: ["J", "J_fr", "Q", "shape", "T", "stride", "Q_fr", "F",
                                  "stride_fr", "out_type", "backend", "format", "name"],
        Scattering2D: ["J", "shape", "L", "max_order", "pre_pad", "backend", "name", "out_type"],
        HarmonicScattering3D: ["J", "shape", "L", "sigma_0", "max_order", "rotation_covariant",
                               "method", "points", "integral_powers", "backend", "name"],
    }
    for cls, names in expected.items():
        assert issubclass(cls, tf.Module)
        parameters = inspect.signature(cls).parameters
        assert list(parameters) == names
        assert parameters["name"].default == cls.__name__
        assert parameters["backend"].default == "tensorflow"
        assert cls.__module__ == "kymatio.tensorflow"

    @tf.function(input_signature=[tf.TensorSpec([16, 16], tf.float32)])
    def traced(x):
        return S(x)

    ops = [op.name for op in traced.get_concrete_function().graph.get_operations()]
    assert any(name.startswith("scat/") for name in ops)


def test_saved_model_round_trip(tmp_path):
    S = Scattering1D(J=4, shape=128, Q=4)
    serve = tf.function(S, input_signature=[tf.TensorSpec([None, 128], tf.float32)])
    tf.saved_model.save(S, str(tmp_path), signatures=serve.get_concrete_function())
    loaded = tf.saved_model.load(str(tmp_path)).signatures["serving_default"]
    x = np.random.default_rng(16).standard_normal((3, 128)).astype(np.float32)
    (out,) = loaded(tf.constant(x)).values()
    np.testing.assert_allclose(out.numpy(), S(x).numpy(), rtol=1e-6, atol=1e-7)


def test_dispatch_and_registry():
    assert "tensorflow" in kymatio.core.list_backends("tensorflow")
    assert "tensorflow" in kymatio.core.list_frontends()
    S = kymatio.core.Scattering1D(J=4, shape=128, frontend="tensorflow")
    assert isinstance(S, Scattering1D) and isinstance(S.backend, TensorFlowBackend)
    assert isinstance(kymatio.core.TimeFrequencyScattering(4, 1, 2, 128, frontend="tensorflow"),
                      TimeFrequencyScattering)
    assert set(kymatio.tensorflow.__all__) <= set(dir(kymatio.tensorflow))


_SCAN_IMPORTS_NO_TENSORFLOW = """
    import sys
    import kymatio.core
    assert "tensorflow" in kymatio.core.list_backends()
    import kymatio.tensorflow
    assert "tensorflow" not in sys.modules, "the registry scan imported tensorflow"
    print("ok")
"""


def test_plugin_scan_imports_no_tensorflow():
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_SCAN_IMPORTS_NO_TENSORFLOW)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("obj", [kymatio.tensorflow, Scattering1D, Scattering2D,
                                 HarmonicScattering3D, TimeFrequencyScattering])
def test_docstring_examples(obj):
    runner = doctest.DocTestRunner()
    tests = doctest.DocTestFinder(recurse=False).find(obj, globs={})
    assert tests and any(t.examples for t in tests)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0


# -- GPU -------------------------------------------------------------------------------------------
@requires_gpu
@pytest.mark.parametrize("kind", list(SMALL))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gpu_matches_cpu(kind, dtype):
    cls, kwargs, shape = SMALL[kind]
    S = cls(**kwargs)
    x = np.random.default_rng(15).standard_normal(shape).astype(dtype)
    with tf.device("/CPU:0"):
        expected = S(x).numpy()
    with tf.device("/GPU:0"):
        out = S(tf.constant(x))
        assert "GPU" in out.device
    scale = np.abs(expected).max()
    assert np.abs(out.numpy() - expected).max() / scale < (1e-5 if dtype == np.float32 else 1e-12)


@requires_gpu
def test_gpu_gradient_and_jit():
    cls, kwargs, shape = SMALL["2d"]
    S = cls(**kwargs)
    with tf.device("/GPU:0"):
        x = tf.random.stateless_normal(shape, seed=(1, 2))
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = tf.reduce_sum(tf.function(S, jit_compile=True)(x))
        grad = tape.gradient(value, x)
    assert np.all(np.isfinite(grad.numpy()))
