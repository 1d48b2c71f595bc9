"""The JAX frontends: NumPy's and the reference's numbers, jit/vmap/grad, retracing, the functional
form, training through the transform.

Compilation dominates the time of these tests (XLA compiles every FFT of the scattering tree), so
they share a few small transforms, built once per module.
"""
from __future__ import annotations

import importlib.util
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

import kymatio.core  # noqa: E402
import kymatio.jax  # noqa: E402
import kymatio.numpy  # noqa: E402
from kymatio.core._errors import (  # noqa: E402
    BackendFrontendMismatchError, ScatteringTypeError, ScatteringValueError)
from kymatio.jax import (  # noqa: E402
    HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering, scattering_apply,
    scattering_fn)
from kymatio.jax._backend import JaxBackend  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# Small transforms (and input shapes) for the properties; the reference tests use their own.
SMALL = {
    "1d": (Scattering1D, dict(J=3, shape=64, Q=1), (3, 64)),
    "2d": (Scattering2D, dict(J=2, shape=(8, 8), L=2), (2, 8, 8)),
    "3d": (HarmonicScattering3D, dict(J=1, shape=(8, 8, 8), L=1), (2, 8, 8, 8)),
    "jtfs": (TimeFrequencyScattering, dict(J=3, J_fr=1, Q=1, shape=64), (2, 64)),
}


@pytest.fixture(scope="module")
def small():
    """One JAX transform per kind, with its NumPy twin and a float32 input batch."""
    rng = np.random.default_rng(0)
    out = {}
    for kind, (cls, kwargs, shape) in SMALL.items():
        numpy_cls = getattr(kymatio.numpy, cls.__name__)
        x = rng.standard_normal(shape).astype(np.float32)
        out[kind] = (cls(**kwargs), numpy_cls(**kwargs), x)
    return out


def _x64(enabled):
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", enabled)
    yield
    jax.config.update("jax_enable_x64", previous)


@pytest.fixture
def x64():
    yield from _x64(True)


@pytest.fixture
def x32():
    yield from _x64(False)


def relative_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


def leaves_are_concrete(tree):
    leaves = jax.tree_util.tree_leaves(tree)
    return all(isinstance(a, jax.Array) and not isinstance(a, jax.core.Tracer)
               for a in leaves if hasattr(a, "dtype"))


# -- packaging and registry ---------------------------------------------------------------------
def test_registry_scan_imports_no_jax():
    code = ("import sys, kymatio.core, kymatio.jax\n"
            "assert 'jax' in kymatio.core.list_backends('jax')\n"
            "assert 'jax' in kymatio.core.list_frontends()\n"
            "assert 'jax' not in sys.modules, 'the registry scan imported jax'\n"
            "kymatio.jax.Scattering1D\n"
            "assert 'jax' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_member_layout():
    member = ROOT / "kymatio-jax" / "src" / "kymatio"
    assert not (member / "__init__.py").exists()
    assert (member / "jax" / "py.typed").exists()
    assert sorted(kymatio.jax.__all__) == sorted(
        ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering",
         "scattering_fn", "scattering_apply"])


def test_dispatch_by_name_and_backend_checks():
    S = kymatio.core.Scattering1D(J=2, shape=64, frontend="jax")
    assert isinstance(S, kymatio.jax.Scattering1D) and S.backend.name == "jax"
    assert isinstance(Scattering2D(J=1, shape=(8, 8), backend=JaxBackend()).backend, JaxBackend)
    with pytest.raises(BackendFrontendMismatchError, match="numpy"):
        Scattering1D(J=2, shape=64, backend="numpy")
    with pytest.raises(BackendFrontendMismatchError, match="jax"):
        kymatio.numpy.Scattering1D(J=2, shape=64, backend="jax")


# -- numbers: the NumPy frontend and the reference files ------------------------------------------
@pytest.mark.parametrize("kind", sorted(SMALL))
def test_float32_matches_numpy_frontend(small, kind):
    S, S_np, x = small[kind]
    out = S(x)
    assert isinstance(out, jax.Array) and out.dtype == jnp.float32
    expected = S_np(x)
    assert out.shape == expected.shape
    assert relative_error(out, expected) < 1e-5


def test_reference_data_3d_float32(data_dir):
    d = np.load(data_dir / "harmonic3d_J2_L2_16cube.npz")
    powers = list(d["integral_powers"])
    out = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2, integral_powers=powers)(d["x"])
    assert out.shape == (2, 6, 3, 2) and out.dtype == jnp.float32
    # The reference file's rows: the two order-0 integrals, then the (6, 3, 2) coefficients.
    assert relative_error(out, d["Sx"][:, 2:].reshape(out.shape)) < 1e-5


