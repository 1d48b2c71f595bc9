"""The scikit-learn 3-D solid-harmonic scattering transformer."""
from __future__ import annotations

from ._base import ScatteringTransformer, _path_name

__all__ = ["HarmonicScattering3D"]


class HarmonicScattering3D(ScatteringTransformer):
    """3-D solid-harmonic scattering of the rows of ``X`` (flattened volumes), for scikit-learn.

    Each row of ``X`` is a volume of ``shape = (M, N, O)`` flattened in C order; :meth:`transform`
    returns, per row, the flattened array ``(K, L + 1, P)`` of the NumPy frontend
    :class:`kymatio.numpy.HarmonicScattering3D` (whose documentation describes the transform).

    Parameters
    ----------
    J : int
        Largest scale index, ``>= 0``.
    shape : tuple of three int
        Volume size ``(M, N, O)`` (required).
    L : int, default 3
        Largest degree of the solid harmonics.
    sigma_0 : float, default 1
        Width of the finest wavelets in voxels.
    max_order : {1, 2}, default 2
        Highest scattering order.
    rotation_covariant : bool, default True
        Whether the modulus combines all orders ``m`` of each degree.
    method : {'integral'}, default 'integral'
        How moduli are summarised.
    points : optional
        Accepted for compatibility and unused.
    integral_powers : sequence of float, default (0.5, 1.0, 2.0)
        Powers ``p`` of the integrals ``sum_u U(u)**p``.
    backend : str or backend object, default "numpy"
        Any installed kymatio backend, by name or as an object; the output is a NumPy array.
    n_jobs : int, optional
        Processes among which :meth:`transform` splits a batch (joblib; -1 means all processors).

    Attributes
    ----------
    scattering_ : kymatio.numpy.HarmonicScattering3D
        The frontend object that computes the transform.
    input_shape_ : tuple of three int
        ``shape``.
    output_shape_ : tuple of three int
        ``(K, L + 1, P)``.
    n_features_in_ : int
        ``M * N * O``.
    feature_names_in_ : ndarray of str
        The column names of ``X``, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Feature names: ``order1_j{j1}_l{l}_p{p}`` and ``order2_j{j1}_{j2}_l{l}_p{p}``, with ``j1``,
    ``j2`` the scales of the path (rows of ``scattering_.meta()``), ``l`` the degree and ``p`` the
    integral power (``p0.5``, ``p1``, ``p2``).

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.sklearn import HarmonicScattering3D
    >>> X = np.random.default_rng(0).standard_normal((2, 16**3)).astype(np.float32)
    >>> S = HarmonicScattering3D(J=1, shape=(16, 16, 16), L=1).fit(X)
    >>> S.transform(X).shape, S.output_shape_
    ((2, 18), (3, 2, 3))
    >>> S.get_feature_names_out()[[0, 17]].tolist()
    ['order1_j0_l0_p0.5', 'order2_j0_1_l1_p2']
    """

    _transform_name = "HarmonicScattering3D"

    def __init__(self, J, shape, L=3, sigma_0=1, max_order=2, rotation_covariant=True,
                 method="integral", points=None, integral_powers=(0.5, 1.0, 2.0),
                 backend="numpy", n_jobs=None):
        self.J = J
        self.shape = shape
        self.L = L
        self.sigma_0 = sigma_0
        self.max_order = max_order
        self.rotation_covariant = rotation_covariant
        self.method = method
        self.points = points
        self.integral_powers = integral_powers
        self.backend = backend
        self.n_jobs = n_jobs

    def _signal_name(self, scattering):
        return "volume"

    def _channel_names(self, scattering):
        return [_path_name(key, "j") for key in scattering.meta()["key"]]

    def _axis_labels(self, scattering, sizes):
        meta = scattering.meta()
        return [[f"l{int(l)}" for l in meta["l"]],
                [f"p{float(p):g}" for p in meta["integral_powers"]]]


HarmonicScattering3D.__module__ = "kymatio.sklearn"
