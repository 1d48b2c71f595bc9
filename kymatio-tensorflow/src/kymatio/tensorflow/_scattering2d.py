"""The TensorFlow 2-D scattering frontend."""
from __future__ import annotations

import tensorflow as tf

from kymatio.core.frontend2d import ScatteringBase2D

from ._frontend import TensorFlowFrontend

__all__ = ["Scattering2D"]


class Scattering2D(TensorFlowFrontend, ScatteringBase2D, tf.Module):
    """2-D wavelet scattering transform of TensorFlow tensors, as a ``tf.Module``.

    Computes, for images of size ``shape`` in the last two axes, the zeroth-, first- and
    second-order scattering coefficients: the low-passed image, the low-passed moduli of its Morlet
    wavelet transform over ``J`` scales and ``L`` orientations, and the low-passed moduli of the
    wavelet transforms of those moduli (scales ``j2 > j1``), all subsampled by ``2**J``. Images are
    reflect-padded before the transform. Leading axes are batch axes. The numbers are those of
    :class:`kymatio.numpy.Scattering2D`; the output is differentiable and the transform runs
    eagerly, inside ``tf.function`` (also with a dynamic batch axis) and under XLA.

    Parameters
    ----------
    J : int
        Number of scales, ``>= 1``, with ``2**J <= min(shape)``; the output is subsampled by
        ``2**J``.
    shape : tuple of two int
        Image size ``(M, N)``.
    L : int
        Number of orientations, ``>= 1``.
    max_order : {1, 2}
        Highest scattering order (settable after construction).
    pre_pad : bool
        If True, the input is already padded to ``(M_pad, N_pad) = 2**J * (shape // 2**J + 2)`` and
        is not padded again (this failed in the reference's TensorFlow frontend).
    backend : str or backend object
        ``"tensorflow"`` (default) or any backend serving the TensorFlow frontend.
    name : str
        Name of the ``tf.Module`` (its name scope). It comes before ``out_type``, as in the
        reference's TensorFlow signature.
    out_type : {'array', 'list'}
        ``'array'``: a tensor ``batch + (C, M // 2**J, N // 2**J)``; ``'list'``: one dict
        ``{'coef', 'j', 'n', 'theta'}`` per channel (settable after construction).

    Raises
    ------
    ValueError
        For ``2**J`` larger than the image, ``J < 1``, ``L < 1``, ``max_order`` not 1 or 2, a bad
        ``out_type`` or ``shape``; at call time, for input whose last axes are not ``shape`` (or
        ``(M_pad, N_pad)`` with ``pre_pad``). These errors are also ``RuntimeError``, as in Kymatio.
    TypeError
        For non-integer ``J``/``L``, non-boolean ``pre_pad``; at call time, for input that is not a
        real float32/float64 ``tf.Tensor`` or NumPy array.

    Notes
    -----
    The output has the dtype of the input (float32 or float64). Channels: order 0, then order 1 by
    ``n1 = j1 * L + theta1``, then order 2 by ``(n1, n2)``; :meth:`meta` describes each one.

    Examples
    --------
    >>> import tensorflow as tf
    >>> from kymatio.tensorflow import Scattering2D
    >>> S = Scattering2D(J=2, shape=(32, 32), L=8)
    >>> x = tf.random.stateless_normal((3, 32, 32), seed=(0, 0))
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    (TensorShape([3, 81, 8, 8]), tf.float32)
    >>> S.meta()["key"][17]
    (0, 8)
    """

    def __init__(self, J, shape, L=8, max_order=2, pre_pad=False, backend="tensorflow",
                 name="Scattering2D", out_type="array"):
        self._init_module(name)
        ScatteringBase2D.__init__(self, J, shape, L=L, max_order=max_order, pre_pad=pre_pad,
                                  backend=backend, out_type=out_type)
        self._end_init()


Scattering2D.__module__ = "kymatio.tensorflow"
