"""Property-based tests (hypothesis) over the constructor parameters of the four transforms.

Each case draws every constructor parameter, valid values mostly and, for up to two parameters, a
value that no other parameter can make valid (a wrong type, a negative count, an unknown name...).
The property:

* with an invalid parameter, construction raises ``ValueError`` or ``TypeError`` (one of kymatio's
  own, :class:`~kymatio.core.KymatioError`: a check, not a failure inside NumPy) whose message names
  one of the invalid parameters;
* otherwise the constructor either refuses the combination (a ``ValueError`` naming one of the
  parameters: ``T`` larger than the signal, ``J`` too large for the shape, a filter bank above the
  memory bound...) or builds a transform whose output, for a finite random input of a small batch,
  has exactly the promised shape (``batch + output_shape()``) and dtype (that of the input), holds
  finite values only, and has as many channels as ``meta()`` has rows. A documented call-time
  refusal (``out_type='array'`` with ``T=0``...) is a ``ValueError`` naming a parameter too.

Any other exception fails the test. The NumPy frontend runs most cases; torch, TensorFlow and JAX
run a few each. The settings profile (``tests/conftest.py``) is deterministic; run
``pytest --hypothesis-show-statistics tests/test_properties.py`` to see the counts of each outcome
(constructed, refused...), or ``HYPOTHESIS_PROFILE=kymatio-thorough`` for a longer random search.
"""
from __future__ import annotations

import re
import time
import warnings

import numpy as np
import pytest
from hypothesis import event, given, note, settings
from hypothesis import strategies as st

import kymatio.numpy
from kymatio.core import (DEFAULT_MAX_FILTER_BYTES, KymatioError, ScatteringValueError,
                          max_filter_bytes)

NAN, INF = float("nan"), float("inf")


