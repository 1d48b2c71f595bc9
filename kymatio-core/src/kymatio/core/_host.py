"""Running any array frontend's transform on NumPy signals and getting NumPy coefficients back.

The tools that feed kymatio from files or other libraries (the scikit-learn transformers, the dask
frontend, the command line) hold NumPy arrays, whichever framework computes: this module is the one
place that converts them to the frontend's arrays and back. It imports no framework.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["scatter_numpy", "to_numpy"]


def scatter_numpy(scattering: Any, signals: np.ndarray, single_threaded: bool = False) -> np.ndarray:
    """``scattering(signals)`` as a NumPy array, whichever framework the frontend computes in.

    Parameters
    ----------
    scattering : object
        A transform of an array frontend (``kymatio.numpy.Scattering1D``, ``kymatio.torch...``):
        it has ``frontend_name`` and ``backend`` (with ``asarray``) and is called on its arrays.
    signals : numpy.ndarray
        Real float32 or float64 signals, batch axes first.
    single_threaded : bool
        Compute on the calling thread only, for callers that already run one call per core (dask
        tasks, joblib workers): a backend with a ``single_threaded()`` context (NumPy's, which
        otherwise splits a batch across every core) runs inside it.

    Returns
    -------
    numpy.ndarray
        The coefficients, in the precision the frontend computed them in.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.numpy import Scattering1D
    >>> scatter_numpy(Scattering1D(J=3, shape=64), np.zeros((2, 64))).shape
    (2, 8, 8)
    """
    context = getattr(scattering.backend, "single_threaded", None)
    if single_threaded and context is not None:
        with context():
            return scatter_numpy(scattering, signals)
    if scattering.frontend_name == "numpy":
        return scattering(signals)
    x = _follow_input(scattering, scattering.backend.asarray(signals, signals.dtype.name))
    return to_numpy(scattering(x))


def _follow_input(scattering: Any, x: Any) -> Any:
    """Bring a framework module's filters to the precision of ``x``, and ``x`` to their device.

    ``torch.nn.Module`` frontends keep their filters as buffers of one dtype and device and refuse
    other input rather than convert it on every call: convert the module when the input's dtype
    changes (float32 and float64 signals both work), and send the input where the module's filters
    are (``S.to("cuda")`` moves the work to a GPU).
    """
    buffers = getattr(scattering, "buffers", None)
    reference = next(buffers(), None) if callable(buffers) else None
    if reference is None:
        return x
    if reference.dtype != x.dtype:
        scattering.to(x.dtype)
    return x.to(reference.device)


def to_numpy(y: Any) -> np.ndarray:
    """A framework array as a NumPy array (copied to the host when it lives on a device).

    Examples
    --------
    >>> import numpy as np
    >>> to_numpy(np.ones(2))
    array([1., 1.])
    """
    detach = getattr(y, "detach", None)
    if detach is not None:  # torch: leave the autograd graph and the device
        y = detach().cpu()
    convert = getattr(y, "numpy", None)
    return np.asarray(convert() if callable(convert) else y)
