"""The NumPy framework mixin: input checks and the call protocol of the plain-class frontends.

``S(x)`` computes a large batch in chunks (:meth:`~kymatio.core._frontend.ScatteringBase._chunked_call`)
spread over one thread per core (NumPy and scipy.fft release the GIL), each thread's FFTs
single-threaded: the products, moduli and spectrum copies between the FFTs then use every core too,
not only the FFTs. Each chunk is computed exactly as it would be alone, so the numbers do not depend
on the split.
"""
from __future__ import annotations

import concurrent.futures
import os
import threading

import numpy as np

from kymatio.core._errors import ScatteringTypeError
from kymatio.core._frontend import describe_input

__all__ = ["NumpyFrontend"]

_ACCEPTED = ("float32", "float64")

# Below this many input samples, a batch is computed in the calling thread: two threads make the
# same Python calls, one at a time under the GIL, and on small arrays those calls are most of the
# time. 1-D signals need twice as many (a 1-D sample costs fewer operations than a 2-D or 3-D one).
# Measured on two cores, 2 threads against 1: 1-D J=8 Q=1 1.13x the time at 32x1024 samples,
# 0.9-1.04x at 65,536 and 0.69x at 131,072; 2-D J=2 L=8 0.65x at 32x32x32; 3-D J=2 L=2 0.79x at
# 8x16^3.
MIN_SPLIT_SAMPLES = 2**15
SPLIT_FACTOR_1D = 2

_pool_lock = threading.Lock()
_pool: dict = {}


def _executor(threads: int) -> concurrent.futures.ThreadPoolExecutor:
    """A thread pool of at least ``threads`` threads, made again after a fork (threads do not
    survive one)."""
    with _pool_lock:
        pool = _pool.get("pool")
        if pool is None or _pool["pid"] != os.getpid() or _pool["size"] < threads:
            pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="kymatio")
            _pool.update(pool=pool, pid=os.getpid(), size=threads)
        return pool


class NumpyFrontend:
    """Mixin for the NumPy frontends: ``S(x)`` takes a real float32/float64 ``numpy.ndarray``."""

    frontend_name = "numpy"
    default_backend = "numpy"

    def _prepare_input(self, x):
        if not isinstance(x, np.ndarray):
            raise ScatteringTypeError(
                f"The input should be a numpy.ndarray of float32 or float64, got "
                f"{describe_input(x)}. Convert it with np.asarray(x, dtype=np.float32) first."
            )
        if x.dtype.name not in _ACCEPTED:
            kind = "complex" if np.iscomplexobj(x) else x.dtype.name
            raise ScatteringTypeError(
                f"The input should be real, of dtype float32 or float64; got dtype {x.dtype.name}"
                f" ({kind} input). Convert it with x.astype(np.float32) or np.float64 first."
            )
        return x, x.dtype.name

    def __call__(self, x):
        """The scattering transform of ``x`` (see :meth:`scattering`), the batch spread over threads.

        Parameters
        ----------
        x : numpy.ndarray
            Real float32/float64 signals.

        Returns
        -------
        numpy.ndarray, dict or list
            As :meth:`scattering` returns them.
        """
        if not isinstance(x, np.ndarray) or x.dtype.name not in _ACCEPTED:
            return self.scattering(x)  # which raises the TypeError
        threads = self._split_threads(x)
        if threads < 2:
            return self._chunked_call(x)
        self._filters(x.dtype.name)  # convert the filters once, not in every thread
        return self._chunked_call(x, threads, _executor(threads))

    def _split_threads(self, x) -> int:
        """Over how many threads ``S(x)`` spreads the batch of ``x`` (1: the calling thread)."""
        threads = getattr(self.backend, "threads", None)
        nd = self._signal_ndim
        least = MIN_SPLIT_SAMPLES * (SPLIT_FACTOR_1D if nd == 1 else 1)
        if threads is None or x.ndim <= nd or x.size < least:
            return 1
        return min(threads(), int(np.prod(x.shape[: x.ndim - nd])))

    def _scatter_chunk(self, chunk):
        with self.backend.single_threaded():
            return self.scattering(chunk)
