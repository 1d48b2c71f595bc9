"""Registration of the PyTorch backend and frontend with the kymatio plugin registry.

The entry point ``torch`` of the group ``kymatio.plugins`` points here. This module is imported when
the registry scans, so it imports only :mod:`kymatio.core.plugins`; torch (about 4 s) is imported
with ``kymatio.torch._backend`` or a frontend class when one is first used.
"""
from __future__ import annotations

from kymatio.core.plugins import BackendSpec, FrontendSpec, hookimpl

__all__ = ["kymatio_register_backends", "kymatio_register_frontends"]

_INSTALL = "pip install kymatio-torch"


@hookimpl
def kymatio_register_backends(register):
    """Register the backend ``"torch"`` (``torch.fft`` on any device) of the PyTorch frontend."""
    register(
        BackendSpec(
            name="torch",
            frontend="torch",
            module="kymatio.torch._backend",
            requires=("torch",),
            install_hint=_INSTALL,
            description="torch tensors on any device, FFTs by torch.fft, differentiable",
        )
    )


@hookimpl
def kymatio_register_frontends(register):
    """Register the frontend ``"torch"``: ``torch.nn.Module`` classes computing on tensors."""
    register(
        FrontendSpec(
            name="torch",
            module="kymatio.torch",
            default_backend="torch",
            transforms=("Scattering1D", "Scattering2D", "HarmonicScattering3D",
                        "TimeFrequencyScattering"),
            requires=("torch",),
            install_hint=_INSTALL,
            description="torch.nn.Module classes on torch.Tensor",
        )
    )
