"""Keras 3 layers over the kymatio frontend of the active Keras backend.

A layer holds the transform's parameters; :meth:`_ScatteringLayer.build` takes the signal shape
from the input and asks the core dispatcher (``kymatio.core.Scattering1D(..., frontend=name)``) for
the transform of the frontend named like the Keras backend: ``kymatio.tensorflow``, ``kymatio.jax``
or ``kymatio.torch``. ``call`` hands the backend's own tensors (``tf.Tensor``, ``jax.Array`` or a
tracer, ``torch.Tensor``) to that transform, which computes in their precision and on their device.

The inner transforms are kept out of Keras' attribute tracking (in a :class:`_Inner` holder): they
have no weights, and the filters are constants rebuilt from the configuration when a saved model is
loaded, so a ``.keras`` file holds the configuration only.
"""
from __future__ import annotations

import numbers
from typing import Any

import keras

import kymatio.core
from kymatio.core._errors import (BackendUnavailableError, FrontendNotFoundError,
                                  ScatteringTypeError, ScatteringValueError)
from kymatio.core._frontend import check_choice, check_integer
from kymatio.core.frontend1d import parse_Q

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D", "TimeFrequencyScattering"]

#: Keras backend -> the kymatio frontend (and distribution) that computes under it.
_FRONTENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
_COMPUTE_DTYPES = ("float32", "float64")


def _frontend_name() -> str:
    name = keras.config.backend()
    frontend = _FRONTENDS.get(name)
    if frontend is None:
        raise BackendUnavailableError(
            f"kymatio's Keras layers run on the Keras backends {sorted(_FRONTENDS)}, but the active "
            f"Keras backend is {name!r}. Select one with the environment variable KERAS_BACKEND "
            "(before importing keras), e.g. KERAS_BACKEND=jax.")
    return frontend


def _make_transform(transform: str, kwargs: dict) -> Any:
    """The transform ``transform`` of the frontend of the active Keras backend, via the core
    dispatcher; a missing plugin becomes an error naming the ``pip install`` that fixes it."""
    frontend = _frontend_name()
    dispatcher = getattr(kymatio.core, transform)
    try:
        return dispatcher(frontend=frontend, **kwargs)
    except (FrontendNotFoundError, BackendUnavailableError) as error:
        raise BackendUnavailableError(
            f"The active Keras backend is {keras.config.backend()!r}: kymatio's Keras layers compute "
            f"with the kymatio frontend {frontend!r}, which is not usable here ({error}). Install it "
            f"with `pip install kymatio-{frontend}` (or `pip install \"kymatio-keras[{frontend}]\"`)."
        ) from error


def _as_tuple(value: Any) -> Any:
    """JSON turns tuples into lists: give them back as tuples (what the transforms accept)."""
    return tuple(value) if isinstance(value, list) else value


class _Inner:
    """Holds an inner transform out of Keras' (and torch's, TensorFlow's) attribute tracking."""

    __slots__ = ("transform",)

    def __init__(self, transform: Any) -> None:
        self.transform = transform


