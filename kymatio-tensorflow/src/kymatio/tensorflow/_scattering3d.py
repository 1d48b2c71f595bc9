"""The TensorFlow 3-D solid-harmonic scattering frontend."""
from __future__ import annotations

import tensorflow as tf

from kymatio.core.frontend3d import ScatteringBase3D

from ._frontend import TensorFlowFrontend

__all__ = ["HarmonicScattering3D"]


class HarmonicScattering3D(TensorFlowFrontend, ScatteringBase3D, tf.Module):
    """3-D solid-harmonic wavelet scattering of TensorFlow tensors, as a ``tf.Module``.

    Convolves volumes of size ``shape`` (the last three axes) with solid harmonic wavelets of
    degrees ``l = 0..L`` and widths ``sigma_0 * 2**j`` (``j = 0..J``), takes the modulus over the
    ``2l + 1`` orders ``m`` (a rotation-invariant modulus), repeats once on the result for
    ``j2 > j1``, and sums powers of each modulus over the volume. Convolutions are circular at the
    input size. Leading axes are batch axes. The numbers are those of
    :class:`kymatio.numpy.HarmonicScattering3D`; the output is differentiable (zero, not NaN,
    gradients where a modulus is 0) and the transform runs eagerly, inside ``tf.function`` (also
    with a dynamic batch axis) and under XLA.

    Parameters
    ----------
    J : int
        Largest scale index, ``>= 0``; wavelets have widths ``sigma_0 * 2**j`` for ``j = 0..J``.
    shape : tuple of three int
        Volume size ``(M, N, O)``.
    L : int
        Largest degree of the solid harmonics, ``>= 0`` (``l = 0`` is a Gaussian).
    sigma_0 : float
        Width of the finest wavelets in voxels, ``> 0``.
    max_order : {1, 2}
        Highest scattering order (settable after construction).
    rotation_covariant : bool
        If True, the modulus combines all orders ``m`` (rotation-invariant coefficients); if False,
        only ``m = -l`` is used (settable).
    method : {'integral'}
        How moduli are summarised; only ``'integral'`` exists.
    points : optional
        Accepted for compatibility with Kymatio and stored; unused (Kymatio never used it either).
    integral_powers : sequence of float
        Powers ``p`` of the integrals ``sum_u U(u)**p`` (settable); default ``(0.5, 1.0, 2.0)``.
    backend : str or backend object
        ``"tensorflow"`` (default) or any backend serving the TensorFlow frontend.
    name : str
        Name of the ``tf.Module`` (its name scope).

    Raises
    ------
    ValueError
        For ``J < 0``, ``L < 0``, ``sigma_0 <= 0``, ``max_order`` not 1 or 2, ``method`` other than
        ``'integral'``, an empty or non-finite ``integral_powers``, a bad ``shape``; at call time,
        for input whose last three axes are not ``shape`` or with an empty batch. These errors are
        also ``RuntimeError``, as in Kymatio.
    TypeError
        For non-integer ``J``/``L``/``max_order``, non-boolean ``rotation_covariant``, non-real
        powers; at call time, for input that is not a real float32/float64 ``tf.Tensor`` or NumPy
        array.

    Notes
    -----
    The output ``batch + (K, L + 1, P)`` has the dtype of the input (float32 or float64; the
    reference always returned float32): rows ``K`` are order 1 for ``j1 = 0..J`` then order 2 for
    ``(j1, j2 > j1)``, :meth:`meta` describes them.

    Examples
    --------
    >>> import tensorflow as tf
    >>> from kymatio.tensorflow import HarmonicScattering3D
    >>> S = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2)
    >>> x = tf.random.stateless_normal((4, 16, 16, 16), seed=(0, 0))
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    (TensorShape([4, 6, 3, 3]), tf.float32)
    >>> S.meta()["key"]
    [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2)]
    """

    def __init__(self, J, shape, L=3, sigma_0=1, max_order=2, rotation_covariant=True,
                 method="integral", points=None, integral_powers=(0.5, 1.0, 2.0),
                 backend="tensorflow", name="HarmonicScattering3D"):
        self._init_module(name)
        ScatteringBase3D.__init__(self, J, shape, L=L, sigma_0=sigma_0, max_order=max_order,
                                  rotation_covariant=rotation_covariant, method=method,
                                  points=points, integral_powers=integral_powers, backend=backend)
        self._end_init()


HarmonicScattering3D.__module__ = "kymatio.tensorflow"
