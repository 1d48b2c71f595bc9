"""The NumPy 1-D scattering frontend."""
from __future__ import annotations

from kymatio.core.frontend1d import ScatteringBase1D

from ._frontend import NumpyFrontend

__all__ = ["Scattering1D"]


class Scattering1D(NumpyFrontend, ScatteringBase1D):
    """1-D wavelet scattering transform of NumPy arrays.

    Computes, for signals of length ``shape`` in the last axis, the zeroth-, first- and second-order
    scattering coefficients: the low-passed signal, the low-passed moduli of its wavelet transform, and
    the low-passed moduli of the wavelet transforms of those moduli. Leading axes are batch axes.

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
        Time subsampling of the output, a power of two (default ``2**floor(log2 T)``); only with local
        averaging.
    max_order : {1, 2}
        Highest scattering order.
    oversampling : int
        Deprecated: ``stride = T / 2**oversampling``.
    out_type : {'array', 'dict', 'list'}
        Output format (see :meth:`scattering`).
    backend : str or backend object, optional
        ``"numpy"`` (default) or any backend serving the NumPy frontend.

    Raises
    ------
    ValueError
        For parameters out of range (``Q < 1``, ``T > N``, a stride that is not a power of two,
        ``J`` too large for the padded signal...), or for a filter bank above the memory bound
        (``kymatio.core.DEFAULT_MAX_FILTER_BYTES``, 4 GiB, or the environment variable
        ``KYMATIO_MAX_FILTER_BYTES``), estimated before any filter is built.
    TypeError
        At call time, for input that is not a real float32/float64 ``numpy.ndarray``.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.numpy import Scattering1D
    >>> S = Scattering1D(J=6, shape=512, Q=8)
    >>> x = np.random.default_rng(0).standard_normal((3, 512)).astype(np.float32)
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    ((3, 126, 8), dtype('float32'))
    >>> S.output_size(detail=True)
    (1, 38, 87)
    """


Scattering1D.__module__ = "kymatio.numpy"
