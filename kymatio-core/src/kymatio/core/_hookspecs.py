"""The pluggy hook specifications of kymatio plugins.

A plugin module implements one or both hooks with :data:`kymatio.core.plugins.hookimpl`; the
registry calls each hook once per plugin, on the first lookup, with a ``register`` callable.
"""
from __future__ import annotations

import pluggy

__all__ = ["PROJECT_NAME", "hookspec", "kymatio_register_backends", "kymatio_register_frontends"]

PROJECT_NAME = "kymatio"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec
def kymatio_register_backends(register):
    """Declare the backends this plugin provides.

    Parameters
    ----------
    register : callable
        Call ``register(BackendSpec(...))`` once per backend. The spec names the module to import on
        first use; nothing heavy may be imported here.
    """


@hookspec
def kymatio_register_frontends(register):
    """Declare the frontends this plugin provides.

    Parameters
    ----------
    register : callable
        Call ``register(FrontendSpec(...))`` once per frontend.
    """
