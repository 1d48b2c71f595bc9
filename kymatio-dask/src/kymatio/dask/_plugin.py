"""Registration of the dask frontend with the kymatio plugin registry.

The entry point ``dask`` of the group ``kymatio.plugins`` points here. This module is imported when
the registry scans, so it imports only :mod:`kymatio.core.plugins`; dask is imported with a class
of :mod:`kymatio.dask` when one is first used. The frontend registers no backend: each chunk is
computed by the transform of another frontend (``"numpy"`` by default).
"""
from __future__ import annotations

from kymatio.core.plugins import FrontendSpec, hookimpl

__all__ = ["kymatio_register_frontends"]


@hookimpl
def kymatio_register_frontends(register):
    """Register the frontend ``"dask"``: lazy, chunked scattering of ``dask.array.Array``."""
    register(
        FrontendSpec(
            name="dask",
            module="kymatio.dask",
            default_backend="numpy",
            transforms=("Scattering1D", "Scattering2D", "HarmonicScattering3D",
                        "TimeFrequencyScattering"),
            requires=("dask", "numpy", "scipy"),
            install_hint="pip install kymatio-dask",
            description="lazy dask arrays, chunked along batch axes, computed by another frontend",
        )
    )
