"""Registration of the Keras frontend with the kymatio plugin registry.

The entry point ``keras`` of the group ``kymatio.plugins`` points here; this module imports only
:mod:`kymatio.core.plugins` (keras, and with it its backend framework, is imported when a layer
class is first used). The Keras frontend has no backend of its own: each layer computes with the
frontend of the active Keras backend, whose plugin registers that backend.
"""
from __future__ import annotations

from kymatio.core.plugins import FrontendSpec, hookimpl

__all__ = ["kymatio_register_frontends"]


@hookimpl
def kymatio_register_frontends(register):
    """Register the frontend ``"keras"``: Keras 3 layers (``shape`` taken from the input)."""
    register(
        FrontendSpec(
            name="keras",
            module="kymatio.keras",
            # Keras' own default backend; the layers follow keras.config.backend() in fact.
            default_backend="tensorflow",
            transforms=("Scattering1D", "Scattering2D", "HarmonicScattering3D",
                        "TimeFrequencyScattering"),
            requires=("keras",),
            install_hint="pip install kymatio-keras",
            description="Keras 3 layers on the active Keras backend (tensorflow, jax or torch)",
        )
    )