def _examples(n: int) -> int:
    """``n`` examples under the default profile, scaled with the profile's ``max_examples``."""
    return max(1, n * settings.default.max_examples // 100)


# -- parameter strategies ------------------------------------------------------------------------
# Values that are invalid whatever the other parameters are. Each is refused at construction.
BAD_J = [-1, -7, 2.5, 3.0, "3", None, True, [3], np.float64(2.0)]
BAD_SHAPE_1D = [0, -4, 2.5, "64", None, True, (), (64, 64), [64], (0,), (64.0,), (np.bool_(True),)]
BAD_Q = [0, -1, 0.5, 1.5, "2", None, True, [2], (1, 2, 3), (0,), (2, 0), (2.5,), (), np.float64(2),
         (True,)]
BAD_T = [-1, 0.5, -INF, "local", NAN, INF, True, np.bool_(True), [16], 1j]
BAD_STRIDE = [0, 3, -2, 2.5, 6.0, "2", True, np.bool_(True), [2], NAN, INF]
BAD_MAX_ORDER = [0, 3, -1, 1.5, 2.0, "2", None, True]
BAD_OVERSAMPLING = [-1, 0.5, "1", True, [1]]
BAD_BACKEND = ["nump", "torch", "jax", 3, "", None.__class__]
BAD_L_2D = [0, -1, 2.0, "8", None, True]
BAD_SHAPE_2D = [(0, 8), (8,), (8, 8, 8), 8, "8x8", None, (8.0, 8), (True, 8), (-8, 8), ()]
BAD_PRE_PAD = [0, 1, "yes", None, [True]]
BAD_SHAPE_3D = [(8, 8), (8, 8, 8, 8), 8, (0, 8, 8), (8.0, 8, 8), None, "8"]
BAD_L_3D = [-1, 1.5, "3", None, True]
BAD_SIGMA_0 = [0, -1.0, NAN, INF, -INF, "1", None, True, 1j]
BAD_ROTATION = [1, 0, "yes", None]
BAD_METHOD = ["sum", None, 1, "Integral", ""]
BAD_POWERS = [(), [], "12", None, 1.0, (NAN,), (INF,), ("a",), (True,), [[1.0, 2.0]], (1.0, None)]
BAD_J_FR = [-1, 1.5, "2", None, True, [1]]
BAD_Q_FR = [0, (1, 2), 1.5, "1", None, True, (0,), [1], (), (1.0,)]
BAD_F = [-1, 0.5, "local", NAN, INF, True, [4]]
BAD_FORMAT = ["freq", None, 1, "TIME", ""]


def _out_types(names):
    # 'array' twice as often: it is the output whose shape output_shape() promises.
    return st.sampled_from([names[0]] + list(names))


def _power_of_two_or_none(top: int):
    return st.one_of(st.none(), st.integers(0, top).map(lambda k: 2**k))


def _averaging(draw, N: int):
    """``T`` (or ``F``) for a length ``N``: None, 'global', 0 or a scale, mostly within ``N``."""
    return draw(st.one_of(st.none(), st.just("global"), st.just(0), st.integers(1, max(1, N)),
                          st.floats(1.0, max(1.0, float(N))), st.integers(N + 1, 2 * N + 8)))


def _corrupt(draw, valid: dict, bad: dict, small: bool) -> tuple[dict, tuple, dict]:
    """``(params, invalid names, valid)``: ``valid`` with the values of zero, one or two of the
    parameters that have ``bad`` values replaced by one of those (rarely, for ``small`` cases)."""
    count = draw(st.sampled_from([0, 0, 0, 0, 0, 1] if small else [0, 0, 0, 0, 1, 1, 2]))
    names = draw(st.permutations(sorted(bad)))[:count]
    params = dict(valid)
    for name in names:
        params[name] = draw(st.sampled_from(bad[name]))
    return params, tuple(names), valid


def _rarely_huge(draw, values: list):
    """One of ``values`` (sizes whose filters would not fit in memory) in one case of 16, else
    ``None``: such configurations must be refused before any filter is built."""
    return draw(st.sampled_from(values)) if draw(st.integers(0, 15)) == 15 else None


def _number_forms(n: int):
    """``n`` as a Python int or a NumPy integer."""
    return st.sampled_from([n, np.int64(n), np.int32(n)])


@st.composite
def cases_1d(draw, small=False):
    N = draw(st.integers(1, 200 if small else 700))
    # J <= log2(N) (T = 2**J fits the signal) mostly, up to 9 (too large for short signals) too
    J = draw(st.one_of(st.integers(0, N.bit_length() - 1), st.integers(0, 6 if small else 9)))
    Q = st.integers(1, 4 if small else 12)
    valid = {
        "J": draw(_number_forms(J)),
        "shape": draw(st.sampled_from([N, (N,), np.int64(N), (np.int64(N),)])),
        "Q": draw(st.one_of(Q, Q.map(np.int64), st.tuples(Q), st.tuples(Q, st.integers(1, 4)))),
        "T": _averaging(draw, N),
        "stride": draw(_power_of_two_or_none(J + 1)),
        "max_order": draw(st.sampled_from([1, 2, 2, np.int64(2)])),
        "oversampling": draw(st.sampled_from([0] * 8 + [None, 1, 2])),
        "out_type": draw(_out_types(("array", "dict", "list"))),
        "backend": draw(st.sampled_from([None, "numpy"])),
    }
    huge = _rarely_huge(draw, [("shape", 2**28), ("shape", (2**40,)), ("Q", 10**9),
                               ("Q", (1, 10**8)), ("J", 2**20)])
    if huge and not small:
        valid[huge[0]] = huge[1]
    bad = {"J": BAD_J, "shape": BAD_SHAPE_1D, "Q": BAD_Q, "T": BAD_T, "stride": BAD_STRIDE,
           "max_order": BAD_MAX_ORDER, "oversampling": BAD_OVERSAMPLING,
           "out_type": ["tuple", "ARRAY", None, 1, ""], "backend": BAD_BACKEND}
    return _corrupt(draw, valid, bad, small)


@st.composite
def cases_jtfs(draw, small=False):
    N = draw(st.integers(1, 128 if small else 512))
    J_max = 5 if small else 7
    J = draw(st.one_of(st.integers(0, min(J_max, N.bit_length() - 1)), st.integers(0, J_max)))
    J_fr = draw(st.integers(0, 2 if small else 4))
    Q = st.integers(1, 3 if small else 8)
    valid = {
        "J": draw(_number_forms(J)),
        "J_fr": draw(_number_forms(J_fr)),
        "Q": draw(st.one_of(Q, st.tuples(Q), st.tuples(Q, st.integers(1, 3)))),
        "shape": draw(st.sampled_from([N, (N,), np.int64(N)])),
        "T": _averaging(draw, N),
        "stride": draw(_power_of_two_or_none(J + 1)),
        "Q_fr": draw(st.sampled_from([1, 1, 2, 3, (1,), (2,), np.int64(1)])),
        "F": _averaging(draw, 16),
        "stride_fr": draw(_power_of_two_or_none(J_fr + 1)),
        "out_type": draw(_out_types(("array", "dict", "list"))),
        "format": draw(st.sampled_from(["time", "joint"])),
        "backend": draw(st.sampled_from([None, "numpy"])),
    }
    huge = _rarely_huge(draw, [("shape", 2**30), ("Q", 10**8), ("J_fr", 40), ("J_fr", 10**9),
                               ("Q_fr", 10**9), ("stride_fr", 2**60)])
    if huge and not small:
        valid[huge[0]] = huge[1]
    bad = {"J": BAD_J, "J_fr": BAD_J_FR, "Q": BAD_Q, "shape": BAD_SHAPE_1D, "T": BAD_T,
           "stride": BAD_STRIDE, "Q_fr": BAD_Q_FR, "F": BAD_F, "stride_fr": BAD_STRIDE,
           "out_type": ["tuple", None, 1], "format": BAD_FORMAT, "backend": BAD_BACKEND}
    return _corrupt(draw, valid, bad, small)


@st.composite
def cases_2d(draw, small=False):
    J = draw(st.integers(1, 3 if small else 4))
    # 2**J <= min(M, N) mostly; smaller images (down to 1 x 1) too
    size = 24 if small else 40
    M, N = (draw(st.one_of(st.integers(2**J, size), st.integers(1, size))) for _ in range(2))
    valid = {
        "J": draw(_number_forms(J)),
        "shape": draw(st.sampled_from([(M, N), [M, N], (np.int64(M), N)])),
        "L": draw(st.integers(1, 4 if small else 8).flatmap(_number_forms)),
        "max_order": draw(st.sampled_from([1, 2, 2, np.int64(1)])),
        "pre_pad": draw(st.sampled_from([False, False, True, np.bool_(False)])),
        "backend": draw(st.sampled_from([None, "numpy"])),
        "out_type": draw(_out_types(("array", "list"))),
    }
    huge = _rarely_huge(draw, [("shape", (2**16, 2**15)), ("L", 10**8), ("J", 10**6)])
    if huge and not small:
        valid[huge[0]] = huge[1]
    bad = {"J": [0] + BAD_J, "shape": BAD_SHAPE_2D, "L": BAD_L_2D, "max_order": BAD_MAX_ORDER,
           "pre_pad": BAD_PRE_PAD, "backend": BAD_BACKEND,
           "out_type": ["dict", "ARRAY", None, 1]}
    return _corrupt(draw, valid, bad, small)


@st.composite
def cases_3d(draw, small=False):
    shape = tuple(draw(st.integers(1, 8 if small else 10)) for _ in range(3))
    powers = draw(st.lists(st.floats(0.0, 3.0), min_size=1, max_size=4))
    valid = {
        "J": draw(st.integers(0, 2 if small else 3).flatmap(_number_forms)),
        "shape": draw(st.sampled_from([shape, list(shape)])),
        "L": draw(st.integers(0, 2 if small else 4).flatmap(_number_forms)),
        "sigma_0": draw(st.one_of(st.floats(0.1, 3.0), st.integers(1, 3),
                                  st.just(np.float32(1.5)))),
        "max_order": draw(st.sampled_from([1, 2, 2])),
        "rotation_covariant": draw(st.sampled_from([True, False, np.bool_(True)])),
        "method": "integral",
        "points": draw(st.sampled_from([None, np.zeros((2, 3))])),
        "integral_powers": draw(st.sampled_from([powers, tuple(powers), np.array(powers)])),
        "backend": draw(st.sampled_from([None, "numpy"])),
    }
    huge = _rarely_huge(draw, [("shape", (2**11, 2**11, 2**11)), ("L", 10**6), ("J", 10**9),
                               ("sigma_0", 1e300), ("sigma_0", 2.0**120)])
    if huge and not small:
        valid[huge[0]] = huge[1]
    bad = {"J": BAD_J, "shape": BAD_SHAPE_3D, "L": BAD_L_3D, "sigma_0": BAD_SIGMA_0,
           "max_order": BAD_MAX_ORDER, "rotation_covariant": BAD_ROTATION, "method": BAD_METHOD,
           "integral_powers": BAD_POWERS, "backend": BAD_BACKEND}
    return _corrupt(draw, valid, bad, small)


CASES = {"Scattering1D": cases_1d, "TimeFrequencyScattering": cases_jtfs,
         "Scattering2D": cases_2d, "HarmonicScattering3D": cases_3d}


# -- the property ----------------------------------------------------------------------------------
def _names(message: str, names) -> list[str]:
    """The parameter names among ``names`` that ``message`` mentions as words (``'J'`` in
    ``'2**J'`` but not in ``'J_fr'``; ``'backend'`` in ``'Backend'``)."""
    def mentioned(name):
        flags = re.IGNORECASE if len(name) > 2 else 0
        return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message, flags)

    return [name for name in names if mentioned(name)]


