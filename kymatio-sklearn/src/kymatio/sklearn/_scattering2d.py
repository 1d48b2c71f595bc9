"""The scikit-learn 2-D scattering transformer."""
from __future__ import annotations

from kymatio.core.frontend2d import compute_padding

from ._base import ScatteringTransformer, _positions

__all__ = ["Scattering2D"]


class Scattering2D(ScatteringTransformer):
    """2-D wavelet scattering of the rows of ``X`` (flattened images), a scikit-learn transformer.

    Each row of ``X`` is an image of ``shape = (M, N)`` flattened in C order (``M * N`` values,
    ``image.ravel()``); :meth:`transform` returns, per row, the flattened array
    ``(C, M // 2**J, N // 2**J)`` of the NumPy frontend :class:`kymatio.numpy.Scattering2D` (whose
    documentation describes the transform).

    Parameters
    ----------
    J : int
        Number of scales, ``>= 1``, with ``2**J <= min(shape)``.
    shape : tuple of two int
        Image size ``(M, N)`` (required: it cannot be told from ``M * N``).
    L : int, default 8
        Number of orientations.
    max_order : {1, 2}, default 2
        Highest scattering order.
    pre_pad : bool, default False
        If True, each row is an image already padded to ``(M_pad, N_pad) = 2**J * (shape // 2**J
        + 2)``, flattened.
    backend : str or backend object, default "numpy"
        Any installed kymatio backend, by name or as an object; the output is a NumPy array.
    n_jobs : int, optional
        Processes among which :meth:`transform` splits a batch (joblib; -1 means all processors).

    Attributes
    ----------
    scattering_ : kymatio.numpy.Scattering2D
        The frontend object that computes the transform.
    input_shape_ : tuple of two int
        ``shape``, or ``(M_pad, N_pad)`` with ``pre_pad``.
    output_shape_ : tuple of three int
        ``(C, M // 2**J, N // 2**J)``.
    n_features_in_ : int
        ``prod(input_shape_)``.
    feature_names_in_ : ndarray of str
        The column names of ``X``, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Feature names: ``order0_y{i}_x{j}``, ``order1_n{n1}_y{i}_x{j}``,
    ``order2_n{n1}_{n2}_y{i}_x{j}``, with ``n = j * L + theta`` the wavelets of the path (rows of
    ``scattering_.meta()``) and ``(i, j)`` the row and column of the subsampled image.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.sklearn import Scattering2D
    >>> X = np.random.default_rng(0).standard_normal((3, 32 * 32))
    >>> S = Scattering2D(J=2, shape=(32, 32), L=4).fit(X)
    >>> S.transform(X).shape, S.output_shape_
    ((3, 1600), (25, 8, 8))
    >>> S.get_feature_names_out()[[0, 64, 1599]].tolist()
    ['order0_y0_x0', 'order1_n0_y0_x0', 'order2_n3_7_y7_x7']
    """

    _transform_name = "Scattering2D"

    def __init__(self, J, shape, L=8, max_order=2, pre_pad=False, backend="numpy", n_jobs=None):
        self.J = J
        self.shape = shape
        self.L = L
        self.max_order = max_order
        self.pre_pad = pre_pad
        self.backend = backend
        self.n_jobs = n_jobs

    def _input_shape(self, scattering):
        if scattering.pre_pad:
            return compute_padding(*scattering.shape, scattering.J)
        return tuple(scattering.shape)

    def _signal_name(self, scattering):
        return "padded image" if scattering.pre_pad else "image"

    def _axis_labels(self, scattering, sizes):
        return [_positions("y", sizes[0]), _positions("x", sizes[1])]


Scattering2D.__module__ = "kymatio.sklearn"
