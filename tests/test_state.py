"""Concurrency and state: one transform object called from several threads at once gives the
sequential results; calling never changes the object (nor its input); pickled, copied and
deep-copied transforms of every frontend compute the same; parameters assigned after construction
either take effect (the output equals a freshly constructed object's) or are refused with an
error that says to construct a new object.

Decided in docs/decisions.md ("State"): ``max_order``, ``out_type``, JTFS ``format``, 2-D
``pre_pad`` and the 3-D ``rotation_covariant``, ``integral_powers`` and ``method`` are read at each
call and stay settable (validated on assignment); the parameters the filters are built from (``J``,
``shape``, ``Q``, ``T``, ``stride``, ``L``, ``sigma_0``, ``J_fr``, ``Q_fr``, ``F``, ``stride_fr``,
``oversampling``, ``backend``) raise ``FixedParameterError`` (an ``AttributeError``). A fitted
scikit-learn transformer whose parameters changed refuses to transform until fitted again. Keras
layers: ``check_inputs_and_state`` in ``keras_backend_checks.py``.
"""
from __future__ import annotations

import copy
import importlib
import pickle
import threading

import numpy as np
import pytest

from kymatio.core._errors import (FixedParameterError, ScatteringTypeError, ScatteringValueError,
                                  UnsupportedParameterError)

FRONTENDS = ("numpy", "torch", "tensorflow", "jax")
# Small transforms (JAX compiles a call per object: a few operations compile fast).
TRANSFORMS = {
    "1d": ("Scattering1D", dict(J=2, shape=32, Q=1), (32,)),
    "2d": ("Scattering2D", dict(J=2, shape=(8, 8), L=2), (8, 8)),
    "3d": ("HarmonicScattering3D", dict(J=1, shape=(4, 4, 4), L=1), (4, 4, 4)),
    "jtfs": ("TimeFrequencyScattering", dict(J=2, J_fr=1, Q=1, shape=32), (32,)),
}
# Attribute caches that a call may fill (filters converted to the input's dtype, JAX's compiled
# call): the only entries of an object's __dict__ that a call is allowed to touch.
# What a call may change: the converted filters, JAX's compiled call, and the float64 source,
# which is released after a conversion and built again on demand (ScatteringBase._filters).
CACHES = ("_filters_cache", "_compiled_call", "_filters_source", "_numpy_view")


def framework(name):
    # conftest fails the run instead when KYMATIO_TEST_BACKENDS lists a missing framework
    return pytest.importorskip(name)


def make(name: str, kind: str, **changes):
    cls, params, _ = TRANSFORMS[kind]
    framework(name)
    module = importlib.import_module(f"kymatio.{name}")
    return getattr(module, cls)(**dict(params, **changes))


def native(name: str, a: np.ndarray):
    if name == "torch":
        return framework("torch").from_numpy(np.array(a, order="C"))
    if name == "tensorflow":
        return framework("tensorflow").constant(a)
    if name == "jax":
        return framework("jax").numpy.asarray(a)
    return a


def to_numpy(y):
    """Array, dict or list output as NumPy (dict: list of (key, array); list: the entries with
    their coefficients as NumPy)."""
    if isinstance(y, dict):
        return [(k, to_numpy(v)) for k, v in y.items()]
    if isinstance(y, list):
        return [{k: to_numpy(v) if k == "coef" else v for k, v in e.items()} for e in y]
    detach = getattr(y, "detach", None)
    return np.asarray(detach() if detach is not None else y)