def _input_shape(S, name: str) -> tuple:
    if name == "Scattering2D" and S.pre_pad:
        return (S._M_padded, S._N_padded)
    return tuple(S.shape)


def _leaves(out, out_type: str) -> list:
    if out_type == "array":
        return [out]
    if out_type == "dict":
        return list(out.values())
    return [entry["coef"] for entry in out]


def check_case(frontend, name: str, case, to_input, to_numpy, dtype=np.float32,
               backend_name: str = "numpy"):
    """The property of the module docstring for one drawn case; returns the outcome's label."""
    params, bad, valid = case
    if backend_name != "numpy":
        # The framework's own backend name is valid there, NumPy's is not: swap them.
        swap = {"numpy": backend_name, backend_name: "numpy"}
        params, valid = ({k: (swap.get(v, v) if k == "backend" and isinstance(v, str) else v)
                          for k, v in p.items()} for p in (params, valid))
    note(f"{name}({params!r}), invalid: {bad}")
    cls = getattr(frontend, name)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # oversampling's DeprecationWarning, the 'Signal support is too small' UserWarning
        warnings.simplefilter("ignore")
        try:
            S = cls(**params)
        except (ValueError, TypeError) as error:
            message = str(error)
            assert isinstance(error, KymatioError), (
                f"a {type(error).__name__} from inside, not a check of kymatio: {message!r}")
            assert time.perf_counter() - start < 10, "a refusal should come before any long work"
            if bad and _names(message, bad):
                return "refused: invalid parameter"
            if bad:
                # Another check may come first: then the valid values are refused alike.
                with pytest.raises(ValueError) as valid_error:
                    cls(**valid)
                assert str(valid_error.value) == message, (
                    f"the error should name one of the invalid parameters {bad}: {message!r}")
            assert isinstance(error, ValueError), f"valid types, yet a TypeError: {message!r}"
            assert _names(message, params), f"the error should name a parameter: {message!r}"
            return "refused: combination"
        assert not bad, f"{bad} should have been refused"

        rng = np.random.default_rng(0)
        x = rng.standard_normal((2,) + _input_shape(S, name)).astype(dtype)
        out_type = getattr(S, "out_type", "array")
        try:
            out = S(to_input(x))
        except (ValueError, TypeError) as error:
            message = str(error)
            assert isinstance(error, KymatioError) and isinstance(error, ValueError), message
            assert _names(message, params), f"the error should name a parameter: {message!r}"
            if out_type == "array":
                with pytest.raises(ValueError):
                    S.output_shape()
            return "refused at call: combination"

    meta = S.meta()
    leaves = [to_numpy(leaf) for leaf in _leaves(out, out_type)]
    for leaf in leaves:
        assert leaf.dtype == dtype, (leaf.dtype, dtype)
        assert leaf.shape[:1] == (2,), leaf.shape
        assert np.isfinite(leaf).all(), "non-finite values for a finite input"
    if out_type == "array":
        assert leaves[0].shape == (2,) + S.output_shape()
        channels = leaves[0].shape[1]
    else:
        channels = len(leaves)
    assert channels == len(meta["key"]) == len(meta["order"])
    if name == "HarmonicScattering3D":
        assert leaves[0].shape[2:] == (len(meta["l"]), len(meta["integral_powers"]))
    elif out_type == "array":
        assert channels == S.output_size()
    return "constructed"


