"""Keras 3 layers of kymatio: wavelet scattering on the TensorFlow, JAX or PyTorch Keras backend.

The layers compute with the kymatio plugin of the active Keras backend (``kymatio-tensorflow``,
``kymatio-jax`` or ``kymatio-torch``, found through the plugin registry); the signal shape comes from
the input. See ``docs/keras.md``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from kymatio.core.plugins import lazy_exports

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering"]

# Imported on first access: the plugin registry imports ``kymatio.keras._plugin`` (and therefore
# this package) whenever it scans, and importing keras imports its backend framework.
_LAZY = {name: "kymatio.keras._layers" for name in __all__}

if TYPE_CHECKING:
    from ._layers import HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
