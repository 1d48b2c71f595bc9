"""The public API for writing kymatio plugins.

A plugin distribution declares an entry point in the group ``kymatio.plugins`` that points at a
**light** module: one that imports only :mod:`kymatio.core` (never its framework). That module
implements one or both hooks with :data:`hookimpl` and registers import-free specs:

.. code-block:: python

    from kymatio.core.plugins import BackendSpec, hookimpl

    @hookimpl
    def kymatio_register_backends(register):
        register(BackendSpec(
            name="torch",
            frontend="torch",
            module="kymatio.torch._backend",
            requires=("torch",),
            install_hint="pip install kymatio-torch",
        ))

The registry imports ``module`` only when a user first asks for the backend, after checking that
every module in ``requires`` is installed. See ``docs/writing-a-backend.md``.
"""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from typing import Protocol, Union

import pluggy

from ._errors import ScatteringTypeError, ScatteringValueError
from ._hookspecs import PROJECT_NAME

__all__ = [
    "lazy_exports",
    "ENTRY_POINT_GROUP",
    "TRANSFORMS",
    "hookimpl",
    "BackendSpec",
    "FrontendSpec",
    "Register",
    "PluginWarning",
]

#: The entry-point group that the registry scans.
ENTRY_POINT_GROUP = "kymatio.plugins"

#: The transform classes that :mod:`kymatio.core` dispatches by frontend name.
TRANSFORMS = ("Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering")

#: Decorator marking a function of a plugin module as the implementation of a kymatio hook.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


class PluginWarning(UserWarning):
    """A plugin could not be loaded, or registered something the registry had to ignore."""


def _check_text(value: object, what: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not allow_empty):
        kind = "a string" if allow_empty else "a non-empty string"
        raise ScatteringTypeError(f"{what} must be {kind}, got {value!r}.")
    return value


def _check_names(value: object, what: str) -> tuple[str, ...]:
    # A lone string is a common slip for a one-element tuple: ``requires="torch"``.
    if isinstance(value, str):
        value = (value,)
    try:
        names = tuple(value)  # type: ignore[arg-type]
    except TypeError:
        raise ScatteringTypeError(f"{what} must be a tuple of strings, got {value!r}.") from None
    for name in names:
        _check_text(name, f"each entry of {what}")
    return names


@dataclass(frozen=True, kw_only=True)
class BackendSpec:
    """Declaration of one backend; holds names only, so registering it imports nothing.

    Parameters
    ----------
    name : str
        What users pass as ``backend=`` (``"torch"``, ``"torch_skcuda"``...).
    frontend : str
        The frontend it serves (``"torch"``); it may be used only by that frontend's classes.
    module : str
        Dotted path of the module that defines the backend, imported on first use.
    attribute : str, default "backend"
        Name, in ``module``, of the backend: an instance, or a class instantiated with no arguments.
    requires : tuple of str, default ()
        Modules that must be installed for the backend to work (``("torch",)``); checked with
        ``importlib.util.find_spec`` before ``module`` is imported.
    install_hint : str, default ""
        The command that installs what ``requires`` lists (``"pip install kymatio-torch"``).
    description : str, default ""
        One line shown by ``kymatio.core.list_backends(detail=True)``.

    Raises
    ------
    TypeError
        If a field has the wrong type or a required name is empty.
    """

    name: str
    frontend: str
    module: str
    attribute: str = "backend"
    requires: tuple[str, ...] = ()
    install_hint: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        _check_text(self.name, "BackendSpec.name")
        _check_text(self.frontend, "BackendSpec.frontend")
        _check_text(self.module, "BackendSpec.module")
        _check_text(self.attribute, "BackendSpec.attribute")
        _check_text(self.install_hint, "BackendSpec.install_hint", allow_empty=True)
        _check_text(self.description, "BackendSpec.description", allow_empty=True)
        object.__setattr__(self, "requires", _check_names(self.requires, "BackendSpec.requires"))


@dataclass(frozen=True, kw_only=True)
class FrontendSpec:
    """Declaration of one frontend: the module holding its transform classes, and their names.

    Parameters
    ----------
    name : str
        What users pass as ``frontend=`` to the dispatchers of :mod:`kymatio.core`.
    module : str
        Dotted path of the module whose attributes are the transform classes (``"kymatio.torch"``).
    default_backend : str
        The backend its classes use when ``backend`` is not given.
    transforms : tuple of str
        The class names it provides, among ``"Scattering1D"``, ``"Scattering2D"``,
        ``"HarmonicScattering3D"`` and ``"TimeFrequencyScattering"``.
    requires : tuple of str, default ()
        Modules that must be installed for the frontend to work.
    install_hint : str, default ""
        The command that installs what ``requires`` lists.
    description : str, default ""
        One line shown by ``kymatio.core.list_frontends(detail=True)``.

    Raises
    ------
    TypeError
        If a field has the wrong type or a required name is empty.
    ValueError
        If ``transforms`` names a class that no dispatcher of :mod:`kymatio.core` knows.
    """

    name: str
    module: str
    default_backend: str
    transforms: tuple[str, ...] = field(default=())
    requires: tuple[str, ...] = ()
    install_hint: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        _check_text(self.name, "FrontendSpec.name")
        _check_text(self.module, "FrontendSpec.module")
        _check_text(self.default_backend, "FrontendSpec.default_backend")
        _check_text(self.install_hint, "FrontendSpec.install_hint", allow_empty=True)
        _check_text(self.description, "FrontendSpec.description", allow_empty=True)
        transforms = _check_names(self.transforms, "FrontendSpec.transforms")
        unknown = [t for t in transforms if t not in TRANSFORMS]
        if unknown:
            raise ScatteringValueError(
                f"FrontendSpec.transforms lists {unknown}, which kymatio does not know; "
                f"accepted: {list(TRANSFORMS)}."
            )
        object.__setattr__(self, "transforms", transforms)
        object.__setattr__(self, "requires", _check_names(self.requires, "FrontendSpec.requires"))



class Register(Protocol):  # numpydoc ignore=PR01
    """The ``register`` callable handed to a hook.

    ``kymatio_register_backends`` receives one that accepts :class:`BackendSpec`;
    ``kymatio_register_frontends`` one that accepts :class:`FrontendSpec`. Calling it with anything
    else raises ``TypeError``, which makes the registry ignore every spec of that plugin's hook and
    warn.
    """

    def __call__(self, spec: Union[BackendSpec, FrontendSpec], /) -> None:
        """Register ``spec``; the first plugin to register a name keeps it.

        Parameters
        ----------
        spec : BackendSpec or FrontendSpec
            The declaration, of the kind the hook registers.
        """


def lazy_exports(package: str, exports: dict):
    """``__getattr__`` and ``__dir__`` (PEP 562) for a frontend package whose public names live in
    submodules imported on first access.

    A plugin's package is imported whenever the registry scans (its ``_plugin`` module lives in it),
    so its ``__init__`` must not import the framework; it maps each public name to its submodule::

        __getattr__, __dir__ = lazy_exports(__name__, {"Scattering1D": "kymatio.x._scattering1d"})

    Parameters
    ----------
    package : str
        The package's ``__name__``; the package must be imported (it is: this runs in its
        ``__init__``).
    exports : dict of str to str
        Each public name and the dotted path of the submodule that defines it.

    Returns
    -------
    tuple of callable
        ``(__getattr__, __dir__)``: the first imports a name's submodule on first access and caches
        the value in the package; the second lists the package's names and the lazy ones.
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str):
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