def _reference_case(data_dir, name):
    data = np.load(data_dir / "reference_cases.npz")
    case = next(c for c in json.loads(str(data["index_json"])) if c["name"] == name)
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in case["params"].items()}
    return params, data[name + "_x"], data[name + "_Sx"]


@pytest.mark.parametrize("cls,name,tolerance", [
    (Scattering1D, "s1_stride1", 1e-10), (Scattering2D, "s2_odd", 1e-6)])
def test_reference_cases_float64(x64, data_dir, cls, name, tolerance):
    params, x, expected = _reference_case(data_dir, name)
    out = cls(**params)(x)
    assert out.dtype == jnp.float64 and out.shape == expected.shape
    assert relative_error(out, expected) < tolerance


def test_reference_data_1d_float32(data_dir):
    d = np.load(data_dir / "scattering1d_J6_Q16_N512.npz")
    out = Scattering1D(int(d["J"]), 512, Q=int(d["Q"]))(d["x"])
    assert out.dtype == jnp.float32 and out.shape == d["Sx"].shape
    assert relative_error(out, d["Sx"]) < 1e-6


@pytest.mark.parametrize("name", ["jtfs_time", "jtfs_joint", "jtfs_F4", "jtfs_stridefr2"])
def test_reference_cases_jtfs_float64(x64, data_dir, name):
    params, x, expected = _reference_case(data_dir, name)
    out = TimeFrequencyScattering(**params)(x)
    assert out.dtype == jnp.float64 and out.shape == expected.shape
    assert relative_error(out, expected) < 1e-10


def test_jtfs_float64_joint_format_matches_numpy_frontend(x64):
    kwargs = dict(SMALL["jtfs"][1], format="joint")
    x = np.random.default_rng(3).standard_normal((2, 64))
    out = TimeFrequencyScattering(**kwargs)(x)
    assert out.dtype == jnp.float64
    assert relative_error(out, kymatio.numpy.TimeFrequencyScattering(**kwargs)(x)) < 1e-10


def test_without_x64_float64_input_is_computed_in_float32(x32, small):
    S, S_np, x = small["1d"]
    out = S(x.astype(np.float64))
    assert out.dtype == jnp.float32
    assert relative_error(out, S_np(x)) < 1e-5


def test_dict_and_list_outputs_keep_keys_order_and_integers(small):
    S, S_np, x = small["1d"]
    S.out_type = S_np.out_type = "list"
    try:
        out, expected = S(x), S_np(x)
    finally:
        S.out_type = S_np.out_type = "array"
    assert [{k: v for k, v in e.items() if k != "coef"} for e in out] == \
        [{k: v for k, v in e.items() if k != "coef"} for e in expected]
    assert all(type(e["order"]) is int and isinstance(e["coef"], jax.Array) for e in out)
    for a, b in zip(out, expected, strict=True):
        np.testing.assert_allclose(a["coef"], b["coef"], rtol=1e-5, atol=1e-6)
    # JTFS keys are not in sorted order: the compiled call keeps the order of meta().
    S, S_np, x = small["jtfs"]
    S.out_type = S_np.out_type = "dict"
    try:
        out, expected = S(x), S_np(x)
    finally:
        S.out_type = S_np.out_type = "array"
    assert list(out) == list(expected) != sorted(expected)
    for key in expected:
        np.testing.assert_allclose(out[key], expected[key], rtol=1e-5, atol=1e-6)