class _ScatteringLayer(keras.layers.Layer):
    """The machinery shared by the scattering layers (see the subclasses for the parameters)."""

    _transform = ""
    _signal_ndim = 1
    _param_names: tuple = ()

    def __init__(self, params: dict, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._params = dict(params)
        self._inners: dict = {}

    # -- the inner transform ------------------------------------------------------------------
    def _signal_shape(self, input_shape: Any) -> tuple:
        """The signal shape (the transform's ``shape``) that an input of ``input_shape`` has."""
        input_shape = tuple(input_shape)
        n = self._signal_ndim
        if len(input_shape) < n:
            raise ScatteringValueError(
                f"{type(self).__name__} needs inputs with at least {n} axes (the signal axes "
                f"last), got an input of shape {input_shape}.")
        signal = input_shape[len(input_shape) - n:]
        if any(s is None for s in signal):
            raise ScatteringValueError(
                f"{type(self).__name__} needs the size of the last {n} axes of its input (the "
                f"signal), got an input of shape {input_shape}: give it to keras.Input, e.g. "
                f"keras.Input(shape={tuple(64 if s is None else s for s in signal)}).")
        return tuple(int(s) for s in signal)

    def _inner_for(self, input_shape: Any) -> Any:
        shape = self._signal_shape(input_shape)
        holder = self._inners.get(shape)
        if holder is None:
            holder = self._inners[shape] = _Inner(
                _make_transform(self._transform, self._transform_kwargs(shape)))
        return holder.transform

    def _transform_kwargs(self, shape: tuple) -> dict:
        return dict(self._params, shape=shape)

    # -- keras.layers.Layer -------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Build the inner transform (and its filters) for inputs of ``input_shape``.

        Parameters
        ----------
        input_shape : tuple
            The input's shape; its last axes (of known size) are the signal.
        """
        self._inner_for(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """The output's shape, from the parameters alone (nothing is computed).

        Parameters
        ----------
        input_shape : tuple
            The input's shape; leading axes (``None`` allowed) pass through.

        Returns
        -------
        tuple
            The leading axes, then the inner transform's ``output_shape()``.
        """
        input_shape = tuple(input_shape)
        inner = self._inner_for(input_shape)
        lead = input_shape[: len(input_shape) - self._signal_ndim]
        # The output axes that replace the signal axes come from the parameters alone.
        return tuple(lead) + tuple(inner.output_shape())

    def call(self, x: Any) -> Any:
        """The scattering coefficients of ``x``, in the layer's compute dtype.

        Parameters
        ----------
        x : tensor
            A tensor of the active Keras backend; float16/bfloat16 input is computed in float32.

        Returns
        -------
        tensor
            The array output of the inner transform.
        """
        inner = self._inner_for(tuple(x.shape))
        dtype = self.compute_dtype
        work = dtype if dtype in _COMPUTE_DTYPES else "float32"   # float16/bfloat16 policies
        given = keras.backend.standardize_dtype(x.dtype)
        if given != work and "float" in given:
            # float16/bfloat16 in: computed in float32. Integer or complex input is left to the
            # frontend, which refuses it with a TypeError naming its dtype.
            x = keras.ops.cast(x, work)
        if keras.config.backend() == "torch":
            if x.device.type == "meta":
                # Keras' torch backend infers shapes by calling layers on "meta" tensors (no data):
                # answer with the output's shape instead of moving the filters there.
                return _torch_meta_output(self.compute_output_shape(tuple(x.shape)), dtype)
            _follow_torch(inner, x)
        y = inner(x)
        return y if work == dtype else keras.ops.cast(y, dtype)

    def get_config(self) -> dict:
        """The layer's configuration: Keras' own entries and every parameter of the transform.

        Returns
        -------
        dict
            JSON-ready (tuples as lists); ``from_config`` rebuilds the layer from it.
        """
        config = super().get_config()
        config.update({name: _json_ready(self._params[name]) for name in self._param_names})
        return config


def _json_ready(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value


def _follow_torch(inner: Any, x: Any) -> None:
    """Move and cast the inner ``torch.nn.Module``'s filter buffers to ``x``'s device and dtype
    (once: later calls find them there)."""
    import torch

    buffer = inner._filter_buffer()
    if buffer is None:
        return
    # Other dtypes are the frontend's to refuse (with a TypeError naming them).
    dtype = x.dtype if x.dtype in (torch.float32, torch.float64) else buffer.dtype
    if buffer.device != x.device or buffer.dtype != dtype:
        inner.to(device=x.device, dtype=dtype)


def _torch_meta_output(shape: tuple, dtype: str) -> Any:
    import torch

    return torch.empty(shape, dtype=getattr(torch, dtype), device="meta")


def _check_array_output(value: Any, name: str, what: str) -> None:
    """The layers return arrays: refuse ``T=0`` (and ``F=0`` with ``format='joint'``), which have
    only the 'dict' and 'list' outputs."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and value == 0:
        raise ScatteringValueError(
            f"{name}=0 ({what}) has no array output, and the Keras layers return arrays; got "
            f"{name}={value!r}. Use {name}=None, 'global' or a number >= 1, or the transform of "
            "kymatio.numpy/torch/tensorflow/jax with out_type='dict' or 'list'.")


def _check_max_order(value: Any) -> int:
    value = check_integer(value, "max_order")
    if value not in (1, 2):
        raise ScatteringValueError(f"max_order must be 1 or 2, got {value}.")
    return value


@keras.saving.register_keras_serializable(package="kymatio")
class Scattering1D(_ScatteringLayer):
    """1-D wavelet scattering as a Keras 3 layer; the signal length is the input's last axis.

    Parameters
    ----------
    J, Q, T, stride, max_order, oversampling : see :class:`kymatio.numpy.Scattering1D`
        The transform's parameters (``shape`` comes from the input; the output is always the
        array ``(..., C, T_out)``).
    **kwargs
        Arguments of ``keras.layers.Layer`` (``name``, ``dtype``...).

    Examples
    --------
    >>> import keras
    >>> from kymatio.keras import Scattering1D
    >>> model = keras.Sequential([keras.Input(shape=(512,)), Scattering1D(J=6, Q=8)])
    >>> model.output_shape
    (None, 126, 8)
    """

    _transform = "Scattering1D"
    _signal_ndim = 1
    _param_names = ("J", "Q", "T", "stride", "max_order", "oversampling")

    def __init__(self, J, Q=1, T=None, stride=None, max_order=2, oversampling=0, **kwargs):
        Q = _as_tuple(Q)
        check_integer(J, "J", minimum=0)
        parse_Q(Q)
        _check_max_order(max_order)
        _check_array_output(T, "T", "no time averaging")
        super().__init__(dict(J=J, Q=Q, T=T, stride=stride, max_order=max_order,
                              oversampling=oversampling), **kwargs)



@keras.saving.register_keras_serializable(package="kymatio")
class Scattering2D(_ScatteringLayer):
    """2-D wavelet scattering as a Keras 3 layer; the image size is the input's last two axes.

    Parameters
    ----------
    J, L, max_order, pre_pad : see :class:`kymatio.numpy.Scattering2D`
        The transform's parameters. With ``pre_pad=True`` the input's last two axes are the padded
        size ``2**J * (M // 2**J + 2)``, from which the layer infers ``M``.
    **kwargs
        Arguments of ``keras.layers.Layer``.

    Examples
    --------
    >>> import keras
    >>> from kymatio.keras import Scattering2D
    >>> model = keras.Sequential([keras.Input(shape=(3, 32, 32)), Scattering2D(J=2)])
    >>> model.output_shape
    (None, 3, 81, 8, 8)
    """

    _transform = "Scattering2D"
    _signal_ndim = 2
    _param_names = ("J", "L", "max_order", "pre_pad")

    def __init__(self, J, L=8, max_order=2, pre_pad=False, **kwargs):
        check_integer(J, "J", minimum=1)
        check_integer(L, "L", minimum=1)
        _check_max_order(max_order)
        if not isinstance(pre_pad, bool):
            raise ScatteringTypeError(
                f"pre_pad must be True or False, got {pre_pad!r} of type {type(pre_pad).__name__}.")
        super().__init__(dict(J=J, L=L, max_order=max_order, pre_pad=pre_pad), **kwargs)

    def _transform_kwargs(self, shape):
        if self._params["pre_pad"]:
            step = 2 ** self._params["J"]
            if any(n % step or n < 3 * step for n in shape):
                raise ScatteringValueError(
                    f"With pre_pad=True the input's last two axes should be a padded size, a "
                    f"multiple of 2**J = {step} of at least {3 * step}; got {shape}.")
            shape = tuple(n - 2 * step for n in shape)
        return dict(self._params, shape=shape)



@keras.saving.register_keras_serializable(package="kymatio")
class HarmonicScattering3D(_ScatteringLayer):
    """3-D solid harmonic scattering as a Keras 3 layer; the volume is the input's last three axes.

    Parameters
    ----------
    J, L, sigma_0, max_order, rotation_covariant, method, points, integral_powers : see :class:`kymatio.numpy.HarmonicScattering3D`
        The transform's parameters; the output is ``(..., K, L + 1, P)``.
    **kwargs
        Arguments of ``keras.layers.Layer``.

    Examples
    --------
    >>> import keras
    >>> from kymatio.keras import HarmonicScattering3D
    >>> layer = HarmonicScattering3D(J=1, L=1)
    >>> layer.compute_output_shape((None, 8, 8, 8))
    (None, 3, 2, 3)
    """

    _transform = "HarmonicScattering3D"
    _signal_ndim = 3
    _param_names = ("J", "L", "sigma_0", "max_order", "rotation_covariant", "method", "points",
                    "integral_powers")

    def __init__(self, J, L=3, sigma_0=1, max_order=2, rotation_covariant=True,
                 method="integral", points=None, integral_powers=(0.5, 1.0, 2.0), **kwargs):
        check_integer(J, "J", minimum=0)
        check_integer(L, "L", minimum=0)
        _check_max_order(max_order)
        super().__init__(dict(J=J, L=L, sigma_0=sigma_0, max_order=max_order,
                              rotation_covariant=rotation_covariant, method=method,
                              points=_as_tuple(points), integral_powers=_as_tuple(integral_powers)),
                         **kwargs)



@keras.saving.register_keras_serializable(package="kymatio")
class TimeFrequencyScattering(_ScatteringLayer):
    """Joint time-frequency scattering as a Keras 3 layer; the signal is the input's last axis.

    Parameters
    ----------
    J, J_fr, Q, T, stride, Q_fr, F, stride_fr, format : see :class:`kymatio.numpy.TimeFrequencyScattering`
        The transform's parameters; the output is the array ``(..., C, T_out)``
        (``format='time'``) or ``(..., C, F_out, T_out)`` (``'joint'``).
    **kwargs
        Arguments of ``keras.layers.Layer``.

    Examples
    --------
    >>> import keras
    >>> from kymatio.keras import TimeFrequencyScattering
    >>> layer = TimeFrequencyScattering(J=4, J_fr=1, Q=2, format="joint")
    >>> keras.Sequential([keras.Input(shape=(64,)), layer]).output_shape
    (None, 13, 13, 4)
    >>> TimeFrequencyScattering.from_config(layer.get_config()).get_config() == layer.get_config()
    True
    """

    _transform = "TimeFrequencyScattering"
    _signal_ndim = 1
    _param_names = ("J", "J_fr", "Q", "T", "stride", "Q_fr", "F", "stride_fr", "format")

    def __init__(self, J, J_fr, Q, T=None, stride=None, Q_fr=1, F=None, stride_fr=None,
                 format="time", **kwargs):
        Q, Q_fr = _as_tuple(Q), _as_tuple(Q_fr)
        check_integer(J, "J", minimum=0)
        check_integer(J_fr, "J_fr", minimum=0)
        parse_Q(Q)
        check_choice(format, "format", ("time", "joint"))
        _check_array_output(T, "T", "no time averaging")
        if format == "joint":
            _check_array_output(F, "F", "no frequential averaging, with format='joint'")
        super().__init__(dict(J=J, J_fr=J_fr, Q=Q, T=T, stride=stride, Q_fr=Q_fr, F=F,
                              stride_fr=stride_fr, format=format), **kwargs)



for _cls in (Scattering1D, Scattering2D, HarmonicScattering3D, TimeFrequencyScattering):
    _cls.__module__ = "kymatio.keras"
del _cls
