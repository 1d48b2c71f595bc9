"""kymatio.core: filter banks, scattering algorithms, frontend bases and the plugin registry.

Frontends live in plugin distributions (``kymatio-numpy``, ``kymatio-torch``...). The classes here
dispatch by frontend name:

>>> import kymatio.core
>>> S = kymatio.core.Scattering1D(J=4, shape=256, frontend="numpy")
>>> type(S).__module__
'kymatio.numpy'
"""
from __future__ import annotations

from ._errors import (
    BackendError,
    BackendFrontendMismatchError,
    BackendNotFoundError,
    BackendUnavailableError,
    FixedParameterError,
    FrontendNotFoundError,
    KymatioError,
    ScatteringTypeError,
    ScatteringValueError,
)
from ._dispatch import HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering
from ._frontend import DEFAULT_MAX_FILTER_BYTES, max_filter_bytes
from ._registry import list_backends, list_frontends
from ._registry import refresh as refresh_plugins
from ._version import __version__

__all__ = [
    "__version__",
    "list_backends",
    "list_frontends",
    "refresh_plugins",
    "Scattering1D",
    "Scattering2D",
    "HarmonicScattering3D",
    "TimeFrequencyScattering",
    "DEFAULT_MAX_FILTER_BYTES",
    "max_filter_bytes",
    "KymatioError",
    "ScatteringValueError",
    "ScatteringTypeError",
    "BackendError",
    "BackendNotFoundError",
    "BackendUnavailableError",
    "BackendFrontendMismatchError",
    "FrontendNotFoundError",
    "FixedParameterError",
]
