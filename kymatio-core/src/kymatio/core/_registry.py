"""The plugin registry: which backends and frontends are installed, found through entry points.

Plugins are distributions that declare an entry point in the group ``kymatio.plugins``; it points at
a light module implementing the pluggy hooks of :mod:`kymatio.core._hookspecs`. The registry

* scans the entry points on the first lookup (never at import) and caches the result until
  :func:`refresh`;
* loads each entry point and calls each of its hooks inside its own ``try``: a broken plugin costs a
  :class:`~kymatio.core.plugins.PluginWarning`, never an import failure of kymatio;
* keeps the first registration of a name and warns about later ones;
* imports a backend's module only when it is first asked for, after checking with
  :func:`importlib.util.find_spec` that its framework is installed.

``Registry(entry_points=...)`` takes the entry points explicitly, for tests; the module functions use
:data:`default_registry`, which discovers them with :mod:`importlib.metadata`.
"""
from __future__ import annotations

import difflib
import importlib
import importlib.util
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from ._errors import (
    BackendError,
    BackendFrontendMismatchError,
    BackendNotFoundError,
    BackendUnavailableError,
    FrontendNotFoundError,
    ScatteringTypeError,
)
from ._loading import Catalog, Registration, load_plugins, plugin_label

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "BackendInfo",
    "FrontendInfo",
    "Registry",
    "default_registry",
    "frontend_class",
    "frontend_serving",
    "list_backends",
    "list_frontends",
    "refresh",
    "resolve_backend",
]

# Where the well-known names come from, so that asking for one that is not installed says what to
# install rather than only "not found".
_KNOWN_DISTRIBUTIONS = {
    "numpy": "kymatio-numpy",
    "torch": "kymatio-torch",
    "torch_skcuda": '"kymatio-torch[skcuda]"',
    "tensorflow": "kymatio-tensorflow",
    "keras": "kymatio-keras",
    "jax": "kymatio-jax",
    "sklearn": "kymatio-sklearn",
    "dask": "kymatio-dask",
}


@dataclass(frozen=True)
class BackendInfo:  # numpydoc ignore=PR01
    """One registered backend, as listed by ``list_backends(detail=True)``.

    Attributes
    ----------
    name, frontend : str
        The backend's name and the frontend it serves.
    available : bool
        Whether every module it requires is installed (checked without importing them).
    install_hint : str
        The command that installs what it requires.
    plugin : str
        The entry-point name of the plugin that registered it.
    distribution : str or None
        The distribution that declares that entry point (None for entry points built by hand).
    module, requires, description
        As in its :class:`~kymatio.core.plugins.BackendSpec`.
    """

    name: str
    frontend: str
    available: bool
    install_hint: str
    plugin: str
    distribution: str | None
    module: str
    requires: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class FrontendInfo:  # numpydoc ignore=PR01
    """One registered frontend, as listed by ``list_frontends(detail=True)``.

    Attributes
    ----------
    name, default_backend : str
        The frontend's name and the backend its classes use by default.
    transforms : tuple of str
        The transform classes it provides.
    available : bool
        Whether every module it requires is installed (checked without importing them).
    install_hint, plugin, distribution, module, requires, description
        As in :class:`~kymatio.core._registry.BackendInfo`.
    """

    name: str
    default_backend: str
    transforms: tuple[str, ...]
    available: bool
    install_hint: str
    plugin: str
    distribution: str | None
    module: str
    requires: tuple[str, ...]
    description: str


