"""The NumPy 2-D scattering frontend."""
from __future__ import annotations

from kymatio.core.frontend2d import ScatteringBase2D

from ._frontend import NumpyFrontend

__all__ = ["Scattering2D"]


class Scattering2D(NumpyFrontend, ScatteringBase2D):
    """2-D wavelet scattering transform of NumPy arrays.

    Computes, for images of size ``shape`` in the last two axes, the zeroth-, first- and second-order
    scattering coefficients: the low-passed image, the low-passed moduli of its Morlet wavelet
    transform over ``J`` scales and ``L`` orientations, and the low-passed moduli of the wavelet
    transforms of those moduli (scales ``j2 > j1``), all subsampled by ``2**J``. Images are
    reflect-padded before the transform. Leading axes are batch axes.

    Parameters
    ----------
    J : int
        Number of scales, ``>= 1``, with ``2**J <= min(shape)``; the output is subsampled by ``2**J``.
    shape : tuple of two int
        Image size ``(M, N)``.
    L : int
        Number of orientations, ``>= 1``.
    max_order : {1, 2}
        Highest scattering order (settable after construction).
    pre_pad : bool
        If True, the input is already padded to ``(M_pad, N_pad) = 2**J * (shape // 2**J + 2)`` and
        is not padded again.
    backend : str or backend object, optional
        ``"numpy"`` (default) or any backend serving the NumPy frontend.
    out_type : {'array', 'list'}
        ``'array'``: an array ``batch + (C, M // 2**J, N // 2**J)``; ``'list'``: one dict
        ``{'coef', 'j', 'n', 'theta'}`` per channel (settable after construction).

    Attributes
    ----------
    phi : dict
        Low-pass filter: ``{'levels', 'j', 'xi', 'sigma'}``, Fourier-domain float64 levels.
    psi : list of dict
        Wavelets ``n = j * L + theta``: ``{'levels', 'j', 'theta', 'xi', 'sigma'}``.

    Raises
    ------
    ValueError
        For ``2**J`` larger than the image, ``J < 1``, ``L < 1``, ``max_order`` not 1 or 2, a bad
        ``out_type`` or ``shape``, or a filter bank above the memory bound
        (``kymatio.core.DEFAULT_MAX_FILTER_BYTES``, 4 GiB, or the environment variable
        ``KYMATIO_MAX_FILTER_BYTES``), estimated before any filter is built; at call time, for input
        whose last axes are not ``shape`` (or ``(M_pad, N_pad)`` with ``pre_pad``). These errors are
        also ``RuntimeError``, as in Kymatio.
    TypeError
        For non-integer ``J``/``L``, non-boolean ``pre_pad``; at call time, for input that is not a
        real float32/float64 ``numpy.ndarray``.

    Notes
    -----
    The output has the dtype of the input (float32 or float64). Channels: order 0, then order 1 by
    ``n1 = j1 * L + theta1``, then order 2 by ``(n1, n2)``; :meth:`meta` describes each one.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.numpy import Scattering2D
    >>> S = Scattering2D(J=2, shape=(32, 32), L=8)
    >>> x = np.random.default_rng(0).standard_normal((3, 32, 32)).astype(np.float32)
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    ((3, 81, 8, 8), dtype('float32'))
    >>> S.output_size(detail=True)
    (1, 16, 64)
    >>> S.meta()["key"][17]
    (0, 8)
    """


Scattering2D.__module__ = "kymatio.numpy"