def assert_same(a, b, tolerance: float = 0.0):
    """Outputs (as :func:`to_numpy` gives them) are equal: bit for bit, or to ``tolerance`` times
    the largest coefficient (JAX's compiled call fuses operations that its uncompiled path
    rounds one by one)."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=0, atol=tolerance * np.abs(b).max(initial=0))
    elif isinstance(a, list) and a and isinstance(a[0], dict):
        assert [{k: v for k, v in e.items() if k != "coef"} for e in a] == \
               [{k: v for k, v in e.items() if k != "coef"} for e in b]
        for e, f in zip(a, b):
            assert_same(e["coef"], f["coef"], tolerance)
    else:
        assert [k for k, _ in a] == [k for k, _ in b]
        for (_, u), (_, v) in zip(a, b):
            assert_same(u, v, tolerance)


def mixed_tolerance(name: str) -> float:
    """Tolerance between ``run(..., compiled=True)`` and ``compiled=False``."""
    return 2e-6 if name == "jax" else 0.0


def batch(kind: str, n: int = 2, seed: int = 0, dtype=np.float32) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n,) + TRANSFORMS[kind][2]).astype(dtype)


def run(name: str, S, x: np.ndarray, compiled: bool = True):
    """``S(x)`` as NumPy. ``compiled=False``: JAX's uncompiled ``S.scattering`` (its operations are
    compiled once per shape for every object, where ``S(x)`` compiles a call per object), for
    the tests in which nothing is JAX's own."""
    if name == "jax" and not compiled:
        return to_numpy(S.scattering(native(name, x)))
    return to_numpy(S(native(name, x)))


@pytest.fixture(params=FRONTENDS)
def name(request) -> str:
    framework(request.param)
    return request.param


@pytest.fixture(params=list(TRANSFORMS))
def kind(request) -> str:
    return request.param


# -- threads ---------------------------------------------------------------------------------------
def _hammer(fn, inputs: list, threads: int = 8) -> list:
    """``fn`` on every input from ``threads`` threads started together; results in input order."""
    results = [None] * len(inputs)
    errors = []
    start = threading.Barrier(threads)

    def work(t):
        try:
            start.wait()
            for i in range(t, len(inputs), threads):
                results[i] = fn(inputs[i])
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    return results


def test_one_object_called_from_eight_threads_gives_the_sequential_results(name, kind):
    """8 threads x 2 calls on one fresh object (so that the filter conversion, and JAX's
    compilation, race too). NumPy gets batches large enough to be split over its own thread pool
    (re-entered from every thread) and mixes float32 with float64 calls."""
    n = {"1d": 2100, "2d": 520, "3d": 520, "jtfs": 2100}[kind] if name == "numpy" else 3
    dtypes = (np.float32, np.float64) if name in ("numpy", "tensorflow") else (np.float32,)
    inputs = [batch(kind, n, seed=i, dtype=dtypes[i % len(dtypes)]) for i in range(16)]
    S = make(name, kind)
    if name == "numpy":
        assert S._split_threads(inputs[0]) >= min(2, S.backend.threads())
    results = _hammer(lambda x: run(name, S, x), inputs)
    expected = [run(name, S, x) for x in inputs]  # then one call after the other
    for got, want in zip(results, expected):
        assert_same(got, want)


def test_sklearn_transformer_from_threads():
    framework("sklearn")
    from kymatio.sklearn import Scattering2D
    S = Scattering2D(J=2, shape=(8, 8), L=2).fit(np.zeros((1, 64)))
    inputs = [np.random.default_rng(i).standard_normal((5, 64)) for i in range(16)]
    expected = [S.transform(x) for x in inputs]
    for got, want in zip(_hammer(S.transform, inputs), expected):
        np.testing.assert_array_equal(got, want)


