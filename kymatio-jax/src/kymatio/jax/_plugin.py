"""Registration of the JAX backend and frontend with the kymatio plugin registry.

The entry point ``jax`` of the group ``kymatio.plugins`` points here. This module is imported when
the registry scans, so it imports only :mod:`kymatio.core.plugins`; JAX is imported with
``kymatio.jax._backend`` when the backend is first used.
"""
from __future__ import annotations

from kymatio.core.plugins import BackendSpec, FrontendSpec, hookimpl

__all__ = ["kymatio_register_backends", "kymatio_register_frontends"]

_INSTALL = "pip install kymatio-jax"


@hookimpl
def kymatio_register_backends(register):
    """Register the backend ``"jax"`` (``jax.numpy`` and ``jax.numpy.fft``) of the JAX frontend."""
    register(
        BackendSpec(
            name="jax",
            frontend="jax",
            module="kymatio.jax._backend",
            requires=("jax",),
            install_hint=_INSTALL,
            description="jax.numpy arrays on JAX's default device; traceable by jit, vmap and grad",
        )
    )


@hookimpl
def kymatio_register_frontends(register):
    """Register the frontend ``"jax"``: pure transforms of ``jax.Array`` (and NumPy) input."""
    register(
        FrontendSpec(
            name="jax",
            module="kymatio.jax",
            default_backend="jax",
            transforms=("Scattering1D", "Scattering2D", "HarmonicScattering3D",
                        "TimeFrequencyScattering"),
            requires=("jax",),
            install_hint=_INSTALL,
            description="classes whose call is a pure function of a jax.Array (jit/vmap/grad)",
        )
    )
