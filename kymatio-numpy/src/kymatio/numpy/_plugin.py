"""Registration of the NumPy backend and frontend with the kymatio plugin registry.

The entry point ``numpy`` of the group ``kymatio.plugins`` points here. This module is imported when
the registry scans, so it imports only :mod:`kymatio.core.plugins`; NumPy and SciPy are imported with
``kymatio.numpy._backend`` when the backend is first used.
"""
from __future__ import annotations

from kymatio.core.plugins import BackendSpec, FrontendSpec, hookimpl

__all__ = ["kymatio_register_backends", "kymatio_register_frontends"]

_INSTALL = "pip install kymatio-numpy"


@hookimpl
def kymatio_register_backends(register):
    """Register the backend ``"numpy"`` (``scipy.fft`` on all cores) of the NumPy frontend."""
    register(
        BackendSpec(
            name="numpy",
            frontend="numpy",
            module="kymatio.numpy._backend",
            requires=("numpy", "scipy"),
            install_hint=_INSTALL,
            description="NumPy arrays, FFTs by scipy.fft on every core",
        )
    )


@hookimpl
def kymatio_register_frontends(register):
    """Register the frontend ``"numpy"``: plain classes computing on ``numpy.ndarray``."""
    register(
        FrontendSpec(
            name="numpy",
            module="kymatio.numpy",
            default_backend="numpy",
            transforms=("Scattering1D", "Scattering2D", "HarmonicScattering3D",
                        "TimeFrequencyScattering"),
            requires=("numpy", "scipy"),
            install_hint=_INSTALL,
            description="plain classes on numpy.ndarray",
        )
    )
