"""Checks of the kymatio Keras layers under ONE Keras backend (``KERAS_BACKEND``, fixed at import).

``tests/test_keras.py`` runs this script once per Keras backend, in a subprocess, and asserts each
check it reports. Run by hand: ``KERAS_BACKEND=jax python tests/keras_backend_checks.py OUT.json``.
Every check is a function ``check_*``; the script runs them all (a failing one does not stop the
others) and writes ``{name: {"ok": bool, "error": str, "numbers": {...}}}`` as JSON.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

import keras  # noqa: E402  (KERAS_BACKEND is read here)

import kymatio.numpy  # noqa: E402
from kymatio.keras import (  # noqa: E402
    HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering)

DATA = Path(__file__).parent / "data"
BACKEND = keras.config.backend()
NUMBERS: dict = {}


def _np(y):
    return keras.ops.convert_to_numpy(y)


def _tensor(x):
    return keras.ops.convert_to_tensor(x)


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - b)) / np.max(np.abs(b)))


def _model(layer, input_shape, dtype="float32"):
    return keras.Sequential([keras.Input(shape=input_shape, dtype=dtype), layer])


# -- numbers ------------------------------------------------------------------------------------
def check_reference_1d():
    d = np.load(DATA / "scattering1d_J6_Q16_N512.npz")
    model = _model(Scattering1D(J=int(d["J"]), Q=int(d["Q"])), (512,))
    Sx = model.predict(d["x"], verbose=0)
    assert Sx.shape == d["Sx"].shape and Sx.dtype == np.float32, (Sx.shape, Sx.dtype)
    NUMBERS["reference_1d_rel"] = _rel(Sx, d["Sx"])
    assert np.allclose(Sx, d["Sx"], atol=1e-6, rtol=1e-5), NUMBERS["reference_1d_rel"]


def check_reference_2d():
    d = np.load(DATA / "scattering2d_J4_32x32.npz")
    model = _model(Scattering2D(J=int(d["J"])), (3, 32, 32))
    Sx = model.predict(d["x"], verbose=0)
    assert Sx.shape == d["Sx"].shape, Sx.shape
    NUMBERS["reference_2d_rel"] = _rel(Sx, d["Sx"])
    assert np.allclose(Sx, d["Sx"], atol=1e-6, rtol=1e-5), NUMBERS["reference_2d_rel"]
    # max_order=1 keeps the first 1 + J*L channels
    Sx1 = _np(Scattering2D(J=4, max_order=1)(_tensor(d["x"])))
    assert np.allclose(Sx1, d["Sx"][..., :33, :, :], atol=1e-6, rtol=1e-5)


# Small cases: (layer class, layer args, NumPy class, NumPy args, input shape with a batch axis).
CASES = {
    "1d": (Scattering1D, dict(J=3, Q=(2, 1), T=16, stride=4), kymatio.numpy.Scattering1D,
           dict(J=3, shape=128, Q=(2, 1), T=16, stride=4), (2, 3, 128)),
    "2d": (Scattering2D, dict(J=2, L=2, max_order=1), kymatio.numpy.Scattering2D,
           dict(J=2, shape=(12, 16), L=2, max_order=1), (2, 12, 16)),
    "3d": (HarmonicScattering3D, dict(J=1, L=1, integral_powers=(1.0, 2.0)),
           kymatio.numpy.HarmonicScattering3D,
           dict(J=1, shape=(8, 8, 8), L=1, integral_powers=(1.0, 2.0)), (2, 8, 8, 8)),
    "jtfs_time": (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=2), kymatio.numpy.TimeFrequencyScattering,
                  dict(J=4, J_fr=1, Q=2, shape=64), (2, 64)),
    "jtfs_joint": (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=2, format="joint"),
                   kymatio.numpy.TimeFrequencyScattering,
                   dict(J=4, J_fr=1, Q=2, shape=64, format="joint"), (2, 64)),
}


def check_same_as_numpy_float32():
    rng = np.random.default_rng(0)
    for name, (cls, args, np_cls, np_args, shape) in CASES.items():
        x = rng.standard_normal(shape).astype(np.float32)
        layer = cls(**args)
        y = layer(_tensor(x))
        assert keras.backend.standardize_dtype(y.dtype) == "float32", (name, y.dtype)
        ref = np_cls(**np_args)(x)
        y = _np(y)
        assert y.shape == ref.shape, (name, y.shape, ref.shape)
        NUMBERS[f"vs_numpy_{name}_f32_rel"] = _rel(y, ref)
        assert _rel(y, ref) < 2e-5, (name, _rel(y, ref))


def check_same_as_numpy_float64():
    if BACKEND == "jax" and not keras.backend.floatx() == "float64":
        import jax
        if not jax.config.jax_enable_x64:
            NUMBERS["vs_numpy_f64"] = "skipped: jax without jax_enable_x64 computes in float32"
            return
    rng = np.random.default_rng(1)
    for name in ("1d", "jtfs_time"):
        cls, args, np_cls, np_args, shape = CASES[name]
        x = rng.standard_normal(shape)
        layer = cls(**args, dtype="float64")
        y = layer(_tensor(x))
        assert keras.backend.standardize_dtype(y.dtype) == "float64", (name, y.dtype)
        ref = np_cls(**np_args)(x)
        NUMBERS[f"vs_numpy_{name}_f64_rel"] = _rel(_np(y), ref)
        assert _rel(_np(y), ref) < 1e-10, (name, _rel(_np(y), ref))


def check_mixed_precision():
    layer = Scattering1D(J=3, dtype="mixed_float16")
    x = np.random.default_rng(2).standard_normal((2, 64)).astype(np.float32)
    y = layer(_tensor(x))
    assert keras.backend.standardize_dtype(y.dtype) == "float16", y.dtype
    ref = kymatio.numpy.Scattering1D(J=3, shape=64)(x)
    assert _rel(_np(y), ref) < 2e-3, _rel(_np(y), ref)


# -- shapes -------------------------------------------------------------------------------------
SHAPE_CASES = [
    (Scattering1D, dict(J=3), (2, 64)),
    (Scattering1D, dict(J=3, max_order=1), (2, 64)),
    (Scattering1D, dict(J=3, Q=2, T=16), (2, 64)),
    (Scattering1D, dict(J=3, T=16, stride=2), (2, 64)),
    (Scattering1D, dict(J=3, T="global"), (2, 64)),
    (Scattering1D, dict(J=3, oversampling=1), (2, 64)),
    (Scattering1D, dict(J=3, Q=(2, 2)), (2, 3, 5, 64)),
    (Scattering1D, dict(J=4, T=8), (1, 100)),
    (Scattering2D, dict(J=2, L=2), (2, 8, 8)),
    (Scattering2D, dict(J=2, L=2, max_order=1), (2, 3, 8, 12)),
    (Scattering2D, dict(J=1, L=3, pre_pad=True), (2, 12, 14)),
    (HarmonicScattering3D, dict(J=1, L=1), (2, 8, 8, 8)),
    (HarmonicScattering3D, dict(J=2, L=0, max_order=1, integral_powers=(2.0,)), (1, 2, 8, 8, 8)),
    (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=2), (2, 64)),
    (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=2, T=8, stride=2), (2, 3, 64)),
    (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=2, format="joint"), (2, 64)),
    (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=2, format="joint", F=1, stride_fr=1), (2, 64)),
    (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=2, T="global", format="joint"), (2, 64)),
]


def check_compute_output_shape():
    import warnings
    rng = np.random.default_rng(3)
    for cls, args, shape in SHAPE_CASES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            layer = cls(**args)
            predicted = layer.compute_output_shape(shape)
            x = _tensor(rng.standard_normal(shape).astype(np.float32))
            if BACKEND == "jax":
                # jax.eval_shape traces the layer as jit would, without compiling it (XLA
                # compilation is most of the time here; the values are checked elsewhere).
                import jax
                actual = tuple(jax.eval_shape(layer, x).shape)
            else:
                actual = tuple(layer(x).shape)
            # the symbolic path (keras.Input with an unknown batch) gives the same axes
            symbolic = cls(**args)(keras.Input(batch_shape=(None,) + shape[1:])).shape
        assert predicted == actual, (cls.__name__, args, shape, predicted, actual)
        assert tuple(symbolic) == (None,) + actual[1:], (cls.__name__, args, symbolic, actual)


def check_errors():
    from kymatio.core._errors import ScatteringTypeError, ScatteringValueError
    for make, exc, words in [
        (lambda: Scattering1D(J=3, max_order=3), ScatteringValueError, "max_order"),
        (lambda: Scattering1D(J=-1), ScatteringValueError, "J"),
        (lambda: Scattering1D(J=3, Q=0), ScatteringValueError, "Q"),
        (lambda: Scattering2D(J=2, pre_pad="yes"), ScatteringTypeError, "pre_pad"),
        (lambda: TimeFrequencyScattering(J=3, J_fr=1, Q=1, format="x"), ScatteringValueError,
         "format"),
        (lambda: Scattering1D(J=3, T=0), ScatteringValueError, "T=0"),
        (lambda: TimeFrequencyScattering(J=3, J_fr=1, Q=1, F=0, format="joint"),
         ScatteringValueError, "F=0"),
        (lambda: Scattering1D(J=3)(keras.Input(shape=(None,))), ScatteringValueError, "keras.Input"),
        (lambda: Scattering1D(J=8)(keras.Input(shape=(64,))), ScatteringValueError, "J=8"),
        (lambda: Scattering2D(J=2, pre_pad=True)(keras.Input(shape=(10, 12))), ScatteringValueError,
         "pre_pad"),
    ]:
        try:
            make()
        except exc as error:
            assert words in str(error), (words, str(error))
        else:
            raise AssertionError(f"no {exc.__name__} mentioning {words!r}")
    for bad in (np.arange(128, dtype=np.int32).reshape(2, 64), np.zeros((2, 64), np.complex64)):
        try:
            Scattering1D(J=3)(_tensor(bad))
        except ScatteringTypeError as error:
            assert str(bad.dtype) in str(error), str(error)
        else:
            raise AssertionError(f"{bad.dtype} input accepted")
    # F=0 is fine with format='time'; the registry's frontend "keras" gives the layers
    TimeFrequencyScattering(J=3, J_fr=1, Q=1, F=0)
    import kymatio.core
    layer = kymatio.core.Scattering1D(J=3, Q=2, frontend="keras")
    assert type(layer) is Scattering1D and layer.get_config()["Q"] == 2


def check_missing_plugin_names_pip_install():
    from importlib.metadata import EntryPoint

    from kymatio.core import _registry
    from kymatio.core._errors import BackendUnavailableError
    saved = _registry.default_registry
    _registry.default_registry = _registry.Registry(
        [EntryPoint("numpy", "kymatio.numpy._plugin", "kymatio.plugins")])
    try:
        Scattering1D(J=3)(keras.Input(shape=(64,)))
    except BackendUnavailableError as error:
        assert isinstance(error, ImportError)
        assert f"pip install kymatio-{BACKEND}" in str(error), str(error)
    else:
        raise AssertionError("no BackendUnavailableError without the plugin")
    finally:
        _registry.default_registry = saved


# -- configuration and saving -------------------------------------------------------------------
CONFIG_CASES = [
    (Scattering1D, dict(J=3, Q=(2, 2), T=16, stride=4, max_order=1, oversampling=0), (64,)),
    (Scattering2D, dict(J=1, L=3, max_order=1, pre_pad=True), (12, 12)),
    (HarmonicScattering3D, dict(J=1, L=1, sigma_0=2, max_order=1, rotation_covariant=False,
                                method="integral", points=None, integral_powers=(1.0, 3.0)),
     (8, 8, 8)),
    (TimeFrequencyScattering, dict(J=4, J_fr=1, Q=(2, 1), T=8, stride=2, Q_fr=(1,), F=1,
                                   stride_fr=1, format="joint"), (64,)),
]


def check_config_round_trip():
    rng = np.random.default_rng(4)
    for cls, args, shape in CONFIG_CASES:
        layer = cls(**args, name=f"my_{cls.__name__.lower()}")
        config = layer.get_config()
        for key, value in args.items():   # every argument, JSON-ready (tuples as lists)
            expected = list(value) if isinstance(value, tuple) else value
            assert config[key] == expected, (cls.__name__, key, config[key], value)
        assert set(cls._param_names) == set(args), cls.__name__
        config = json.loads(json.dumps(config))
        again = cls.from_config(config)
        assert again.get_config() == config and again.name == layer.name
        serialized = json.loads(json.dumps(keras.saving.serialize_keras_object(layer)))
        third = keras.saving.deserialize_keras_object(serialized)
        assert type(third) is cls and third.get_config() == config
        x = _tensor(rng.standard_normal((1,) + shape).astype(np.float32))
        assert np.array_equal(_np(layer(x)), _np(third(x))), cls.__name__


def check_config_dtype_policy():
    for policy in ("float64", "mixed_float16"):
        layer = Scattering1D(J=3, Q=2, dtype=policy)
        config = json.loads(json.dumps(layer.get_config()))
        again = Scattering1D.from_config(config)
        assert again.dtype_policy.name == policy, (policy, again.dtype_policy.name)
        assert again.get_config() == config


def check_save_load_keras_file():
    rng = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (cls, args, shape) in enumerate(CONFIG_CASES[:2] + [CONFIG_CASES[3]]):
            inputs = keras.Input(shape=shape)
            y = cls(**args)(inputs)
            outputs = keras.layers.Dense(3)(keras.layers.Flatten()(y))
            model = keras.Model(inputs, outputs)
            x = rng.standard_normal((2,) + shape).astype(np.float32)
            before = model.predict(x, verbose=0)
            path = os.path.join(tmp, f"model{i}.keras")
            model.save(path)
            loaded = keras.saving.load_model(path)
            after = loaded.predict(x, verbose=0)
            assert type(loaded.layers[1]) is cls
            assert loaded.layers[1].get_config() == model.layers[1].get_config()
            assert np.array_equal(before, after), (cls.__name__, _rel(after, before))


# -- training -----------------------------------------------------------------------------------
def check_fit_one_epoch():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(6)
    n = 64
    t = np.arange(n)
    labels = np.arange(16) % 2
    x = np.stack([np.sin(2 * np.pi * (0.05 + 0.2 * c) * t) for c in labels]).astype(np.float32)
    x += 0.1 * rng.standard_normal(x.shape).astype(np.float32)
    model = keras.Sequential([keras.Input(shape=(n,)), Scattering1D(J=3, Q=2),
                              keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    dense = model.layers[-1]
    before = [np.array(w) for w in dense.get_weights()]
    history = model.fit(x, labels, epochs=1, batch_size=8, verbose=0)
    loss = history.history["loss"]
    assert len(loss) == 1 and np.isfinite(loss[0]), loss
    after = dense.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(before, after)), "Dense did not train"
    assert not model.layers[0].trainable_weights   # the scattering has no weights
    NUMBERS["fit_loss"] = float(loss[0])


# -- framework specifics --------------------------------------------------------------------------
def check_backend_specifics():
    x = np.random.default_rng(7).standard_normal((2, 64)).astype(np.float32)
    layer = Scattering1D(J=3)
    ref = kymatio.numpy.Scattering1D(J=3, shape=64)(x)
    if BACKEND == "jax":
        import jax
        y = jax.jit(lambda v: layer(v))(jax.numpy.asarray(x))   # traced: the input is a tracer
        assert _rel(np.asarray(y), ref) < 2e-5
    elif BACKEND == "torch":
        import torch
        inner = layer._inner_for((2, 64))
        y = layer(torch.as_tensor(x))
        assert inner._filter_buffer().device == torch.device("cpu")
        assert _rel(_np(y), ref) < 2e-5
        if torch.cuda.is_available():   # the buffers follow the input's device
            y = layer(torch.as_tensor(x, device="cuda"))
            assert y.device.type == "cuda" and inner._filter_buffer().device.type == "cuda"
            assert _rel(_np(y), ref) < 2e-5
            NUMBERS["torch_cuda"] = "checked"
    elif BACKEND == "tensorflow":
        import tensorflow as tf
        f = tf.function(lambda v: layer(v), input_signature=[tf.TensorSpec([None, 64], tf.float32)])
        assert _rel(f(tf.constant(x)).numpy(), ref) < 2e-5


def check_inputs_and_state():
    """tests/test_inputs.py and tests/test_state.py for the layers: an empty batch gives an empty
    output, NaN stays in its own signal, bool input is a TypeError naming it; deep copies and
    pickles of a layer compute the same, and calling changes no configuration."""
    import copy
    import pickle

    from kymatio.core._errors import ScatteringTypeError
    rng = np.random.default_rng(9)
    for cls, args, signal in [   # small: under JAX each new transform (each copy) compiles
            (Scattering1D, dict(J=2), (32,)), (Scattering2D, dict(J=1, L=2), (8, 8)),
            (HarmonicScattering3D, dict(J=1, L=1), (4, 4, 4)),
            (TimeFrequencyScattering, dict(J=2, J_fr=1, Q=1), (32,))]:
        name = cls.__name__
        layer = cls(**args)
        x = rng.standard_normal((2,) + signal).astype(np.float32)
        config = layer.get_config()
        y = _np(layer(_tensor(x)))
        empty = layer(_tensor(np.zeros((0,) + x.shape[1:], np.float32)))
        assert tuple(empty.shape) == (0,) + y.shape[1:], (name, empty.shape)
        bad = x.copy()
        bad[1].flat[3] = np.nan
        out = _np(layer(_tensor(bad)))
        assert np.isnan(out[1]).any() and np.allclose(out[0], y[0], rtol=1e-6, atol=1e-7), name
        try:
            layer(_tensor(x != 0))
        except ScatteringTypeError as error:
            assert "bool" in str(error), str(error)
        else:
            raise AssertionError(f"{name}: bool input accepted")
        for how, other in (("deepcopy", copy.deepcopy(layer)),
                           ("pickle", pickle.loads(pickle.dumps(layer)))):
            assert type(other) is cls and other.get_config() == config, (name, how)
            assert np.array_equal(_np(other(_tensor(x))), y), (name, how)
        assert layer.get_config() == config, name


def check_docstring_examples():
    """The examples in the layers' docstrings (run here, under every Keras backend, rather than
    by pytest's doctest collection, whose process would import keras on its default backend)."""
    import doctest
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(verbose=False)
    tried = 0
    for cls in (Scattering1D, Scattering2D, HarmonicScattering3D, TimeFrequencyScattering):
        for test in finder.find(cls, cls.__name__, module=False, globs={}):
            result = runner.run(test, out=lambda text: NUMBERS.setdefault("doctest", []).append(text))
            assert result.failed == 0, NUMBERS.get("doctest")
            tried += result.attempted
    assert tried >= 6, tried


