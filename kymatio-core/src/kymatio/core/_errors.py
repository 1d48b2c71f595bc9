"""Exception classes of kymatio.

Each class subclasses the builtin exceptions that the reference implementation raised in the same
situation, so that ``except ValueError:``, ``except RuntimeError:`` or ``except ImportError:`` clauses
written against it keep working.
"""
from __future__ import annotations

__all__ = [
    "KymatioError",
    "ScatteringValueError",
    "ScatteringTypeError",
    "UnsupportedParameterError",
    "FixedParameterError",
    "BackendError",
    "BackendNotFoundError",
    "BackendUnavailableError",
    "BackendFrontendMismatchError",
    "FrontendNotFoundError",
]


class KymatioError(Exception):
    """Base class of every exception raised by kymatio itself."""


class ScatteringValueError(KymatioError, ValueError, RuntimeError):
    """A parameter or an input has a value that the transform does not accept.

    Subclasses ``RuntimeError`` too: the reference raised ``RuntimeError`` for some of these cases
    (2-D/3-D input shapes, ``J`` too large for the image).
    """


class ScatteringTypeError(KymatioError, TypeError):
    """A parameter or an input has a type that the transform does not accept."""


class UnsupportedParameterError(ScatteringValueError, NotImplementedError):
    """A parameter asks for something that is not implemented (e.g. scattering beyond order 2).

    Subclasses ``NotImplementedError`` as the reference's error did.
    """


class FixedParameterError(KymatioError, AttributeError):
    """A parameter that the filters are built from was assigned after construction.

    Subclasses ``AttributeError``, what Python raises for a read-only attribute: construct a new
    transform with the new value instead.
    """


class BackendError(KymatioError, ImportError):
    """A backend could not be resolved (subclasses ``ImportError`` as the reference's errors did)."""


class BackendNotFoundError(BackendError, ValueError):
    """No installed plugin registers a backend of that name."""


class BackendUnavailableError(BackendError):
    """The backend is registered but its framework (or an extra) is not installed."""


class BackendFrontendMismatchError(BackendError, ValueError):
    """The backend exists but serves another frontend."""


class FrontendNotFoundError(KymatioError, ValueError, RuntimeError):
    """No installed plugin provides a frontend of that name (or that transform)."""
