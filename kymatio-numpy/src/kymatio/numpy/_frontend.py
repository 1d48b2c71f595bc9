"""The NumPy framework mixin: input checks and the call protocol of the plain-class frontends.

``S(x)`` splits a large batch into one chunk per core and scatters the chunks in threads (NumPy
and scipy.fft release the GIL), each thread's FFTs single-threaded: the products, moduli and
spectrum copies between the FFTs then use every core too, not only the FFTs. Each chunk is
computed exactly as it would be alone, so the numbers do not depend on the split.
"""
from __future__ import annotations

import concurrent.futures
import math
import os
import threading
from typing import Any

import numpy as np

from kymatio.core._errors import ScatteringTypeError

__all__ = ["NumpyFrontend"]

_ACCEPTED = ("float32", "float64")

# Below this many input samples, a batch is computed in the calling thread (a thread hand-off
# costs about what a small transform does).
MIN_SPLIT_SAMPLES = 2**15

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


def _merge(parts: list, batch_shape: tuple) -> Any:
    """Join the outputs of consecutive batch chunks (arrays, dicts or lists of path dicts)."""
    first = parts[0]
    if isinstance(first, np.ndarray):
        joined = np.concatenate(parts, axis=0)
        return joined.reshape(batch_shape + joined.shape[1:])
    if isinstance(first, dict):
        return {key: _merge([p[key] for p in parts], batch_shape) for key in first}
    if isinstance(first, list):
        return [_merge([p[i] for p in parts], batch_shape) for i in range(len(first))]
    return first  # path keys, scales, orders: the same in every chunk


class NumpyFrontend:
    """Mixin for the NumPy frontends: ``S(x)`` takes a real float32/float64 ``numpy.ndarray``."""

    frontend_name = "numpy"
    default_backend = "numpy"

    def _prepare_input(self, x):
        if not isinstance(x, np.ndarray):
            raise ScatteringTypeError(
                f"The input should be a numpy.ndarray of float32 or float64, got {type(x).__name__}."
            )
        if x.dtype.name not in _ACCEPTED:
            kind = "complex" if np.iscomplexobj(x) else x.dtype.name
            raise ScatteringTypeError(
                f"The input should be real, of dtype float32 or float64; got dtype {x.dtype.name}"
                f" ({kind} input). Convert it with x.astype(np.float32) or np.float64 first."
            )
        return x, x.dtype.name

    def __call__(self, x):
        threads = self._split_threads(x)
        return self.scattering(x) if threads < 2 else self._split_call(x, threads)

    def _split_threads(self, x) -> int:
        """Into how many threads ``S(x)`` splits the batch of ``x`` (1: not split)."""
        threads = getattr(self.backend, "threads", None)
        nd = self._signal_ndim
        if (threads is None or not isinstance(x, np.ndarray) or x.dtype.name not in _ACCEPTED
                or x.ndim <= nd or x.size < MIN_SPLIT_SAMPLES):
            return 1
        return min(threads(), math.prod(x.shape[: x.ndim - nd]))

    def _split_call(self, x, threads: int):
        nd = self._signal_ndim
        batch_shape = x.shape[: x.ndim - nd]
        flat = x.reshape((-1,) + x.shape[x.ndim - nd:])
        bounds = np.linspace(0, flat.shape[0], threads + 1).astype(int)
        self._filters(x.dtype.name)  # convert the filters once, not in every thread

        def scatter(chunk):
            with self.backend.single_threaded():
                return self.scattering(chunk)

        try:
            parts = list(_executor(threads).map(
                scatter, [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]))
        except Exception:
            # Bad input or parameters: the whole call raises the error, naming the caller's shapes.
            return self.scattering(x)
        return _merge(parts, batch_shape)
