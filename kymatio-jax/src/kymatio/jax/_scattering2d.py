"""The JAX 2-D scattering frontend."""
from __future__ import annotations

from kymatio.core.frontend2d import ScatteringBase2D

from ._frontend import JaxFrontend

__all__ = ["Scattering2D"]


class Scattering2D(JaxFrontend, ScatteringBase2D):
    """2-D wavelet scattering transform of JAX arrays, traceable by ``jit``, ``vmap`` and ``grad``.

    Computes, for images of size ``shape`` in the last two axes, the low-passed image, the low-passed
    moduli of its Morlet wavelet transform over ``J`` scales and ``L`` orientations, and the
    low-passed moduli of the wavelet transforms of those moduli (``j2 > j1``), all subsampled by
    ``2**J``. Leading axes are batch axes. The numbers are those of
    :class:`kymatio.numpy.Scattering2D`.

    Parameters
    ----------
    J : int
        Number of scales, ``>= 1``, with ``2**J <= min(shape)``.
    shape : tuple of two int
        Image size ``(M, N)``.
    L : int
        Number of orientations, ``>= 1``.
    max_order : {1, 2}
        Highest scattering order (settable after construction).
    pre_pad : bool
        If True, the input is already padded to ``2**J * (shape // 2**J + 2)``.
    backend : str or backend object, optional
        ``"jax"`` (default) or any backend serving the JAX frontend.
    out_type : {'array', 'list'}
        ``'array'``: ``batch + (C, M // 2**J, N // 2**J)``; ``'list'``: one dict per channel.

    Raises
    ------
    ValueError
        For ``2**J`` larger than the image, ``J < 1``, ``L < 1``, a bad ``max_order``, ``out_type``
        or ``shape``; at call time, for input whose last axes are not ``shape``.
    TypeError
        At call time, for input that is not a real float32/float64 ``jax.Array`` or
        ``numpy.ndarray``.

    Examples
    --------
    >>> import jax
    >>> from kymatio.jax import Scattering2D
    >>> S = Scattering2D(J=2, shape=(16, 16), L=4)
    >>> x = jax.random.normal(jax.random.key(0), (5, 16, 16))
    >>> jax.vmap(S)(x).shape
    (5, 25, 4, 4)
    """


Scattering2D.__module__ = "kymatio.jax"
