"""An example kymatio plugin: the backend "numpy_example", which counts its Fourier transforms.

It serves the NumPy frontend, so once its distribution is installed::

    kymatio.numpy.Scattering2D(J=2, shape=(32, 32), backend="numpy_example")

uses it. The distribution's ``pyproject.toml`` points the registry at this module::

    [project.entry-points."kymatio.plugins"]
    numpy_example = "kymatio_example_backend"

The registry imports this module whenever it scans the plugins, so its top level imports only
``kymatio.core.plugins``. The backend class subclasses the NumPy backend, which needs NumPy and
SciPy, so it is defined on first access (a module ``__getattr__``, PEP 562): when the registry
resolves ``backend="numpy_example"`` or a user imports ``CountingBackend``.
"""
from __future__ import annotations

from kymatio.core.plugins import BackendSpec, hookimpl


@hookimpl
def kymatio_register_backends(register):
    """Declare the backend; nothing is imported until it is used."""
    register(
        BackendSpec(
            name="numpy_example",
            frontend="numpy",
            module="kymatio_example_backend",
            attribute="CountingBackend",
            requires=("numpy", "scipy"),
            install_hint="pip install kymatio-example-backend",
            description="the NumPy backend, counting its Fourier transforms",
        )
    )


def __getattr__(name):
    if name != "CountingBackend":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from kymatio.numpy._backend import NumpyBackend

    class CountingBackend(NumpyBackend):
        """The NumPy backend, counting the Fourier transforms it computes in ``fft_calls``."""

        name = "numpy_example"
        frontend = "numpy"

        def __init__(self):
            self.fft_calls = 0

        def rfft(self, x, ndim=1):
            self.fft_calls += 1
            return super().rfft(x, ndim)

        def fft(self, x, ndim=1):
            self.fft_calls += 1
            return super().fft(x, ndim)

        def ifft(self, x, ndim=1):
            self.fft_calls += 1
            return super().ifft(x, ndim)

        def irfft(self, x, ndim=1):
            self.fft_calls += 1
            return super().irfft(x, ndim)

    CountingBackend.__module__ = __name__
    globals()["CountingBackend"] = CountingBackend
    return CountingBackend
