"""Every bad input gets a clear error, every good input a finite answer: a matrix over the array
frontends (numpy, torch, tensorflow, jax) x the four transforms x kinds of input, then the
framework types of each frontend, the scikit-learn and dask frontends, and huge batches.

The policy (docs/decisions.md, "Inputs"): a frontend takes real float32/float64 arrays of its
framework (NumPy arrays too for TensorFlow and JAX); anything else -- lists, scalars, complex,
integer, bool, float16, object arrays, sparse tensors -- is a ``TypeError`` naming what it got.
Shapes that do not end with the signal shape are a ``ValueError`` naming the shape received and
the one expected. An empty batch gives an empty output of the promised shape and dtype. Views
(strided, reversed, transposed, broadcast, read-only) give the numbers of a contiguous copy and are
never written to. NaN and Inf propagate to the coefficients of their own signal only. The
scikit-learn transformers follow scikit-learn instead (array-likes converted to float64, empty
input refused). Keras layers: ``check_inputs_and_state`` in ``keras_backend_checks.py``.
"""
from __future__ import annotations

import importlib
import re
import tracemalloc
import warnings

import numpy as np
import pytest

from kymatio.core._errors import ScatteringTypeError, ScatteringValueError

# Small transforms of each kind: (class name, parameters, signal shape).
TRANSFORMS = {
    "1d": ("Scattering1D", dict(J=3, shape=64, Q=1), (64,)),
    "2d": ("Scattering2D", dict(J=2, shape=(8, 8), L=2), (8, 8)),
    "3d": ("HarmonicScattering3D", dict(J=1, shape=(8, 8, 8), L=1), (8, 8, 8)),
    "jtfs": ("TimeFrequencyScattering", dict(J=3, J_fr=1, Q=1, shape=64), (64,)),
}
FRONTENDS = ("numpy", "torch", "tensorflow", "jax")


# -- the array frontends, behind one interface ---------------------------------------------------
class Frontend:
    """How a test feeds one array frontend: its module, its arrays, back to NumPy."""

    def __init__(self, name: str):
        self.name = name
        # conftest fails the run instead when KYMATIO_TEST_BACKENDS lists a missing framework
        self.framework = pytest.importorskip(name)
        self.module = importlib.import_module(f"kymatio.{name}")
        self._cache: dict = {}

    def transform(self, kind: str):
        """One transform per kind, built once (the tests here never change it)."""
        if kind not in self._cache:
            cls, params, _ = TRANSFORMS[kind]
            self._cache[kind] = getattr(self.module, cls)(**params)
        return self._cache[kind]

    def native(self, a: np.ndarray):
        """``a`` as this framework's array (a NumPy array is native to NumPy)."""
        if self.name == "torch":
            return self.framework.from_numpy(np.array(a, order="C"))  # keeps 0-d arrays 0-d
        if self.name == "tensorflow":
            return self.framework.constant(a)
        if self.name == "jax":
            return self.framework.numpy.asarray(a)
        return a

    @staticmethod
    def to_numpy(y) -> np.ndarray:
        detach = getattr(y, "detach", None)
        return np.asarray(detach() if detach is not None else y)

    def native_dtype(self, name: str):
        """This framework's dtype called ``name`` (``"int32"``, ``"bool"``...)."""
        if self.name == "torch":
            return getattr(self.framework, name)
        if self.name == "tensorflow":
            return self.framework.as_dtype(name)
        if self.name == "jax":
            return getattr(self.framework.numpy, "bool_" if name == "bool" else name)
        return np.dtype(name)

    def zeros(self, shape, dtype: str):
        if self.name == "torch":
            return self.framework.zeros(shape, dtype=self.native_dtype(dtype))
        if self.name == "tensorflow":
            return self.framework.zeros(shape, dtype=self.native_dtype(dtype))
        if self.name == "jax":
            return self.framework.numpy.zeros(shape, dtype=self.native_dtype(dtype))
        return np.zeros(shape, dtype=dtype)


_FRONTENDS: dict = {}


def frontend(name: str) -> Frontend:
    if name not in _FRONTENDS:
        _FRONTENDS[name] = Frontend(name)
    return _FRONTENDS[name]


@pytest.fixture(params=FRONTENDS, scope="module")
def fe(request) -> Frontend:
    return frontend(request.param)


