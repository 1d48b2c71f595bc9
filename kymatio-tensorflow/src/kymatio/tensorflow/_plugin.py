"""Registration of the TensorFlow backend and frontend with the kymatio plugin registry.

The entry point ``tensorflow`` of the group ``kymatio.plugins`` points here. This module is imported
when the registry scans, so it imports only :mod:`kymatio.core.plugins`; TensorFlow (several seconds
to import) is imported with ``kymatio.tensorflow._backend`` or a frontend class when one is first
used.
"""
from __future__ import annotations

from kymatio.core.plugins import BackendSpec, FrontendSpec, hookimpl

__all__ = ["kymatio_register_backends", "kymatio_register_frontends"]

_INSTALL = "pip install kymatio-tensorflow"


@hookimpl
def kymatio_register_backends(register):
    """Register the backend ``"tensorflow"`` (``tf.signal`` FFTs) of the TensorFlow frontend."""
    register(
        BackendSpec(
            name="tensorflow",
            frontend="tensorflow",
            module="kymatio.tensorflow._backend",
            requires=("tensorflow",),
            install_hint=_INSTALL,
            description="tf.Tensor, FFTs by tf.signal, differentiable, tf.function and XLA",
        )
    )


@hookimpl
def kymatio_register_frontends(register):
    """Register the frontend ``"tensorflow"``: ``tf.Module`` classes computing on tensors."""
    register(
        FrontendSpec(
            name="tensorflow",
            module="kymatio.tensorflow",
            default_backend="tensorflow",
            transforms=("Scattering1D", "Scattering2D", "HarmonicScattering3D",
                        "TimeFrequencyScattering"),
            requires=("tensorflow",),
            install_hint=_INSTALL,
            description="tf.Module classes on tf.Tensor (eager, tf.function, XLA)",
        )
    )
