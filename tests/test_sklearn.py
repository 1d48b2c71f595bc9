"""scikit-learn transformers: estimator API checks, equality with the NumPy frontend, pipelines.

Signals are flattened rows of ``X``; the classification data sets (tones vs chirps, horizontal vs
vertical gratings) are generated here.
"""
from __future__ import annotations

import inspect
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

import joblib  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import kymatio.core  # noqa: E402
import kymatio.numpy  # noqa: E402
from kymatio.core._errors import BackendNotFoundError, ScatteringValueError  # noqa: E402
from kymatio.numpy._backend import NumpyBackend  # noqa: E402
from kymatio.sklearn import (  # noqa: E402
    HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering)

# Small instances for scikit-learn's generic checks. 1-D and JTFS take their signal length from X,
# so they take the arbitrary numbers of columns of those checks; 2-D and 3-D cannot (an image is
# M x N, not any number of columns).
CHECKED = [
    Scattering1D(J=1),
    TimeFrequencyScattering(J=1, J_fr=0, Q=1),
    Scattering2D(J=1, shape=(4, 4), L=2),
    HarmonicScattering3D(J=0, shape=(4, 4, 4), L=1),
]

# Generic checks that fit or transform X of 2, 3, 4, 5 or 10 columns: a fixed-size image or volume
# cannot take them. What they test is tested below on rows of the right size
# (test_fixed_shape_estimator_api).
_ARBITRARY_COLUMNS = (
    "check_fit_score_takes_y", "check_estimators_overwrite_params",
    "check_dont_overwrite_parameters", "check_estimators_fit_returns_self",
    "check_readonly_memmap_input", "check_n_features_in_after_fitting",
    "check_positive_only_tag_during_fit", "check_estimators_dtypes", "check_dtype_object",
    "check_pipeline_consistency", "check_estimators_pickle", "check_f_contiguous_array_estimator",
    "check_transformer_data_not_an_array", "check_transformer_general",
    "check_transformer_preserve_dtypes", "check_transformers_unfitted_stateless",
    "check_methods_sample_order_invariance", "check_methods_subset_invariance",
    "check_fit2d_1sample", "check_dict_unchanged", "check_fit_idempotent",
    "check_fit_check_is_fitted", "check_n_features_in", "check_fit2d_predict1d",
)


def _expected_failed_checks(estimator):
    if isinstance(estimator, (Scattering2D, HarmonicScattering3D)):
        reason = (f"passes X with a few columns; a row of {type(estimator).__name__} is a "
                  f"flattened signal of shape {estimator.shape}")
        return {name: reason for name in _ARBITRARY_COLUMNS}
    return {}


# Strict where scikit-learn can be (>= 1.8): a listed check that passes fails the test.
_STRICT = ({"xfail_strict": True}
           if "xfail_strict" in inspect.signature(parametrize_with_checks).parameters else {})


@parametrize_with_checks(CHECKED, expected_failed_checks=_expected_failed_checks, **_STRICT)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def _signals(n, shape, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n,) + tuple(shape)).astype(dtype)


