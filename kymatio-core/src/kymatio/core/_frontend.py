"""The base class that every frontend of every dimension shares.

A framework frontend (``kymatio.numpy.Scattering1D``...) is a thin class over two bases: the
dimension's base class from the core (``ScatteringBase1D``: parameters, filters, algorithm, output
formatting) and a framework mixin (``NumpyFrontend``: input checks and filter conversion for that
framework). The mixin fills in the three hooks at the bottom of :class:`ScatteringBase`.
"""
from __future__ import annotations

import math
import numbers
import operator
import os
from typing import Any

import numpy as np

from ._errors import (FixedParameterError, KymatioError, ScatteringTypeError,
                      ScatteringValueError, UnsupportedParameterError)
from ._periodize import RealOperator

__all__ = ["ScatteringBase", "DEFAULT_MAX_FILTER_BYTES", "max_filter_bytes", "check_filter_memory"]

#: Default bound, in bytes, on the filters that one transform builds (4 GiB). Every constructor
#: estimates the memory of its filter bank from its parameters, before building any filter, and
#: refuses a configuration above the bound; the environment variable ``KYMATIO_MAX_FILTER_BYTES``
#: (a number of bytes, such as ``8e9``, or ``inf`` for no bound) replaces it.
DEFAULT_MAX_FILTER_BYTES = 4 * 2**30

_MAX_FILTER_BYTES_VARIABLE = "KYMATIO_MAX_FILTER_BYTES"


def max_filter_bytes() -> float:
    """The bound on a filter bank's memory, in bytes: ``KYMATIO_MAX_FILTER_BYTES`` if set, else
    :data:`DEFAULT_MAX_FILTER_BYTES`.

    Returns
    -------
    int or float
        The bound (``inf`` for none).

    Raises
    ------
    ValueError
        If the environment variable is set to something other than a positive number.
    """
    raw = os.environ.get(_MAX_FILTER_BYTES_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_FILTER_BYTES
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not value > 0:
        raise ScatteringValueError(
            f"The environment variable {_MAX_FILTER_BYTES_VARIABLE} must be a positive number of "
            f"bytes (such as 8e9, or inf for no bound), got {raw!r}.")
    return int(value) if math.isfinite(value) else value


def check_filter_memory(estimate: float, parameters: str) -> None:
    """Refuse a filter bank whose estimated size ``estimate`` (bytes) exceeds the bound.

    ``parameters`` names the parameters that set the size (``"J=30, shape=(268435456,)"``).
    """
    bound = max_filter_bytes()
    if estimate > bound:
        raise ScatteringValueError(
            f"The filters for {parameters} would need about {estimate / 2**30:.3g} GiB, more than "
            f"the bound of {bound / 2**30:.3g} GiB on a filter bank (set the environment variable "
            f"{_MAX_FILTER_BYTES_VARIABLE} to a number of bytes to change it). Use a smaller "
            "shape, J, Q or L.")


def check_integer(value: Any, name: str, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer (NumPy integers included) ``>= minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ScatteringTypeError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}."
        )
    value = operator.index(value)
    if minimum is not None and value < minimum:
        raise ScatteringValueError(f"{name} must be an integer >= {minimum}, got {value}.")
    return value


def check_choice(value: Any, name: str, choices: tuple) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        accepted = ", ".join(repr(c) for c in choices)
        raise ScatteringValueError(f"{name} must be one of {accepted}. Got: {value!r}.")
    return value


def describe_input(x: Any) -> str:
    """How an input of the wrong type is named in errors: its type (with its package outside the
    builtins: ``numpy.ndarray``, ``numpy.float32``), and that it is a scalar where it is one."""
    cls = type(x)
    package = cls.__module__.split(".")[0]
    name = cls.__name__ if package == "builtins" else f"{package}.{cls.__name__}"
    if isinstance(x, (numbers.Number, np.generic)):
        return f"{name} (a scalar, not an array of signals)"
    return name


def nan_padded(rows: Any, width: int) -> np.ndarray:
    """Stack sequences of up to ``width`` numbers into a float array ``(len(rows), width)``,
    padding each row with NaN (the layout of every ``meta()`` field that follows a path)."""
    return np.array([list(r) + [np.nan] * (width - len(r)) for r in rows], dtype=float).reshape(
        -1, width)


