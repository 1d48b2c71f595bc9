"""Registration of the PyTorch backend and frontend with the kymatio plugin registry.

The entry point ``torch`` of the group ``kymatio.plugins`` points here. This module is imported when
the registry scans, so it imports only :mod:`kymatio.core.plugins`; torch (about 4 s) is imported
with ``kymatio.torch._backend`` or a frontend class when one is first used, and CuPy only when the
``torch_skcuda`` backend is.
"""
from __future__ import annotations

from kymatio.core.plugins import BackendSpec, FrontendSpec, hookimpl

__all__ = ["kymatio_register_backends", "kymatio_register_frontends", "SKCUDA_INSTALL"]

_INSTALL = "pip install kymatio-torch"
#: What installs the ``torch_skcuda`` backend's CuPy (the extra ``[skcuda]`` of kymatio-torch).
SKCUDA_INSTALL = 'pip install "kymatio-torch[skcuda]"'


@hookimpl
def kymatio_register_backends(register):
    """Register the backends of the PyTorch frontend: ``"torch"`` (``torch.fft`` on any device) and
    ``"torch_skcuda"`` (CUDA only, CuPy kernels; needs the extra ``[skcuda]``)."""
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
    # The registry checks that CuPy is installed (find_spec, no import) before importing the
    # module; the class checks for a CUDA device when the registry instantiates it.
    register(
        BackendSpec(
            name="torch_skcuda",
            frontend="torch",
            module="kymatio.torch._backend_skcuda",
            attribute="TorchSkcudaBackend",
            requires=("torch", "cupy"),
            install_hint=SKCUDA_INSTALL,
            description="CUDA torch tensors; CuPy kernels for the fused wavelet product + "
                        "periodisation and the modulus, differentiable",
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
