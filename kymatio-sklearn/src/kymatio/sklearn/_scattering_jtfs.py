"""The scikit-learn joint time-frequency scattering transformer."""
from __future__ import annotations

from ._base import ScatteringTransformer, _positions

__all__ = ["TimeFrequencyScattering"]


class TimeFrequencyScattering(ScatteringTransformer):
    """Joint time-frequency scattering (JTFS) of the rows of ``X``, a scikit-learn transformer.

    Each row of ``X`` is a signal of ``N`` samples; :meth:`transform` returns, per row, the
    flattened array of the NumPy frontend :class:`kymatio.numpy.TimeFrequencyScattering` (whose
    documentation describes the transform): ``(C, T_out)`` for ``format='time'``,
    ``(C, F_out, T_out)`` for ``format='joint'``.

    Parameters
    ----------
    J : int
        Log2 of the largest time scale.
    J_fr : int
        Log2 of the largest frequential scale.
    Q : int or tuple of int
        Time wavelets per octave, ``Q1`` or ``(Q1, Q2)``.
    shape : int, tuple of one int or None, default None
        Signal length ``N``. None: ``N`` is the number of columns of ``X``.
    T : None, int or 'global', default None
        Time averaging scale (None means ``2**J``).
    stride : int, optional
        Time subsampling of the output, a power of two.
    Q_fr : int, default 1
        Frequential wavelets per octave.
    F : None, int or 'global', default None
        Frequential averaging scale.
    stride_fr : int, optional
        Subsampling along the first-order wavelets, a power of two.
    format : {'time', 'joint'}, default 'time'
        Layout of one row's coefficients before flattening.
    backend : str or backend object, default "numpy"
        Any installed kymatio backend, by name or as an object; the output is a NumPy array.
    n_jobs : int, optional
        Processes among which :meth:`transform` splits a batch (joblib; -1 means all processors).

    Attributes
    ----------
    scattering_ : kymatio.numpy.TimeFrequencyScattering
        The frontend object that computes the transform.
    input_shape_ : tuple of one int
        ``(N,)``.
    output_shape_ : tuple of int
        ``(C, T_out)`` or ``(C, F_out, T_out)``.
    n_features_in_ : int
        ``N``.
    feature_names_in_ : ndarray of str
        The column names of ``X``, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Feature names, ``format='time'``: ``order0_t{t}``, ``order1_n{n1}_fr{n_fr}_t{t}``,
    ``order2_n{n1}_{n2}_fr{n_fr}_t{t}``, with ``n1``, ``n2`` the time wavelets, ``n_fr`` the
    frequential wavelet (its spin is ``scattering_.meta()["spin"]``) and ``t`` the time sample.
    ``format='joint'`` keeps the rows along ``n1`` as an axis ``f``: ``order1_fr{n_fr}_f{f}_t{t}``
    and ``order2_n{n2}_fr{n_fr}_f{f}_t{t}`` (the path names only ``n2``; there is no order 0).

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.sklearn import TimeFrequencyScattering
    >>> X = np.random.default_rng(0).standard_normal((4, 1024))
    >>> S = TimeFrequencyScattering(J=8, J_fr=3, Q=3).fit(X)
    >>> S.transform(X).shape, S.output_shape_
    ((4, 460), (115, 4))
    >>> S.get_feature_names_out()[[0, 4]].tolist()
    ['order0_t0', 'order1_n0_fr0_t0']
    """

    _transform_name = "TimeFrequencyScattering"
    _infers_shape = True

    def __init__(self, J, J_fr, Q, shape=None, T=None, stride=None, Q_fr=1, F=None,
                 stride_fr=None, format="time", backend="numpy", n_jobs=None):
        self.J = J
        self.J_fr = J_fr
        self.Q = Q
        self.shape = shape
        self.T = T
        self.stride = stride
        self.Q_fr = Q_fr
        self.F = F
        self.stride_fr = stride_fr
        self.format = format
        self.backend = backend
        self.n_jobs = n_jobs

    def _channel_names(self, scattering):
        meta = scattering.meta()
        names = []
        for order, key in zip(meta["order"], meta["key"]):
            if order == 0:
                names.append("order0")
                continue
            *time_path, n_fr = (int(k) for k in key)
            path = "_".join(str(n) for n in time_path)
            names.append(f"order{order}_n{path}_fr{n_fr}" if path else f"order{order}_fr{n_fr}")
        return names

    def _axis_labels(self, scattering, sizes):
        if scattering.format == "joint":
            return [_positions("f", sizes[0]), _positions("t", sizes[1])]
        return [_positions("t", sizes[0])]


TimeFrequencyScattering.__module__ = "kymatio.sklearn"
