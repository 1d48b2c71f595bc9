"""The NumPy/SciPy backend: ``scipy.fft`` on all cores, NumPy for everything else."""
from __future__ import annotations

import contextlib
import contextvars
import itertools
import os

import numpy as np
import scipy.fft

from kymatio.core._pocketfft import POCKETFFT as _POCKETFFT
from kymatio.core._squares import paired_real_sum_squares, sum_squares
from kymatio.core.backend import Backend

from ._blas import blas_single_threaded

__all__ = ["NumpyBackend", "backend", "usable_cpus"]

# Set to 1 inside the threads of a batch split (kymatio.numpy's frontends): each thread's FFTs then
# run on that thread alone instead of every thread asking scipy.fft for every core.
_SINGLE_THREADED = contextvars.ContextVar("kymatio_numpy_single_threaded", default=False)
# A bound on the threads of the calls made in this context (0: none): the torch frontends' CPU
# inference runs these kernels within torch.get_num_threads().
_THREAD_LIMIT = contextvars.ContextVar("kymatio_numpy_thread_limit", default=0)


def usable_cpus() -> int:
    """The number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_AXES = {1: (-1,), 2: (-2, -1), 3: (-3, -2, -1)}


def _axes(ndim: int) -> tuple[int, ...]:
    axes = _AXES.get(ndim)
    return axes if axes is not None else tuple(range(-ndim, 0))


_REAL = (np.dtype(np.float32), np.dtype(np.float64))
_COMPLEX = (np.dtype(np.complex64), np.dtype(np.complex128))


# periodized_product gathers the kept alias blocks of a spectrum into one array when there are at
# least this many and each block's product is at most this many elements (larger blocks cost more
# to gather than the calls saved: measured on the 2-D J=6 banks).
GATHER_MIN_BLOCKS = 8
GATHER_MAX_BLOCK = 2**12
# Blocks whose rows are shorter than this are copied contiguous before their product.
SHORT_ROW = 64
# An FFT runs on one more thread per this many elements. Measured with pocketfft's c2c on two
# cores, back to back: 2 threads took 1.9x the time of one at 8,192 and 25,600 (2-D) elements,
# 0.9x at 55,296 (3-D), 0.77x at 65,536 and 131,072, 0.5x from 400,000; between other calls,
# whose pauses let its threads sleep, 65,536 were no faster (1-D J=8 Q=1 on 32x1024 signals, its
# FFTs of 32x2048 on two threads: 1.04x the time on one).
FFT_SAMPLES_PER_THREAD = 2**16
# irfft_owned works in the spectrum's memory when pocketfft's half-spectrum temporary would be at
# least this large (3d-128, 8.5 MB per volume: 0.92-0.94x of the forward time; 3d-32, 139 KB,
# which malloc serves from memory it has already: 1.02-1.07x, two calls instead of one).
OWNED_IRFFT_BYTES = 2**22
# OpenBLAS computes a matrix product of more multiply-adds (m n k) than this on one thread.
BLAS_THREADED_WORK = 2**18


_SLICES: dict = {}


def _block_slices(blocks, lengths: tuple) -> tuple:
    """``x[index[b]]`` is alias block ``blocks[b]`` (of shape ``lengths``) of the last axes of ``x``;
    cached per bank layout (a Python-level cost of ~5 us per call on the small 1-D steps)."""
    key = (tuple(map(tuple, blocks)), lengths)
    index = _SLICES.get(key)
    if index is None:
        if len(_SLICES) > 4096:  # many plans over time: start again rather than grow
            _SLICES.clear()
        index = _SLICES[key] = tuple(
            (Ellipsis,) + tuple(slice(i * n, (i + 1) * n) for i, n in zip(block, lengths))
            for block in blocks)
    return index


def _out_size(x, filters, ndim: int) -> int:
    """Elements of the product of ``x``'s blocks with one block of a stacked bank."""
    lead = np.broadcast_shapes(x.shape[: x.ndim - ndim], filters.shape[1: filters.ndim - ndim])
    return int(np.prod(lead)) * int(np.prod(filters.shape[filters.ndim - ndim:]))


