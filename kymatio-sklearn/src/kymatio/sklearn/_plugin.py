"""Registration of the scikit-learn frontend with the kymatio plugin registry.

The entry point ``sklearn`` of the group ``kymatio.plugins`` points here. This module is imported
when the registry scans, so it imports only :mod:`kymatio.core.plugins`; scikit-learn (about 1 s) is
imported with a transformer class when one is first used. The frontend registers no backend of its
own: its transformers compute with the backends of the other frontends (``"numpy"`` by default).
"""
from __future__ import annotations

from kymatio.core.plugins import FrontendSpec, hookimpl

__all__ = ["kymatio_register_frontends"]


@hookimpl
def kymatio_register_frontends(register):
    """Register the frontend ``"sklearn"``: scikit-learn transformers over flattened signals."""
    register(
        FrontendSpec(
            name="sklearn",
            module="kymatio.sklearn",
            default_backend="numpy",
            transforms=("Scattering1D", "Scattering2D", "HarmonicScattering3D",
                        "TimeFrequencyScattering"),
            requires=("sklearn", "joblib", "numpy", "scipy"),
            install_hint="pip install kymatio-sklearn",
            description="scikit-learn transformers on flattened signals (n_samples, n_features)",
        )
    )