# -- jit, vmap, grad ---------------------------------------------------------------------------
def test_jit_vmap_and_compositions_agree_with_the_call(small):
    S, _, x = small["1d"]
    x = jnp.asarray(x)
    expected = np.asarray(S(x))
    for f in (jax.jit(S), jax.vmap(S), jax.jit(jax.vmap(S)), jax.jit(scattering_fn(S))):
        np.testing.assert_allclose(f(x), expected, rtol=1e-5, atol=1e-7)
    # vmap over a middle axis: the frontend sees (2, N) and keeps its own batch axis.
    stacked = jnp.stack([x[:2], x[1:]], axis=1)                                   # (2, 2, N)
    out = jax.vmap(S, in_axes=1)(stacked)                                          # (2, 2, C, T)
    np.testing.assert_allclose(out[1], expected[1:], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("kind", ["2d", "3d", "jtfs"])
def test_vmap_and_jit_other_transforms(small, kind):
    S, _, x = small[kind]
    expected = np.asarray(S(x))
    np.testing.assert_allclose(jax.vmap(jax.jit(S))(x), expected, rtol=1e-5,
                               atol=1e-6 * np.abs(expected).max())


@pytest.mark.parametrize("kind", sorted(SMALL))
def test_grad_matches_finite_differences(x64, small, kind):
    S, S_np, x = small[kind]
    # Away from zero mean: at a modulus near 0, the 3-D integral of its square root curves too
    # strongly for finite differences (the gradient is right, the difference quotient is not).
    x = x[0].astype(np.float64) + 0.5
    weights = np.random.default_rng(1).standard_normal(S_np(x).shape)

    def loss(x):
        return jnp.sum(S(x) * weights)

    grad = jax.grad(loss)(x)
    direction = np.random.default_rng(2).standard_normal(x.shape)
    eps = 1e-6
    numeric = (np.sum(S_np(x + eps * direction) * weights)
               - np.sum(S_np(x - eps * direction) * weights)) / (2 * eps)
    assert abs(float(jnp.vdot(grad, direction)) - numeric) < 1e-6 * abs(numeric)
    # Forward mode and composed transformations agree with it.
    np.testing.assert_allclose(jax.jit(jax.grad(loss))(x), grad, rtol=1e-9, atol=1e-12)
    _, tangent = jax.jvp(loss, (x,), (direction,))
    assert abs(float(tangent) - numeric) < 1e-6 * abs(numeric)
    batch = np.stack([x, 2 * x])
    per_example = jax.jit(jax.vmap(jax.grad(loss)))(batch)
    np.testing.assert_allclose(per_example[0], grad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kind", sorted(SMALL))
def test_gradient_is_finite_where_moduli_vanish(small, kind):
    S, _, x = small[kind]
    grad_fn = jax.jit(jax.grad(lambda x: jnp.sum(S(x))))
    zeros = jnp.zeros(x.shape[1:], dtype=jnp.float32)
    grad = grad_fn(zeros)
    assert grad.shape == zeros.shape and bool(jnp.all(jnp.isfinite(grad)))
    grad = grad_fn(jnp.asarray(x[0]))
    assert bool(jnp.all(jnp.isfinite(grad))) and float(jnp.abs(grad).max()) > 0


def test_modulus_has_zero_gradient_at_zero():
    backend = JaxBackend()

    @jax.jit
    def gradients(re, im, u):
        modulus = jax.grad(lambda re: jnp.sum(backend.modulus(jax.lax.complex(re, im))))(re)
        rotation = jax.grad(lambda re: jnp.sum(backend.modulus_rotation(
            jax.lax.complex(re, im)[:, None], axis=1)))(re)
        powers = jax.grad(lambda u: jnp.sum(backend.integrals(u, [0.5, 0.0], 1)))(u)
        return modulus, rotation, powers, backend.integrals(u, [0.5, 0.0], 1)

    modulus, rotation, powers, values = gradients(
        jnp.array([0.0, 3.0]), jnp.array([0.0, 4.0]), jnp.array([[0.0, 2.0]]))
    np.testing.assert_allclose(modulus, [0.0, 0.6], atol=1e-7)
    np.testing.assert_allclose(rotation, [0.0, 0.6], atol=1e-7)
    np.testing.assert_allclose(powers, [[0.0, 0.5 / np.sqrt(2)]], rtol=1e-6)
    np.testing.assert_allclose(values, [[np.sqrt(2), 2.0]], rtol=1e-6)


# -- tracing and filters ---------------------------------------------------------------------------
def test_jitted_call_retraces_only_on_new_shape_or_dtype(small):
    S = small["1d"][0]
    traces = []

    @jax.jit
    def features(x):
        traces.append(x.shape)  # runs only while tracing
        return S(x)

    for shape in [(3, 64), (3, 64), (5, 64), (3, 64), (5, 64), (64,)]:
        features(jnp.ones(shape, dtype=jnp.float32))
    features(np.ones((3, 64), dtype=np.float32))  # a NumPy argument of a seen shape and dtype
    assert traces == [(3, 64), (5, 64), (64,)]
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        features(jnp.ones((3, 64), dtype=jnp.float64))
        features(jnp.ones((3, 64), dtype=jnp.float64))
    finally:
        jax.config.update("jax_enable_x64", previous)
    assert traces == [(3, 64), (5, 64), (64,), (3, 64)]


class CountingBackend(JaxBackend):
    """Counts the FFTs it is asked to build; each trace of a transform asks for the same number."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def rfft(self, x, ndim=1):
        self.calls += 1
        return super().rfft(x, ndim)


def test_the_call_compiles_once_per_shape_and_parameters():
    backend = CountingBackend()
    S = Scattering1D(**SMALL["1d"][1], backend=backend)
    x = jnp.ones((2, 64))
    S(x)
    per_trace = backend.calls
    assert per_trace > 0
    S(x)
    S(np.ones((2, 64), dtype=np.float32))
    assert backend.calls == per_trace  # compiled: no Python runs on a second call
    S(jnp.ones((4, 64)))
    assert backend.calls == 2 * per_trace
    S.out_type = "array"  # the same value: no retrace
    S(x)
    assert backend.calls == 2 * per_trace
    S.max_order = 1  # a new parameter: a new program
    assert S(x).shape == (2, 1 + len(S.psi1_f), 8)
    assert backend.calls > 2 * per_trace


def test_filters_are_device_arrays_created_once(small):
    _, _, x = small["1d"]
    S = Scattering1D(**SMALL["1d"][1])
    # First used inside traces (grad under jit, vmap): the cache still holds no tracer.
    jax.jit(jax.grad(lambda x: S(x).sum()))(jnp.asarray(x[0]))
    jax.vmap(S)(jnp.asarray(x))
    assert set(S._filters_cache) == {"float32"}
    filters = S._filters_cache["float32"]
    arrays = [a for a in jax.tree_util.tree_leaves(filters) if isinstance(a, jax.Array)]
    assert arrays and leaves_are_concrete(filters)
    assert {a.dtype for a in arrays} <= {jnp.dtype("float32"), jnp.dtype("complex64")}
    S(x)
    S.out_type = "list"  # a new compiled call, the same filters
    S(x)
    assert S._filters_cache["float32"] is filters
    assert {id(a) for a in arrays} == {id(a) for a in S._filter_arrays("float32")[1]}
    copied = pickle.loads(pickle.dumps(S))  # parameters and filters; no compiled call
    assert "_compiled_call" in vars(S) and "_compiled_call" not in vars(copied)
    assert leaves_are_concrete(copied._filters_cache) and copied.out_type == "list"


# -- functional form ----------------------------------------------------------------------------
def test_scattering_fn_freezes_parameters(small):
    S, _, x = small["2d"]
    f = scattering_fn(S)
    expected = np.asarray(S(x))
    S.max_order = 1
    try:
        assert S(x).shape[-3] == 1 + S.L * S.J
        np.testing.assert_allclose(jax.jit(f)(x), expected, rtol=1e-6)
    finally:
        S.max_order = 2
    with pytest.raises(ScatteringTypeError, match="kymatio.jax"):
        scattering_fn(kymatio.numpy.Scattering1D(J=2, shape=64))


def test_scattering_apply_takes_filters_as_argument(small):
    S, _, x = small["3d"]
    filters, apply = scattering_apply(S, dtype="float32")
    assert isinstance(filters, tuple) and leaves_are_concrete(filters)
    expected = np.asarray(S(x))
    apply = jax.jit(apply)
    np.testing.assert_allclose(apply(filters, x), expected, rtol=1e-6,
                               atol=1e-6 * np.abs(expected).max())
    # The filters really are inputs: doubling every leaf doubles both factors of each wavelet
    # (Gaussian and harmonic), so the first-order integrals of power 1 grow four times -- twice
    # for degree 0, whose harmonic factor is the constant 1 and is not multiplied (scattering3d).
    doubled = jax.tree_util.tree_map(lambda a: 2 * a, filters)
    growth = np.array([2.0] + [4.0] * (expected.shape[-2] - 1))[:, None]
    np.testing.assert_allclose(apply(doubled, x)[..., 1, :, 1:2], growth * expected[..., 1, :, 1:2],
                               rtol=1e-5)
    with pytest.raises(ScatteringTypeError, match=f"sequence of {len(filters)} arrays"):
        apply(filters[:-1], x)
    with pytest.raises(ScatteringValueError, match="jax_enable_x64"):
        scattering_apply(S, dtype="float64")
    # also once float64 filters were made (while the mode was on): they are not handed out
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        S._filters("float64")
    finally:
        jax.config.update("jax_enable_x64", previous)
    assert "float64" in S._filters_cache and not jax.config.jax_enable_x64
    with pytest.raises(ScatteringValueError, match="jax_enable_x64"):
        scattering_apply(S, dtype="float64")
    with pytest.raises(ScatteringValueError, match="float32"):
        scattering_apply(S, dtype="float16")


def test_training_steps_with_sgd_decrease_the_loss(small):
    """A learnable FIR filter before the transform and a linear layer after: the gradient of the
    filter flows back through the scattering."""
    S, _, _ = small["1d"]
    N, C = S.shape[0], S.output_size()
    key_x, key_y = jax.random.split(jax.random.key(0))
    labels = jax.random.bernoulli(key_y, 0.5, (16,))
    t = jnp.arange(N)
    x = jnp.sin(2 * jnp.pi * jnp.where(labels, 0.12, 0.05)[:, None] * t)
    x = x + 0.5 * jax.random.normal(key_x, (16, N))
    f = scattering_fn(S)

    def loss(params):
        kernel = jnp.zeros(N).at[:5].set(params["fir"])
        filtered = jnp.fft.irfft(jnp.fft.rfft(x) * jnp.fft.rfft(kernel), n=N)
        logit = jnp.log1p(f(filtered)[:, 1:]).mean(axis=-1) @ params["w"]
        return jnp.mean(jnp.logaddexp(0.0, logit) - labels * logit)

    params = {"fir": jnp.zeros(5).at[0].set(1.0), "w": jnp.zeros(C - 1)}
    step = jax.jit(jax.value_and_grad(loss))
    losses, fir_gradients = [], []
    for _ in range(5):
        value, grads = step(params)
        params = jax.tree_util.tree_map(lambda p, g: p - 0.5 * g, params, grads)
        losses.append(float(value))
        fir_gradients.append(float(jnp.abs(grads["fir"]).max()))
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    # Zero at the first step (w = 0 hides the features), then through the scattering.
    assert fir_gradients[0] == 0 and min(fir_gradients[1:]) > 0


def test_docs_optax_example_runs():
    # optax is required with jax (tests/conftest.py): this test never skips for want of it.
    text = (ROOT / "docs" / "jax.md").read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    namespace: dict = {}
    exec(compile(code, "docs/jax.md", "exec"), namespace)
    losses = namespace["losses"]
    assert losses[0] == pytest.approx(np.log(2), rel=1e-4)
    assert losses[-1] < 0.1
    assert float(jnp.abs(namespace["params"]["fir"][1:]).max()) > 1e-3


# -- input checks --------------------------------------------------------------------------------
def test_input_errors(small):
    S, _, x = small["1d"]
    for bad, match in [([0.0] * 64, "got list"), (None, "got NoneType"),
                       (jnp.ones(64, dtype=jnp.int32), "int32"),
                       (np.ones(64, dtype=np.complex64), "complex"),
                       (jnp.ones(64, dtype=jnp.bfloat16), "bfloat16")]:
        with pytest.raises(ScatteringTypeError, match=match):
            S(bad)
    with pytest.raises(ScatteringValueError, match=r"\(64,\)"):
        S(jnp.ones((2, 128)))
    with pytest.raises(ScatteringValueError, match=r"\(64,\)"):
        jax.jit(S)(jnp.ones((2, 128)))
    assert S(jnp.ones((0, 64))).shape == (0,) + S(x).shape[1:]


def test_nan_propagates(small):
    S, S_np, x = small["1d"]
    x = np.array(x)
    x[1, 10] = np.nan
    out = np.asarray(S(x))
    assert np.array_equal(np.isnan(out), np.isnan(S_np(x))) and np.isnan(out[1]).any()
    np.testing.assert_allclose(out[[0, 2]], S_np(x)[[0, 2]], rtol=1e-5, atol=1e-6)


# -- devices --------------------------------------------------------------------------------------
def _gpus():
    try:
        return jax.devices("gpu")
    except RuntimeError:
        return []


@pytest.mark.skipif(not _gpus(), reason="JAX sees no GPU")
def test_runs_on_gpu(small):
    _, S_np, x = small["2d"]
    gpu = _gpus()[0]
    with jax.default_device(gpu):
        fresh = Scattering2D(**SMALL["2d"][1])
        out = fresh(jax.device_put(x, gpu))
    assert out.devices() == {gpu}
    assert all(a.devices() == {gpu} for a in jax.tree_util.tree_leaves(fresh._filters_cache)
               if isinstance(a, jax.Array))
    assert relative_error(out, S_np(x)) < 1e-5


def test_plugin_module_is_light():
    spec = importlib.util.find_spec("kymatio.jax._plugin")
    source = Path(spec.origin).read_text()
    assert re.findall(r"^(?:from|import) (\S+)", source, flags=re.M) == [
        "__future__", "kymatio.core.plugins"]
