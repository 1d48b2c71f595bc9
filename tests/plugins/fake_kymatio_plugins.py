"""Fake kymatio plugins for ``tests/test_registry.py``.

Each class below is one plugin: an entry point ``fake_kymatio_plugins:<class name>`` makes the
registry load it. The module also plays the frontend ``fakefw`` (its ``Scattering1D`` and
``TimeFrequencyScattering``) and holds that frontend's backend.
"""
from __future__ import annotations

from kymatio.core._frontend import ScatteringBase
from kymatio.core.plugins import BackendSpec, FrontendSpec, hookimpl

#: One entry per call of ``good``'s backend hook: how many times the registry scanned.
HOOK_CALLS: list[str] = []

MISSING_MODULE = "kymatio_fake_framework_that_is_not_installed"


class FakeBackend:
    """The backend of the fake frontend: a class, which the registry instantiates."""

    name = "fakefw"
    frontend = "fakefw"


class _FakeTransform(ScatteringBase):
    frontend_name = "fakefw"
    default_backend = "fakefw"

    def __init__(self, J, shape, backend=None):
        self.J = J
        self.shape = shape
        self._instantiate_backend(backend)


class Scattering1D(_FakeTransform):
    pass


class TimeFrequencyScattering(_FakeTransform):
    pass


class good:
    @staticmethod
    @hookimpl
    def kymatio_register_backends(register):
        HOOK_CALLS.append("good")
        register(
            BackendSpec(
                name="fakefw",
                frontend="fakefw",
                module=__name__,
                attribute="FakeBackend",
                install_hint="pip install kymatio-fakefw",
                description="fake backend",
            )
        )
        register(
            BackendSpec(
                name="fakefw_missing",
                frontend="fakefw",
                module="kymatio_fake_module_that_is_not_installed",
                requires=(MISSING_MODULE,),
                install_hint="pip install kymatio-fakefw[missing]",
            )
        )
        register(
            BackendSpec(name="fakefw_noattr", frontend="fakefw", module=__name__, attribute="Nope")
        )

    @staticmethod
    @hookimpl
    def kymatio_register_frontends(register):
        register(
            FrontendSpec(
                name="fakefw",
                module=__name__,
                default_backend="fakefw",
                transforms=("Scattering1D", "TimeFrequencyScattering"),
            )
        )
        register(
            FrontendSpec(
                name="fakefw_absent",
                module="kymatio_fake_module_that_is_not_installed",
                default_backend="fakefw",
                transforms=("Scattering1D",),
                requires=(MISSING_MODULE,),
                install_hint="pip install kymatio-fakefw-absent",
            )
        )
        register(
            FrontendSpec(
                name="fakefw_broken_module",
                module="kymatio_fake_module_that_is_not_installed",
                default_backend="fakefw",
                transforms=("Scattering1D",),
            )
        )
        register(
            FrontendSpec(
                name="fakefw_noattr",
                module=__name__,
                default_backend="fakefw",
                transforms=("Scattering2D",),
            )
        )


class raising:
    """Registers a backend, then fails: none of its registrations may survive."""

    @staticmethod
    @hookimpl
    def kymatio_register_backends(register):
        register(BackendSpec(name="half_registered", frontend="fakefw", module=__name__))
        raise RuntimeError("boom in the raising plugin")


class wrong_argument:
    """Its hook takes an argument that the hook specification does not have."""

    @staticmethod
    @hookimpl
    def kymatio_register_backends(registry):
        registry(BackendSpec(name="never", frontend="fakefw", module=__name__))


class wrong_spec:
    """Registers something that is not a spec."""

    @staticmethod
    @hookimpl
    def kymatio_register_backends(register):
        register({"name": "dict_spec", "frontend": "fakefw"})


class duplicate:
    """Registers names that ``good`` registered first."""

    @staticmethod
    @hookimpl
    def kymatio_register_backends(register):
        register(BackendSpec(name="fakefw", frontend="fakefw", module="elsewhere"))
        register(BackendSpec(name="fakefw_other", frontend="fakefw", module=__name__,
                             attribute="FakeBackend"))

    @staticmethod
    @hookimpl
    def kymatio_register_frontends(register):
        register(FrontendSpec(name="fakefw", module="elsewhere", default_backend="fakefw"))


class misspelled:
    """Implements a hook name that kymatio does not define."""

    @staticmethod
    @hookimpl
    def kymatio_register_backend(register):
        register(BackendSpec(name="never", frontend="fakefw", module=__name__))


class no_hooks:
    """Implements no hook at all."""