class Registry:
    """The backends and frontends that plugins register, scanned lazily and cached.

    Parameters
    ----------
    entry_points : iterable of importlib.metadata.EntryPoint, optional
        The plugins to load. By default, those of the group ``kymatio.plugins`` of the installed
        distributions, discovered on the first lookup.

    Examples
    --------
    >>> from importlib.metadata import EntryPoint
    >>> registry = Registry([EntryPoint("numpy", "kymatio.numpy._plugin", "kymatio.plugins")])
    >>> registry.scanned
    False
    >>> registry.list_backends()
    ['numpy']
    >>> registry.scanned
    True
    """

    def __init__(self, entry_points: Iterable[EntryPoint] | None = None) -> None:
        self._entry_points = None if entry_points is None else tuple(entry_points)
        self._catalog: Catalog | None = None
        self._backends: dict[str, Any] = {}
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        state = "scanned" if self.scanned else "not scanned"
        return f"<kymatio plugin registry ({state})>"

    @property
    def scanned(self) -> bool:
        """Whether the entry points have been loaded (they are on the first lookup)."""
        return self._catalog is not None

    def refresh(self) -> None:
        """Forget the scan and the loaded backends; the next lookup scans the entry points again.

        Call it after installing a plugin in a running session.
        """
        with self._lock:
            self._catalog = None
            self._backends.clear()
        importlib.invalidate_caches()

    # -- lookups --------------------------------------------------------------------------------
    def resolve_backend(self, backend: Any, frontend: str) -> Any:
        """The backend object that ``backend=`` designates for a class of the frontend ``frontend``.

        Parameters
        ----------
        backend : str or backend object
            A registered name, or an object with a ``name`` (and ``frontend``) attribute.
        frontend : str
            The name of the frontend asking.

        Returns
        -------
        object
            The backend; a registered one is imported on first use and then reused.

        Raises
        ------
        BackendNotFoundError
            If no plugin registers that name (the message lists those installed and the nearest).
        BackendUnavailableError
            If the backend's framework is not installed (the message says what to ``pip install``).
        BackendFrontendMismatchError
            If the backend serves another frontend.
        ScatteringTypeError
            If ``backend`` is neither a string nor a backend object.
        """
        if isinstance(backend, str):
            registration = self._backend_registration(backend)
            served = registration.spec.frontend
            if served != frontend:
                raise BackendFrontendMismatchError(
                    f"The backend {backend!r} can not be called from the frontend {frontend!r}: it "
                    f"serves the {served!r} frontend{self._frontend_pointer(served)}. "
                    f"{self._backends_of(frontend)}"
                )
            return self._load_backend(registration)
        if isinstance(backend, type):
            raise ScatteringTypeError(
                f"backend must be a backend name or a backend object, got the class "
                f"{backend.__qualname__}; pass an instance, e.g. backend={backend.__qualname__}()."
            )
        name = getattr(backend, "name", None)
        if not isinstance(name, str):
            raise ScatteringTypeError(
                f"backend must be a backend name (str) or a backend object with a `name` and a "
                f"`frontend` attribute, got {backend!r} of type {type(backend).__name__}. "
                f"{self._backends_of(frontend)}"
            )
        served = getattr(backend, "frontend", None)
        # Objects written against the reference carry only a name, which starts with the frontend's.
        accepted = served == frontend if served else name.startswith(frontend)
        if not accepted:
            serves = f"it serves the {served!r} frontend" if served else "its name does not start with it"
            raise BackendFrontendMismatchError(
                f"The backend {name!r} is not supported by the frontend {frontend!r}: {serves}. "
                f"{self._backends_of(frontend)}"
            )
        return backend

    def frontend_class(self, frontend: str, transform: str) -> type:
        """The class named ``transform`` of the frontend named ``frontend`` (case-insensitive).

        Raises
        ------
        FrontendNotFoundError
            If no plugin registers that frontend, or it does not provide ``transform``.
        BackendUnavailableError
            If the frontend's framework is not installed or its module does not import.
        ScatteringTypeError
            If ``frontend`` is not a string.
        """
        key = _frontend_key(frontend)
        catalog = self._scan()
        registration = catalog.frontends.get(key)
        if registration is None:
            raise FrontendNotFoundError(_unknown_frontend_message(frontend, catalog))
        spec = registration.spec
        if transform not in spec.transforms:
            providers = [n for n, r in catalog.frontends.items() if transform in r.spec.transforms]
            raise FrontendNotFoundError(
                f"The frontend {key!r} does not provide {transform}; it provides "
                f"{_quoted(spec.transforms)}. Frontends that provide {transform}: "
                f"{_quoted(providers)}."
            )
        missing = _missing_modules(spec.requires)
        if missing:
            raise BackendUnavailableError(
                f"The frontend {key!r} needs {_quoted(missing)}, which "
                f"{'is' if len(missing) == 1 else 'are'} not installed. "
                f"{_install_advice(spec.install_hint, key)}"
            )
        try:
            module = importlib.import_module(spec.module)
            return getattr(module, transform)
        except ImportError as error:
            raise BackendUnavailableError(
                f"The frontend {key!r} could not import {transform} from {spec.module!r}: {error}"
            ) from error
        except AttributeError as error:
            raise FrontendNotFoundError(
                f"The plugin {registration.plugin!r} registers {transform} for the frontend {key!r}, "
                f"but {spec.module!r} has no attribute {transform!r}."
            ) from error

    def list_backends(self, frontend: str | None = None, detail: bool = False) -> list:
        """The registered backends, sorted by name; see :func:`list_backends`."""
        catalog = self._scan()
        key = None if frontend is None else _frontend_key(frontend)
        registrations = [
            r for n, r in sorted(catalog.backends.items()) if key is None or r.spec.frontend == key
        ]
        if key is not None and not registrations and key not in catalog.frontends:
            raise FrontendNotFoundError(_unknown_frontend_message(frontend, catalog))
        if not detail:
            return [r.spec.name for r in registrations]
        return [
            BackendInfo(
                name=r.spec.name,
                frontend=r.spec.frontend,
                available=not _missing_modules(r.spec.requires, deep=False),
                install_hint=r.spec.install_hint,
                plugin=r.plugin,
                distribution=r.distribution,
                module=r.spec.module,
                requires=r.spec.requires,
                description=r.spec.description,
            )
            for r in registrations
        ]

    def list_frontends(self, detail: bool = False) -> list:
        """The registered frontends, sorted by name; see :func:`list_frontends`."""
        registrations = [r for _, r in sorted(self._scan().frontends.items())]
        if not detail:
            return [r.spec.name for r in registrations]
        return [
            FrontendInfo(
                name=r.spec.name,
                default_backend=r.spec.default_backend,
                transforms=r.spec.transforms,
                available=not _missing_modules(r.spec.requires, deep=False),
                install_hint=r.spec.install_hint,
                plugin=r.plugin,
                distribution=r.distribution,
                module=r.spec.module,
                requires=r.spec.requires,
                description=r.spec.description,
            )
            for r in registrations
        ]

    # -- internals ------------------------------------------------------------------------------
    def _scan(self) -> Catalog:
        catalog = self._catalog
        if catalog is None:
            with self._lock:
                if self._catalog is None:
                    self._catalog = load_plugins(self._discover())
                catalog = self._catalog
        return catalog

    def _discover(self) -> tuple:
        if self._entry_points is not None:
            return self._entry_points
        from importlib.metadata import entry_points

        from .plugins import ENTRY_POINT_GROUP

        return tuple(entry_points(group=ENTRY_POINT_GROUP))

    def _backend_registration(self, name: str) -> Registration:
        catalog = self._scan()
        registration = catalog.backends.get(name)
        if registration is None:
            raise BackendNotFoundError(_unknown_backend_message(name, catalog))
        return registration

    def _load_backend(self, registration: Registration) -> Any:
        spec = registration.spec
        with self._lock:
            backend = self._backends.get(spec.name)
            if backend is not None:
                return backend
            missing = _missing_modules(spec.requires)
            if missing:
                raise BackendUnavailableError(
                    f"The backend {spec.name!r} is registered (by the plugin "
                    f"{plugin_label(registration)}) but needs {_quoted(missing)}, which "
                    f"{'is' if len(missing) == 1 else 'are'} not installed. "
                    f"{_install_advice(spec.install_hint, spec.name)}"
                )
            try:
                module = importlib.import_module(spec.module)
            except ImportError as error:
                raise BackendUnavailableError(
                    f"The backend {spec.name!r} could not be imported from {spec.module!r}: "
                    f"{error}. {_install_advice(spec.install_hint, spec.name)}"
                ) from error
            try:
                backend = getattr(module, spec.attribute)
            except AttributeError as error:
                raise BackendError(
                    f"The plugin {plugin_label(registration)} registers the backend {spec.name!r} "
                    f"as {spec.module}:{spec.attribute}, which does not exist."
                ) from error
            if isinstance(backend, type):
                backend = backend()
            self._backends[spec.name] = backend
            return backend

    def _backends_of(self, frontend: str) -> str:
        names = [n for n, r in sorted(self._scan().backends.items()) if r.spec.frontend == frontend]
        return f"Backends of the {frontend!r} frontend: {_quoted(names)}."

    def _frontend_pointer(self, frontend: str) -> str:
        registration = self._scan().frontends.get(frontend)
        if registration is None:
            return ""
        return f" (use the classes of {registration.spec.module}, or frontend={frontend!r})"