def _identity(x):
    return x


# -- NumPy: most of the cases ----------------------------------------------------------------------
EXAMPLES_NUMPY = {"Scattering1D": 250, "TimeFrequencyScattering": 200, "Scattering2D": 150,
                  "HarmonicScattering3D": 150}


def _numpy_test(name):
    @settings(max_examples=_examples(EXAMPLES_NUMPY[name]))
    @given(case=CASES[name](), dtype=st.sampled_from([np.float32, np.float64]))
    def test(case, dtype):
        event(check_case(kymatio.numpy, name, case, _identity, _identity, dtype=dtype))

    test.__name__ = f"test_numpy_{name}"
    test.__doc__ = f"The property over the parameters of kymatio.numpy.{name}."
    return test


test_numpy_Scattering1D = _numpy_test("Scattering1D")
test_numpy_TimeFrequencyScattering = _numpy_test("TimeFrequencyScattering")
test_numpy_Scattering2D = _numpy_test("Scattering2D")
test_numpy_HarmonicScattering3D = _numpy_test("HarmonicScattering3D")


# -- the other frameworks: the same property on a few cases, mostly valid and small ones ----------
TRANSFORMS = sorted(CASES)


def _torch_io(load):
    frontend = load("torch")
    import torch
    return frontend, torch.from_numpy, lambda y: y.detach().cpu().numpy()