def check_speed_vs_numpy():
    """Timing ratio (layer call / NumPy frontend call) on a moderate 1-D batch; reported only."""
    x = np.random.default_rng(8).standard_normal((16, 4096)).astype(np.float32)
    S = kymatio.numpy.Scattering1D(J=6, shape=4096, Q=8)
    model = _model(Scattering1D(J=6, Q=8), (4096,))
    xt = _tensor(x)
    S(x), model(xt)   # warm up (compilation)

    def best(fn, n=3):
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            out = fn()
            _np(out) if not isinstance(out, np.ndarray) else out
            times.append(time.perf_counter() - t0)
        return min(times)

    NUMBERS["speed_ratio_layer_over_numpy"] = best(lambda: model(xt)) / best(lambda: S(x))


def main(argv):
    only = set(argv[2:])
    results = {}
    for name, fn in list(globals().items()):
        if not name.startswith("check_") or (only and name not in only):
            continue
        if name == "check_speed_vs_numpy" and not os.environ.get("KYMATIO_KERAS_SPEED"):
            continue
        t0 = time.perf_counter()
        try:
            fn()
            results[name] = {"ok": True, "error": ""}
        except Exception:
            results[name] = {"ok": False, "error": traceback.format_exc()}
        results[name]["seconds"] = round(time.perf_counter() - t0, 2)
    out = {"backend": BACKEND, "results": results, "numbers": NUMBERS}
    text = json.dumps(out, indent=1, default=str)
    if len(argv) > 1:
        Path(argv[1]).write_text(text)
    print(text)
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