class ScatteringBase:
    """Backend resolution, filter caching and input checks shared by all transforms.

    Subclasses set ``_signal_ndim`` (1, 2 or 3) and ``shape``; framework mixins set
    ``frontend_name``, ``default_backend`` and implement the hooks.
    """

    frontend_name: str = ""
    default_backend: str = ""
    _signal_ndim: int = 1
    #: Parameters that the filters, the padding or the backend's arrays are built from: assigning
    #: one after construction would leave them stale, so it is refused (subclasses list theirs;
    #: ``max_order``, ``out_type``... are read at each call and stay settable).
    _fixed_parameters: tuple = ("backend",)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._fixed_parameters and (
                name in self.__dict__ or isinstance(getattr(type(self), name, None), property)):
            cls = type(self).__name__
            raise FixedParameterError(
                f"{cls}.{name} cannot be changed after construction (the filters are built from "
                f"it); got {name}={value!r}. Construct a new {cls} with {name}={value!r} instead.")
        super().__setattr__(name, value)

    @property
    def max_order(self) -> int:
        """Highest scattering order, 1 or 2 (settable; validated on assignment)."""
        return self._max_order

    @max_order.setter
    def max_order(self, value: Any) -> None:
        value = check_integer(value, "max_order")
        if value > 2:
            raise UnsupportedParameterError(
                f"max_order must be 1 or 2, got {value}: scattering beyond order 2 is not implemented.")
        if value < 1:
            raise ScatteringValueError(f"max_order must be 1 or 2, got {value}.")
        self._max_order = value

    def _instantiate_backend(self, backend: Any) -> None:
        from ._registry import resolve_backend

        self.backend = resolve_backend(
            self.default_backend if backend is None else backend, self.frontend_name
        )

    # -- filters --------------------------------------------------------------------------------
    def _set_filters(self, filters: Any, rebuild: str | None = None) -> None:
        """Keep the NumPy float64 filters and forget every converted copy.

        ``rebuild`` names a method of the transform that returns the same filters again. With
        one, the float64 source is released once a conversion exists that does not share all of
        its arrays (float32 ones: 350 of the 550 MB a float32 3-D transform of ``128**3`` held),
        and built again if another precision is asked for.
        """
        self._filters_source = filters
        self._filters_rebuild = rebuild
        self._filters_cache: dict[str, Any] = {}

    @property
    def _filters_np(self) -> Any:
        """The NumPy float64 filters (built again here if they were released)."""
        source = self.__dict__.get("_filters_source")
        rebuild = self.__dict__.get("_filters_rebuild")
        if source is None and rebuild is not None:
            # Bookkeeping, not a new parameter: past the frontends' __setattr__ hooks (JAX drops
            # its compiled call on any assignment).
            source = self.__dict__["_filters_source"] = getattr(self, rebuild)()
        return source

    def _filters(self, dtype: str) -> Any:
        """The filters as backend arrays of the real dtype ``dtype``, converted once and cached."""
        cached = self._filters_cache.get(dtype)
        if cached is None:
            source = self._filters_np
            shared = []

            def convert(array):
                converted = self._convert_filter(array, dtype)
                shared.append(converted is array)
                return converted

            cached = _map_arrays(source, convert)
            self._filters_cache[dtype] = cached
            if self._filters_rebuild is not None and not all(shared):
                self.__dict__["_filters_source"] = None  # (as above)
        return cached

    def _convert_filter(self, array: np.ndarray, dtype: str) -> Any:
        as_complex = np.iscomplexobj(array) or (getattr(self.backend, "complex_filters", False)
                                                and not isinstance(array, RealOperator))
        target = _COMPLEX[dtype] if as_complex else dtype
        return self.backend.asarray(array, target)

    # -- input ----------------------------------------------------------------------------------
    def _check_signal_shape(self, input_shape: tuple, expected: tuple, what: str = "shape") -> None:
        """Check that ``input_shape`` ends with ``expected`` (the signal axes)."""
        ndim = len(expected)
        if len(input_shape) < ndim:
            axes = "axis" if ndim == 1 else "axes"
            raise ScatteringValueError(
                f"Input should have at least {ndim} {axes} (the signal {what} {tuple(expected)}), "
                f"got an input of shape {tuple(input_shape)} with {len(input_shape)}."
            )
        got = tuple(input_shape[len(input_shape) - ndim:])
        if any(g is not None and g != e for g, e in zip(got, expected)):
            raise ScatteringValueError(
                f"Input should end with the signal {what} {tuple(expected)}, got an input of shape "
                f"{tuple(input_shape)} (trailing axes {got})."
            )

    # -- batches in chunks -----------------------------------------------------------------------
    def _chunked_call(self, x: Any, threads: int = 1, pool: Any = None) -> Any:
        """``self.scattering(x)``, the batch computed in chunks of at most :data:`CHUNK_SAMPLES`
        input samples, and spread over ``threads`` threads of ``pool`` (an executor) if given.

        Past a few megabytes per array, fresh allocations (page faults) and cache misses cost
        more than the calls that larger steps save: the 2-D 96x224x224 benchmark runs 1.5x
        (NumPy) to 1.9x (torch) faster in chunks of 10 images. Each chunk is computed exactly as
        alone, so the numbers do not depend on the chunking. Errors are raised by the whole call,
        so that they name the caller's shapes. Only for eager frameworks: chunking a traced
        batch would unroll the loop into the graph.
        """
        nd = self._signal_ndim
        shape = tuple(x.shape) if hasattr(x, "shape") else ()
        if len(shape) <= nd or any(not isinstance(n, int) for n in shape):
            return self.scattering(x)
        signal = shape[len(shape) - nd:]
        batch = math.prod(shape[: len(shape) - nd])
        per_chunk = max(1, CHUNK_SAMPLES // max(1, math.prod(signal)))
        n_chunks = -(-batch // per_chunk)
        if threads > 1:
            n_chunks = max(n_chunks, min(threads, batch))
        if n_chunks < 2:
            return self.scattering(x)
        backend = self.backend
        flat = backend.reshape(x, (-1,) + signal)
        bounds = np.linspace(0, batch, n_chunks + 1).astype(int)
        pieces = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        try:
            parts = list(pool.map(self._scatter_chunk, pieces) if pool is not None and threads > 1
                         else map(self.scattering, pieces))
        except KymatioError:
            # An input error, raised again naming the caller's shapes. Not any error: one from the
            # computation (out of memory...) would fail again, without chunks, on the whole batch.
            return self.scattering(x)
        return _merge_chunks(parts, shape[: len(shape) - nd], backend)

    def _scatter_chunk(self, chunk: Any) -> Any:
        """One chunk's transform in a worker thread (framework mixins may set up the thread)."""
        return self.scattering(chunk)

    # -- hooks for the framework mixins -------------------------------------------------------
    def _prepare_input(self, x: Any) -> tuple[Any, str]:
        """Check the type and dtype of ``x``; return it (as a backend array) and its real dtype
        name (``"float32"`` or ``"float64"``)."""
        raise NotImplementedError

    def _batch_shape(self, x: Any) -> tuple:
        """The leading (batch) axes of ``x``; entries may be ``None`` if dynamic."""
        return tuple(x.shape[: len(x.shape) - self._signal_ndim])

    def _reshape_output(self, y: Any, batch_shape: tuple, kept_shape: tuple) -> Any:
        """Restore the batch axes of an output array ``y`` of shape ``(B, *kept_shape)``."""
        return self.backend.reshape(y, tuple(batch_shape) + tuple(kept_shape))


_COMPLEX = {"float32": "complex64", "float64": "complex128"}

#: Input samples (batch x signal) of one chunk of :meth:`ScatteringBase._chunked_call`.
CHUNK_SAMPLES = 2**19


def _merge_chunks(parts: list, batch_shape: tuple, backend: Any) -> Any:
    """Join the outputs of consecutive batch chunks (arrays, dicts, lists of path dicts)."""
    first = parts[0]
    if isinstance(first, dict):
        return {key: _merge_chunks([p[key] for p in parts], batch_shape, backend) for key in first}
    if isinstance(first, list):
        return [_merge_chunks([p[i] for p in parts], batch_shape, backend)
                for i in range(len(first))]
    if isinstance(first, (tuple, str, numbers.Number)):
        return first  # path keys, scales, orders: the same in every chunk
    joined = backend.concatenate(parts, axis=0)
    return backend.reshape(joined, tuple(batch_shape) + tuple(joined.shape[1:]))


def _map_arrays(tree: Any, fn) -> Any:
    """Apply ``fn`` to every NumPy array in nested dicts/lists/tuples, keeping the structure."""
    if isinstance(tree, np.ndarray):
        return fn(tree)
    if isinstance(tree, dict):
        return {k: _map_arrays(v, fn) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_map_arrays(v, fn) for v in tree]
    if isinstance(tree, tuple):
        return tuple(_map_arrays(v, fn) for v in tree)
    return tree
