"""The by-name dispatchers: ``kymatio.core.Scattering1D(..., frontend="torch")``.

Each dispatcher's ``__new__`` looks the frontend up in the plugin registry and returns an instance of
that frontend's class, so the object users get is the frontend's own (``isinstance`` checks,
``torch.nn.Module`` behaviour and pickling all refer to it) and the dispatcher itself holds no state.
"""
from __future__ import annotations

from typing import Any

from . import _registry

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering"]


class _Dispatcher:
    _transform = ""

    def __new__(cls, *args: Any, frontend: str = "numpy", **kwargs: Any) -> Any:
        target = _registry.frontend_class(frontend, cls._transform)
        return target(*args, **kwargs)


class Scattering1D(_Dispatcher):
    """1-D wavelet scattering transform of the frontend named by ``frontend``.

    Parameters
    ----------
    *args
        The positional parameters of the frontend's class (:class:`kymatio.numpy.Scattering1D`
        documents them).
    frontend : str, default "numpy"
        The frontend whose class to build, case-insensitive: ``"numpy"`` or that of any installed
        plugin (see :func:`kymatio.core.list_frontends`).
    **kwargs
        The keyword parameters of the frontend's class.

    Returns
    -------
    object
        An instance of the frontend's ``Scattering1D``, not of this class.

    Raises
    ------
    FrontendNotFoundError
        If no installed plugin provides the frontend, or the frontend does not provide Scattering1D.
    BackendUnavailableError
        If the frontend's framework is not installed.

    Examples
    --------
    >>> import kymatio.core, kymatio.numpy
    >>> S = kymatio.core.Scattering1D(J=2, shape=(64,), frontend="numpy")
    >>> isinstance(S, kymatio.numpy.Scattering1D)
    True
    """

    _transform = "Scattering1D"


class Scattering2D(_Dispatcher):
    """2-D wavelet scattering transform of the frontend named by ``frontend``.

    Parameters
    ----------
    *args
        The positional parameters of the frontend's class (:class:`kymatio.numpy.Scattering2D`
        documents them).
    frontend : str, default "numpy"
        The frontend whose class to build, case-insensitive: ``"numpy"`` or that of any installed
        plugin (see :func:`kymatio.core.list_frontends`).
    **kwargs
        The keyword parameters of the frontend's class.

    Returns
    -------
    object
        An instance of the frontend's ``Scattering2D``, not of this class.

    Raises
    ------
    FrontendNotFoundError
        If no installed plugin provides the frontend, or the frontend does not provide Scattering2D.
    BackendUnavailableError
        If the frontend's framework is not installed.
    """

    _transform = "Scattering2D"


class HarmonicScattering3D(_Dispatcher):
    """3-D solid harmonic scattering transform of the frontend named by ``frontend``.

    Parameters
    ----------
    *args
        The positional parameters of the frontend's class (:class:`kymatio.numpy.HarmonicScattering3D`
        documents them).
    frontend : str, default "numpy"
        The frontend whose class to build, case-insensitive: ``"numpy"`` or that of any installed
        plugin (see :func:`kymatio.core.list_frontends`).
    **kwargs
        The keyword parameters of the frontend's class.

    Returns
    -------
    object
        An instance of the frontend's ``HarmonicScattering3D``, not of this class.

    Raises
    ------
    FrontendNotFoundError
        If no installed plugin provides the frontend, or the frontend does not provide HarmonicScattering3D.
    BackendUnavailableError
        If the frontend's framework is not installed.
    """

    _transform = "HarmonicScattering3D"


class TimeFrequencyScattering(_Dispatcher):
    """Joint time-frequency scattering transform of the frontend named by ``frontend``.

    Parameters
    ----------
    *args
        The positional parameters of the frontend's class (:class:`kymatio.numpy.TimeFrequencyScattering`
        documents them).
    frontend : str, default "numpy"
        The frontend whose class to build, case-insensitive: ``"numpy"`` or that of any installed
        plugin (see :func:`kymatio.core.list_frontends`).
    **kwargs
        The keyword parameters of the frontend's class.

    Returns
    -------
    object
        An instance of the frontend's ``TimeFrequencyScattering``, not of this class.

    Raises
    ------
    FrontendNotFoundError
        If no installed plugin provides the frontend, or the frontend does not provide TimeFrequencyScattering.
    BackendUnavailableError
        If the frontend's framework is not installed.
    """

    _transform = "TimeFrequencyScattering"


for _dispatcher in (Scattering1D, Scattering2D, HarmonicScattering3D, TimeFrequencyScattering):
    _dispatcher.__module__ = "kymatio.core"
del _dispatcher