def _tensorflow_io(load):
    frontend = load("tensorflow")
    import tensorflow as tf
    return frontend, tf.constant, lambda y: y.numpy()


def _jax_io(load):
    frontend = load("jax")
    import jax.numpy as jnp
    return frontend, jnp.asarray, np.asarray


def _framework_test(framework, io, examples):
    # JAX compiles every operation for each new shape: it gets fewer cases.
    @pytest.mark.parametrize("name", TRANSFORMS)
    @settings(max_examples=_examples(examples))
    @given(data=st.data())
    def test(name, data, frontend_module):
        frontend, to_input, to_numpy = io(frontend_module)
        case = data.draw(CASES[name](small=True), label="case")
        event(check_case(frontend, name, case, to_input, to_numpy, np.float32, framework))

    test.__name__ = f"test_{framework}"
    test.__doc__ = f"The property over the parameters of the kymatio.{framework} transforms."
    return test


test_torch = _framework_test("torch", _torch_io, 15)
test_tensorflow = _framework_test("tensorflow", _tensorflow_io, 8)
test_jax = _framework_test("jax", _jax_io, 4)


# -- the memory bound ------------------------------------------------------------------------------
HUGE = [
    ("Scattering1D", dict(J=30, shape=2**28, T=2**20)),
    ("Scattering1D", dict(J=10, shape=2**28)),
    ("Scattering1D", dict(J=20, shape=2**24, Q=64)),
    ("Scattering1D", dict(J=4, shape=1024, Q=10**9)),
    ("TimeFrequencyScattering", dict(J=6, J_fr=40, Q=2, shape=1024)),
    ("TimeFrequencyScattering", dict(J=6, J_fr=2, Q=10**8, shape=1024)),
    ("TimeFrequencyScattering", dict(J=6, J_fr=2, Q=4, Q_fr=10**9, shape=1024)),
    ("Scattering2D", dict(J=12, shape=(2**14, 2**14))),
    ("Scattering2D", dict(J=2, shape=(64, 64), L=10**8)),
    ("HarmonicScattering3D", dict(J=2, shape=(2048, 2048, 2048))),
    ("HarmonicScattering3D", dict(J=10**9, shape=(8, 8, 8))),
    ("HarmonicScattering3D", dict(J=1, shape=(8, 8, 8), L=10**5)),
]