# (sklearn class, NumPy class, parameters, signal shape)
CASES = [
    (Scattering1D, kymatio.numpy.Scattering1D, {"J": 6, "Q": 8}, (1024,)),
    (Scattering1D, kymatio.numpy.Scattering1D, {"J": 5, "Q": (4, 2), "T": "global"}, (256,)),
    (TimeFrequencyScattering, kymatio.numpy.TimeFrequencyScattering,
     {"J": 6, "J_fr": 2, "Q": 8}, (512,)),
    (TimeFrequencyScattering, kymatio.numpy.TimeFrequencyScattering,
     {"J": 6, "J_fr": 2, "Q": 8, "format": "joint"}, (512,)),
    (Scattering2D, kymatio.numpy.Scattering2D, {"J": 2, "L": 4}, (32, 24)),
    (HarmonicScattering3D, kymatio.numpy.HarmonicScattering3D, {"J": 1, "L": 2}, (12, 12, 12)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls,numpy_cls,params,shape", CASES)
def test_equals_numpy_frontend(cls, numpy_cls, params, shape, dtype):
    x = _signals(3, shape, dtype)
    expected = numpy_cls(shape=shape, **params)(x)
    est = cls(shape=shape, **params).fit(x.reshape(3, -1))
    Sx = est.transform(x.reshape(3, -1))
    assert Sx.dtype == dtype and Sx.shape == (3, expected[0].size)
    np.testing.assert_array_equal(Sx, expected.reshape(3, -1))
    assert est.output_shape_ == expected.shape[1:]
    assert est.input_shape_ == shape and est.n_features_in_ == x[0].size
    assert isinstance(est.scattering_, numpy_cls)


def test_reference_data(data_dir):
    d = np.load(data_dir / "scattering1d_J6_Q16_N512.npz")
    Sx = Scattering1D(J=int(d["J"]), Q=int(d["Q"])).fit_transform(d["x"].reshape(-1, 512))
    ref = d["Sx"].reshape(Sx.shape)
    assert Sx.dtype == np.float32
    assert np.max(np.abs(Sx - ref)) <= 1e-6 * np.max(np.abs(ref))
    d = np.load(data_dir / "scattering2d_J4_32x32.npz")
    images = d["x"].reshape(-1, 32 * 32)  # (2, 3, 32, 32): six images, one per row
    Sx = Scattering2D(J=int(d["J"]), shape=(32, 32)).fit_transform(images)
    ref = d["Sx"].reshape(Sx.shape)
    assert np.max(np.abs(Sx - ref)) <= 1e-6 * np.max(np.abs(ref))


@pytest.mark.parametrize("cls,numpy_cls,params,shape", CASES)
def test_feature_names_follow_meta(cls, numpy_cls, params, shape):
    est = cls(shape=shape, **params).fit(_signals(1, shape).reshape(1, -1))
    names = est.get_feature_names_out()
    assert names.dtype == object
    assert len(names) == est.transform(np.zeros((1, int(np.prod(shape))))).shape[1]
    assert len(set(names)) == len(names)
    meta = est.scattering_.meta()
    per_channel = names.size // est.output_shape_[0]
    first = names[::per_channel]
    assert [int(n[len("order")]) for n in first] == list(meta["order"])
    if cls is Scattering1D:
        assert names[0] == "order0_t0"
        c = int(np.flatnonzero(meta["order"] == 2)[0])
        n1, n2 = meta["key"][c]
        assert first[c] == f"order2_n{n1}_{n2}_t0"


def test_feature_names_of_each_layout():
    X = _signals(1, (512,))
    names = TimeFrequencyScattering(J=6, J_fr=2, Q=8, format="joint").fit(X).get_feature_names_out()
    assert names[0] == "order1_fr0_f0_t0" and not any(n.startswith("order0") for n in names)
    assert {n.split("_")[0] for n in names} == {"order1", "order2"}
    names = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1, integral_powers=(1, 2)).fit(
        _signals(1, (512,))).get_feature_names_out()
    assert names[:4].tolist() == ["order1_j0_l0_p1", "order1_j0_l0_p2", "order1_j0_l1_p1",
                                  "order1_j0_l1_p2"]
    assert names[-1] == "order2_j0_1_l1_p2"


def test_pipeline_classifies_tones_and_chirps():
    X, y = _tones_and_chirps(240)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0,
                                                        stratify=y)
    pipe = Pipeline([("scattering", Scattering1D(J=8, Q=8, T="global")),
                     ("scale", StandardScaler()), ("classify", LogisticRegression(max_iter=1000))])
    assert pipe.fit(X_train, y_train).score(X_test, y_test) > 0.9


def test_pipeline_classifies_oriented_gratings():
    X, y = _gratings(160)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0,
                                                        stratify=y)
    pipe = make_pipeline(Scattering2D(J=2, shape=(32, 32), L=4), StandardScaler(),
                         LogisticRegression(max_iter=1000))
    assert pipe.fit(X_train, y_train).score(X_test, y_test) > 0.9


def test_grid_search_over_J_and_Q():
    X, y = _tones_and_chirps(120, seed=1)
    pipe = Pipeline([("scattering", Scattering1D(J=2, T="global")), ("scale", StandardScaler()),
                     ("classify", LogisticRegression(max_iter=1000))])
    search = GridSearchCV(pipe, {"scattering__J": [2, 8], "scattering__Q": [1, 8]}, cv=3)
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_ == {"scattering__J": 8, "scattering__Q": 8}
    assert search.best_score_ > 0.9
    # the grid's parameters reached the frontend that computed the features
    assert search.best_estimator_["scattering"].scattering_.J == 8
    assert pipe["scattering"].get_params()["J"] == 2  # the searched pipeline is cloned, not fitted


def test_grid_search_over_L_in_2d():
    X, y = _gratings(60)
    search = GridSearchCV(make_pipeline(Scattering2D(J=2, shape=(32, 32), L=1), StandardScaler(),
                                        LogisticRegression(max_iter=1000)),
                          {"scattering2d__L": [1, 4]}, cv=2).fit(X, y)
    assert search.best_estimator_[0].scattering_.L in (1, 4)
    assert search.best_estimator_[0].output_shape_[0] == 1 + 2 * search.best_params_[
        "scattering2d__L"] + search.best_params_["scattering2d__L"] ** 2