@pytest.fixture(params=list(TRANSFORMS))
def kind(request) -> str:
    return request.param


def signal(kind: str) -> tuple:
    return TRANSFORMS[kind][2]


def batch(kind: str, n: int = 3, seed: int = 0, dtype=np.float32) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n,) + signal(kind)).astype(dtype)


# -- shapes ---------------------------------------------------------------------------------------
def test_too_few_axes_names_the_shapes(fe, kind):
    S, sig = fe.transform(kind), signal(kind)
    short = sig[1:]
    with pytest.raises(ScatteringValueError) as info:
        S(fe.native(np.zeros(short, np.float32)))
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert str(tuple(sig)) in message and str(tuple(short)) in message, message


def test_wrong_trailing_shape_names_the_shapes(fe, kind):
    S, sig = fe.transform(kind), signal(kind)
    wrong = (2,) + sig[:-1] + (sig[-1] + 1,)
    with pytest.raises(ScatteringValueError) as info:
        S(fe.native(np.zeros(wrong, np.float32)))
    message = str(info.value)
    assert str(tuple(sig)) in message and str(wrong) in message, message


def test_empty_signal_axis_is_a_shape_error(fe):
    S = fe.transform("1d")
    with pytest.raises(ScatteringValueError, match=re.escape("(2, 0)")):
        S(fe.native(np.zeros((2, 0), np.float32)))


@pytest.mark.parametrize("lead", [(0,), (2, 0), (0, 3)])
def test_empty_batch_gives_an_empty_output_of_the_right_shape_and_dtype(fe, kind, lead):
    S = fe.transform(kind)
    out = S(fe.native(np.zeros(lead + signal(kind), np.float32)))
    assert tuple(out.shape) == lead + tuple(S.output_shape())
    assert fe.to_numpy(out).dtype == np.float32


@pytest.mark.parametrize("kind_out", [("1d", "dict"), ("1d", "list"), ("2d", "list"),
                                      ("jtfs", "dict")])
def test_empty_batch_with_dict_and_list_outputs(fe, kind_out):
    kind, out_type = kind_out
    cls, params, sig = TRANSFORMS[kind]
    S = getattr(fe.module, cls)(**params, out_type=out_type)
    full = S(fe.native(batch(kind, 1)))
    empty = S(fe.native(np.zeros((0,) + sig, np.float32)))
    coefs = list(empty.values()) if out_type == "dict" else [e["coef"] for e in empty]
    expected = list(full.values()) if out_type == "dict" else [e["coef"] for e in full]
    assert len(coefs) == len(expected)
    assert all(tuple(c.shape) == (0,) + tuple(e.shape[1:]) for c, e in zip(coefs, expected))


