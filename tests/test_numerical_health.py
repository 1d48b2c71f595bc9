"""Numerical health of the four transforms in every framework: float32 agrees with float64 to
float32 precision, outputs are bit-identical from run to run (also when the NumPy frontend spreads a
batch over its thread pool), and gradients are finite where moduli vanish (all-zero input, input
with exact zeros, constant signals).

The precision bound. With ``u = 2**-24`` (the float32 unit roundoff), a radix-2 FFT of ``n`` points
has a normwise relative error below ``c u log2(n)`` with ``c`` a small constant; a scattering
coefficient goes through at most four FFT/inverse-FFT pairs (three in time for second order, one
more along frequency in JTFS) and pointwise products and moduli (each ``<= u``, the modulus and the
low-pass averaging do not amplify errors), and an integral power ``p`` multiplies relative errors by
``p``. Per output channel, normwise,

    ||S32 - S64|| / ||S64|| <= 8 u (log2(n) + 2) max(1, p)

with ``n`` the number of samples of the largest transform (the padded signal, image or volume):
``7e-6`` at ``n = 2**13``. The errors measured (every framework, these configurations) are 12 to 180
times below it: rounding errors add up like a random walk, not in the worst case, and the 3-D
integrals average them over every voxel.
"""
from __future__ import annotations

import contextlib
import logging
import math
import warnings

import numpy as np
import pytest

import kymatio.numpy

U32 = 2.0**-24

# One small, unremarkable configuration per transform (odd sizes, non-powers of two), plus the
# dict/list outputs of 1-D without averaging.
CONFIGS = {
    "Scattering1D": dict(J=4, shape=100, Q=(4, 2)),
    "Scattering1D-T0": dict(J=3, shape=75, Q=2, T=0, out_type="list"),
    "TimeFrequencyScattering": dict(J=4, J_fr=2, Q=4, shape=128),
    "TimeFrequencyScattering-joint": dict(J=5, J_fr=2, Q=3, shape=96, format="joint"),
    "Scattering2D": dict(J=2, shape=(20, 24), L=4),
    "HarmonicScattering3D": dict(J=2, shape=(12, 11, 10), L=2, integral_powers=(0.5, 1.0, 2.0)),
}
TRANSFORMS = ["Scattering1D", "TimeFrequencyScattering", "Scattering2D", "HarmonicScattering3D"]
# JAX compiles every operation for each new shape (seconds per transform): smaller trees for it.
CONFIGS_JAX = {
    "Scattering1D": dict(J=3, shape=50, Q=1),
    "TimeFrequencyScattering": dict(J=3, J_fr=1, Q=1, shape=40),
    "Scattering2D": dict(J=1, shape=(10, 9), L=2),
    "HarmonicScattering3D": dict(J=1, shape=(7, 6, 5), L=1, integral_powers=(0.5, 2.0)),
}


def _class_name(config: str) -> str:
    return config.split("-")[0]


def _build(frontend, config: str):
    params = (CONFIGS_JAX if frontend.__name__ == "kymatio.jax" else CONFIGS)[config]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # 'Signal support is too small' for short signals
        return getattr(frontend, _class_name(config))(**params)


def _leaves(out) -> list:
    if isinstance(out, dict):
        return list(out.values())
    if isinstance(out, list):
        return [entry["coef"] for entry in out]
    return [out]


def _channels(leaves: list) -> list[np.ndarray]:
    """The output split into channels: the entries of a dict/list, or axis 1 of an array."""
    if len(leaves) > 1:
        return [np.asarray(leaf, dtype=np.float64) for leaf in leaves]
    array = np.asarray(leaves[0], dtype=np.float64)
    return [array[:, c] for c in range(array.shape[1])]


def _fft_samples(S) -> int:
    """Samples of the largest (multi-dimensional) FFT of the transform."""
    if hasattr(S, "_N_padded_fr"):
        return S._N_padded * S._N_padded_fr
    if hasattr(S, "_M_padded"):
        return S._M_padded * S._N_padded
    if len(S.shape) == 3:
        return math.prod(S.shape)
    return S._N_padded


