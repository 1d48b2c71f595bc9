"""The four transforms of the dask frontend: thin classes over :class:`DaskScattering`."""
from __future__ import annotations

from ._frontend import DaskScattering

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering"]


class Scattering1D(DaskScattering):
    """1-D wavelet scattering of dask arrays, computed chunk by chunk by another frontend.

    Parameters
    ----------
    J, shape, Q, T, stride, max_order, oversampling : see :class:`kymatio.numpy.Scattering1D`
        The transform's parameters, positional or by keyword.
    frontend : str, optional
        The frontend that computes each chunk (default: that of ``backend``, else ``"numpy"``).
    backend : str, optional
        A backend of that frontend, by name.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from kymatio.dask import Scattering1D
    >>> S = Scattering1D(J=6, shape=512, Q=8)
    >>> x = da.random.default_rng(0).standard_normal((10, 512), chunks=(4, 512)).astype("float32")
    >>> Sx = S(x)
    >>> Sx.shape, Sx.chunks, Sx.dtype
    ((10, 126, 8), ((4, 4, 2), (126,), (8,)), dtype('float32'))
    >>> import kymatio.numpy
    >>> np.allclose(Sx.compute(), kymatio.numpy.Scattering1D(J=6, shape=512, Q=8)(x.compute()))
    True
    """

    _transform_name = "Scattering1D"


class Scattering2D(DaskScattering):
    """2-D wavelet scattering of dask arrays of images, computed chunk by chunk.

    Parameters
    ----------
    J, shape, L, max_order, pre_pad : see :class:`kymatio.numpy.Scattering2D`
        The transform's parameters, positional or by keyword.
    frontend, backend : str, optional
        As for :class:`kymatio.dask.Scattering1D`.

    Examples
    --------
    >>> import dask.array as da
    >>> from kymatio.dask import Scattering2D
    >>> images = da.zeros((6, 3, 32, 32), chunks=(2, 3, 32, 32))
    >>> Scattering2D(J=2, shape=(32, 32), L=4)(images).chunks
    ((2, 2, 2), (3,), (25,), (8,), (8,))
    """

    _transform_name = "Scattering2D"


class HarmonicScattering3D(DaskScattering):
    """3-D solid harmonic scattering of dask arrays of volumes, computed chunk by chunk.

    Parameters
    ----------
    J, shape, L, sigma_0, max_order, rotation_covariant, method, points, integral_powers : see :class:`kymatio.numpy.HarmonicScattering3D`
        The transform's parameters, positional or by keyword.
    frontend, backend : str, optional
        As for :class:`kymatio.dask.Scattering1D`.

    Examples
    --------
    >>> import dask.array as da
    >>> from kymatio.dask import HarmonicScattering3D
    >>> volumes = da.zeros((4, 16, 16, 16), chunks=(2, 16, 16, 16))
    >>> HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2)(volumes).shape
    (4, 6, 3, 3)
    """

    _transform_name = "HarmonicScattering3D"


class TimeFrequencyScattering(DaskScattering):
    """Joint time-frequency scattering of dask arrays, computed chunk by chunk.

    Parameters
    ----------
    J, J_fr, Q, shape, T, stride, Q_fr, F, stride_fr, format : see :class:`kymatio.numpy.TimeFrequencyScattering`
        The transform's parameters, positional or by keyword (``out_type`` is ``'array'``).
    frontend, backend : str, optional
        As for :class:`kymatio.dask.Scattering1D`.

    Examples
    --------
    >>> import dask.array as da
    >>> from kymatio.dask import TimeFrequencyScattering
    >>> x = da.zeros((8, 512), chunks=(4, 512))
    >>> TimeFrequencyScattering(J=6, J_fr=2, Q=8, shape=512, format="joint")(x).shape
    (8, 32, 22, 8)
    """

    _transform_name = "TimeFrequencyScattering"


for _cls in (Scattering1D, Scattering2D, HarmonicScattering3D, TimeFrequencyScattering):
    _cls.__module__ = "kymatio.dask"
del _cls