# -- types and dtypes -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["complex64", "int32", "int64", "bool", "float16"])
def test_other_dtypes_are_type_errors_naming_the_dtype(fe, kind, dtype):
    S = fe.transform(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # JAX without x64: int64 becomes int32
        x = fe.zeros((2,) + signal(kind), dtype)
    with pytest.raises(ScatteringTypeError) as info:
        S(x)
    assert isinstance(info.value, TypeError)
    name = str(x.dtype).replace("torch.", "").replace("<dtype: '", "").replace("'>", "")
    assert name in str(info.value), str(info.value)
    if dtype.startswith("complex"):
        assert "complex" in str(info.value)


@pytest.mark.parametrize("bad, words", [
    ([0.0] * 64, ["got list"]),
    ((0.0,) * 64, ["got tuple"]),
    (1.5, ["got float", "scalar"]),
    (np.float32(1.5), ["numpy.float32", "scalar"]),
    (None, ["got NoneType"]),
    ("signal", ["got str"]),
])
def test_non_arrays_are_type_errors_naming_what_was_given(fe, bad, words):
    with pytest.raises(ScatteringTypeError) as info:
        fe.transform("1d")(bad)
    for word in words:
        assert word in str(info.value), str(info.value)


def test_object_arrays_are_type_errors(fe):
    x = np.zeros((2, 64), dtype=object)
    expected = "numpy.ndarray" if fe.name == "torch" else "object"
    with pytest.raises(ScatteringTypeError, match=expected):
        fe.transform("1d")(x)


def test_numpy_arrays_are_refused_by_torch_only(fe):
    x = batch("1d", 2)
    if fe.name == "torch":
        with pytest.raises(ScatteringTypeError, match=r"torch\.Tensor.*got numpy\.ndarray"):
            fe.transform("1d")(x)
    else:  # NumPy, TensorFlow and JAX take NumPy arrays
        expected = fe.to_numpy(fe.transform("1d")(fe.native(x)))
        np.testing.assert_array_equal(fe.to_numpy(fe.transform("1d")(x)), expected)


# -- views: the numbers of a contiguous copy, and the input left alone -----------------------------
def _views(kind: str) -> dict:
    """Non-contiguous NumPy views of one batch of 3 signals, by name."""
    x = batch(kind, 6, seed=1)
    wide = np.repeat(x[:3], 2, axis=-1)
    flipped = np.ascontiguousarray(x[:3][..., ::-1])
    transposed = np.ascontiguousarray(np.moveaxis(x[:3], 0, -1))
    readonly = x[:3].copy()
    readonly.flags.writeable = False
    return {
        "every_other_sample": wide[..., ::2],
        "every_other_signal": x[::2],
        "reversed_batch": x[2::-1],
        "reversed_signal_axis": flipped[..., ::-1],
        "fortran_order": np.asfortranarray(x[:3]),
        "transposed_view": np.moveaxis(transposed, -1, 0),
        "broadcast_stride_0": np.broadcast_to(x[:1], (3,) + x.shape[1:]),
        "read_only": readonly,
    }


# torch tensors have no negative strides (torch.from_numpy refuses such arrays): not for torch.
VIEWS = [(name, view) for name in FRONTENDS for view in _views("1d")
         if name != "torch" or not view.startswith("reversed")]


@pytest.mark.parametrize("name, view", VIEWS)
def test_views_give_the_numbers_of_a_contiguous_copy(name, kind, view):
    fe = frontend(name)
    S = fe.transform(kind)
    x = _views(kind)[view]
    before = x.copy()
    expected = fe.to_numpy(S(fe.native(np.ascontiguousarray(x))))
    if fe.name == "torch":
        import torch
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # from_numpy of a read-only array
            given = torch.from_numpy(x)
    else:
        given = x
    out = fe.to_numpy(S(given))
    if fe.name == "numpy":
        np.testing.assert_array_equal(out, expected)
    else:  # torch's FFTs of a strided tensor may round differently (float32 precision)
        np.testing.assert_allclose(out, expected, rtol=0, atol=2e-6 * np.abs(expected).max())
    np.testing.assert_array_equal(x, before)


def test_torch_views(kind):
    """torch's own non-contiguous tensors: transposed, sliced, expanded (stride 0)."""
    torch = pytest.importorskip("torch")
    S = frontend("torch").transform(kind)
    x = torch.from_numpy(batch(kind, 6, seed=2))
    views = {
        "sliced": x[::2],
        "transposed": x[:3].movedim(0, -1).contiguous().movedim(-1, 0),
        "expanded": x[:1].expand((3,) + tuple(x.shape[1:])),
        "narrowed_last_axis": torch.cat([x[:3], x[:3]], dim=-1)[..., : x.shape[-1]],
    }
    for name, view in views.items():
        before = view.clone()
        torch.testing.assert_close(S(view), S(view.contiguous()), rtol=0, atol=0, msg=name)
        assert torch.equal(view, before), name


# -- NaN and Inf -----------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # NumPy's
def test_nan_and_inf_propagate_to_their_own_signal_only(fe, kind):
    """Documented (docs/decisions.md): never an error; the coefficients of a signal holding NaN or
    Inf are non-finite, those of the other signals of the batch are unchanged."""
    S = fe.transform(kind)
    x = batch(kind, 3, seed=3)
    clean = fe.to_numpy(S(fe.native(x)))
    bad = x.copy()
    bad[1].flat[5] = np.nan
    bad[2].flat[7] = np.inf
    out = fe.to_numpy(S(fe.native(bad)))
    assert out.shape == clean.shape
    assert np.isfinite(clean).all()
    np.testing.assert_array_equal(out[0], clean[0])
    assert np.isnan(out[1]).any()
    assert not np.isfinite(out[2]).all()


# -- framework types: dtype, device, layout --------------------------------------------------------
def test_torch_dtype_and_device_of_the_module():
    torch = pytest.importorskip("torch")
    S = frontend("torch").transform("1d")
    x = torch.from_numpy(batch("1d", 2))
    with pytest.raises(ScatteringTypeError, match=r"torch\.float64.*torch\.float32.*S\.double\(\)"):
        S(x.double())
    for dtype in (torch.bfloat16, torch.float16, torch.int8, torch.uint8, torch.complex128):
        with pytest.raises(ScatteringTypeError, match=re.escape(str(dtype))):
            S(x.to(dtype))
    # The meta device stands for "another device than the filters'" on a CPU-only machine.
    with pytest.raises(ScatteringTypeError, match=r"device meta.*cpu"):
        S(x.to("meta"))
    # A module moved there computes there (shapes only).
    cls, params, sig = TRANSFORMS["1d"]
    on_meta = getattr(frontend("torch").module, cls)(**params).to("meta")
    assert on_meta(torch.empty((2,) + sig, device="meta")).shape == (2,) + S.output_shape()
    # Autograd: a non-leaf input that requires grad is fine.
    y = torch.zeros((2,) + sig, requires_grad=True) * 2
    assert S(y).requires_grad


def test_torch_sparse_and_nested_tensors_are_type_errors():
    """Regression: a sparse or nested tensor crashed inside torch (RuntimeError "reshape is not
    implemented for sparse tensors", "NestedTensorImpl doesn't support sizes")."""
    torch = pytest.importorskip("torch")
    S = frontend("torch").transform("1d")
    x = torch.from_numpy(batch("1d", 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # beta/prototype warnings of torch
        cases = {"sparse_coo": x.to_sparse(), "sparse_csr": x.to_sparse_csr(),
                 "nested": torch.nested.nested_tensor([x[0], x[1]])}
    for layout, tensor in cases.items():
        with pytest.raises(ScatteringTypeError, match=f"{layout} tensor"):
            S(tensor)


def test_torch_cuda_input_to_a_cpu_module():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    S = frontend("torch").transform("1d")
    with pytest.raises(ScatteringTypeError, match=r"device cuda.*cpu.*S\.to\('cuda"):
        S(torch.zeros((2, 64), device="cuda"))


def test_tensorflow_tensor_types():
    tf = pytest.importorskip("tensorflow")
    S = frontend("tensorflow").transform("1d")
    x = batch("1d", 2)
    expected = S(x).numpy()
    np.testing.assert_array_equal(S(tf.Variable(x)).numpy(), expected)
    assert S(tf.constant(x, tf.float64)).dtype == tf.float64
    for bad, word in [(tf.constant(["a"] * 64), "string"),
                      (tf.ragged.constant([[1.0], [2.0, 3.0]]), "RaggedTensor"),
                      (tf.sparse.from_dense(tf.constant(x)), "SparseTensor"),
                      (tf.zeros((2, 64), tf.bfloat16), "bfloat16"),
                      (np.zeros((2, 64), np.int16), "int16")]:
        with pytest.raises(ScatteringTypeError, match=word):
            S(bad)


def test_jax_array_types():
    jax = pytest.importorskip("jax")
    S = frontend("jax").transform("1d")
    for bad, word in [(jax.numpy.zeros((2, 64), jax.numpy.bfloat16), "bfloat16"),
                      (jax.numpy.zeros((2, 64), jax.numpy.uint8), "uint8"),
                      (np.zeros((2, 64), np.complex128), "complex128")]:
        with pytest.raises(ScatteringTypeError, match=word):
            S(bad)
    # Errors come before tracing: the same types under jit.
    with pytest.raises(ScatteringTypeError, match="int32"):
        jax.jit(S)(jax.numpy.zeros((2, 64), jax.numpy.int32))


# -- scikit-learn: scikit-learn's conventions -----------------------------------------------------
def test_sklearn_array_likes_are_converted_and_bad_rows_refused():
    """Documented (docs/sklearn.md): like every scikit-learn transformer, lists and integer, bool or
    numeric object arrays are converted (to float64); complex and non-numeric data, empty input,
    1-D input and rows of the wrong length are ValueErrors."""
    pytest.importorskip("sklearn")
    import kymatio.numpy
    from kymatio.sklearn import Scattering1D
    S = Scattering1D(J=3, shape=64)
    x = np.random.default_rng(4).integers(-3, 4, size=(2, 64))
    expected = kymatio.numpy.Scattering1D(J=3, shape=64)(x.astype(np.float64)).reshape(2, -1)
    reversed_view = np.ascontiguousarray(x[:, ::-1], dtype=np.float64)[:, ::-1]
    for given in (x, x.tolist(), x.astype(object), reversed_view):
        out = S.transform(given)
        assert out.dtype == np.float64
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert S.transform(x != 0).dtype == np.float64
    readonly = x.astype(np.float32)
    readonly.flags.writeable = False
    assert S.transform(readonly).dtype == np.float32
    for bad, fragment in [(x.astype(np.complex64), "Complex data not supported"),
                          (np.full((2, 64), "a", dtype=object), "could not convert"),
                          (np.zeros((0, 64)), "0 sample"),
                          (np.zeros(64), "Expected 2D array"),
                          (1.0, "Expected 2D array"),
                          (np.zeros((2, 63)), r"shape=\(64,\).*n_features=63")]:
        with pytest.raises(ValueError, match=fragment):
            S.transform(bad)
    nan_rows = np.zeros((2, 64))
    nan_rows[1, 3] = np.nan
    out = S.transform(nan_rows)
    assert np.isfinite(out[0]).all() and np.isnan(out[1]).any()


# -- dask -----------------------------------------------------------------------------------------
def test_dask_inputs():
    da = pytest.importorskip("dask.array")
    import kymatio.numpy
    from kymatio.dask import Scattering1D
    S = Scattering1D(J=3, shape=64)
    for dtype in ("int64", "bool", "complex64", "float16"):
        with pytest.raises(ScatteringTypeError, match=dtype):
            S(da.zeros((2, 64), dtype=dtype, chunks=(1, 64)))
    with pytest.raises(ScatteringTypeError, match="object"):
        S(da.from_array(np.zeros((2, 64), dtype=object), chunks=(1, 64)))
    for bad, fragment in [(np.zeros((2, 64)), "got numpy.ndarray"), ([0.0] * 64, "got list")]:
        with pytest.raises(ScatteringTypeError, match=fragment):
            S(bad)
    with pytest.raises(ScatteringValueError, match=r"\(64,\).*\(2, 63\)"):
        S(da.zeros((2, 63)))
    x = batch("1d", 4, seed=5)
    x[1, 2] = np.nan
    reference = kymatio.numpy.Scattering1D(J=3, shape=64)(x)
    out = S(da.from_array(x, chunks=(2, 64))).compute()
    np.testing.assert_array_equal(np.isnan(out), np.isnan(reference))
    np.testing.assert_allclose(out[[0, 2, 3]], reference[[0, 2, 3]], rtol=1e-6)
    # Batch chunks of unknown size (a boolean selection) are fine.
    selected = da.from_array(x, chunks=(2, 64))
    selected = selected[da.from_array(np.array([True, False, True, True]), chunks=2)]
    assert np.isnan(selected.shape[0])
    np.testing.assert_allclose(S(selected).compute(), reference[[0, 2, 3]], rtol=1e-6)


# -- huge batches: computed in bounded chunks ----------------------------------------------------
@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 16 signals of 256 samples (``CHUNK_SAMPLES`` is 2**19 samples)."""
    monkeypatch.setattr("kymatio.core._frontend.CHUNK_SAMPLES", 16 * 256)
    return 16


def _peak_bytes(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        out = fn()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_numpy_huge_batch_memory_is_bounded(small_chunks, monkeypatch):
    """A batch 64x the chunk costs its output (twice: the chunks' outputs, then joined) and one
    chunk's working memory, not 64 chunks' (numpy allocations are traced by tracemalloc)."""
    import kymatio.numpy
    S = kymatio.numpy.Scattering1D(J=4, shape=256, Q=2)
    monkeypatch.setattr(S.backend, "_workers", 1)  # one chunk at a time (and one FFT thread)
    x = np.random.default_rng(6).standard_normal((64 * small_chunks, 256)).astype(np.float32)
    S(x[:small_chunks])  # filters converted before measuring
    one_chunk, chunk_peak = _peak_bytes(lambda: S(x[:small_chunks]))
    out, peak = _peak_bytes(lambda: S(x))
    np.testing.assert_array_equal(out[:small_chunks], one_chunk)
    assert peak < 2 * out.nbytes + 4 * chunk_peak, (peak, out.nbytes, chunk_peak)
    monkeypatch.setattr("kymatio.core._frontend.CHUNK_SAMPLES", 2**40)  # the whole batch at once
    _, unchunked_peak = _peak_bytes(lambda: S(x))
    assert peak < unchunked_peak / 4, (peak, unchunked_peak)


def _record_batches(monkeypatch, S) -> list:
    """Spy on ``S.scattering``: the batch size of every call."""
    sizes = []
    original = S.scattering

    def scattering(x):
        sizes.append(int(np.prod(tuple(x.shape)[: len(x.shape) - S._signal_ndim])))
        return original(x)

    monkeypatch.setattr(S, "scattering", scattering)
    return sizes


@pytest.mark.parametrize("name", ["numpy", "torch", "tensorflow"])
def test_eager_frontends_compute_huge_batches_in_bounded_chunks(name, small_chunks, monkeypatch):
    """numpy, torch, and TensorFlow eagerly (regression: TensorFlow computed any batch at once)
    call the transform on chunks of at most ``CHUNK_SAMPLES`` samples; the numbers do not change."""
    fe = frontend(name)
    S = getattr(fe.module, "Scattering1D")(J=4, shape=256, Q=2)
    if name == "numpy":
        monkeypatch.setattr(S.backend, "_workers", 1)
    if name == "torch":  # the spy is on the module: torch's operations (CPU inference runs a view)
        S.cpu_inference = "torch"
    x = np.random.default_rng(7).standard_normal((2, 8 * small_chunks + 3, 256)).astype(np.float32)
    whole = fe.to_numpy(S.scattering(fe.native(x)))
    sizes = _record_batches(monkeypatch, S)
    out = fe.to_numpy(S(fe.native(x)))
    assert len(sizes) >= 16 and max(sizes) <= small_chunks, sizes
    assert sum(sizes) == 2 * (8 * small_chunks + 3)
    np.testing.assert_allclose(out, whole, rtol=1e-6, atol=1e-7)


def test_tensorflow_eager_chunks_keep_gradients(small_chunks):
    tf = pytest.importorskip("tensorflow")
    S = frontend("tensorflow").module.Scattering1D(J=4, shape=256, Q=2)
    x = tf.constant(np.random.default_rng(8).standard_normal((3 * small_chunks, 256)))

    def loss_and_gradient(fn):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(fn(x) ** 2)
        return loss.numpy(), tape.gradient(loss, x).numpy()

    chunked, whole = loss_and_gradient(S), loss_and_gradient(S.scattering)
    np.testing.assert_allclose(chunked[0], whole[0], rtol=1e-12)
    np.testing.assert_allclose(chunked[1], whole[1], rtol=1e-10, atol=1e-14)


def test_tensorflow_function_computes_the_batch_as_one_graph(small_chunks, monkeypatch):
    tf = pytest.importorskip("tensorflow")
    S = frontend("tensorflow").module.Scattering1D(**TRANSFORMS["1d"][1])
    sizes = _record_batches(monkeypatch, S)
    f = tf.function(lambda v: S(v))
    f(tf.zeros((3 * small_chunks, 64)))
    assert sizes == [3 * small_chunks]


def test_an_error_inside_a_chunk_is_not_retried_on_the_whole_batch(small_chunks, monkeypatch):
    """Regression: any exception of a chunk (an out-of-memory one too) made ``_chunked_call``
    compute the whole batch again, without chunks. Only input errors are raised again (so that
    they name the caller's shapes)."""
    import kymatio.numpy
    S = kymatio.numpy.Scattering1D(J=4, shape=256)
    monkeypatch.setattr(S.backend, "_workers", 1)
    sizes = []

    def scattering(x):
        sizes.append(x.shape[0])
        raise MemoryError("out of memory in a chunk")

    monkeypatch.setattr(S, "scattering", scattering)
    with pytest.raises(MemoryError):
        S(np.zeros((4 * small_chunks, 256), np.float32))
    assert sizes == [small_chunks]
    # Input errors are still reported with the caller's whole shape.
    S = kymatio.numpy.Scattering1D(J=4, shape=255)
    with pytest.raises(ScatteringValueError, match=re.escape(f"({4 * small_chunks}, 256)")):
        S(np.zeros((4 * small_chunks, 256), np.float32))
