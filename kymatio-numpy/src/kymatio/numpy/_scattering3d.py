"""The NumPy 3-D solid-harmonic scattering frontend."""
from __future__ import annotations

from kymatio.core.frontend3d import ScatteringBase3D

from ._frontend import NumpyFrontend

__all__ = ["HarmonicScattering3D"]


class HarmonicScattering3D(NumpyFrontend, ScatteringBase3D):
    """3-D solid-harmonic wavelet scattering of NumPy arrays.

    Convolves volumes of size ``shape`` (the last three axes) with solid harmonic wavelets of degrees
    ``l = 0..L`` and widths ``sigma_0 * 2**j`` (``j = 0..J``), takes the modulus over the ``2l + 1``
    orders ``m`` (a rotation-invariant modulus), repeats once on the result for ``j2 > j1``, and sums
    powers of each modulus over the volume. Convolutions are circular at the input size. Leading axes
    are batch axes. Designed for molecules given as sums of Gaussians (quantum chemistry regression).

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
    backend : str or backend object, optional
        ``"numpy"`` (default) or any backend serving the NumPy frontend.

    Attributes
    ----------
    filters : list of ndarray
        Entry ``l``: the ``(J + 1, 2l + 1, M, N, O)`` complex128 Fourier-domain wavelets.
    gaussian_filters : ndarray
        ``(J + 2, M, N, O)`` Gaussians of widths ``sigma_0 * 2**j`` (unused by the transform; built
        on first access).

    Raises
    ------
    ValueError
        For ``J < 0``, ``L < 0``, ``sigma_0 <= 0``, ``max_order`` not 1 or 2, ``method`` other than
        ``'integral'``, an empty or non-finite ``integral_powers``, a bad ``shape``, wavelets too wide
        (``(sigma_0 * 2**J)**max(L, 1) >= 2**128``), or a filter bank above the memory bound
        (``kymatio.core.DEFAULT_MAX_FILTER_BYTES``, 4 GiB, or the environment variable
        ``KYMATIO_MAX_FILTER_BYTES``), estimated before any filter is built; at call time, for input
        whose last three axes are not ``shape`` or with an empty batch. These errors are also
        ``RuntimeError``, as in Kymatio.
    TypeError
        For non-integer ``J``/``L``/``max_order``, non-boolean ``rotation_covariant``, non-real
        powers; at call time, for input that is not a real float32/float64 ``numpy.ndarray``.

    Notes
    -----
    The output ``batch + (K, L + 1, P)`` has the dtype of the input (float32 or float64): rows ``K``
    are order 1 for ``j1 = 0..J`` then order 2 for ``(j1, j2 > j1)``, :meth:`meta` describes them.
    There is no order-0 row; it is ``sum_u x(u)**p``. The filter bank holds
    ``(J + 1) (L + 1)**2`` complex volumes: 0.9 GB for ``J = 2``, ``L = 2`` at ``128**3``.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.numpy import HarmonicScattering3D
    >>> S = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2)
    >>> x = np.random.default_rng(0).standard_normal((4, 16, 16, 16)).astype(np.float32)
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    ((4, 6, 3, 3), dtype('float32'))
    >>> S.output_size(detail=True)
    (3, 3)
    >>> S.meta()["key"]
    [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2)]
    """


HarmonicScattering3D.__module__ = "kymatio.numpy"
