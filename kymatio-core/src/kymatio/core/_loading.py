"""Loading the plugins: entry points in, a catalog of the specs their hooks register out.

Each entry point is loaded, registered with pluggy and its hooks called inside its own ``try``: a
broken plugin costs a :class:`~kymatio.core.plugins.PluginWarning` naming it, and the others load.
The first registration of a name wins; later ones are warned about and dropped.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from ._errors import ScatteringTypeError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["Catalog", "Registration", "load_plugins", "plugin_label"]


@dataclass(frozen=True)
class Registration:
    """A spec, with the entry-point name and distribution of the plugin that registered it."""

    spec: Any
    plugin: str
    distribution: str | None


@dataclass
class Catalog:
    """The registered backends and frontends by name, in the order of registration."""

    backends: dict[str, Registration] = field(default_factory=dict)
    frontends: dict[str, Registration] = field(default_factory=dict)


def load_plugins(entry_points: Iterable[EntryPoint]) -> Catalog:
    """Load every entry point and collect the specs its hooks register, one ``try`` per plugin."""
    import pluggy

    from . import _hookspecs
    from .plugins import BackendSpec, FrontendSpec

    manager = pluggy.PluginManager(_hookspecs.PROJECT_NAME)
    manager.add_hookspecs(_hookspecs)
    loaded: list[tuple[str, str | None]] = []
    values: dict[str, str] = {}
    for entry_point in entry_points:
        name, value = entry_point.name, entry_point.value
        distribution = _distribution_name(entry_point)
        if name in values:
            # The same entry point seen twice is one distribution found twice on sys.path.
            if values[name] != value:
                _warn(
                    f"Two kymatio plugins are named {name!r}: {values[name]!r} and {value!r} "
                    f"(from {distribution or 'an unknown distribution'}). Keeping the first."
                )
            continue
        values[name] = value
        label = _label(name, value, distribution)
        try:
            plugin = entry_point.load()
            manager.register(plugin, name=name)
        except Exception as error:
            _warn(f"The kymatio plugin {label} could not be loaded and is ignored: {_describe(error)}")
            continue
        hooks = [caller.name for caller in manager.get_hookcallers(plugin) or ()]
        unknown = [hook for hook in hooks if not getattr(manager.hook, hook).has_spec()]
        if unknown or not hooks:
            _warn(
                f"The kymatio plugin {label} implements "
                f"{'no kymatio hook' if not hooks else 'unknown hooks ' + str(unknown)}; the hooks "
                f"are kymatio_register_backends and kymatio_register_frontends."
            )
        loaded.append((name, distribution))

    catalog = Catalog()
    tables = (
        ("kymatio_register_backends", BackendSpec, catalog.backends, "backend"),
        ("kymatio_register_frontends", FrontendSpec, catalog.frontends, "frontend"),
    )
    for hook_name, spec_type, table, kind in tables:
        implementations = {
            impl.plugin_name: impl for impl in getattr(manager.hook, hook_name).get_hookimpls()
        }
        for name, distribution in loaded:
            implementation = implementations.get(name)
            if implementation is None:
                continue
            label = _label(name, values[name], distribution)
            for spec in _call_hook(implementation, spec_type, label):
                previous = table.get(spec.name)
                if previous is not None:
                    _warn(
                        f"The kymatio {kind} {spec.name!r} is registered by the plugin "
                        f"{plugin_label(previous)} and again by the plugin {label}; keeping the "
                        f"first ({previous.spec.module})."
                    )
                    continue
                table[spec.name] = Registration(spec, name, distribution)
    return catalog


def _call_hook(implementation: Any, spec_type: type, label: str) -> list:
    """Call one plugin's hook; all its specs, or none (with a warning) if the hook fails."""
    specs: list = []

    def register(spec, /):
        if not isinstance(spec, spec_type):
            raise ScatteringTypeError(
                f"{implementation.function.__name__}'s register() takes a {spec_type.__name__}, "
                f"got {spec!r}."
            )
        specs.append(spec)

    try:
        if implementation.hookwrapper or implementation.wrapper:
            raise TypeError("kymatio hooks can not be hook wrappers")
        arguments = {"register": register}
        implementation.function(*[arguments[a] for a in implementation.argnames])
    except Exception as error:
        _warn(
            f"The kymatio plugin {label} failed in {implementation.function.__name__} and its "
            f"registrations there are ignored: {_describe(error)}"
        )
        return []
    return specs


def _warn(message: str) -> None:
    from .plugins import PluginWarning

    warnings.warn(message, PluginWarning, stacklevel=4)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _distribution_name(entry_point: Any) -> str | None:
    distribution = getattr(entry_point, "dist", None)
    return None if distribution is None else distribution.name


def _label(name: str, value: str, distribution: str | None) -> str:
    source = f", from the distribution {distribution}" if distribution else ""
    return f"{name!r} ({value}{source})"


def plugin_label(registration: Registration) -> str:
    """How messages name the plugin behind a registration."""
    source = f" from the distribution {registration.distribution}" if registration.distribution else ""
    return f"{registration.plugin!r}{source}"