# -- calling never changes the object ------------------------------------------------------------
def _freeze(value, seen=None):
    """A comparable, hashable picture of ``value``: arrays by dtype, shape and bytes; containers
    recursively; other objects by identity (they must stay the same objects)."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    module = type(value).__module__
    if module.startswith("torch") and hasattr(value, "detach"):
        return _freeze(value.detach().cpu().numpy())
    if module.startswith("tensorflow") and hasattr(value, "numpy"):
        return _freeze(value.numpy())
    if module.startswith(("jax", "jaxlib")) and hasattr(value, "dtype"):
        return _freeze(np.asarray(value))
    if isinstance(value, dict):
        return ("dict", tuple((repr(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_freeze(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(v) for v in value)))
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return value
    if isinstance(value, np.generic):
        return ("scalar", value.dtype.str, value.tobytes())
    return ("object", type(value).__qualname__, id(value))


def snapshot(S) -> dict:
    state = {k: _freeze(v) for k, v in vars(S).items() if k not in CACHES}
    state["meta"] = _freeze(S.meta())
    state["output_size"] = S.output_size()
    return state


OUT_TYPES = {"1d": ("array", "dict", "list"), "2d": ("array", "list"), "3d": ("array",),
             "jtfs": ("array", "dict", "list")}
# JAX's 'dict' and 'list' outputs are the core's, as for the other frontends: its array output
# (and its compiled call) suffices.
CALLS = [(f, k, o) for f in FRONTENDS for k, outs in OUT_TYPES.items() for o in outs
         if f != "jax" or o == "array"]


@pytest.mark.parametrize("name, kind, out_type", CALLS)
def test_calling_changes_neither_the_object_nor_its_input(name, kind, out_type):
    framework(name)
    S = make(name, kind) if kind == "3d" else make(name, kind, out_type=out_type)
    before = snapshot(S)
    x = native(name, batch(kind, 2))
    x_before = _freeze(x)
    S(x)
    S(x)
    if name in ("numpy", "tensorflow"):  # both precisions: a second filter conversion
        S(native(name, batch(kind, 2, dtype=np.float64)))
    assert snapshot(S) == before
    assert _freeze(x) == x_before


# -- copies and pickles ----------------------------------------------------------------------------
COPIES = {
    "pickle": lambda S: pickle.loads(pickle.dumps(S)),
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
}


def test_copies_and_pickles_compute_the_same(name, kind):
    """(JAX: through the uncompiled ``S.scattering``; that a pickled transform compiles its own
    call is tested in test_jax.py.)"""
    S = make(name, kind)
    x = batch(kind, 2, seed=4)
    fresh = {how: fn(S) for how, fn in COPIES.items()}  # before any call (empty caches)
    expected = run(name, S, x, compiled=False)
    used = {how: fn(S) for how, fn in COPIES.items()}  # after one (converted filters)
    for how in COPIES:
        for other in (fresh[how], used[how]):
            assert type(other) is type(S), how
            assert_same(run(name, other, x, compiled=False), expected)
    for how in ("pickle", "deepcopy"):  # independent of the original
        used[how].max_order = 1 if kind != "jtfs" else 2
    assert_same(run(name, S, x, compiled=False), expected)


def test_torch_copies_keep_dtype_and_are_independent_modules():
    torch = framework("torch")
    S = make("torch", "1d").double()
    x = torch.from_numpy(batch("1d", 2, dtype=np.float64))
    expected = S(x)
    for how, fn in COPIES.items():
        other = fn(S)
        assert other(x).dtype == torch.float64
        torch.testing.assert_close(other(x), expected, rtol=0, atol=0)
        if how != "copy":
            other.float()
            assert S._filter_buffer().dtype == torch.float64
    # torch.save / torch.load of the whole module (not only the state_dict)
    import io
    buffer = io.BytesIO()
    torch.save(S, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=False)
    torch.testing.assert_close(loaded(x), expected, rtol=0, atol=0)


SKLEARN = {
    "1d": ("Scattering1D", dict(J=2, Q=1), 32),
    "2d": ("Scattering2D", dict(J=2, shape=(8, 8), L=2), 64),
    "3d": ("HarmonicScattering3D", dict(J=1, shape=(4, 4, 4), L=1), 64),
    "jtfs": ("TimeFrequencyScattering", dict(J=2, J_fr=1, Q=1), 32),
}


def test_sklearn_transformers_copy_pickle_and_clone(kind):
    framework("sklearn")
    import kymatio.sklearn
    from sklearn.base import clone
    cls, params, n_features = SKLEARN[kind]
    X = np.random.default_rng(5).standard_normal((3, n_features))
    for fitted in (False, True):
        S = getattr(kymatio.sklearn, cls)(**params)
        if fitted:
            S.fit(X)
        expected = S.transform(X)
        for other in (pickle.loads(pickle.dumps(S)), copy.deepcopy(S), clone(S)):
            np.testing.assert_array_equal(other.transform(X), expected)


def test_dask_transforms_pickle_and_deepcopy(kind):
    da = framework("dask.array")
    import kymatio.dask
    cls, params, sig = TRANSFORMS[kind]
    S = getattr(kymatio.dask, cls)(**params)
    x = da.from_array(batch(kind, 4, seed=6), chunks=(2,) + sig)
    expected = S(x).compute(scheduler="synchronous")
    for other in (pickle.loads(pickle.dumps(S)), copy.deepcopy(S)):
        np.testing.assert_array_equal(other(x).compute(scheduler="synchronous"), expected)


# -- parameters assigned after construction --------------------------------------------------------
# (kind, attribute, new value): read at each call, so the assignment takes effect.
SETTABLE = [
    ("1d", "max_order", 1), ("1d", "out_type", "dict"), ("1d", "out_type", "list"),
    ("2d", "max_order", 1), ("2d", "out_type", "list"), ("2d", "pre_pad", True),
    ("3d", "max_order", 1), ("3d", "rotation_covariant", False), ("3d", "integral_powers", (1.0,)),
    ("jtfs", "out_type", "dict"), ("jtfs", "format", "joint"),
]
# (kind, attribute, new value): the filters are built from it, so the assignment is refused.
FIXED = [
    ("1d", "J", 1), ("1d", "shape", 64), ("1d", "Q", 2), ("1d", "T", 2), ("1d", "stride", 2),
    ("1d", "oversampling", 1), ("1d", "backend", "numpy"),
    ("2d", "J", 1), ("2d", "shape", (16, 16)), ("2d", "L", 4), ("2d", "backend", "numpy"),
    ("3d", "J", 0), ("3d", "shape", (8, 8, 8)), ("3d", "L", 2), ("3d", "sigma_0", 2.0),
    ("jtfs", "J", 1), ("jtfs", "J_fr", 0), ("jtfs", "Q_fr", 2), ("jtfs", "F", 1),
    ("jtfs", "stride_fr", 1), ("jtfs", "T", 2), ("jtfs", "shape", 64),
]
# (kind, attribute, invalid value, error class): refused, the old value kept.
INVALID = [
    ("1d", "max_order", 3, UnsupportedParameterError), ("1d", "max_order", 0, ScatteringValueError),
    ("1d", "out_type", "bogus", ScatteringValueError),
    ("2d", "out_type", "dict", ScatteringValueError),
    ("2d", "pre_pad", "yes", ScatteringTypeError), ("3d", "out_type", "list", ScatteringValueError),
    ("3d", "max_order", 1.0, ScatteringTypeError), ("jtfs", "max_order", 1, ScatteringValueError),
    ("jtfs", "format", "frequency", ScatteringValueError),
]


def _input_for(S, kind: str, seed: int = 7) -> np.ndarray:
    if getattr(S, "pre_pad", False):
        return np.random.default_rng(seed).standard_normal(
            (2, S._M_padded, S._N_padded)).astype(np.float32)
    return batch(kind, 2, seed=seed)


# JAX compiles a call per object and assignment: one case of each transform (any assignment drops
# the compiled call, see test_jax_compiled_call_follows_assignments).
ASSIGNMENTS = [(f, case) for f in FRONTENDS for i, case in enumerate(SETTABLE)
               if f != "jax" or case[0] != SETTABLE[i - 1][0]]


@pytest.mark.parametrize("name, case", ASSIGNMENTS,
                         ids=[f"{f}-{c[0]}-{c[1]}={c[2]}" for f, c in ASSIGNMENTS])
def test_settable_attributes_take_effect(name, case):
    """The output after the assignment equals a fresh object's with that value, also after a
    first call (filters converted, JAX's call compiled); assigning the old value back restores
    the old output."""
    kind, attribute, value = case
    framework(name)
    S = make(name, kind)
    old_value = getattr(S, attribute)
    x_old = _input_for(S, kind)
    old = run(name, S, x_old)
    setattr(S, attribute, value)
    assert getattr(S, attribute) == value
    fresh = make(name, kind, **{attribute: value})
    x = _input_for(fresh, kind)
    assert_same(run(name, S, x), run(name, fresh, x, compiled=False), mixed_tolerance(name))
    setattr(S, attribute, old_value)
    assert_same(run(name, S, x_old, compiled=False), old, mixed_tolerance(name))


@pytest.mark.parametrize("case", FIXED, ids=lambda c: f"{c[0]}-{c[1]}")
def test_filter_parameters_cannot_be_assigned_after_construction(name, case):
    """Regression: assigning ``J``, ``shape``, ``L``, ``sigma_0``, ``J_fr``, ``Q_fr`` was accepted
    and then either kept the old filters (silently wrong numbers) or crashed inside an FFT
    ("operands could not be broadcast"); ``Q``, ``T``, ``F``, ``stride`` raised Python's bare
    "property has no setter". Now: ``FixedParameterError`` saying to construct a new object, and
    the object is left as it was."""
    kind, attribute, value = case
    S = make(name, kind)
    x = batch(kind, 2)
    expected = run(name, S, x, compiled=False)
    before = snapshot(S)
    with pytest.raises(FixedParameterError) as info:
        setattr(S, attribute, value)
    assert isinstance(info.value, AttributeError)
    message = str(info.value)
    assert f"{type(S).__name__}.{attribute}" in message and "Construct a new" in message, message
    assert snapshot(S) == before
    assert_same(run(name, S, x, compiled=False), expected)


@pytest.mark.parametrize("case", INVALID, ids=lambda c: f"{c[0]}-{c[1]}={c[2]!r}")
def test_invalid_assignments_are_refused_and_keep_the_old_value(name, case):
    """Regression (2-D ``pre_pad``, 3-D ``out_type``): ``S.pre_pad = "yes"`` was accepted (any
    truthy value switched pre-padding on) and ``S.out_type = "list"`` on the 3-D transform was
    silently ignored."""
    kind, attribute, value, error = case
    S = make(name, kind)
    old = getattr(S, attribute)
    with pytest.raises(error, match=attribute):
        setattr(S, attribute, value)
    assert getattr(S, attribute) == old


def test_new_attributes_are_still_allowed():
    """Only the filter parameters are guarded: other attributes (user annotations, monkeypatching)
    are plain Python attributes."""
    S = make("numpy", "1d")
    S.label = "speech features"
    assert S.label == "speech features"


def test_sklearn_set_params_after_fit_requires_fit_again():
    """Regression: ``set_params`` after ``fit`` left ``transform`` computing with the transform
    built for the old parameters (and ``get_feature_names_out`` naming its columns)."""
    framework("sklearn")
    from kymatio.sklearn import Scattering1D
    from sklearn.exceptions import NotFittedError
    X = np.random.default_rng(8).standard_normal((3, 64))
    S = Scattering1D(J=3, Q=2).fit(X)
    S.set_params(n_jobs=1)  # not a parameter of the transform
    S.transform(X)
    S.set_params(J=2)
    for method in (lambda: S.transform(X), S.get_feature_names_out):
        with pytest.raises(NotFittedError, match=r"J=2 \(fitted with 3\).*fit again"):
            method()
    expected = Scattering1D(J=2, Q=2).fit(X)
    S.fit(X)
    np.testing.assert_array_equal(S.transform(X), expected.transform(X))
    assert list(S.get_feature_names_out()) == list(expected.get_feature_names_out())
    # Never fitted: built from the current parameters at each call.
    unfitted = Scattering1D(J=3, Q=2)
    unfitted.set_params(J=2)
    np.testing.assert_array_equal(unfitted.transform(X), expected.transform(X))


def test_jax_compiled_call_follows_assignments():
    """``S(x)`` runs a compiled function: an assignment drops it, so the next call traces the new
    parameters (``jax.jit(S)`` made before keeps what it traced, as documented)."""
    framework("jax")
    S = make("jax", "1d")
    x = batch("1d", 2)
    run("jax", S, x)
    compiled = S.__dict__["_compiled_call"]
    S.max_order = 1
    assert "_compiled_call" not in S.__dict__
    assert_same(run("jax", S, x), run("jax", make("jax", "1d", max_order=1), x))
    assert S.__dict__["_compiled_call"] is not compiled
    S.max_order = 1  # the same value: keeps the compiled call
    assert "_compiled_call" in S.__dict__
    copied = pickle.loads(pickle.dumps(S))  # compiles its own call, with the new parameters
    assert "_compiled_call" not in copied.__dict__
    assert_same(run("jax", copied, x), run("jax", S, x))
