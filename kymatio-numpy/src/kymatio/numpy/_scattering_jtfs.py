"""The NumPy joint time-frequency scattering frontend."""
from __future__ import annotations

from kymatio.core.frontend_jtfs import TimeFrequencyScatteringBase

from ._frontend import NumpyFrontend

__all__ = ["TimeFrequencyScattering"]


class TimeFrequencyScattering(NumpyFrontend, TimeFrequencyScatteringBase):
    """Joint time-frequency scattering (JTFS) of NumPy arrays.

    Scatters the scalogram of a signal jointly in time and in log-frequency: the first-order
    moduli ``|x * psi_n1|`` are convolved along time with second-order wavelets and, along the
    wavelet index ``n1``, with frequential wavelets of both spins (upward and downward), then
    averaged by ``phi_T`` in time and ``phi_F`` in frequency. Spin tells the direction of a chirp.

    Parameters
    ----------
    J : int
        Log2 of the largest time scale; the default ``T`` is ``2**J``.
    J_fr : int
        Log2 of the largest frequential scale (in first-order wavelets); the default ``F`` is
        ``2**J_fr``.
    Q : int or tuple of int
        Time wavelets per octave, ``Q1`` or ``(Q1, Q2)`` (required).
    shape : int or tuple of one int
        Signal length ``N``.
    T : None, int, 0 or 'global'
        Time averaging scale (``0``: second order not averaged in time; 'dict'/'list' only).
    stride : int, optional
        Time subsampling of the output, a power of two (default ``2**floor(log2 T)``).
    Q_fr : int or 1-tuple
        Frequential wavelets per octave.
    F : None, int, 0 or 'global'
        Frequential averaging scale, at most ``(J + 1) * Q1``.
    stride_fr : int, optional
        Subsampling along ``n1`` of the averaged paths, a power of two (default ``2**floor(log2 F)``).
    out_type : {'array', 'dict', 'list'}
        Output container.
    format : {'time', 'joint'}
        ``'time'``: every row along ``n1`` is its own channel, ``batch + (C, T_out)``;
        ``'joint'``: the rows stay an axis, ``batch + (C, F_out, T_out)`` (order 0 left out).
    backend : str or backend object, optional
        ``"numpy"`` (default) or any backend serving the NumPy frontend.

    Raises
    ------
    ValueError
        For parameters out of range (as in :class:`Scattering1D`, and ``Q_fr < 1``, ``F`` above
        ``(J + 1) * Q1``, a ``stride_fr`` that is not a power of two...), or for a filter bank above
        the memory bound (``kymatio.core.DEFAULT_MAX_FILTER_BYTES``, 4 GiB, or the environment
        variable ``KYMATIO_MAX_FILTER_BYTES``), estimated before any filter is built.
    TypeError
        For parameters of the wrong type; at call time, for input that is not a real
        float32/float64 ``numpy.ndarray``.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.numpy import TimeFrequencyScattering
    >>> S = TimeFrequencyScattering(J=8, J_fr=3, Q=3, shape=1024)
    >>> x = np.random.default_rng(0).standard_normal(1024)
    >>> S(x).shape
    (115, 4)
    >>> S.format = "joint"
    >>> S(x).shape
    (59, 11, 4)
    >>> S.meta()["spin"][:6]
    array([0., 1., 1., 1., 1., 0.])
    """


TimeFrequencyScattering.__module__ = "kymatio.numpy"
