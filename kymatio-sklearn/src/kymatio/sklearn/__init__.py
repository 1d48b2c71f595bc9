"""scikit-learn transformers of kymatio: each row of ``X`` is one flattened signal.

>>> import numpy as np
>>> from kymatio.sklearn import Scattering1D
>>> S = Scattering1D(J=6, shape=1024, Q=8)
>>> S.fit_transform(np.zeros((2, 1024), dtype=np.float32)).shape
(2, 2016)
"""
from __future__ import annotations

from kymatio.core.plugins import lazy_exports
from typing import TYPE_CHECKING

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering"]

# Transformers are imported on first access so that the plugin registry, which imports
# ``kymatio.sklearn._plugin`` (and therefore this package), never imports scikit-learn.
_LAZY = {
    "Scattering1D": "kymatio.sklearn._scattering1d",
    "Scattering2D": "kymatio.sklearn._scattering2d",
    "HarmonicScattering3D": "kymatio.sklearn._scattering3d",
    "TimeFrequencyScattering": "kymatio.sklearn._scattering_jtfs",
}

if TYPE_CHECKING:
    from ._scattering1d import Scattering1D
    from ._scattering2d import Scattering2D
    from ._scattering3d import HarmonicScattering3D
    from ._scattering_jtfs import TimeFrequencyScattering


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