# -- messages and checks --------------------------------------------------------------------------
def _missing_modules(names: Iterable[str], deep: bool = True) -> list[str]:
    """The modules of ``names`` that are not installed, found without importing them.

    With ``deep=False`` only top-level packages are looked up: finding ``a.b`` imports ``a``.
    """
    missing = []
    for name in names:
        for candidate in (name.partition(".")[0], name) if deep else (name.partition(".")[0],):
            if candidate in sys.modules:
                continue
            try:
                found = importlib.util.find_spec(candidate) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                missing.append(name)
                break
    return missing


def _frontend_key(frontend: Any) -> str:
    if not isinstance(frontend, str):
        raise ScatteringTypeError(
            f"frontend must be a frontend name (str), got {frontend!r} of type "
            f"{type(frontend).__name__}."
        )
    return frontend.lower()


def _quoted(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(repr(n) for n in names) if names else "none installed"


def _nearest(name: str, candidates: Iterable[str]) -> str | None:
    by_lower = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[match[0]] if match else None


def _install_advice(install_hint: str, name: str) -> str:
    if install_hint:
        return f"Install it with: {install_hint}"
    distribution = _KNOWN_DISTRIBUTIONS.get(name)
    if distribution:
        return f"Install it with: pip install {distribution}"
    return "Install the package that provides it."


def _suggestions(name: str, installed: Iterable[str], kind: str) -> str:
    installed = list(installed)
    text = ""
    nearest = _nearest(name, installed)
    if nearest is not None:
        text += f" Did you mean {nearest!r}?"
    distribution = _KNOWN_DISTRIBUTIONS.get(name.lower())
    if distribution and name.lower() not in installed:
        text += f" The {name.lower()!r} {kind} comes with {distribution}: pip install {distribution}."
    return text + " (After installing a plugin in a running session, call kymatio.core.refresh_plugins().)"


def _unknown_backend_message(name: str, catalog: Catalog) -> str:
    installed = [f"{n!r} ({r.spec.frontend} frontend)" for n, r in sorted(catalog.backends.items())]
    listing = ", ".join(installed) if installed else "none"
    return (
        f"Backend {name!r} not found! Installed backends: {listing}."
        + _suggestions(name, catalog.backends, "backend")
    )


def _unknown_frontend_message(frontend: str, catalog: Catalog) -> str:
    return (
        f"The frontend {frontend!r} is not valid. Installed frontends: "
        f"{_quoted(sorted(catalog.frontends))}."
        + _suggestions(frontend, catalog.frontends, "frontend")
    )


# -- the default registry and its module-level API --------------------------------------------------
#: The registry behind the module functions, scanning the installed distributions' entry points.
default_registry = Registry()


def resolve_backend(backend: Any, frontend_name: str) -> Any:
    """The backend object that ``backend=`` designates for the frontend ``frontend_name``.

    See :meth:`Registry.resolve_backend`.
    """
    return default_registry.resolve_backend(backend, frontend_name)


def frontend_class(frontend: str, transform: str) -> type:
    """The class ``transform`` of the frontend ``frontend``; see :meth:`Registry.frontend_class`."""
    return default_registry.frontend_class(frontend, transform)


def frontend_serving(backend: Any, default: str = "numpy") -> str:
    """The frontend whose classes compute with ``backend``, a registered name or a backend object.

    For the tools that hold NumPy arrays and let users pick the computing framework by its backend
    (``backend="torch"`` computes with the frontend ``"torch"``). An unknown name gives ``default``,
    whose backend lookup then raises the registry's error listing what is installed.

    Examples
    --------
    >>> frontend_serving("numpy")
    'numpy'
    """
    if isinstance(backend, str):
        registration = default_registry._scan().backends.get(backend)
        return default if registration is None else registration.spec.frontend
    return getattr(backend, "frontend", None) or default


def list_backends(frontend: str | None = None, detail: bool = False) -> list:
    """The names of the installed backends, or a record of each.

    Parameters
    ----------
    frontend : str, optional
        Only the backends serving this frontend.
    detail : bool, default False
        Return :class:`~kymatio.core._registry.BackendInfo` records (frontend, availability of the
        framework, install hint, plugin and distribution) instead of names.

    Returns
    -------
    list of str or list of BackendInfo
        Sorted by name.

    Raises
    ------
    FrontendNotFoundError
        If ``frontend`` names no installed frontend and no backend serves it.

    Examples
    --------
    >>> import kymatio.core
    >>> "numpy" in kymatio.core.list_backends()
    True
    >>> info = kymatio.core.list_backends("numpy", detail=True)[0]
    >>> info.frontend, info.available
    ('numpy', True)
    """
    return default_registry.list_backends(frontend, detail)


def list_frontends(detail: bool = False) -> list:
    """The names of the installed frontends, or a record of each.

    Parameters
    ----------
    detail : bool, default False
        Return :class:`~kymatio.core._registry.FrontendInfo` records (default backend, transforms,
        availability of the framework, install hint, plugin and distribution) instead of names.

    Returns
    -------
    list of str or list of FrontendInfo
        Sorted by name.

    Examples
    --------
    >>> import kymatio.core
    >>> "numpy" in kymatio.core.list_frontends()
    True
    """
    return default_registry.list_frontends(detail)


def refresh() -> None:
    """Forget the plugin scan: the next lookup finds plugins installed since (exported as
    ``kymatio.core.refresh_plugins``)."""
    default_registry.refresh()
