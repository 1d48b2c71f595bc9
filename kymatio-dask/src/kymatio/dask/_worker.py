"""What runs in the worker processes: the per-process cache of transforms and the chunk function.

A task of a kymatio dask graph carries a :class:`Recipe` (the transform's name, the computing
frontend, the parameters and the input dtype: a few hundred bytes), never the filters. The first
task that a process runs for a recipe builds the transform (the filters) and caches it under the
recipe's token; every later task of that process, of this graph or of another one with the same
recipe, reuses it. The client process fills its own cache when it builds the transform to check
the parameters: the threaded scheduler and a threads-only ``LocalCluster`` share that transform.

This module imports NumPy and :mod:`kymatio.core` only: unpickling a task does not import dask.array.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import kymatio.core
from kymatio.core._host import scatter_numpy

__all__ = ["Recipe", "scatter_block", "transform_for", "clear_cache", "cache_info"]

# Transforms kept per process; the least recently used goes beyond this (each holds its filters).
MAX_CACHED = 8

_lock = threading.Lock()
_transforms: OrderedDict[str, Any] = OrderedDict()
_building: dict[str, threading.Lock] = {}   # token -> held while that transform is being built
_builds = 0


@dataclass(frozen=True, eq=False)
class Recipe:
    """How to build one transform: small, picklable, identified by ``token``.

    Attributes
    ----------
    transform : str
        ``"Scattering1D"``, ``"Scattering2D"``, ``"HarmonicScattering3D"`` or
        ``"TimeFrequencyScattering"``.
    frontend : str
        The frontend that computes each chunk (``"numpy"``, ``"torch"``...).
    parameters : dict
        Keyword arguments of that frontend's class (``backend`` included, by name).
    dtype : str
        The real dtype of the input chunks, ``"float32"`` or ``"float64"``: a transform object is
        used for one precision only, so that threads never convert a shared module's filters under
        each other's feet.
    token : str
        Deterministic hash of the fields above (dask's ``tokenize``): the cache key, and the
        recipe's identity in dask graph names.
    """

    transform: str
    frontend: str
    parameters: dict = field(repr=False)
    dtype: str
    token: str

    def build(self) -> Any:
        dispatcher = getattr(kymatio.core, self.transform)
        return dispatcher(frontend=self.frontend, **self.parameters)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Recipe) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)

    def __dask_tokenize__(self) -> str:
        return self.token


def transform_for(recipe: Recipe) -> Any:
    """The transform of ``recipe`` in this process, built on first use and cached.

    Concurrent tasks of one process that need the same recipe wait for the first one's build
    instead of building their own; tasks of other, cached recipes do not wait.
    """
    global _builds
    with _lock:
        transform = _lookup(recipe.token)
        if transform is not None:
            return transform
        building = _building.setdefault(recipe.token, threading.Lock())
    with building:
        with _lock:
            transform = _lookup(recipe.token)
        if transform is None:
            transform = recipe.build()
            with _lock:
                _builds += 1
                _transforms[recipe.token] = transform
                while len(_transforms) > MAX_CACHED:
                    _transforms.popitem(last=False)
    with _lock:
        _building.pop(recipe.token, None)
    return transform


def _lookup(token: str) -> Any:
    """The cached transform of ``token`` (marked as just used), or None; call with ``_lock``."""
    transform = _transforms.get(token)
    if transform is not None:
        _transforms.move_to_end(token)
    return transform


def scatter_block(block: np.ndarray, recipe: Recipe, output_shape: tuple[int, ...]) -> np.ndarray:
    """The coefficients of one chunk: ``block``'s batch axes, then ``output_shape``.

    ``block`` holds whole signals in its last axes; its batch axes may be empty.
    """
    transform = transform_for(recipe)
    # Dask runs one task per core already: each computes on its own thread.
    coefficients = scatter_numpy(transform, np.ascontiguousarray(block, dtype=recipe.dtype),
                                 single_threaded=True)
    # The dask array was declared with the input's dtype; a framework that computed in another
    # precision (JAX without x64 computes float64 input in float32) is cast back to it.
    coefficients = coefficients.astype(recipe.dtype, copy=False)
    expected = tuple(block.shape[: block.ndim - len(_signal_shape(transform))]) + output_shape
    if coefficients.shape != expected:
        raise RuntimeError(
            f"kymatio.dask: the {recipe.frontend} {recipe.transform} returned coefficients of "
            f"shape {coefficients.shape} for a chunk of shape {block.shape}, but the graph "
            f"expected {expected}; please report this as a bug of kymatio.")
    return coefficients


def _signal_shape(transform: Any) -> tuple[int, ...]:
    """The shape of one input signal: ``shape``, or the padded size of 2-D with ``pre_pad``."""
    if getattr(transform, "pre_pad", False):
        return (transform._M_padded, transform._N_padded)
    return tuple(transform.shape)


def clear_cache() -> None:
    """Forget the transforms built in this process (their filters are freed once unused).

    On a cluster, ``client.run(kymatio.dask.clear_cache)`` clears every worker's.

    Examples
    --------
    >>> from kymatio.dask import cache_info, clear_cache
    >>> clear_cache()
    >>> cache_info()["cached"]
    0
    """
    with _lock:
        _transforms.clear()


def cache_info() -> dict:
    """What this process has built: ``{"builds": int, "cached": int, "tokens": [str, ...]}``.

    ``builds`` counts every transform built since the process started (filters are built once per
    process and recipe, so on a worker it grows with the number of distinct transforms, not with
    the number of chunks); ``cached`` and ``tokens`` describe the cache now. On a cluster,
    ``client.run(kymatio.dask.cache_info)`` returns it for every worker.

    Returns
    -------
    dict
        ``builds`` (int), ``cached`` (int) and ``tokens`` (list of str, the cached recipes).
    """
    with _lock:
        return {"builds": _builds, "cached": len(_transforms), "tokens": list(_transforms)}
