"""PyTorch frontends of kymatio: ``torch.nn.Module`` transforms computing with ``torch.fft``.

>>> import torch
>>> from kymatio.torch import Scattering1D
>>> S = Scattering1D(J=6, shape=1024, Q=8)
>>> S(torch.zeros(2, 1024)).shape
torch.Size([2, 126, 16])
"""
from __future__ import annotations

from kymatio.core.plugins import lazy_exports
from typing import TYPE_CHECKING

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering"]

# Frontends are imported on first access so that the plugin registry, which imports
# ``kymatio.torch._plugin`` (and therefore this package), never imports torch.
_LAZY = {
    "Scattering1D": "kymatio.torch._scattering1d",
    "Scattering2D": "kymatio.torch._scattering2d",
    "HarmonicScattering3D": "kymatio.torch._scattering3d",
    "TimeFrequencyScattering": "kymatio.torch._scattering_jtfs",
}

if TYPE_CHECKING:
    from ._scattering1d import Scattering1D
    from ._scattering2d import Scattering2D
    from ._scattering3d import HarmonicScattering3D
    from ._scattering_jtfs import TimeFrequencyScattering


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
