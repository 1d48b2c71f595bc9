"""The TensorFlow joint time-frequency scattering frontend."""
from __future__ import annotations

import tensorflow as tf

from kymatio.core.frontend_jtfs import TimeFrequencyScatteringBase

from ._frontend import TensorFlowFrontend

__all__ = ["TimeFrequencyScattering"]


class TimeFrequencyScattering(TensorFlowFrontend, TimeFrequencyScatteringBase, tf.Module):
    """Joint time-frequency scattering (JTFS) of TensorFlow tensors, as a ``tf.Module``.

    Scatters the scalogram of a signal jointly in time and in log-frequency: the first-order
    moduli ``|x * psi_n1|`` are convolved along time with second-order wavelets and, along the
    wavelet index ``n1``, with frequential wavelets of both spins (upward and downward), then
    averaged by ``phi_T`` in time and ``phi_F`` in frequency. The numbers are those of
    :class:`kymatio.numpy.TimeFrequencyScattering`; the output is differentiable and the transform
    runs eagerly, inside ``tf.function`` (also with a dynamic batch axis) and under XLA.

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
        Subsampling along ``n1`` of the averaged paths, a power of two (default
        ``2**floor(log2 F)``).
    out_type : {'array', 'dict', 'list'}
        Output container.
    backend : str or backend object
        ``"tensorflow"`` (default) or any backend serving the TensorFlow frontend. It comes before
        ``format``, as in the reference's TensorFlow signature.
    format : {'time', 'joint'}
        ``'time'``: every row along ``n1`` is its own channel, ``batch + (C, T_out)``;
        ``'joint'``: the rows stay an axis, ``batch + (C, F_out, T_out)`` (order 0 left out).
    name : str
        Name of the ``tf.Module`` (its name scope).

    Examples
    --------
    >>> import tensorflow as tf
    >>> from kymatio.tensorflow import TimeFrequencyScattering
    >>> S = TimeFrequencyScattering(J=8, J_fr=3, Q=3, shape=1024)
    >>> x = tf.random.stateless_normal((1024,), seed=(0, 0), dtype=tf.float64)
    >>> S(x).shape
    TensorShape([115, 4])
    >>> S.format = "joint"
    >>> S(x).shape
    TensorShape([59, 11, 4])
    """

    def __init__(self, J, J_fr, Q, shape, T=None, stride=None, Q_fr=1, F=None, stride_fr=None,
                 out_type="array", backend="tensorflow", format="time",
                 name="TimeFrequencyScattering"):
        self._init_module(name)
        TimeFrequencyScatteringBase.__init__(
            self, J, J_fr, Q, shape, T=T, stride=stride, Q_fr=Q_fr, F=F, stride_fr=stride_fr,
            out_type=out_type, format=format, backend=backend)
        self._end_init()


TimeFrequencyScattering.__module__ = "kymatio.tensorflow"
