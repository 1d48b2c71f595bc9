"""NumPy frontends of kymatio: plain classes computing on ``numpy.ndarray`` with SciPy's FFT.

>>> import numpy as np
>>> from kymatio.numpy import Scattering1D
>>> S = Scattering1D(J=6, shape=1024, Q=8)
>>> S(np.zeros((2, 1024), dtype=np.float32)).shape
(2, 126, 16)
"""
from __future__ import annotations

from kymatio.core.plugins import lazy_exports
from typing import TYPE_CHECKING

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering"]

# Frontends are imported on first access so that the plugin registry, which imports
# ``kymatio.numpy._plugin`` (and therefore this package), stays light.
_LAZY = {
    "Scattering1D": "kymatio.numpy._scattering1d",
    "Scattering2D": "kymatio.numpy._scattering2d",
    "HarmonicScattering3D": "kymatio.numpy._scattering3d",
    "TimeFrequencyScattering": "kymatio.numpy._scattering_jtfs",
}

if TYPE_CHECKING:
    from ._scattering1d import Scattering1D
    from ._scattering2d import Scattering2D
    from ._scattering3d import HarmonicScattering3D
    from ._scattering_jtfs import TimeFrequencyScattering


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