def test_clone_and_set_params():
    X = _signals(2, (256,))
    est = Scattering1D(J=4, Q=(8, 2)).fit(X)
    copy = clone(est)
    assert copy.get_params() == est.get_params() and not hasattr(copy, "scattering_")
    assert copy.set_params(J=5) is copy
    assert copy.fit(X).output_shape_[1] == 256 // 32
    assert est.output_shape_[1] == 256 // 16  # the original is untouched
    assert Scattering1D(J=4).get_params() == {
        "J": 4, "shape": None, "Q": 1, "T": None, "stride": None, "max_order": 2,
        "oversampling": 0, "backend": "numpy", "n_jobs": None}


def test_pandas_output():
    pd = pytest.importorskip("pandas")
    X = _signals(4, (128,), np.float32)
    frame = pd.DataFrame(X, columns=[f"s{i}" for i in range(128)], index=list("abcd"))
    est = Scattering1D(J=4, Q=4).set_output(transform="pandas")
    out = est.fit_transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == est.get_feature_names_out().tolist()
    assert out.index.tolist() == list("abcd")
    np.testing.assert_array_equal(out.to_numpy(), Scattering1D(J=4, Q=4).fit_transform(X))
    assert est.feature_names_in_.tolist() == frame.columns.tolist()
    est.get_feature_names_out(frame.columns)  # the input's names are accepted
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        est.get_feature_names_out([f"t{i}" for i in range(128)])
    with warnings.catch_warnings(record=True) as caught:  # never fitted: no names to compare
        warnings.simplefilter("always")
        Scattering1D(J=4, Q=4).transform(frame)
    assert not [w for w in caught if "feature names" in str(w.message)]
    # a fitted estimator names its columns through a Pipeline too
    pipe = make_pipeline(Scattering1D(J=4, Q=4), StandardScaler()).set_output(transform="pandas")
    assert pipe.fit_transform(frame).columns[0] == "order0_t0"


def test_n_jobs_splits_the_batch_across_processes():
    X = _signals(9, (512,), np.float32)
    expected = Scattering1D(J=6, Q=8).fit_transform(X)
    np.testing.assert_array_equal(Scattering1D(J=6, Q=8, n_jobs=2).fit_transform(X), expected)
    X2 = _signals(5, (16 * 16,))
    est = Scattering2D(J=2, shape=(16, 16), n_jobs=2).fit(X2)
    with joblib.parallel_config(backend="threading"):
        np.testing.assert_array_equal(est.transform(X2), Scattering2D(J=2, shape=(16, 16))
                                      .fit_transform(X2))
    # one row: nothing to split
    assert Scattering1D(J=6, Q=8, n_jobs=2).fit_transform(X[:1]).shape == (1, expected.shape[1])


def test_stateless_transform_without_fit():
    X = _signals(3, (256,))
    fitted = Scattering1D(J=4, Q=4).fit(X)
    unfitted = Scattering1D(J=4, Q=4)
    np.testing.assert_array_equal(unfitted.transform(X), fitted.transform(X))
    assert not hasattr(unfitted, "scattering_")  # transform() keeps no state
    named = Scattering1D(J=4, Q=4, shape=256).get_feature_names_out()
    assert named.tolist() == fitted.get_feature_names_out().tolist()
    with pytest.raises(NotFittedError, match="shape=None"):
        unfitted.get_feature_names_out()
    assert unfitted.get_feature_names_out([f"x{i}" for i in range(256)]).size == named.size


def test_rows_of_the_wrong_length():
    with pytest.raises(ScatteringValueError, match=r"shape=\(8, 8\) takes rows of 64 features"):
        Scattering2D(J=2, shape=(8, 8)).fit(np.zeros((2, 60)))
    with pytest.raises(ScatteringValueError, match="takes rows of 64 features"):
        Scattering2D(J=2, shape=(8, 8)).transform(np.zeros((2, 60)))
    est = Scattering1D(J=3).fit(np.zeros((2, 64)))
    with pytest.raises(ValueError, match="X has 32 features, but Scattering1D is expecting 64"):
        est.transform(np.zeros((2, 32)))
    # the signal length comes from n_features; too short for J says so
    with pytest.raises(ScatteringValueError, match=r"shape=\(16,\) from X \(n_features=16"):
        Scattering1D(J=6).fit(np.zeros((2, 16)))


