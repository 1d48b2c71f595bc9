"""The JAX 1-D scattering frontend."""
from __future__ import annotations

from kymatio.core.frontend1d import ScatteringBase1D

from ._frontend import JaxFrontend

__all__ = ["Scattering1D"]


class Scattering1D(JaxFrontend, ScatteringBase1D):
    """1-D wavelet scattering transform of JAX arrays, traceable by ``jit``, ``vmap`` and ``grad``.

    Computes, for signals of length ``shape`` in the last axis, the zeroth-, first- and second-order
    scattering coefficients: the low-passed signal, the low-passed moduli of its wavelet transform, and
    the low-passed moduli of the wavelet transforms of those moduli. Leading axes are batch axes.
    The numbers are those of :class:`kymatio.numpy.Scattering1D`.

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
        Time subsampling of the output, a power of two (default ``2**floor(log2 T)``).
    max_order : {1, 2}
        Highest scattering order.
    oversampling : int
        Deprecated: ``stride = T / 2**oversampling``.
    out_type : {'array', 'dict', 'list'}
        Output format. Under ``jax.jit`` prefer 'array' or 'dict': the integers of 'list' entries
        come out of a jitted function as arrays.
    backend : str or backend object, optional
        ``"jax"`` (default) or any backend serving the JAX frontend.

    Raises
    ------
    ValueError
        For parameters out of range (``Q < 1``, ``T > N``, a stride that is not a power of two...)
        and, at call time, for input whose last axis is not ``shape``.
    TypeError
        At call time, for input that is not a real float32/float64 ``jax.Array`` or
        ``numpy.ndarray``.

    Notes
    -----
    float64 input needs ``jax_enable_x64``; without it JAX makes every array float32. The filters
    are converted to device arrays once per dtype and reused by every call and every trace.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> from kymatio.jax import Scattering1D
    >>> S = Scattering1D(J=3, shape=128, Q=4)
    >>> x = jax.random.normal(jax.random.key(0), (3, 128))
    >>> Sx = jax.jit(S)(x)
    >>> Sx.shape, Sx.dtype
    ((3, 16, 16), dtype('float32'))
    >>> jax.grad(lambda x: S(x).sum())(x).shape
    (3, 128)
    """


Scattering1D.__module__ = "kymatio.jax"
