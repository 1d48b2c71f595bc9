"""The machinery behind the speed: alias banks, the NumPy backend's real FFTs, step budgets.

Each test compares a fast path with the plain formula it replaces, over grids of shapes.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.fft

import kymatio.core._batching as batching
from kymatio.core._periodize import alias_bank, slice_bank
from kymatio.core.backend import Backend
from kymatio.numpy import HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering
from kymatio.numpy._backend import backend as numpy_backend


def periodized_reference(x, filters, k, ndim):
    """The formula: full product, then the mean over the k**ndim aliases."""
    y = x * filters
    lead = y.shape[: y.ndim - ndim]
    split = [d for n in y.shape[y.ndim - ndim:] for d in (k, n // k)]
    return y.reshape(lead + tuple(split)).mean(axis=tuple(range(len(lead), len(lead) + 2 * ndim, 2)))


def gaussian_stack(shape, centres, width):
    """Periodic Gaussian bumps (narrow filters) in the Fourier domain, one per centre."""
    grids = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    out = []
    for centre in centres:
        d2 = sum(np.minimum(np.abs(g - c), n - np.abs(g - c)) ** 2
                 for g, c, n in zip(grids, centre, shape))
        out.append(np.exp(-d2 / (2 * width**2)))
    return np.stack(out)


@pytest.mark.parametrize("ndim,shape,k", [
    (len(shape), shape, k) for shape in [(64,), (96,), (16, 24), (8, 8, 16)] for k in (1, 2, 4, 8)
    if not any(n % k for n in shape)])
@pytest.mark.parametrize("width", [0.7, 3.0, 50.0])
def test_alias_bank_product_equals_product_then_periodise(ndim, shape, k, width):
    rng = np.random.default_rng(k)
    centres = [tuple(rng.integers(0, n) for n in shape) for _ in range(3)]
    filters = gaussian_stack(shape, centres, width)
    x = rng.standard_normal((2, 1) + shape) + 1j * rng.standard_normal((2, 1) + shape)
    bank = alias_bank(filters, k, ndim)
    expected = periodized_reference(x, filters, k, ndim)
    for backend in (numpy_backend, _Generic()):
        got = backend.periodized_product(x, bank)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13 * np.abs(expected).max())
    # Narrow filters lose blocks; nothing is dropped that holds more than 1e-15 of a peak.
    assert 1 <= len(bank["blocks"]) <= k**ndim
    if width == 0.7 and k >= 4 and ndim == 1:
        assert len(bank["blocks"]) < k**ndim


class _Generic(Backend):
    """The protocol's default periodized_product over NumPy (crop, cdgmm and +)."""

    def crop(self, x, bounds):
        return numpy_backend.crop(x, bounds)

    def cdgmm(self, x, filters):
        return x * filters

    def take(self, x, indices, axis):
        return np.take(x, indices, axis=axis)

    def modulus_rotation(self, x, axis):
        return np.sqrt(np.sum(np.abs(x) ** 2, axis=axis))


def test_alias_bank_slices_and_errors():
    filters = gaussian_stack((32,), [(3,), (9,), (20,)], 1.0)
    bank = alias_bank(filters, 4)
    part = slice_bank(bank, 1, 3)
    assert part["blocks"] == bank["blocks"]
    assert [f.shape[0] for f in part["filters"]] == [2] * len(bank["blocks"])
    assert slice_bank(bank, 0, 3) is bank
    assert all(f.dtype == np.float64 for f in bank["filters"])  # real filters stay real
    assert alias_bank(filters * 1j, 4)["filters"][0].dtype == np.complex128
    # One narrow bump in the middle of a block: that block and at most its two neighbours.
    assert len(alias_bank(gaussian_stack((64,), [(20,)], 1.0), 8)["blocks"]) <= 3
    with pytest.raises(ValueError, match="cannot be subsampled by 3"):
        alias_bank(filters, 3)