def test_parameter_errors_are_raised_by_fit():
    est = Scattering1D(J=4, Q=0)  # __init__ only stores
    with pytest.raises(ScatteringValueError, match="Q must always be >= 1"):
        est.fit(np.zeros((2, 64)))
    with pytest.raises(ScatteringValueError, match="out_type"):
        Scattering1D(J=4, T=0).fit(np.zeros((2, 64)))
    with pytest.raises(ValueError, match="Complex data not supported"):
        Scattering1D(J=4).fit(np.zeros((2, 64), dtype=complex))
    with pytest.raises(ScatteringValueError, match=r"2\*\*J|2\^J"):
        Scattering2D(J=4, shape=(8, 8)).fit(np.zeros((1, 64)))


def test_dtypes_nan_and_1d_input():
    X = _signals(2, (128,))
    est = Scattering1D(J=4).fit(X)
    assert est.transform(X.astype(np.float32)).dtype == np.float32
    as_int = est.transform(np.round(10 * X).astype(np.int64))
    assert as_int.dtype == np.float64
    X[0, 5] = np.nan
    Sx = est.transform(X)  # NaN propagates to its row, never crashes
    assert np.isnan(Sx[0]).any() and np.isfinite(Sx[1]).all()
    with pytest.raises(ValueError, match="2D array"):
        est.transform(X[0])


def test_pre_padded_images():
    x = _signals(2, (20, 20))  # 2**J * (12 // 2**J + 2)
    numpy_S = kymatio.numpy.Scattering2D(J=2, shape=(12, 12), pre_pad=True)
    est = Scattering2D(J=2, shape=(12, 12), pre_pad=True).fit(x.reshape(2, -1))
    assert est.input_shape_ == (20, 20)
    np.testing.assert_array_equal(est.transform(x.reshape(2, -1)), numpy_S(x).reshape(2, -1))
    with pytest.raises(ScatteringValueError, match="flattened padded image of shape"):
        est.fit(np.zeros((2, 144)))


@pytest.mark.parametrize("cls,numpy_cls,params,shape", [CASES[4], CASES[5]])
def test_fixed_shape_estimator_api(cls, numpy_cls, params, shape):
    """What the generic checks marked as expected failures test, on rows of the right length."""
    X = _signals(6, shape, seed=3).reshape(6, -1)
    est = cls(shape=shape, **params)
    assert est.fit(X) is est and est.n_features_in_ == X.shape[1]
    Sx = est.transform(X)
    np.testing.assert_array_equal(est.fit(X).transform(X), Sx)  # fit is idempotent
    np.testing.assert_allclose(est.transform(X[::-1]), Sx[::-1], rtol=1e-12)  # row order
    np.testing.assert_allclose(est.transform(X[2:4]), Sx[2:4], rtol=1e-12)  # subsets
    np.testing.assert_allclose(est.transform(np.asfortranarray(X)), Sx, rtol=1e-12)
    np.testing.assert_array_equal(est.transform(X.astype(np.float32)).dtype, np.float32)
    np.testing.assert_allclose(clone(est).transform(X.tolist()), Sx, rtol=1e-12)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(est)).transform(X), Sx)
    with pytest.raises(ValueError, match=f"X has {X.shape[1] - 1} features"):
        est.transform(X[:, 1:])


class _CountingBackend(NumpyBackend):
    """The NumPy backend, counting its calls: proves that the estimator computes with it."""

    name = "numpy_counting"

    def __init__(self):
        super().__init__()
        self.calls = 0

    # The modulus: every scattering takes it, however a backend fuses its products.
    def modulus(self, x):
        self.calls += 1
        return super().modulus(x)


def test_backend_object_and_unknown_name():
    X = _signals(2, (256,))
    backend = _CountingBackend()
    est = Scattering1D(J=4, Q=4, backend=backend).fit(X)
    assert est.scattering_.backend is backend
    np.testing.assert_array_equal(est.transform(X), Scattering1D(J=4, Q=4).fit_transform(X))
    assert backend.calls > 0
    with pytest.raises(BackendNotFoundError, match="Installed backends"):
        Scattering1D(J=4, backend="nonexistent").fit(X)


