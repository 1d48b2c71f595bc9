"""Running a frontend object on NumPy signals, whichever framework it computes in.

The jobs of ``n_jobs`` import this module, not :mod:`kymatio.sklearn._base`: it needs NumPy only, so
a worker process does not spend seconds importing scikit-learn to scatter its share of a batch. The
conversion itself lives in :mod:`kymatio.core._host`, shared with the dask frontend and the
command line.
"""
from __future__ import annotations

import pickle
import sys
from typing import Any

import numpy as np

from kymatio.core._host import scatter_numpy as apply

__all__ = ["apply", "apply_in_worker", "for_workers"]


def for_workers(scattering: Any, signals: np.ndarray) -> tuple[Any, bool]:
    """What the workers of ``n_jobs`` receive to scatter ``signals`` as this process would.

    Returns ``(scattering, False)``, except for float64 signals and a JAX transform in JAX's
    64-bit mode: a worker process starts with JAX's defaults, which refuse float64 arrays and
    unpickle float64 device arrays (the filters) as float32. Then ``(pickled transform, True)``:
    the worker turns the mode on first, and unpickles after.
    """
    jax = sys.modules.get("jax")
    if (scattering.frontend_name == "jax" and signals.dtype == np.float64 and jax is not None
            and jax.config.jax_enable_x64):
        return pickle.dumps(scattering), True
    return scattering, False


def apply_in_worker(scattering: Any, signals: np.ndarray, x64: bool = False) -> np.ndarray:
    """:func:`apply` in a worker process, on what :func:`for_workers` gave; on one thread, since
    ``n_jobs`` runs one worker per core."""
    if x64:
        import jax

        jax.config.update("jax_enable_x64", True)
        scattering = pickle.loads(scattering)
    return apply(scattering, signals, single_threaded=True)
