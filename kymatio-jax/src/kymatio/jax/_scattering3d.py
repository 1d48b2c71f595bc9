"""The JAX 3-D solid-harmonic scattering frontend."""
from __future__ import annotations

from kymatio.core.frontend3d import ScatteringBase3D

from ._frontend import JaxFrontend

__all__ = ["HarmonicScattering3D"]


class HarmonicScattering3D(JaxFrontend, ScatteringBase3D):
    """3-D solid-harmonic wavelet scattering of JAX arrays, traceable by ``jit``, ``vmap``, ``grad``.

    Convolves volumes of size ``shape`` (the last three axes) with solid harmonic wavelets of degrees
    ``l = 0..L`` and widths ``sigma_0 * 2**j``, takes the rotation-invariant modulus over the orders
    ``m``, repeats once for ``j2 > j1``, and sums powers of each modulus over the volume. The numbers
    are those of :class:`kymatio.numpy.HarmonicScattering3D`; gradients are finite everywhere (zero
    subgradient where a modulus vanishes, also for powers below 1).

    Parameters
    ----------
    J : int
        Largest scale index, ``>= 0``.
    shape : tuple of three int
        Volume size ``(M, N, O)``.
    L : int
        Largest degree of the solid harmonics, ``>= 0``.
    sigma_0 : float
        Width of the finest wavelets in voxels, ``> 0``.
    max_order : {1, 2}
        Highest scattering order (settable).
    rotation_covariant : bool
        Combine all orders ``m`` (True) or only ``m = -l`` (False) (settable).
    method : {'integral'}
        How moduli are summarised.
    points : optional
        Accepted for compatibility; unused.
    integral_powers : sequence of float
        Powers ``p`` of the integrals ``sum_u U(u)**p`` (settable); default ``(0.5, 1.0, 2.0)``.
    backend : str or backend object, optional
        ``"jax"`` (default) or any backend serving the JAX frontend.

    Raises
    ------
    ValueError
        For parameters out of range; at call time, for input whose last three axes are not
        ``shape`` or with an empty batch.
    TypeError
        At call time, for input that is not a real float32/float64 ``jax.Array`` or
        ``numpy.ndarray``.

    Examples
    --------
    >>> import jax
    >>> from kymatio.jax import HarmonicScattering3D
    >>> S = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=2)
    >>> x = jax.random.normal(jax.random.key(0), (2, 8, 8, 8))
    >>> S(x).shape
    (2, 3, 3, 3)
    """


HarmonicScattering3D.__module__ = "kymatio.jax"