@pytest.mark.parametrize("cls,numpy_cls,params,shape", [CASES[0], CASES[2], CASES[4], CASES[5]])
def test_torch_backend_by_name(cls, numpy_cls, params, shape):
    pytest.importorskip("kymatio.torch")
    for dtype, tolerance in ((np.float32, 2e-6), (np.float64, 1e-12)):
        X = _signals(3, shape, dtype).reshape(3, -1)
        Sx = cls(shape=shape, backend="torch", **params).fit_transform(X)
        assert type(Sx) is np.ndarray and Sx.dtype == dtype
        expected = cls(shape=shape, **params).fit_transform(X)
        assert np.max(np.abs(Sx - expected)) <= tolerance * np.max(np.abs(expected))


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_other_installed_backends_by_name(backend):
    # Any installed backend: its frontend computes, the estimator returns NumPy arrays. (The
    # framework is there whenever KYMATIO_TEST_BACKENDS names it: conftest.py fails otherwise.)
    pytest.importorskip(backend)
    X = _signals(3, (256,), np.float32)
    for cls, params in ((Scattering1D, {"J": 4, "Q": 4}),
                        (TimeFrequencyScattering, {"J": 4, "J_fr": 1, "Q": 2})):
        est = cls(backend=backend, **params).fit(X)
        assert est.scattering_.frontend_name == backend
        Sx = est.transform(X)
        assert type(Sx) is np.ndarray and Sx.dtype == np.float32
        expected = cls(**params).fit_transform(X)
        assert np.max(np.abs(Sx - expected)) <= 2e-6 * np.max(np.abs(expected))
    assert Scattering1D(J=4, Q=4, backend=backend).get_feature_names_out(
        [f"x{i}" for i in range(256)]).tolist() == \
        Scattering1D(J=4, Q=4).fit(X).get_feature_names_out().tolist()


def test_jax_float64_rows_split_across_processes():
    # A worker process starts with JAX's defaults (float64 refused): it must follow this
    # process's jax_enable_x64, so that n_jobs changes nothing but the speed.
    jax = pytest.importorskip("jax")
    X = _signals(4, (256,))
    expected = Scattering1D(J=4, Q=4).fit_transform(X)
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        single = Scattering1D(J=4, Q=4, backend="jax").fit_transform(X)
        split = Scattering1D(J=4, Q=4, backend="jax", n_jobs=2).fit_transform(X)
    finally:
        jax.config.update("jax_enable_x64", previous)
    assert single.dtype == split.dtype == np.float64
    np.testing.assert_allclose(single, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(split, single, rtol=1e-12, atol=1e-15)  # float64, not float32


def test_torch_backend_on_gpu():
    torch = pytest.importorskip("torch")
    pytest.importorskip("kymatio.torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    X = _signals(4, (1024,), np.float32)
    est = Scattering1D(J=6, Q=8, backend="torch").fit(X)
    expected = est.transform(X)
    est.scattering_.to("cuda")
    Sx = est.transform(X)
    assert type(Sx) is np.ndarray
    assert np.max(np.abs(Sx - expected)) <= 1e-5 * np.max(np.abs(expected))


def test_dispatch_by_frontend_name():
    assert "sklearn" in kymatio.core.list_frontends()
    S = kymatio.core.Scattering1D(6, 512, Q=8, frontend="sklearn")
    assert isinstance(S, Scattering1D) and S.get_params()["shape"] == 512
    S2 = kymatio.core.Scattering2D(J=2, shape=(16, 16), frontend="sklearn")
    assert isinstance(S2, Scattering2D)
    info = next(f for f in kymatio.core.list_frontends(detail=True) if f.name == "sklearn")
    assert info.default_backend == "numpy" and info.distribution == "kymatio-sklearn"


def test_registry_scan_does_not_import_sklearn():
    code = ("import sys, kymatio.core; kymatio.core.list_frontends(); import kymatio.sklearn; "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- synthetic data sets ---------------------------------------------------------------------------
def _tones_and_chirps(n, N=1024, seed=0):
    """Class 0: a tone of random frequency; class 1: a linear chirp, up or down. In noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(N) / N
    y = rng.permutation(np.arange(n) % 2)
    f0 = rng.uniform(30, 220, n)
    sweep = rng.uniform(60, 150, n) * rng.choice([-1, 1], n) * y
    phase = 2 * np.pi * (f0[:, None] * t + sweep[:, None] * t**2 / 2) + rng.uniform(0, 6.3, (n, 1))
    return (np.cos(phase) + 0.5 * rng.standard_normal((n, N))).astype(np.float32), y


def _gratings(n, M=32, seed=0):
    """Class 0: roughly horizontal stripes; class 1: roughly vertical ones. In noise, flattened."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2)
    u, v = np.meshgrid(np.arange(M), np.arange(M), indexing="ij")
    angle = np.where(y == 0, 0.0, np.pi / 2)[:, None, None] + rng.uniform(-0.3, 0.3, (n, 1, 1))
    k = rng.uniform(0.3, 1.2, (n, 1, 1))
    images = np.cos(k * (np.cos(angle) * u + np.sin(angle) * v) + rng.uniform(0, 6.3, (n, 1, 1)))
    return (images + 0.7 * rng.standard_normal(images.shape)).reshape(n, -1), y
