"""The scikit-learn 1-D scattering transformer."""
from __future__ import annotations

from ._base import ScatteringTransformer, _positions

__all__ = ["Scattering1D"]


class Scattering1D(ScatteringTransformer):
    """1-D wavelet scattering of the rows of ``X``, a scikit-learn transformer.

    Each row of ``X`` is a signal of ``N`` samples; :meth:`transform` returns, per row, the
    flattened array ``(C, T_out)`` of the NumPy frontend :class:`kymatio.numpy.Scattering1D` (whose
    documentation describes the transform): zeroth-, first- and second-order coefficients.

    Parameters
    ----------
    J : int
        Log2 of the largest wavelet scale; also of the default averaging scale ``T = 2**J``.
    shape : int, tuple of one int or None, default None
        Signal length ``N``. None: ``N`` is the number of columns of ``X`` given to :meth:`fit`
        (or :meth:`transform`).
    Q : int or tuple of int, default 1
        Wavelets per octave: ``Q1`` or ``(Q1, Q2)``.
    T : None, int or 'global', default None
        Averaging scale (None means ``2**J``); ``'global'`` sums over time. (``T=0``, which keeps
        un-averaged coefficients of several lengths, has no flat array output and is refused.)
    stride : int, optional
        Time subsampling of the output, a power of two (default ``2**floor(log2 T)``).
    max_order : {1, 2}, default 2
        Highest scattering order.
    oversampling : int, default 0
        Deprecated: ``stride = T / 2**oversampling``.
    backend : str or backend object, default "numpy"
        Any installed kymatio backend, by name (``"torch"`` computes with the PyTorch frontend) or
        as an object; the output is a NumPy array whichever computes it.
    n_jobs : int, optional
        Processes among which :meth:`transform` splits a batch (joblib; None means 1 unless in a
        :func:`joblib.parallel_config` context, -1 means all processors).

    Attributes
    ----------
    scattering_ : kymatio.numpy.Scattering1D
        The frontend object (of the backend's frontend) that computes the transform.
    input_shape_ : tuple of one int
        ``(N,)``.
    output_shape_ : tuple of two int
        ``(C, T_out)``, the coefficients of one row before flattening.
    n_features_in_ : int
        ``N``.
    feature_names_in_ : ndarray of str
        The column names of ``X``, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Feature names: ``order0_t{t}``, ``order1_n{n1}_t{t}``, ``order2_n{n1}_{n2}_t{t}``, with
    ``n1``, ``n2`` the first- and second-order wavelets (rows of ``scattering_.meta()``) and ``t``
    the output time sample.

    The transform needs nothing from the data: :meth:`transform` works without :meth:`fit`
    (building the filters on each call); :meth:`fit` builds them once and checks ``n_features``.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.sklearn import Scattering1D
    >>> X = np.random.default_rng(0).standard_normal((5, 512)).astype(np.float32)
    >>> S = Scattering1D(J=6, Q=8).fit(X)
    >>> S.transform(X).shape, S.output_shape_
    ((5, 1008), (126, 8))
    >>> S.get_feature_names_out()[[0, 8, 1007]].tolist()
    ['order0_t0', 'order1_n0_t0', 'order2_n32_6_t7']
    """

    _transform_name = "Scattering1D"
    _infers_shape = True

    def __init__(self, J, shape=None, Q=1, T=None, stride=None, max_order=2, oversampling=0,
                 backend="numpy", n_jobs=None):
        self.J = J
        self.shape = shape
        self.Q = Q
        self.T = T
        self.stride = stride
        self.max_order = max_order
        self.oversampling = oversampling
        self.backend = backend
        self.n_jobs = n_jobs

    def _axis_labels(self, scattering, sizes):
        return [_positions("t", sizes[0])]


Scattering1D.__module__ = "kymatio.sklearn"