def _gather_blocks(x, blocks, k: int, ndim: int):
    """``(len(blocks), ..., *S/k)``: the alias blocks ``blocks`` of the last ``ndim`` axes of ``x``."""
    lengths = [n // k for n in x.shape[x.ndim - ndim:]]
    split = x.reshape(x.shape[: x.ndim - ndim] + tuple(v for n in lengths for v in (k, n)))
    index = np.asarray(blocks, dtype=np.intp).T
    gathered = split[(Ellipsis,) + tuple(v for d in range(ndim) for v in (index[d], slice(None)))]
    # Two or more index arrays apart put the block axis first; a single one leaves it in place.
    return np.moveaxis(gathered, -2, 0) if ndim == 1 else gathered


def _block_axis_first(filters, x):
    """A stacked bank ``(blocks, ..., *S)`` reshaped to broadcast against gathered blocks of ``x``."""
    pad = max(0, x.ndim - (filters.ndim - 1))
    return filters.reshape(filters.shape[:1] + (1,) * pad + filters.shape[1:])


class NumpyBackend(Backend):
    """Backend of the NumPy frontends.

    FFTs use :mod:`scipy.fft` with ``workers`` threads (``-1``: every core; set the attribute to 1
    for a single thread). Real signals are transformed by real-input FFTs (half the work), whose
    Hermitian half is mirrored into the full spectrum; the inverse FFTs of real results use
    half-spectrum real transforms. Products accumulate in place.
    """

    name = "numpy"
    frontend = "numpy"
    complex_filters = True
    matrix_products = True
    _workers = -1

    @property
    def workers(self) -> int:
        """Threads of each FFT: ``-1`` for every core (the default), or a positive number. Also the
        number of batch chunks the NumPy frontends compute in parallel (``-1``: one per core)."""
        if _SINGLE_THREADED.get():
            return 1
        limit = _THREAD_LIMIT.get()
        if limit:
            return min(limit, usable_cpus()) if self._workers == -1 else min(limit, self._workers)
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not (value == -1 or value >= 1):
            raise ValueError(f"workers must be -1 or an integer >= 1, got {value!r}.")
        self._workers = value

    def _nthreads(self, size: int | None = None) -> int:
        """Threads of one FFT of ``size`` elements: ``workers`` (``-1``: every CPU), but one per
        :data:`FFT_SAMPLES_PER_THREAD` elements at most (a transform's threads cost about 15 us to
        start and join, more than a transform of a few thousand samples)."""
        workers = self.workers
        threads = workers if workers > 0 else usable_cpus()
        if size is not None and threads > 1:
            threads = max(1, min(threads, size // FFT_SAMPLES_PER_THREAD))
        return threads

    def threads(self) -> int:
        """How many threads a batch may be split across: ``workers``, ``-1`` read as every CPU."""
        return usable_cpus() if self.workers == -1 else self.workers

    @staticmethod
    @contextlib.contextmanager
    def single_threaded():
        """Within this context (in this thread), every FFT runs on the calling thread only, and
        matrix products too (the process's BLAS is set to one thread meanwhile: see
        :mod:`kymatio.numpy._blas`)."""
        token = _SINGLE_THREADED.set(True)
        try:
            with blas_single_threaded():
                yield
        finally:
            _SINGLE_THREADED.reset(token)

    @staticmethod
    @contextlib.contextmanager
    def threads_at_most(threads: int):
        """Within this context (in this thread), FFTs and batch splits use at most ``threads``
        threads (a positive integer)."""
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise ValueError(f"threads must be an integer >= 1, got {threads!r}.")
        token = _THREAD_LIMIT.set(threads)
        try:
            yield
        finally:
            _THREAD_LIMIT.reset(token)

    def asarray(self, array, dtype):
        return np.ascontiguousarray(array, dtype=dtype)

    def rfft(self, x, ndim=1):
        # scipy.fft.fftn of a real array converts it to complex first: an r2c transform and a
        # mirrored copy of its half, X[-m] = conj(X[m]), cost less than half of that.
        n = x.shape[-1]
        full = np.empty(x.shape, dtype=np.complex64 if x.dtype == np.float32 else np.complex128)
        if _POCKETFFT is not None and x.dtype in _REAL:
            # Straight into the first half of the full spectrum (no half-size temporary).
            half = _POCKETFFT.r2c(x, _axes(ndim), True, 0, full[..., : n // 2 + 1],
                                  self._nthreads(x.size))
        else:
            half = (scipy.fft.rfft(x, workers=self._nthreads(x.size)) if ndim == 1 else
                    scipy.fft.rfftn(x, axes=_axes(ndim), workers=self._nthreads(x.size)))
            full[..., : n // 2 + 1] = half
        if ndim == 1:
            np.conjugate(half[..., (n + 1) // 2 - 1: 0: -1], out=full[..., n // 2 + 1:])
            return full
        # Along the other signal axes -m maps index 0 to 0 and 1.. to ..1 (reversed): one slice
        # pair per axis, written straight into the output (from the first half, which it does not
        # overlap).
        for ends in itertools.product((0, 1), repeat=ndim - 1):
            dst = tuple(slice(0, 1) if e == 0 else slice(1, None) for e in ends)
            src = tuple(slice(0, 1) if e == 0 else slice(None, 0, -1) for e in ends)
            np.conjugate(half[(Ellipsis,) + src + (slice((n + 1) // 2 - 1, 0, -1),)],
                         out=full[(Ellipsis,) + dst + (slice(n // 2 + 1, None),)])
        return full

    # The one-axis scipy.fft functions cost a third of the n-axis ones' Python overhead, which is
    # most of a transform of a few hundred samples; the binding itself costs less than either.
    def fft(self, x, ndim=1):
        if _POCKETFFT is not None and x.dtype in _COMPLEX:
            return _POCKETFFT.c2c(x, _axes(ndim), True, 0, None, self._nthreads(x.size))
        if ndim == 1:
            return scipy.fft.fft(x, workers=self._nthreads(x.size))
        return scipy.fft.fftn(x, axes=_axes(ndim), workers=self._nthreads(x.size))

    def ifft(self, x, ndim=1):
        if _POCKETFFT is not None and x.dtype in _COMPLEX:
            return _POCKETFFT.c2c(x, _axes(ndim), False, 2, None, self._nthreads(x.size))
        if ndim == 1:
            return scipy.fft.ifft(x, workers=self._nthreads(x.size))
        return scipy.fft.ifftn(x, axes=_axes(ndim), workers=self._nthreads(x.size))

    def ifft_owned(self, x, ndim=1):
        # In place: pocketfft writes the result into x's buffer (no second complex array).
        if not (x.dtype in _COMPLEX and x.flags.writeable):
            return self.ifft(x, ndim)
        if _POCKETFFT is not None:
            return _POCKETFFT.c2c(x, _axes(ndim), False, 2, x, self._nthreads(x.size))
        if ndim == 1:
            return scipy.fft.ifft(x, workers=self._nthreads(x.size), overwrite_x=True)
        return scipy.fft.ifftn(x, axes=_axes(ndim), workers=self._nthreads(x.size),
                               overwrite_x=True)

    def irfft(self, x, ndim=1):
        shape = x.shape[-ndim:]
        half = x[..., : shape[-1] // 2 + 1]
        if _POCKETFFT is not None and half.dtype in _COMPLEX:
            return _POCKETFFT.c2r(half, _axes(ndim), shape[-1], False, 2, None,
                                  self._nthreads(x.size))
        if ndim == 1:
            return scipy.fft.irfft(half, n=shape[-1], workers=self._nthreads(x.size))
        return scipy.fft.irfftn(half, s=shape, axes=_axes(ndim), workers=self._nthreads(x.size))

    def irfft_owned(self, x, ndim=1):
        # pocketfft's n-axis c2r transforms the leading axes into a fresh half-spectrum array,
        # then the last axis: here the leading axes are transformed in place in x's own half
        # (the same transforms in the same order; the normalisation applied per call, exact
        # for power-of-two sizes), then the last axis alone.
        n = x.shape[-1]
        if (ndim == 1 or _POCKETFFT is None or x.dtype not in _COMPLEX or not x.flags.writeable
                or x.size // n * (n // 2 + 1) * x.itemsize < OWNED_IRFFT_BYTES):
            return self.irfft(x, ndim)
        half = x[..., : n // 2 + 1]
        threads = self._nthreads(x.size)
        _POCKETFFT.c2c(half, _axes(ndim)[:-1], False, 2, half, threads)
        return _POCKETFFT.c2r(half, (-1,), n, False, 2, None, threads)

    def cdgmm(self, x, filters):
        return x * filters

    def periodized_product(self, x, bank):
        k, filters = bank["k"], bank["filters"]
        if k == 1:
            return x * filters[0]
        ndim, blocks = bank["ndim"], bank["blocks"]
        lengths = tuple(n // k for n in x.shape[x.ndim - ndim:])

        if (len(blocks) >= GATHER_MIN_BLOCKS and isinstance(filters, np.ndarray)
                and _out_size(x, filters, ndim) <= GATHER_MAX_BLOCK):
            # Many small blocks: gather them at once, one product, one sum (three calls instead
            # of two per block).
            return np.add.reduce(_gather_blocks(x, blocks, k, ndim) * _block_axis_first(filters, x),
                                 axis=0)

        index = _block_slices(blocks, lengths)
        # One output-sized buffer for the terms instead of the full product and a reduction.
        if ndim > 1 and lengths[-1] < SHORT_ROW:
            # 2-D/3-D blocks of short rows: copied contiguous (the smaller operand of a broadcast
            # product), so that the product runs over whole blocks, not row by row.
            out = np.multiply(np.ascontiguousarray(x[index[0]]), filters[0])
            if len(index) > 1:
                term = np.empty_like(out)
                for b in range(1, len(index)):
                    out += np.multiply(np.ascontiguousarray(x[index[b]]), filters[b], out=term)
            return out
        out = np.multiply(x[index[0]], filters[0])
        if len(index) > 1:
            term = np.empty_like(out)
            for b in range(1, len(index)):
                out += np.multiply(x[index[b]], filters[b], out=term)
        return out

    def apply_matrices(self, x, matrices):
        # One matrix product per signal (NumPy's stacked matmul), never one product of the rows of
        # the whole batch: OpenBLAS rounds a row differently with its place in a large product, and
        # the numbers must not depend on the batch or its chunks. Products that OpenBLAS would
        # spread over threads (its threshold: m n k > 2**18), which also round by thread layout,
        # run on one BLAS thread.
        if len(matrices) == 1:  # (rows, N) @ (N, n) per signal
            work = (x.shape[-2] if x.ndim > 1 else 1) * x.shape[-1] * matrices[0].shape[0]
        elif len(matrices) == 2:  # (N_1, N_2) @ (N_2, n_2), then (n_1, N_1) @ (N_1, n_2)
            (n1, N1), (n2, N2) = matrices[0].shape, matrices[1].shape
            work = max(N1 * N2 * n2, n1 * N1 * n2)
        else:
            work = BLAS_THREADED_WORK + 1
        context = blas_single_threaded() if work > BLAS_THREADED_WORK else contextlib.nullcontext()
        with context:
            if len(matrices) == 2:
                first, last = matrices
                return np.matmul(first, np.matmul(x, last.T))
            d = len(matrices)
            for i, matrix in enumerate(matrices):
                x = np.moveaxis(np.matmul(matrix, np.moveaxis(x, i - d, -2)), -2, i - d)
            return x

    def modulus(self, x):
        return np.abs(x)

    def modulus_rotation(self, x, axis):
        acc = sum_squares(x, axis % x.ndim)
        return np.sqrt(acc, out=acc)

    def modulus_rotation_paired(self, x, axis):
        acc = sum_squares(x, axis % x.ndim, 2.0)
        return np.sqrt(acc, out=acc)

    def modulus_rotation_paired_real(self, x0, x, axis):
        acc = paired_real_sum_squares(x0, x, axis % x0.ndim)
        return np.sqrt(acc, out=acc)

    def pad(self, x, pad_widths, mode="reflect"):
        widths = [(0, 0)] * (x.ndim - len(pad_widths)) + [tuple(w) for w in pad_widths]
        return np.pad(x, widths, mode=mode)

    def crop(self, x, bounds):
        index = (Ellipsis,) + tuple(slice(a, b) for a, b in bounds)
        return x[index]

    def stack(self, arrays, axis):
        return np.stack(arrays, axis=axis)

    def concatenate(self, arrays, axis):
        return np.concatenate(arrays, axis=axis)

    def take(self, x, indices, axis):
        indices = [int(i) for i in indices]
        if indices and indices == list(range(indices[0], indices[0] + len(indices))):
            # A range: a view, no copy.
            return x[(slice(None),) * (axis % x.ndim) + (slice(indices[0], indices[-1] + 1),)]
        return np.take(x, np.asarray(indices, dtype=np.intp), axis=axis)

    def transpose(self, x, axes):
        return np.transpose(x, tuple(axes))

    def reshape(self, x, shape):
        return np.reshape(x, tuple(shape))

    def sum(self, x, axis, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    def integrals(self, x, powers, ndim):
        flat = x.reshape(x.shape[: x.ndim - ndim] + (-1,))

        def integral(p):
            # The common powers without a temporary power array (1, 2) or with a cheaper one (1/2).
            if p == 1:
                return np.sum(flat, axis=-1)
            if p == 2:
                return np.einsum("...i,...i->...", flat, flat)
            return np.sum(np.sqrt(flat) if p == 0.5 else flat**p, axis=-1)

        return np.stack([integral(p) for p in powers], axis=-1)

    def real(self, x):
        return x.real


backend = NumpyBackend()
