"""The base of the scikit-learn transformers: input checks, the wrapped frontend, batches, names.

Each transformer wraps one frontend object (``kymatio.numpy.Scattering1D``... or, for another
backend, the class of the frontend that backend serves), built from the estimator's parameters by
:meth:`ScatteringTransformer.fit`. A row of ``X`` is one flattened signal; ``transform`` reshapes
the rows to signals, scatters them (split across processes with ``n_jobs``) and flattens each
sample's coefficients back into one row.

The transform depends on its parameters only, never on the data: the transformers are *stateless*
(scikit-learn tag ``requires_fit=False``). ``fit`` builds the filters once and checks the number of
features; ``transform`` on an estimator that was never fitted builds them for that call.
"""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_array, validate_data

import kymatio.core
from kymatio.core._errors import ScatteringValueError
from kymatio.core._registry import frontend_serving as _frontend_serving

from ._compute import apply, apply_in_worker, for_workers

__all__ = ["ScatteringTransformer"]

# float32 stays float32 (precision follows the input); any other input is converted to float64.
_DTYPES = (np.float64, np.float32)
# Parameters of the estimators that the wrapped frontend does not take.
_OWN_PARAMETERS = ("backend", "n_jobs")


class ScatteringTransformer(TransformerMixin, BaseEstimator):
    """Scattering of flattened signals, the rows of ``X``, for scikit-learn.

    Subclasses define ``__init__`` (the frontend's parameters, less ``out_type``, plus ``backend``
    and ``n_jobs``), ``_transform_name`` (the class of the frontend to wrap), and how channels and
    axes of one sample's output are named.

    Attributes
    ----------
    scattering_ : object
        The frontend object that computes the transform (``kymatio.numpy.Scattering1D``...).
    input_shape_ : tuple of int
        The shape to which each row of ``X`` is reshaped (``shape``).
    output_shape_ : tuple of int
        The shape of one sample's coefficients before flattening.
    n_features_in_ : int
        ``prod(input_shape_)``.
    feature_names_in_ : ndarray of str
        The column names of ``X``, when ``X`` was a DataFrame with string column names.
    """

    _transform_name = ""
    # Whether ``shape=None`` means "one signal per row, of length n_features" (1-D signals).
    _infers_shape = False

    def fit(self, X, y=None):
        """Build the transform for the rows of ``X``; nothing is learnt from the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Flattened signals; ``n_features`` must be ``prod(shape)`` (it gives ``shape`` when
            ``shape`` is None, for 1-D signals).
        y : None
            Ignored.

        Returns
        -------
        self
            The fitted transformer.

        Raises
        ------
        ValueError
            For parameters out of range, or ``n_features`` other than ``prod(shape)``.
        TypeError
            For parameters of the wrong type.
        """
        X = self._validate(X, reset=True)
        scattering, input_shape = self._build(X.shape[1])
        self.scattering_ = scattering
        self.input_shape_ = input_shape
        self.output_shape_ = tuple(scattering.output_shape())
        self._fit_parameters = self._built_parameters()
        return self

    def transform(self, X):
        """Scattering coefficients of each row of ``X``, flattened.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Flattened signals of ``prod(shape)`` values each. float32 rows are transformed in
            float32, any other real input in float64. NaN and Inf propagate to the coefficients.

        Returns
        -------
        ndarray of shape (n_samples, n_features_out)
            float32 for float32 input, float64 otherwise; column ``k`` is named by
            ``get_feature_names_out()[k]``.

        Raises
        ------
        ValueError
            If ``n_features`` is not that seen in ``fit`` (or ``prod(shape)``), for complex input.
        TypeError
            For sparse input.
        """
        X = self._validate(X, reset=False)
        if hasattr(self, "scattering_"):
            self._check_parameters_unchanged()
            scattering, input_shape = self.scattering_, self.input_shape_
        else:
            scattering, input_shape = self._build(X.shape[1])
        signals = X.reshape((X.shape[0],) + tuple(input_shape))
        return self._scatter(scattering, signals).reshape(X.shape[0], -1)

    def get_feature_names_out(self, input_features=None):
        """Names of the output features, built from the wrapped frontend's ``meta()``.

        A name joins the path of the channel (``order1_n3``: first order, wavelet 3) and the
        position along the other output axes (``t5``: time sample 5): ``order1_n3_t5``. Each
        transformer's documentation lists its fields.

        Parameters
        ----------
        input_features : array-like of str, optional
            Checked against the input's feature names (or their number) if given; the output
            names do not depend on them.

        Returns
        -------
        ndarray of str objects, shape (n_features_out,)
            In the order of the columns of :meth:`transform`.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the transformer is not fitted, ``shape`` is None and ``input_features`` is not given.
        ValueError
            If ``input_features`` does not match the features seen in ``fit``.
        """
        self._check_input_features(input_features)
        if hasattr(self, "scattering_"):
            self._check_parameters_unchanged()
            scattering, output_shape = self.scattering_, self.output_shape_
        else:
            n_features = None if input_features is None else len(input_features)
            if n_features is None and self._infers_shape and self.shape is None:
                raise NotFittedError(
                    f"{type(self).__name__} with shape=None takes its signal length from the data: "
                    f"call fit(X) or pass shape before get_feature_names_out().")
            scattering, _ = self._build(n_features)
            output_shape = scattering.output_shape()
        names = self._feature_names(scattering, tuple(output_shape))
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The transform is fixed by the parameters: transform() needs no fit.
        tags.requires_fit = False
        # NaN and Inf propagate through the transform (documented), they are not errors.
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    # -- internals ------------------------------------------------------------------------------
    def _validate(self, X, reset: bool) -> np.ndarray:
        options = {"dtype": _DTYPES, "order": "C", "ensure_all_finite": False}
        if not reset and not hasattr(self, "n_features_in_"):
            # Never fitted: nothing to compare X with (and no "fitted without feature names"
            # warning for a DataFrame); the signal shape is checked when the transform is built.
            return check_array(X, estimator=self, **options)
        return validate_data(self, X, reset=reset, **options)

    def _built_parameters(self) -> dict:
        """The parameters that the fitted transform is built from (all but ``n_jobs``)."""
        return {k: v for k, v in self.get_params(deep=False).items() if k != "n_jobs"}

    def _check_parameters_unchanged(self) -> None:
        """Refuse to use ``scattering_`` once ``set_params`` (or an assignment) changed a parameter
        it was built from: its filters, shapes and names would be those of the old parameters."""
        fitted = getattr(self, "_fit_parameters", None)
        if fitted is None:
            return
        changed = [f"{k}={v!r} (fitted with {fitted.get(k)!r})"
                   for k, v in self._built_parameters().items() if not _same(v, fitted.get(k))]
        if changed:
            raise NotFittedError(
                f"The parameters of this {type(self).__name__} changed since fit: "
                f"{', '.join(changed)}. Call fit again to build the transform for them.")

    def _frontend_parameters(self) -> dict:
        return {k: v for k, v in self.get_params(deep=False).items() if k not in _OWN_PARAMETERS}

    def _build(self, n_features: int | None) -> tuple[Any, tuple[int, ...]]:
        """The frontend object for the current parameters and the shape of one row as a signal.

        ``n_features`` (None if unknown) gives ``shape`` when that is None and must otherwise be
        ``prod`` of the signal's shape.
        """
        parameters = self._frontend_parameters()
        inferred = self._infers_shape and parameters["shape"] is None and n_features is not None
        if inferred:
            parameters["shape"] = n_features
        frontend = _frontend_serving(self.backend)
        try:
            scattering = getattr(kymatio.core, self._transform_name)(
                frontend=frontend, backend=self.backend, **parameters)
        except ScatteringValueError as error:
            if not inferred:
                raise
            raise type(error)(
                f"{type(self).__name__} took shape=({n_features},) from X (n_features="
                f"{n_features}, one signal per row): {error}") from error
        input_shape = self._input_shape(scattering)
        if n_features is not None and math.prod(input_shape) != n_features:
            raise ScatteringValueError(
                f"{type(self).__name__} with shape={scattering.shape} takes rows of "
                f"{math.prod(input_shape)} features (each row is a flattened "
                f"{self._signal_name(scattering)} of shape {input_shape}), got X with n_features="
                f"{n_features}.")
        return scattering, input_shape

    def _input_shape(self, scattering) -> tuple[int, ...]:
        """The shape of one signal, to which each row of ``X`` is reshaped."""
        return tuple(scattering.shape)

    def _signal_name(self, scattering) -> str:
        return "signal"

    def _scatter(self, scattering, signals: np.ndarray) -> np.ndarray:
        """The transform of a batch of signals, split in one chunk per job when ``n_jobs > 1``."""
        n_samples = signals.shape[0]
        n_chunks = min(effective_n_jobs(self.n_jobs), n_samples)
        if n_chunks <= 1:
            return apply(scattering, signals)
        chunks = np.array_split(signals, n_chunks)
        payload, x64 = for_workers(scattering, signals)
        parts = Parallel(n_jobs=self.n_jobs)(
            delayed(apply_in_worker)(payload, c, x64) for c in chunks)
        return np.concatenate(parts)

    def _check_input_features(self, input_features) -> None:
        if input_features is None:
            return
        input_features = np.asarray(input_features, dtype=object)
        n_features = getattr(self, "n_features_in_", None)
        if n_features is not None and len(input_features) != n_features:
            raise ScatteringValueError(
                f"input_features should have length equal to the number of features seen in fit "
                f"({n_features}), got {len(input_features)} names.")
        names = getattr(self, "feature_names_in_", None)
        if names is not None and not np.array_equal(names, input_features):
            k = int(np.flatnonzero(names != input_features)[0])
            raise ScatteringValueError(
                f"input_features is not equal to feature_names_in_: name {k} is "
                f"{input_features[k]!r}, fitted on {names[k]!r}.")

    def _feature_names(self, scattering, output_shape: tuple[int, ...]) -> list[str]:
        channels = self._channel_names(scattering)
        axes = self._axis_labels(scattering, output_shape[1:])
        if len(channels) != output_shape[0] or [len(a) for a in axes] != list(output_shape[1:]):
            raise RuntimeError(
                f"{type(self).__name__}: meta() describes {len(channels)} channels and axes of "
                f"{[len(a) for a in axes]} entries, but the output of one sample has the shape "
                f"{output_shape}; please report this as a bug of kymatio.")
        return ["_".join((channel,) + rest)
                for channel in channels for rest in itertools.product(*axes)]

    def _channel_names(self, scattering) -> list[str]:
        """One name per channel (first axis of one sample's output), from ``meta()``."""
        return [_path_name(key, "n") for key in scattering.meta()["key"]]

    def _axis_labels(self, scattering, sizes: tuple[int, ...]) -> list[list[str]]:
        """Labels of the positions along each remaining axis of one sample's output."""
        raise NotImplementedError


def _same(a: Any, b: Any) -> bool:
    """Whether two parameter values are the same (``==`` where it gives one truth value)."""
    if a is b:
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):   # arrays compare elementwise
        return False


def _path_name(key: tuple, field: str) -> str:
    """``order0`` for the empty path, ``order2_n3_8`` for the path ``(3, 8)`` with field ``n``."""
    if not key:
        return "order0"
    return f"order{len(key)}_{field}" + "_".join(str(int(k)) for k in key)


def _positions(letter: str, size: int) -> list[str]:
    return [f"{letter}{i}" for i in range(size)]