@pytest.mark.parametrize("name, params", HUGE, ids=[f"{n}-{i}" for i, (n, _) in enumerate(HUGE)])
def test_huge_configurations_are_refused_quickly(name, params):
    start = time.perf_counter()
    with pytest.raises(ValueError) as info:
        getattr(kymatio.numpy, name)(**params)
    assert time.perf_counter() - start < 2.0
    message = str(info.value)
    assert "KYMATIO_MAX_FILTER_BYTES" in message and "GiB" in message, message
    assert _names(message, params), message


def test_memory_bound_default_and_environment(monkeypatch):
    monkeypatch.delenv("KYMATIO_MAX_FILTER_BYTES", raising=False)
    assert max_filter_bytes() == DEFAULT_MAX_FILTER_BYTES == 4 * 2**30
    kymatio.numpy.Scattering1D(J=6, shape=4096, Q=8)   # a few MiB: built
    monkeypatch.setenv("KYMATIO_MAX_FILTER_BYTES", "1e6")
    assert max_filter_bytes() == 10**6
    for cls, params in [(kymatio.numpy.Scattering1D, dict(J=6, shape=4096, Q=8)),
                        (kymatio.numpy.TimeFrequencyScattering, dict(J=6, J_fr=2, Q=8, shape=4096)),
                        (kymatio.numpy.Scattering2D, dict(J=3, shape=(128, 128))),
                        (kymatio.numpy.HarmonicScattering3D, dict(J=2, shape=(32, 32, 32)))]:
        with pytest.raises(ScatteringValueError, match="KYMATIO_MAX_FILTER_BYTES"):
            cls(**params)
    monkeypatch.setenv("KYMATIO_MAX_FILTER_BYTES", "a lot")
    with pytest.raises(ValueError, match="KYMATIO_MAX_FILTER_BYTES"):
        kymatio.numpy.Scattering1D(J=2, shape=64)


# -- regressions: the bugs the properties found, each at its smallest failing input ----------------
def test_regression_one_sample_signal_gives_finite_coefficients():
    """``shape=1``: a zero-mean wavelet on a one-bin grid is exactly zero; its unit-l1
    normalisation divided 0 by 0 and every first-order coefficient was NaN."""
    x = np.array([[0.5], [-2.0]])
    S = kymatio.numpy.Scattering1D(J=0, shape=1)
    Sx = S(x)
    assert np.isfinite(Sx).all()
    np.testing.assert_array_equal(Sx[:, 1:], 0.0)
    np.testing.assert_array_equal(S.psi1_f[0]["levels"][0], 0.0)
    jtfs = kymatio.numpy.TimeFrequencyScattering(J=0, J_fr=0, Q=1, shape=1)
    assert np.isfinite(jtfs(x)).all()