def _precision_bound(S) -> float:
    power = max(getattr(S, "integral_powers", (1.0,)))
    return 8 * U32 * (math.log2(_fft_samples(S)) + 2) * max(1.0, power)


def _input(S, batch=3, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal((batch,) + tuple(S.shape)).astype(dtype)


def _assert_float32_precision(out32, out64, S):
    bound = _precision_bound(S)
    leaves32, leaves64 = _leaves(out32), _leaves(out64)
    assert len(leaves32) == len(leaves64)
    worst = 0.0
    for a, b in zip(_channels(leaves32), _channels(leaves64)):
        scale = np.linalg.norm(b)
        if scale > 0:
            worst = max(worst, np.linalg.norm(a - b) / scale)
        else:
            assert np.linalg.norm(a) == 0
    assert worst <= bound, f"float32 vs float64: relative error {worst:.3g} > bound {bound:.3g}"
    return worst


# -- frameworks: build a float32 and a float64 transform, convert arrays --------------------------
@contextlib.contextmanager
def _jax_x64():
    import jax
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", previous)


def _numpy_value(y):
    if hasattr(y, "detach"):
        return y.detach().cpu().numpy()
    if hasattr(y, "numpy"):
        return y.numpy()
    return np.asarray(y)


def _to_numpy(out):
    if isinstance(out, dict):
        return {k: _numpy_value(v) for k, v in out.items()}
    if isinstance(out, list):
        return [dict(entry, coef=_numpy_value(entry["coef"])) for entry in out]
    return _numpy_value(out)


def _run(framework: str, S, x: np.ndarray):
    """``S(x)`` in ``framework`` for the NumPy array ``x`` (its dtype kept), as NumPy arrays."""
    if framework == "numpy":
        return S(x)
    if framework == "torch":
        import torch
        return _to_numpy(S(torch.from_numpy(x)))
    if framework == "tensorflow":
        import tensorflow as tf
        return _to_numpy(S(tf.constant(x)))
    import jax.numpy as jnp
    if x.dtype == np.float64:
        with _jax_x64():
            return _to_numpy(S(jnp.asarray(x)))
    return _to_numpy(S(jnp.asarray(x)))


def _transforms(frontend, framework: str, config: str):
    """A transform for float32 input and one for float64 input (torch: a ``.double()`` copy)."""
    S32 = _build(frontend, config)
    S64 = _build(frontend, config).double() if framework == "torch" else S32
    return S32, S64


FRAMEWORKS = ["numpy", "torch", "tensorflow", "jax"]
CASES = [(framework, config) for framework in FRAMEWORKS for config in sorted(CONFIGS)
         if framework != "jax" or config in CONFIGS_JAX]


@pytest.mark.parametrize("framework, config", CASES)
def test_float32_matches_float64_and_runs_repeat(framework, config, frontend_module):
    """float32 within the precision bound of float64, and two float32 runs bit-identical."""
    S32, S64 = _transforms(frontend_module(framework), framework, config)
    x64 = _input(S32, dtype=np.float64)
    x32 = x64.astype(np.float32)
    out32, out64 = _run(framework, S32, x32), _run(framework, S64, x64)
    assert all(leaf.dtype == np.float32 for leaf in _leaves(out32))
    assert all(leaf.dtype == np.float64 for leaf in _leaves(out64))
    # The same float32 values in both, so that the difference is the computation's error only.
    _assert_float32_precision(out32, out64, S32)
    for a, b in zip(_leaves(out32), _leaves(_run(framework, S32, x32))):
        np.testing.assert_array_equal(a, b)


@contextlib.contextmanager
def _numpy_threads(backend, threads: int):
    previous = backend.workers
    backend.workers = threads
    try:
        yield
    finally:
        backend.workers = previous


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_numpy_thread_pool_is_bit_identical(config, monkeypatch):
    """A batch split over the thread pool: the same bits over 4 threads, over 1, and for each
    sample alone, and from run to run."""
    import kymatio.numpy._frontend as numpy_frontend
    monkeypatch.setattr(numpy_frontend, "MIN_SPLIT_SAMPLES", 1)   # split small batches too
    S = _build(kymatio.numpy, config)
    x = _input(S, batch=8, seed=2, dtype=np.float64)
    with _numpy_threads(S.backend, 4):
        assert S._split_threads(x) == 4
        pooled = [_leaves(S(x)) for _ in range(2)]
    with _numpy_threads(S.backend, 1):
        assert S._split_threads(x) == 1
        alone = _leaves(S(x))
    single = _leaves(S(x[5:6]))
    for a, b, c, d in zip(pooled[0], pooled[1], alone, single):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(a[5:6], d)


# -- gradients where moduli vanish ---------------------------------------------------------------
def _gradient_inputs(shape, seed=3):
    rng = np.random.default_rng(seed)
    sparse = rng.standard_normal(shape) * (rng.random(shape) < 0.1)   # 90 % exact zeros
    impulse = np.zeros(shape)
    impulse[(Ellipsis,) + tuple(n // 2 for n in shape[1:])] = 1.0
    return {"zeros": np.zeros(shape), "sparse": sparse, "impulse": impulse,
            "constant": np.full(shape, 0.7)}


INPUT_KINDS = ["zeros", "sparse", "impulse", "constant"]


def _weights(out_shape, seed=4):
    return np.random.default_rng(seed).standard_normal(out_shape).astype(np.float32)


def _torch_gradients(S, inputs):
    import torch
    grads = {}
    for kind, x in inputs.items():
        t = torch.tensor(x, dtype=torch.float32, requires_grad=True)
        y = S(t)
        (y * torch.from_numpy(_weights(tuple(y.shape)))).sum().backward()
        grads[kind] = (y.detach().numpy(), t.grad.numpy())
    return grads


def _tensorflow_gradients(S, inputs):
    import tensorflow as tf
    grads = {}
    for kind, x in inputs.items():
        t = tf.constant(x, dtype=tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = S(t)
            loss = tf.reduce_sum(y * _weights(tuple(y.shape)))
        grads[kind] = (y.numpy(), tape.gradient(loss, t).numpy())
    return grads


def _jax_gradients(S, inputs):
    import jax
    import jax.numpy as jnp
    grads = {}
    for kind, x in inputs.items():
        t = jnp.asarray(x, dtype=jnp.float32)
        y = S(t)
        w = jnp.asarray(_weights(tuple(y.shape)))
        grads[kind] = (np.asarray(y), np.asarray(jax.grad(lambda v: jnp.sum(S(v) * w))(t)))
    return grads


GRADIENTS = {"torch": _torch_gradients, "tensorflow": _tensorflow_gradients,
             "jax": _jax_gradients}


@pytest.mark.parametrize("name", TRANSFORMS)
@pytest.mark.parametrize("framework", sorted(GRADIENTS))
def test_gradients_are_finite_where_moduli_vanish(framework, name, caplog, frontend_module):
    frontend = frontend_module(framework)
    S = _build(frontend, name)
    inputs = _gradient_inputs((2,) + tuple(S.shape))
    with caplog.at_level(logging.WARNING):
        results = GRADIENTS[framework](S, inputs)
    # Regression: TensorFlow logged "You are casting an input of type complex64 to an
    # incompatible dtype float32" at every backward pass (the gradient of a real-to-complex cast).
    assert not [r for r in caplog.records if "casting" in r.getMessage()]
    for kind, (out, grad) in results.items():
        assert np.isfinite(out).all(), f"{kind}: non-finite output"
        assert np.isfinite(grad).all(), f"{kind}: non-finite gradient"
        assert grad.shape == inputs[kind].shape
    # Every modulus of an all-zero input vanishes: zero coefficients, where the gradient is the
    # zero subgradient of the modulus (and of u**p, p < 1), not NaN.
    assert not np.any(results["zeros"][0]), "the transform of zeros should be zeros"
