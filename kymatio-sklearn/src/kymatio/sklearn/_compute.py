"""Running a frontend object on NumPy signals, whichever framework it computes in.

The jobs of ``n_jobs`` import this module, not :mod:`kymatio.sklearn._base`: it needs NumPy only, so
a worker process does not spend seconds importing scikit-learn to scatter its share of a batch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["apply"]


def apply(scattering, signals: np.ndarray) -> np.ndarray:
    """``scattering(signals)`` as a NumPy array, whichever framework the frontend computes in."""
    if scattering.frontend_name == "numpy":
        return scattering(signals)
    dtype = signals.dtype.name
    x = _follow_input(scattering, scattering.backend.asarray(signals, dtype))
    return _to_numpy(scattering(x))


def _follow_input(scattering, x):
    """Bring a framework module's filters to the precision of ``x``, and ``x`` to their device.

    ``torch.nn.Module`` frontends keep their filters as buffers of one dtype and device and refuse
    other input rather than convert it on every call: the estimator converts the module when the
    input's dtype changes (float32 and float64 rows both work), and sends the input where the
    module's filters are (``est.scattering_.to("cuda")`` moves the work to a GPU).
    """
    buffers = getattr(scattering, "buffers", None)
    reference = next(buffers(), None) if callable(buffers) else None
    if reference is None:
        return x
    if reference.dtype != x.dtype:
        scattering.to(x.dtype)
    return x.to(reference.device)


def _to_numpy(y: Any) -> np.ndarray:
    """A framework array as a NumPy array (copied to the host when it lives on a device)."""
    detach = getattr(y, "detach", None)
    if detach is not None:  # torch: leave the autograd graph and the device
        y = detach().cpu()
    to_numpy = getattr(y, "numpy", None)
    return np.asarray(to_numpy() if callable(to_numpy) else y)