@pytest.mark.parametrize("cls, params", [
    ("Scattering1D", dict(J=1, shape=1, T="global")),      # was: cannot reshape ... (2,0)
    ("Scattering1D", dict(J=1, shape=1, T=0, out_type="dict")),
    ("Scattering1D", dict(J=12, shape=64, T=16)),          # was: cannot reshape ... (256,0)
    ("Scattering1D", dict(J=10, shape=64, T=16, Q=4)),
    ("Scattering1D", dict(J=10**5, shape=64)),             # was: int-to-str conversion limit
    ("TimeFrequencyScattering", dict(J=12, J_fr=1, Q=1, shape=64, T=16)),
    ("Scattering2D", dict(J=10**5, shape=(8, 8))),          # was: int-to-str conversion limit
])
def test_regression_J_too_large_is_a_clear_error(cls, params):
    """J too large for the padded signal: a ScatteringValueError naming J and shape, at once. The
    reference's filter factory failed inside NumPy (a reshape) instead, or the error message
    tried to print 2**J in decimal (more than Python's 4300 digits)."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ScatteringValueError) as info:
            getattr(kymatio.numpy, cls)(**params)
    assert time.perf_counter() - start < 2.0
    message = str(info.value)
    assert {"J", "shape"} <= set(_names(message, ["J", "shape"])), message


def test_regression_J_at_the_padded_limit_still_builds():
    """The J check refuses only what cannot be built: with local averaging, wavelets subsampled
    by 2**(log2(N_pad) + 1) still work (here N_pad = 32 and j = 6)."""
    S = kymatio.numpy.Scattering1D(J=8, shape=16, Q=1, T=4)
    assert max(psi["j"] for psi in S.psi1_f + S.psi2_f) == int(np.log2(S._N_padded)) + 1
    Sx = S(np.random.default_rng(0).standard_normal((2, 16)))
    assert Sx.shape == (2,) + S.output_shape() and np.isfinite(Sx).all()


@pytest.mark.parametrize("cls, params, name", [
    ("Scattering1D", dict(J=2, shape=64, stride=True), "stride"),
    ("Scattering1D", dict(J=2, shape=64, stride=np.bool_(True)), "stride"),
    ("TimeFrequencyScattering", dict(J=2, J_fr=1, Q=1, shape=64, stride=True), "stride"),
    ("TimeFrequencyScattering", dict(J=2, J_fr=1, Q=1, shape=64, stride_fr=True), "stride_fr"),
])
def test_regression_bool_stride_is_refused(cls, params, name):
    """``stride=True`` was read as ``stride=1`` (``float(True).is_integer()``)."""
    with pytest.raises(TypeError, match=rf"^{name} must be an integer power of two"):
        getattr(kymatio.numpy, cls)(**params)


@pytest.mark.parametrize("params", [
    dict(J=2, shape=(4, 4, 4), L=2, sigma_0=1e300),   # scale (sigma_0 2**J)**L = inf: NaN
    dict(J=2, shape=(4, 4, 4), L=0, sigma_0=1e300),   # width**2 underflows in the Gaussian: NaN
    dict(J=10, shape=(4, 4, 4), L=1, sigma_0=2.0**120),   # finite in float64, inf in float32
])
def test_regression_3d_wavelets_too_wide_are_refused(params):
    with pytest.raises(ScatteringValueError, match="too wide") as info:
        kymatio.numpy.HarmonicScattering3D(**params)
    assert {"sigma_0", "J", "L"} <= set(_names(str(info.value), ["sigma_0", "J", "L"]))


def test_3d_wide_wavelets_below_the_limit_are_finite():
    x = np.random.default_rng(0).standard_normal((2, 6, 6, 6))
    for sigma_0, L in [(1e6, 2), (2.0**100, 1), (1e30, 0)]:
        S = kymatio.numpy.HarmonicScattering3D(J=2, shape=(6, 6, 6), L=L, sigma_0=sigma_0)
        for dtype in (np.float32, np.float64):
            assert np.isfinite(S(x.astype(dtype))).all(), (sigma_0, L, dtype)