@pytest.mark.parametrize("shape,ndim", [
    ((3, 8), 1), ((3, 7), 1), ((2, 1), 1), ((2, 2), 1), ((2, 6, 8), 2), ((2, 5, 7), 2),
    ((4, 1, 9), 2), ((2, 4, 6, 8), 3), ((1, 5, 3, 7), 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_rfft_is_the_full_spectrum(shape, ndim, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    got = numpy_backend.rfft(x, ndim)
    expected = scipy.fft.fftn(x.astype(np.float64), axes=tuple(range(-ndim, 0)))
    assert got.dtype == (np.complex64 if dtype == np.float32 else np.complex128)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected, atol=tol * np.abs(expected).max())


TRANSFORMS = {
    "1d": (Scattering1D, dict(J=5, shape=256, Q=(4, 2)), (3, 256)),
    "1d_stride": (Scattering1D, dict(J=5, shape=256, Q=2, T=16, stride=2), (3, 256)),
    "2d": (Scattering2D, dict(J=3, shape=(24, 32), L=4), (3, 24, 32)),
    "jtfs": (TimeFrequencyScattering, dict(J=5, J_fr=2, Q=4, shape=256, format="joint"), (3, 256)),
    "3d": (HarmonicScattering3D, dict(J=1, shape=(8, 8, 8), L=1), (3, 8, 8, 8)),
}


@pytest.mark.parametrize("kind", list(TRANSFORMS))
def test_one_path_per_step_gives_the_same_numbers(kind, monkeypatch):
    cls, kwargs, shape = TRANSFORMS[kind]
    x = np.random.default_rng(5).standard_normal(shape)
    expected = cls(**kwargs)(x)
    monkeypatch.setattr(batching, "STEP_FACTOR", 0)
    monkeypatch.setattr(batching, "MIN_STEP", 1)
    np.testing.assert_allclose(cls(**kwargs)(x), expected, rtol=1e-12, atol=1e-14)


def test_step_budget_follows_the_input():
    assert batching.step_budget(10) == batching.MIN_STEP
    assert batching.step_budget(10**7) == batching.STEP_FACTOR * 10**7
    assert batching.step_width(100, 30) == 3
    assert batching.step_width(10, 30) == 1
    assert list(batching.chunks(5, 2)) == [(0, 2), (2, 4), (4, 5)]
    assert list(itertools.chain(batching.chunks(0, 3))) == []


# -- batches split across threads (kymatio.numpy) -----------------------------------------------
@pytest.fixture
def two_threads(monkeypatch):
    """Split every batch in two threads, whatever this machine has."""
    monkeypatch.setattr(numpy_backend, "workers", 2)
    monkeypatch.setattr("kymatio.numpy._frontend.MIN_SPLIT_SAMPLES", 1)


OUT_TYPES = {"1d": ("array", "dict", "list"), "1d_stride": ("array", "dict", "list"),
             "2d": ("array", "list"), "jtfs": ("array", "dict", "list"), "3d": ("array",)}


def assert_identical(a, b):
    """Same structure, same keys and labels, bitwise-equal arrays."""
    assert type(a) is type(b)
    if isinstance(a, np.ndarray):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_identical(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            assert_identical(u, v)
    else:
        assert a == b


@pytest.mark.parametrize("kind,out_type", [(k, o) for k in TRANSFORMS for o in OUT_TYPES[k]])
def test_split_batch_gives_the_same_numbers(kind, out_type, two_threads, monkeypatch):
    cls, kwargs, shape = TRANSFORMS[kind]
    S = cls(**kwargs)
    S.out_type = out_type
    x = np.random.default_rng(7).standard_normal((2, 3) + shape[1:]).astype(np.float32)
    assert S._split_threads(x) == 2
    split = S(x)
    monkeypatch.setattr(numpy_backend, "workers", 1)
    assert S._split_threads(x) == 1
    assert_identical(split, S(x))


@pytest.mark.parametrize("kind,out_type", [(k, o) for k in TRANSFORMS for o in OUT_TYPES[k]])
def test_batch_in_chunks_gives_the_same_numbers(kind, out_type, monkeypatch):
    cls, kwargs, shape = TRANSFORMS[kind]
    S = cls(**kwargs)
    S.out_type = out_type
    x = np.random.default_rng(8).standard_normal((2, 3) + shape[1:])
    monkeypatch.setattr(numpy_backend, "workers", 1)
    whole = S(x)
    monkeypatch.setattr("kymatio.core._frontend.CHUNK_SAMPLES", 1)  # one signal per chunk
    assert_identical(S(x), whole)


def test_split_batch_errors_name_the_callers_shape(two_threads):
    S = Scattering1D(J=4, shape=128)
    with pytest.raises(ValueError, match=r"\(4, 100\)"):
        S(np.zeros((4, 100)))
    with pytest.raises(TypeError, match="int64"):
        S(np.zeros((4, 128), dtype=np.int64))


def test_workers_setting_is_checked():
    with pytest.raises(ValueError, match="workers must be -1 or an integer >= 1, got 0"):
        numpy_backend.workers = 0
    assert numpy_backend.workers == -1
    with numpy_backend.single_threaded():
        assert numpy_backend.workers == 1 and numpy_backend.threads() == 1
    assert numpy_backend.workers == -1


def test_small_ffts_run_on_one_thread(monkeypatch):
    import kymatio.numpy._backend as nb

    monkeypatch.setattr(numpy_backend, "workers", 4)
    per = nb.FFT_SAMPLES_PER_THREAD
    assert numpy_backend._nthreads() == 4
    assert numpy_backend._nthreads(per - 1) == 1
    assert numpy_backend._nthreads(2 * per) == 2
    assert numpy_backend._nthreads(100 * per) == 4
    monkeypatch.setattr(numpy_backend, "workers", 1)
    assert numpy_backend._nthreads(100 * per) == 1
    # And the transforms use it: a small spectrum with 4 workers is the 1-worker one, bit for bit.
    x = np.random.default_rng(0).standard_normal((3, 64)).astype(np.float32)
    one = numpy_backend.rfft(x)
    monkeypatch.setattr(numpy_backend, "workers", 4)
    np.testing.assert_array_equal(numpy_backend.rfft(x), one)


@pytest.mark.parametrize("signal,batch,split", [
    ((1024,), 32, False),     # 1-D: a thread's share must hold 2 * MIN_SPLIT_SAMPLES samples
    ((1024,), 64, True),
    ((32, 32), 32, True),     # 2-D and 3-D: MIN_SPLIT_SAMPLES
    ((32, 32), 16, False),
    ((16, 16, 16), 8, True),
])
def test_batch_split_threshold_by_dimension(signal, batch, split, monkeypatch):
    monkeypatch.setattr(numpy_backend, "workers", 2)
    S = {1: lambda: Scattering1D(J=4, shape=signal[0]),
         2: lambda: Scattering2D(J=2, shape=signal, L=4),
         3: lambda: HarmonicScattering3D(J=1, shape=signal, L=1)}[len(signal)]()
    x = np.zeros((batch,) + signal, dtype=np.float32)
    assert S._split_threads(x) == (2 if split else 1)


# -- alias banks as one stacked array; the gathered product ------------------------------------------
@pytest.mark.parametrize("ndim,shape,k", [(1, (256,), 32), (2, (48, 48), 8), (2, (32, 64), 16),
                                          (3, (16, 16, 16), 4)])
def test_gathered_product_equals_the_block_loop(ndim, shape, k):
    """Many small blocks take the gathered path (one product, one sum); it equals the per-block
    accumulation, for the stacked bank and for the same bank given as a list."""
    import kymatio.numpy._backend as nb

    rng = np.random.default_rng(ndim)
    centres = [tuple(rng.integers(0, n) for n in shape) for _ in range(2)]
    filters = gaussian_stack(shape, centres, 4.0) * np.exp(1j * rng.standard_normal(shape))
    bank = alias_bank(filters, k, ndim)
    assert isinstance(bank["filters"], np.ndarray) and len(bank["filters"]) == len(bank["blocks"])
    assert len(bank["blocks"]) >= nb.GATHER_MIN_BLOCKS  # the gathered path is the one tested
    x = rng.standard_normal((3, 1) + shape) + 1j * rng.standard_normal((3, 1) + shape)
    expected = periodized_reference(x, filters, k, ndim)
    as_list = dict(bank, filters=list(bank["filters"]))
    for b in (numpy_backend, _Generic()):
        for candidate in (bank, as_list):
            got = b.periodized_product(x, candidate)
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13 * np.abs(expected).max())


# -- 3-D: orders +-m in pairs -------------------------------------------------------------------------
def test_paired_orders_hold_exactly_where_claimed():
    """Where paired_orders says so, |x * psi_{l,-m}| = |x * psi_{l,m}| for a real x to rounding;
    where it does not (j = 0, and every odd size), the two differ by far more than rounding."""
    from kymatio.core.filters3d import solid_harmonic_factors

    f = solid_harmonic_factors(16, 16, 16, J=2, L=2, sigma_0=1.0)
    paired = f["paired"]["float64"]
    assert paired == ((True,) * 3, (False, False, True), (False, False, True))
    odd = solid_harmonic_factors(15, 16, 16, J=3, L=2, sigma_0=1.0)["paired"]
    assert not any(any(row) for rows in odd.values() for row in rows)
    x_hat = np.fft.fftn(np.random.default_rng(0).standard_normal((16, 16, 16)))
    for l in (1, 2):
        H = f["harmonics"][l]
        for j in range(3):
            for m in range(1, l + 1):
                plus = np.abs(np.fft.ifftn(x_hat * f["gaussians"][j] * H[l + m]))
                minus = np.abs(np.fft.ifftn(x_hat * f["gaussians"][j] * H[l - m]))
                gap = np.abs(plus - minus).max() / plus.max()
                if paired[l][j]:
                    assert gap < 1e-13
                else:
                    assert gap > 1e-10, (l, j, m, gap)
    # The same condition makes the order m = 0 a real convolution (transformed by a real inverse
    # FFT where paired): exactly for l = 0, the Gaussian alone.
    for l in (0, 1, 2):
        for j in range(3):
            wave = np.fft.ifftn(x_hat * f["gaussians"][j] * f["harmonics"][l][l])
            imaginary = np.abs(wave.imag).max() / np.abs(wave).max()
            if paired[l][j]:
                assert imaginary < 1e-13, (l, j, imaginary)
            elif l % 2:  # (an even degree's m = 0 factor is even on the grid: real anyway)
                assert imaginary > 1e-10, (l, j, imaginary)


def test_float32_pairs_more_orders_within_float32_rounding():
    """At float32's PAIRING_RTOL the j = 1 wavelets of degrees 1 and 2 pair too (sigma_0 = 1), not
    those of degree 3; where paired, |x * psi_{l,-m}| and |x * psi_{l,m}| differ by less than
    float32's epsilon of the peak, even for an input whose spectrum sits on the Nyquist planes."""
    from kymatio.core.filters3d import PAIRING_RTOL, paired_orders, solid_harmonic_factors

    f = solid_harmonic_factors(16, 16, 16, J=2, L=3, sigma_0=1.0)
    assert f["paired"]["float64"] == paired_orders(f["gaussians"], f["harmonics"])
    assert f["paired"]["float32"] == ((True,) * 3, (False, True, True), (False, True, True),
                                               (False, False, True))
    assert PAIRING_RTOL["float32"] == pytest.approx(1e-15 * 2.0**29)
    eps32 = float(np.finfo(np.float32).eps)
    rng = np.random.default_rng(5)
    checker = (-1.0) ** np.indices((16, 16, 16)).sum(axis=0)  # spectrum at the Nyquist corner
    for x in (rng.standard_normal((16, 16, 16)), checker + 0.01 * rng.standard_normal((16, 16, 16))):
        x_hat = np.fft.fftn(x)
        scale = np.abs(x).max()
        for l in (1, 2):
            H = f["harmonics"][l]
            for m in range(1, l + 1):
                G = f["gaussians"][1]
                plus = np.abs(np.fft.ifftn(x_hat * G * H[l + m]))
                minus = np.abs(np.fft.ifftn(x_hat * G * H[l - m]))
                peak = np.abs(G * H[l + m]).max()
                assert np.abs(plus - minus).max() < eps32 * scale * peak * x.size ** 0.5, (l, m)


@pytest.mark.parametrize("shape,sigma_0", [((16, 16, 16), 1.0), ((32, 16, 16), 1.0), ((12, 16, 8), 1.0)])
def test_3d_float32_with_its_pairs_equals_float64_to_float32_rounding(shape, sigma_0):
    """The float32 transform (more orders paired) stays as close to the float64 one (fewer paired)
    as float32 rounding allows."""
    S = HarmonicScattering3D(J=2, shape=shape, L=2, sigma_0=sigma_0)
    pairs = S._filters_np["paired"]
    assert sum(map(sum, pairs["float32"])) > sum(map(sum, pairs["float64"]))
    x = np.random.default_rng(2).standard_normal((2,) + shape)
    expected = S(x)
    got = S(x.astype(np.float32))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=1e-6 * np.abs(expected).max())
    unpaired = {k: tuple((False,) * 3 for _ in range(3)) for k in pairs}
    S._set_filters(dict(S._filters_np, paired=unpaired))
    np.testing.assert_allclose(got, S(x.astype(np.float32)), rtol=2e-5,
                               atol=1e-6 * np.abs(expected).max())


@pytest.mark.parametrize("shape,sigma_0", [((16, 16, 16), 1.0), ((12, 16, 8), 1.5), ((8, 8, 8), 2.0)])
def test_3d_with_paired_orders_equals_all_orders(shape, sigma_0):
    from kymatio.core.filters3d import PAIRING_RTOL

    S = HarmonicScattering3D(J=2, shape=shape, L=3, sigma_0=sigma_0)
    assert any(any(row) for row in S._filters_np["paired"]["float64"])
    x = np.random.default_rng(1).standard_normal((2,) + shape)
    got = S(x)
    S._set_filters(dict(S._filters_np,
                        paired={k: tuple((False,) * 3 for _ in range(4)) for k in PAIRING_RTOL}))
    expected = S(x)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)


def test_modulus_rotation_paired_counts_each_later_entry_twice():
    z = np.random.default_rng(2).standard_normal((2, 4, 5, 3)) * (1 + 2j)
    for b in (numpy_backend, _Generic()):
        expected = np.sqrt(np.abs(z[:, 0]) ** 2 + 2 * (np.abs(z[:, 1:]) ** 2).sum(axis=1))
        np.testing.assert_allclose(b.modulus_rotation_paired(z, axis=1), expected, rtol=1e-14)
    np.testing.assert_allclose(numpy_backend.modulus_rotation(z, axis=-1),
                               np.sqrt((np.abs(z) ** 2).sum(axis=-1)), rtol=1e-14)
    flat = np.abs(z[:, 0])
    np.testing.assert_allclose(numpy_backend.integrals(flat, [0.5, 1, 2, 3], ndim=2),
                               np.stack([(flat**p).sum(axis=(-2, -1)) for p in (0.5, 1, 2, 3)], -1),
                               rtol=1e-13)


@pytest.mark.parametrize("J, L, shape", [(2, 4, (32, 32)), (3, 2, (48, 40)), (1, 3, (20, 28))])
def test_short_row_blocks_copied_contiguous_give_the_same_bits(J, L, shape, monkeypatch):
    import kymatio.numpy._backend as nb
    S = Scattering2D(J=J, shape=shape, L=L)
    x = np.random.default_rng(3).standard_normal((3,) + shape).astype(np.float32)
    monkeypatch.setattr(nb, "SHORT_ROW", 0)  # every block product on strided views
    strided = S(x)
    monkeypatch.setattr(nb, "SHORT_ROW", 10**6)  # every block copied contiguous first
    np.testing.assert_array_equal(S(x), strided)


# -- the NumPy backend's FFTs: SciPy's pocketfft binding called directly, in place where allowed ---
def test_numpy_backend_uses_the_checked_pocketfft_binding():
    import kymatio.numpy._backend as nb

    assert nb._POCKETFFT is not None  # SciPy >= 1.17 has it; the import-time check passed


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,ndim", [((3, 2, 17), 1), ((2, 1, 12, 9), 2), ((2, 6, 5, 8), 3)])
def test_numpy_backend_ffts_equal_scipy_fft_with_and_without_the_binding(monkeypatch, dtype, shape,
                                                                        ndim):
    import kymatio.numpy._backend as nb

    x = np.random.default_rng(4).standard_normal(shape).astype(dtype)
    axes = tuple(range(-ndim, 0))
    spectrum = scipy.fft.fftn(x, axes=axes)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for binding in (nb._POCKETFFT, None):
        monkeypatch.setattr(nb, "_POCKETFFT", binding)
        full = numpy_backend.rfft(x, ndim)
        assert full.dtype == spectrum.dtype and full.shape == x.shape
        np.testing.assert_allclose(full, spectrum, rtol=rtol, atol=rtol * np.abs(spectrum).max())
        np.testing.assert_allclose(numpy_backend.fft(spectrum, ndim), scipy.fft.fftn(spectrum, axes=axes),
                                   rtol=rtol, atol=rtol * np.abs(spectrum).max() * x.size)
        np.testing.assert_allclose(numpy_backend.ifft(spectrum, ndim), x, rtol=rtol, atol=rtol)
        np.testing.assert_allclose(numpy_backend.irfft(spectrum, ndim), x, rtol=rtol, atol=rtol)
        owned = spectrum.copy()
        result = numpy_backend.ifft_owned(owned, ndim)
        np.testing.assert_allclose(result, x, rtol=rtol, atol=rtol)
        if binding is not None:  # computed in the given buffer
            assert np.shares_memory(result, owned)
        # A read-only spectrum is not written to.
        frozen = spectrum.copy()
        frozen.flags.writeable = False
        np.testing.assert_allclose(numpy_backend.ifft_owned(frozen, ndim), x, rtol=rtol, atol=rtol)
        np.testing.assert_array_equal(frozen, spectrum)


def test_default_ifft_owned_is_ifft_and_leaves_the_input():
    class Plain(_Generic):
        def ifft(self, x, ndim=1):
            return scipy.fft.ifftn(x, axes=tuple(range(-ndim, 0)))

    z = np.random.default_rng(6).standard_normal((2, 8, 8)) + 1j
    kept = z.copy()
    np.testing.assert_array_equal(Plain().ifft_owned(z, 2), scipy.fft.ifftn(kept, axes=(-2, -1)))
    np.testing.assert_array_equal(z, kept)


def test_default_irfft_owned_is_irfft():
    class Plain(_Generic):
        def irfft(self, x, ndim=1):
            return scipy.fft.irfftn(x[..., : x.shape[-1] // 2 + 1], s=x.shape[-ndim:],
                                    axes=tuple(range(-ndim, 0)))

    x = np.random.default_rng(6).standard_normal((2, 8, 6))
    spectrum = np.fft.fftn(x, axes=(-2, -1))
    np.testing.assert_array_equal(Plain().irfft_owned(spectrum.copy(), 2), Plain().irfft(spectrum, 2))


@pytest.mark.parametrize("shape,ndim", [((2, 1, 16, 16, 16), 3), ((2, 3, 12, 10, 9), 3),
                                        ((4, 24, 20), 2), ((3, 15, 16), 2), ((5, 32), 1), ((3, 9), 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_irfft_owned_equals_irfft(shape, ndim, dtype, monkeypatch):
    """In place over the leading axes, then the last: the same transforms in the same order, so
    the same bits where the leading sizes are powers of two (the split normalisation is exact) and
    within a rounding otherwise; and the inverse of rfft."""
    monkeypatch.setattr("kymatio.numpy._backend.OWNED_IRFFT_BYTES", 0)  # the in-place path always
    x = np.random.default_rng(3).standard_normal(shape).astype(dtype)
    spectrum = numpy_backend.rfft(x, ndim)
    want = numpy_backend.irfft(spectrum, ndim)
    work = spectrum.copy()
    got = numpy_backend.irfft_owned(work, ndim)
    assert got.dtype == want.dtype and got.shape == x.shape
    assert np.array_equal(work, spectrum) == (ndim == 1)  # n-axis: the spectrum was the workspace
    eps = np.finfo(dtype).eps
    if all(n & (n - 1) == 0 for n in shape[len(shape) - ndim: -1]):
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=0, atol=8 * eps * np.abs(want).max())
    np.testing.assert_allclose(got, x, rtol=0, atol=16 * eps * np.abs(x).max())
    # A read-only spectrum is left alone (irfft itself).
    frozen = spectrum.copy()
    frozen.flags.writeable = False
    np.testing.assert_array_equal(numpy_backend.irfft_owned(frozen, ndim), want)


def test_pocketfft_check_falls_back_when_the_binding_misbehaves(monkeypatch):
    import scipy.fft._pocketfft as private

    import kymatio.core._pocketfft as core_pocketfft

    class Broken:
        @staticmethod
        def r2c(*args):
            raise TypeError("changed signature")

    monkeypatch.setattr(private, "pypocketfft", Broken)
    assert core_pocketfft.load_pocketfft() is None
    monkeypatch.undo()
    assert core_pocketfft.load_pocketfft() is private.pypocketfft


def test_modulus_rotation_paired_real_is_optional_and_both_3d_paths_agree():
    """A backend without modulus_rotation_paired_real (the protocol's default raises) gets the
    complex path for m = 0; the NumPy backend's real path gives the same numbers to rounding."""
    from kymatio.numpy._backend import NumpyBackend

    z = np.random.default_rng(8).standard_normal((2, 3, 4, 5)) * (1 + 1j)
    x0 = np.random.default_rng(9).standard_normal((2, 1, 4, 5))
    np.testing.assert_allclose(numpy_backend.modulus_rotation_paired_real(x0, z, 1),
                               np.sqrt(x0[:, 0] ** 2 + 2 * (np.abs(z) ** 2).sum(axis=1)), rtol=1e-14)
    np.testing.assert_allclose(numpy_backend.modulus_rotation_paired_real(x0, None, 1),
                               np.abs(x0[:, 0]), rtol=0)
    with pytest.raises(NotImplementedError):
        Backend().modulus_rotation_paired_real(x0, z, 1)

    class ComplexOnly(NumpyBackend):
        name = "numpy-complex-only"
        modulus_rotation_paired_real = Backend.modulus_rotation_paired_real

    x = np.random.default_rng(10).standard_normal((2, 16, 16, 16))
    real_path = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2)(x)
    complex_path = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2, backend=ComplexOnly())(x)
    np.testing.assert_allclose(complex_path, real_path, rtol=1e-12, atol=0)


@pytest.mark.parametrize("kind", ["1d", "2d", "3d"])
def test_float64_source_released_after_a_float32_conversion_and_rebuilt(kind):
    import pickle

    cls, kwargs, shape = TRANSFORMS[kind]
    x = np.random.default_rng(6).standard_normal(shape)
    S = cls(**kwargs)
    out32 = S(x.astype(np.float32))
    # The float32 copies share no array with the float64 source, which is let go...
    assert S.__dict__["_filters_source"] is None
    leaves = []
    from kymatio.core._frontend import _map_arrays
    _map_arrays(S._filters_cache["float32"], leaves.append)
    assert leaves and all(a.dtype in (np.float32, np.complex64) for a in leaves)
    # ... and built again, the same, where float64 is asked for (or by a copy).
    fresh = cls(**kwargs)
    np.testing.assert_array_equal(S(x), fresh(x))
    np.testing.assert_array_equal(S(x.astype(np.float32)), out32)
    copy = pickle.loads(pickle.dumps(S))
    np.testing.assert_array_equal(copy(x), fresh(x))


def test_filters_set_without_a_rebuild_are_kept():
    S = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1)
    S._set_filters(dict(S._filters_np))  # custom filters: nothing could build them again
    S(np.zeros((8, 8, 8), np.float32))
    assert S.__dict__["_filters_source"] is not None


# -- low-passes as matrix products in space ------------------------------------------------------
def _lowpass_by_fft(u, g, k, ndim):
    """The formula: the spectrum times g, periodised, then the inverse FFT of the subsampled size."""
    spectrum = np.fft.fftn(u, axes=tuple(range(-ndim, 0)))
    return np.fft.ifftn(periodized_reference(spectrum, g, k, ndim), axes=tuple(range(-ndim, 0))).real


def _even_gaussian(n, width):
    q = np.minimum(np.arange(n), n - np.arange(n))
    return np.exp(-q**2 / (2 * width**2))


@pytest.mark.parametrize("shape,k", [((24,), 1), ((24,), 4), ((16, 24), 2), ((40, 40), 4),
                                     ((12, 8), 4), ((8, 8, 16), 2)])
@pytest.mark.parametrize("width", [0.8, 4.0])
def test_lowpass_operators_equal_the_fourier_route(shape, k, width):
    from kymatio.core._periodize import RealOperator, lowpass_operators

    ndim = len(shape)
    lines = [_even_gaussian(n, width * (1 + d)) for d, n in enumerate(shape)]
    g = lines[0]
    for line in lines[1:]:
        g = np.multiply.outer(g, line)
    ops = lowpass_operators(g * 0.7, k, ndim)
    assert ops is not None and all(isinstance(A, RealOperator) for A in ops)
    assert [A.shape for A in ops] == [(n // k, n) for n in shape]
    u = np.random.default_rng(len(shape) + k).standard_normal((3, 2) + shape)
    expected = _lowpass_by_fft(u, g * 0.7, k, ndim)
    got = numpy_backend.apply_matrices(u, ops)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13 * np.abs(expected).max())


def test_lowpass_operators_refuse_filters_that_are_not_real_even_and_separable():
    from kymatio.core._periodize import lowpass_operators

    g = np.multiply.outer(_even_gaussian(16, 2.0), _even_gaussian(16, 3.0))
    assert lowpass_operators(g, 2, 2) is not None
    assert lowpass_operators(g + 1e-3 * np.eye(16), 2, 2) is None            # not separable
    odd = np.multiply.outer(np.roll(_even_gaussian(16, 2.0), 1), _even_gaussian(16, 3.0))
    assert lowpass_operators(odd, 2, 2) is None                              # not even
    assert lowpass_operators(g * (1 + 1e-3j), 2, 2) is None                  # not real
    assert lowpass_operators(g * (1 + 0j), 2, 2) is not None                 # real in a complex dtype
    assert lowpass_operators(g, 3, 2) is None                                # k does not divide
    assert lowpass_operators(np.zeros((4, 4)), 2, 2) is None


@pytest.mark.parametrize("J,L,shape,max_order", [(1, 3, (16, 16), 2), (2, 8, (32, 32), 2),
                                                 (3, 4, (40, 56), 2), (4, 2, (64, 48), 2),
                                                 (3, 6, (32, 32), 1), (6, 2, (64, 64), 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_2d_low_passes_in_space_equal_the_fourier_route(J, L, shape, max_order, dtype, monkeypatch):
    from kymatio.numpy._backend import NumpyBackend

    x = np.random.default_rng(J * L).standard_normal((3,) + shape).astype(dtype)
    S = Scattering2D(J=J, shape=shape, L=L, max_order=max_order)
    assert all(ops is not None for ops in S._filters(np.dtype(dtype).name)["phi_ops"])
    in_space = S(x)
    monkeypatch.setattr(NumpyBackend, "matrix_products", False)
    fourier = S(x)
    tol = 2e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(in_space, fourier, rtol=0, atol=tol * np.abs(fourier).max())
    assert in_space.dtype == fourier.dtype == dtype


def test_2d_takes_the_matrix_route_only_on_backends_that_have_it(monkeypatch):
    from kymatio.numpy._backend import NumpyBackend

    calls = []

    class Counting(NumpyBackend):
        name = "numpy-counting"

        def apply_matrices(self, x, matrices):
            calls.append(tuple(x.shape))
            return super().apply_matrices(x, matrices)

    x = np.random.default_rng(1).standard_normal((2, 32, 32))
    S = Scattering2D(J=3, shape=(32, 32), L=2, backend=Counting())
    S.backend.workers = 1
    reference = Scattering2D(J=3, shape=(32, 32), L=2)(x)
    np.testing.assert_allclose(S(x), reference, rtol=0, atol=1e-13 * np.abs(reference).max())
    # Every second-order low-pass at least (their FFTs are saved), and the last first-order scale.
    assert len(calls) >= 1 + 3
    calls.clear()
    monkeypatch.setattr(Counting, "matrix_products", False)
    np.testing.assert_allclose(S(x), reference, rtol=0, atol=1e-13 * np.abs(reference).max())
    assert calls == []
    with pytest.raises(NotImplementedError):
        Backend().apply_matrices(x, [np.eye(32)])


def test_matrix_filters_stay_real_under_complex_filters():
    S = Scattering2D(J=2, shape=(16, 16), L=2)
    plan = S._filters("float32")
    assert all(A.dtype == np.float32 and type(A) is np.ndarray for ops in plan["phi_ops"] for A in ops)
    assert plan["phi"][0]["filters"].dtype == np.complex64  # the banks are complex as before


def test_blas_single_threaded_nests_across_threads_and_restores():
    import threading

    from kymatio.numpy import _blas

    controllers = _blas._controllers()
    assert controllers, "threadpoolctl found no BLAS library of NumPy"
    before = [c.num_threads for c in controllers]
    inside = threading.Event()
    release = threading.Event()
    seen = []

    def worker():
        with _blas.blas_single_threaded():
            inside.set()
            release.wait(10)
            seen.append([c.num_threads for c in controllers])

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(10)
    with _blas.blas_single_threaded():
        assert all(c.num_threads == 1 for c in controllers)
    # The other thread is still inside: one thread, although this one left.
    assert all(c.num_threads == 1 for c in controllers)
    release.set()
    thread.join(10)
    assert seen == [[1] * len(controllers)]
    assert [c.num_threads for c in controllers] == before


@pytest.mark.parametrize("N,n", [(20, 10), (240, 30), (6, 3)])
def test_apply_matrices_rounds_each_signal_alike_whatever_the_batch(N, n):
    rng = np.random.default_rng(N)
    A = rng.standard_normal((n, N)).astype(np.float32)
    B = rng.standard_normal((n, N)).astype(np.float32)
    x = rng.standard_normal((37, N, N)).astype(np.float32)
    whole = numpy_backend.apply_matrices(x, [A, B])
    np.testing.assert_allclose(whole, A @ x @ B.T, rtol=0, atol=1e-5 * np.abs(whole).max())
    for a, b in [(0, 1), (3, 5), (5, 36)]:
        np.testing.assert_array_equal(numpy_backend.apply_matrices(x[a:b].copy(), [A, B]), whole[a:b])
        with numpy_backend.single_threaded():
            np.testing.assert_array_equal(numpy_backend.apply_matrices(x[a:b], [A, B]), whole[a:b])


def test_split_batch_leaves_the_blas_threads_as_they_were(two_threads):
    """The pool's threads set BLAS to one thread; the limit comes back once they are done, and
    can still be set from the calling thread (threadpoolctl lets only one thread set it)."""
    from kymatio.numpy import _blas

    controllers = _blas._controllers()
    for controller in controllers:
        _blas._set_threads(controller, 2)
    S = Scattering2D(J=2, shape=(32, 32), L=2)
    for _ in range(2):
        S(np.random.default_rng(3).standard_normal((4, 32, 32)))
        assert [c.num_threads for c in controllers] == [2] * len(controllers)
    with _blas.blas_single_threaded():
        assert [c.num_threads for c in controllers] == [1] * len(controllers)
    assert [c.num_threads for c in controllers] == [2] * len(controllers)
