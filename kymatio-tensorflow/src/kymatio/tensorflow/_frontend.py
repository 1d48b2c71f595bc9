"""The TensorFlow framework mixin: ``tf.Module`` plumbing, input checks, filters as constants.

The core builds each filter bank once, in NumPy float64; :meth:`ScatteringBase._filters` converts it
to ``tf.constant`` tensors of the input's precision the first time that precision is used, and keeps
them. The conversion runs in the eager context (``tf.init_scope``) even when the first call happens
while a ``tf.function`` is being traced, so the cached constants never belong to one traced graph.

Inside ``tf.function`` the batch axes may be dynamic (``tf.TensorSpec([None, N])``): the core sizes
its chunks for one signal, and the output's batch axes are restored from ``tf.shape`` of the input.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import tensorflow as tf

from kymatio.core._errors import KymatioError, ScatteringTypeError, ScatteringValueError
from kymatio.core._frontend import describe_input

__all__ = ["TensorFlowFrontend"]

_ACCEPTED = {tf.float32: "float32", tf.float64: "float64"}


class _BatchShape(tuple):
    """Leading axes of an input: ints where static, ``None`` where dynamic; ``dynamic`` holds the
    input's runtime sizes of those axes (a 1-D int tensor)."""

    dynamic: Any = None


def _traced_as_python(method: Callable) -> Callable:
    """``method`` run as plain Python inside ``tf.function``, its errors raised as they are.

    The core's control flow branches on parameters and static shapes only. AutoGraph would rewrite
    all of it (traces three times slower) and re-raise the core's errors as ``StagingError``;
    ``ag_pass_through`` asks it to let them through unchanged.
    """

    @functools.wraps(method)
    def scattering(self, x):
        try:
            return method(self, x)
        except KymatioError as error:
            error.ag_pass_through = True
            raise

    return tf.autograph.experimental.do_not_convert(scattering)


class TensorFlowFrontend:
    """Mixin of the TensorFlow frontends, placed before the core base class and ``tf.Module``.

    ``S(x)`` takes a real float32/float64 ``tf.Tensor`` (or ``tf.Variable``, or NumPy array) and
    returns tensors of the same precision.
    """

    frontend_name = "tensorflow"
    default_backend = "tensorflow"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.scattering = _traced_as_python(cls.scattering)

    def _init_module(self, name: Any) -> None:
        """Initialise ``tf.Module`` (before the core base: it sets attributes)."""
        if not isinstance(name, str):
            raise ScatteringTypeError(
                f"name must be a string (a Python identifier), got {name!r} of type "
                f"{type(name).__name__}.")
        try:
            tf.Module.__init__(self, name=name)
        except ValueError as error:
            raise ScatteringValueError(
                f"name must be a valid module name (a Python identifier such as "
                f"{type(self).__name__!r}), got {name!r}.") from error
        # The transform's state is plain Python and NumPy data (filter banks, plans, indices) with
        # no variable to checkpoint: keep dicts and lists as they are instead of TensorFlow's
        # tracking wrappers.
        self._setattr_tracking = False

    def _end_init(self) -> None:
        """Record the attributes that construction set (see ``_TF_MODULE_IGNORED_PROPERTIES``)."""
        self._core_attributes = frozenset(vars(self))

    @property
    def _TF_MODULE_IGNORED_PROPERTIES(self) -> frozenset:
        # tf.Module.variables/submodules walk every attribute; the core's (filter banks, plans with
        # integer keys...) hold neither, so only attributes added later are walked.
        return tf.Module._TF_MODULE_IGNORED_PROPERTIES | getattr(self, "_core_attributes",
                                                                 frozenset())

    # -- filters --------------------------------------------------------------------------------
    def _filters(self, dtype: str) -> Any:
        with tf.init_scope():
            return super()._filters(dtype)

    # -- input ----------------------------------------------------------------------------------
    def _prepare_input(self, x: Any) -> tuple[tf.Tensor, str]:
        if isinstance(x, np.ndarray):
            if x.dtype.name not in ("float32", "float64"):
                kind = " (complex input)" if np.iscomplexobj(x) else ""
                raise ScatteringTypeError(
                    f"The input should be real, of dtype float32 or float64; got a numpy.ndarray "
                    f"of dtype {x.dtype.name}{kind}. Convert it with x.astype(np.float32) or "
                    f"np.float64 first.")
            x = tf.convert_to_tensor(x)
        elif isinstance(x, (tf.Tensor, tf.Variable)):
            if x.dtype not in _ACCEPTED:
                kind = " (complex input)" if x.dtype.is_complex else ""
                raise ScatteringTypeError(
                    f"The input should be real, of dtype tf.float32 or tf.float64; got a tensor of "
                    f"dtype {x.dtype.name}{kind}. Convert it with tf.cast(x, tf.float32) or "
                    f"tf.float64 first.")
            x = tf.convert_to_tensor(x)
        else:
            raise ScatteringTypeError(
                f"The input should be a tf.Tensor (or a numpy.ndarray) of float32 or float64, got "
                f"{describe_input(x)}. Convert it with tf.constant(x, dtype=tf.float32) first.")
        expected = self._expected_signal_shape()
        if x.shape.rank is None:
            spec = ", ".join(["None"] + [str(n) for n in expected])
            raise ScatteringValueError(
                f"The input should have a known number of axes (the signal axes {expected} last), "
                f"got a tensor of unknown rank; give tf.function an input_signature such as "
                f"[tf.TensorSpec([{spec}], tf.float32)].")
        rank = x.shape.rank
        if rank >= len(expected) and None in x.shape[rank - len(expected):].as_list():
            # Traced with a dynamic signal axis: the transform needs the signal size statically,
            # and only one is accepted.
            x = tf.ensure_shape(x, [None] * (rank - len(expected)) + list(expected))
        return x, _ACCEPTED[x.dtype]

    def _expected_signal_shape(self) -> tuple[int, ...]:
        if getattr(self, "pre_pad", False):  # 2-D input already padded
            return (self._M_padded, self._N_padded)
        return tuple(self.shape)

    def _batch_shape(self, x: tf.Tensor) -> tuple:
        lead = x.shape.rank - self._signal_ndim
        static = x.shape[:lead].as_list()
        if None not in static:
            return tuple(static)
        shape = _BatchShape(static)
        shape.dynamic = tf.shape(x)[:lead]
        return shape

    def _reshape_output(self, y: tf.Tensor, batch_shape: tuple, kept_shape: tuple) -> tf.Tensor:
        dims = list(batch_shape)
        if None in dims:
            dims = [batch_shape.dynamic[i] if n is None else n for i, n in enumerate(dims)]
        return tf.reshape(y, dims + list(kept_shape))

    # -- tf.Module ------------------------------------------------------------------------------
    @tf.autograph.experimental.do_not_convert
    @tf.Module.with_name_scope
    def __call__(self, x: Any) -> Any:
        """The scattering transform of ``x``: see :meth:`scattering`. Eagerly, a large batch is
        computed in chunks, as in NumPy and torch (traced by ``tf.function``, as one graph).

        Parameters
        ----------
        x : tf.Tensor, tf.Variable or numpy.ndarray
            Real float32/float64 signals (other types and dtypes are a ``TypeError``).

        Returns
        -------
        tf.Tensor, dict or list
            As :meth:`scattering` returns them.
        """
        if not tf.executing_eagerly():
            return self.scattering(x)
        x, _ = self._prepare_input(x)  # type errors before the batch is cut
        return self._chunked_call(x)
