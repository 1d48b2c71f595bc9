"""The TensorFlow 1-D scattering frontend."""
from __future__ import annotations

import tensorflow as tf

from kymatio.core.frontend1d import ScatteringBase1D

from ._frontend import TensorFlowFrontend

__all__ = ["Scattering1D"]


class Scattering1D(TensorFlowFrontend, ScatteringBase1D, tf.Module):
    """1-D wavelet scattering transform of TensorFlow tensors, as a ``tf.Module``.

    Computes, for signals of length ``shape`` in the last axis, the zeroth-, first- and second-order
    scattering coefficients: the low-passed signal, the low-passed moduli of its wavelet transform,
    and the low-passed moduli of the wavelet transforms of those moduli. Leading axes are batch
    axes. The numbers are those of :class:`kymatio.numpy.Scattering1D`; the output is differentiable
    and the transform runs eagerly, inside ``tf.function`` (also with a dynamic batch axis) and
    under XLA.

    Parameters
    ----------
    J : int
        Log2 of the largest wavelet scale; also of the default averaging scale ``T = 2**J``.
    shape : int or tuple of one int
        Signal length ``N``.
    Q : int or tuple of int
        Wavelets per octave: ``Q1`` or ``(Q1,)`` (second layer 1) or ``(Q1, Q2)``.
    T : None, int, 0 or 'global'
        Averaging scale (``None`` means ``2**J``); ``0`` keeps the un-averaged moduli (``out_type``
        'dict' or 'list' only); ``'global'`` sums over time (over the padded signal).
    stride : int, optional
        Time subsampling of the output, a power of two (default ``2**floor(log2 T)``); only with
        local averaging.
    max_order : {1, 2}
        Highest scattering order.
    oversampling : int
        Deprecated: ``stride = T / 2**oversampling``.
    out_type : {'array', 'dict', 'list'}
        Output format (see :meth:`scattering`).
    backend : str or backend object
        ``"tensorflow"`` (default) or any backend serving the TensorFlow frontend.
    name : str
        Name of the ``tf.Module`` (its name scope).

    Raises
    ------
    ValueError
        For parameters out of range (``Q < 1``, ``T > N``, a stride that is not a power of two...).
    TypeError
        At call time, for input that is not a real float32/float64 ``tf.Tensor`` or NumPy array.

    Notes
    -----
    The output has the input's dtype: float64 signals are transformed in complex128 with float64
    filters (the reference computed in complex64). The filters are ``tf.constant`` tensors, made
    once per precision, on first use.

    Examples
    --------
    >>> import tensorflow as tf
    >>> from kymatio.tensorflow import Scattering1D
    >>> S = Scattering1D(J=6, shape=512, Q=8)
    >>> x = tf.random.stateless_normal((3, 512), seed=(0, 0))
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    (TensorShape([3, 126, 8]), tf.float32)
    >>> S.output_size(detail=True)
    (1, 38, 87)
    >>> f = tf.function(S, input_signature=[tf.TensorSpec([None, 512], tf.float64)])
    >>> f(tf.zeros((5, 512), tf.float64)).dtype
    tf.float64
    """

    def __init__(self, J, shape, Q=1, T=None, stride=None, max_order=2, oversampling=0,
                 out_type="array", backend="tensorflow", name="Scattering1D"):
        self._init_module(name)
        ScatteringBase1D.__init__(self, J, shape, Q=Q, T=T, stride=stride, max_order=max_order,
                                  oversampling=oversampling, out_type=out_type, backend=backend)
        self._end_init()


Scattering1D.__module__ = "kymatio.tensorflow"
