"""The NumPy framework mixin: input checks and the call protocol of the plain-class frontends."""
from __future__ import annotations

import numpy as np

from kymatio.core._errors import ScatteringTypeError

__all__ = ["NumpyFrontend"]

_ACCEPTED = ("float32", "float64")


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
        return self.scattering(x)
