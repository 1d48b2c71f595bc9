"""Lazy, chunked wavelet scattering of dask arrays: on a laptop's threads or a cluster's workers.

Each chunk (whole signals along the last axes, any number along the batch axes) is scattered by the
transform of another frontend, ``"numpy"`` by default, built once per worker process from the small
parameters the graph carries. See ``docs/dask.md``.

>>> import dask.array as da
>>> from kymatio.dask import scattering
>>> x = da.zeros((1000, 4096), chunks=(100, 4096), dtype="float32")
>>> Sx = scattering(x, "Scattering1D", J=8, Q=12)
>>> Sx.shape, Sx.numblocks
((1000, 337, 16), (10, 1, 1))
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from kymatio.core.plugins import lazy_exports

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering",
           "DaskScattering", "scattering", "clear_cache", "cache_info"]

# Imported on first access: the plugin registry imports ``kymatio.dask._plugin`` (and therefore
# this package) when it scans, and must not pay for importing dask.
_LAZY = {
    "Scattering1D": "kymatio.dask._transforms",
    "Scattering2D": "kymatio.dask._transforms",
    "HarmonicScattering3D": "kymatio.dask._transforms",
    "TimeFrequencyScattering": "kymatio.dask._transforms",
    "DaskScattering": "kymatio.dask._frontend",
    "scattering": "kymatio.dask._frontend",
    "clear_cache": "kymatio.dask._worker",
    "cache_info": "kymatio.dask._worker",
}

if TYPE_CHECKING:
    from ._frontend import DaskScattering, scattering
    from ._transforms import HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering
    from ._worker import cache_info, clear_cache


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
