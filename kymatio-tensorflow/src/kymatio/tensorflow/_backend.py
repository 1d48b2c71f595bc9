"""The TensorFlow backend: ``tf.signal`` FFTs in the input's precision, every operation traceable.

Complex values are native complex tensors (``complex64`` for ``float32`` signals, ``complex128`` for
``float64``; the reference cast everything to ``complex64``). Every operation works eagerly, inside
``tf.function`` with a dynamic batch axis (the signal axes are static) and under XLA
(``jit_compile=True``), and is differentiable: the moduli and the integrals have a zero (not NaN)
gradient where the modulus is 0.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from kymatio.core.backend import Backend

__all__ = ["TensorFlowBackend", "backend"]

_DTYPES = {
    "float32": tf.float32,
    "float64": tf.float64,
    "complex64": tf.complex64,
    "complex128": tf.complex128,
}
# tf.signal transforms the innermost 1, 2 or 3 axes.
_FFT = {1: tf.signal.fft, 2: tf.signal.fft2d, 3: tf.signal.fft3d}
_IFFT = {1: tf.signal.ifft, 2: tf.signal.ifft2d, 3: tf.signal.ifft3d}
_IRFFT = {1: tf.signal.irfft, 2: tf.signal.irfft2d, 3: tf.signal.irfft3d}


def _dims(x: tf.Tensor) -> list:
    """The shape of ``x``: Python ints where static, scalar tensors where dynamic (for reshapes)."""
    static = x.shape.as_list()
    if None not in static:
        return static
    dynamic = tf.shape(x)
    return [dynamic[i] if n is None else n for i, n in enumerate(static)]


def _reflect_indices(n: int, left: int, right: int) -> np.ndarray:
    """Source index of every sample of an axis of length ``n`` reflect-padded by ``(left, right)``.

    Reflection without repeating the edge sample is periodic with period ``2 (n - 1)``; this is also
    what NumPy's ``mode='reflect'`` gives when it iterates for widths larger than the axis.
    """
    positions = np.arange(-left, n + right)
    if n == 1:
        return np.zeros_like(positions)
    period = 2 * (n - 1)
    folded = positions % period
    return np.where(folded < n, folded, period - folded)


def _ratio_zero_at_zero(numerator, r):
    """``numerator / r`` where ``r > 0`` and 0 where ``r == 0``: the zero subgradient of a modulus
    at 0, without the NaN that the division would give there (also in the other branch)."""
    positive = r > 0
    return tf.where(positive, numerator / tf.where(positive, r, tf.ones_like(r)), tf.zeros_like(r))


@tf.custom_gradient
def _modulus(x):
    r = tf.abs(x)

    def grad(dr):
        # TensorFlow writes the gradient of a real loss with respect to a complex z as
        # dL/dRe(z) + i dL/dIm(z); for |z| that is z / |z|.
        return x * tf.cast(_ratio_zero_at_zero(dr, r), x.dtype)

    return r, grad


def _modulus_rotation(x, axis: int):
    @tf.custom_gradient
    def norm(x):
        r = tf.sqrt(tf.reduce_sum(tf.square(tf.math.real(x)) + tf.square(tf.math.imag(x)),
                                  axis=axis))

        def grad(dr):
            return x * tf.cast(tf.expand_dims(_ratio_zero_at_zero(dr, r), axis), x.dtype)

        return r, grad

    return norm(x)


def _pow(u, p: float):
    """``u ** p`` by the cheapest elementwise operation for the usual powers (tf.pow is slow)."""
    if p == 1:
        return u
    if p == 2:
        return tf.square(u)
    if p == 0.5:
        return tf.sqrt(u)
    return tf.pow(u, p)


def _power(u, p: float):
    """``u ** p`` of a modulus ``u >= 0``. For ``p < 1`` the derivative is infinite at 0: the
    gradient there is the zero subgradient instead of ``inf`` or NaN."""
    if p >= 1:
        return _pow(u, p)

    @tf.custom_gradient
    def power(u):
        def grad(dv):
            positive = u > 0
            safe = tf.where(positive, u, tf.ones_like(u))
            return tf.where(positive, dv * p * _pow(safe, p - 1), tf.zeros_like(u))

        return _pow(u, p), grad

    return power(u)


def _gpus() -> bool:
    """Whether TensorFlow sees a GPU (asked once)."""
    found = _GPUS.get("found")
    if found is None:
        found = _GPUS["found"] = bool(tf.config.list_physical_devices("GPU"))
    return found


_GPUS: dict = {}


class TensorFlowBackend(Backend):
    """Backend of the TensorFlow frontends (:mod:`kymatio.tensorflow`).

    FFTs are ``tf.signal`` transforms of the innermost ``ndim`` axes in the precision of the input;
    inverse FFTs of real results read half of the spectrum (``tf.signal.irfft``). Reshapes keep a
    dynamic batch axis dynamic; reflect padding gathers precomputed indices, so it also works when a
    width exceeds the axis.
    """

    name = "tensorflow"
    frontend = "tensorflow"

    @property
    def matrix_products(self) -> bool:
        """Off where TensorFlow would round float32 matrix products to TensorFloat-32 (its
        default on the GPUs that have it): there the low-passes keep their FFTs."""
        return not (tf.config.experimental.tensor_float_32_execution_enabled() and _gpus())

    def asarray(self, array, dtype):
        return tf.constant(np.asarray(array, dtype=dtype), dtype=_DTYPES[dtype])

    # -- Fourier transforms ---------------------------------------------------------------------
    def rfft(self, x, ndim=1):
        # A full complex FFT of the cast input: measured faster in TensorFlow than tf.signal.rfft
        # followed by rebuilding the Hermitian half (a reverse, a conjugate and a concatenation).
        # tf.complex, not tf.cast: the gradient of a cast to complex casts the complex gradient
        # back, which TensorFlow logs as discarding an imaginary part at every backward pass.
        return _FFT[ndim](tf.complex(x, tf.zeros_like(x)))

    def fft(self, x, ndim=1):
        return _FFT[ndim](x)

    def ifft(self, x, ndim=1):
        return _IFFT[ndim](x)

    def irfft(self, x, ndim=1):
        shape = x.shape[-ndim:].as_list()
        half = x[..., : shape[-1] // 2 + 1]
        return _IRFFT[ndim](half, fft_length=shape)

    def apply_matrices(self, x, matrices):
        letters = "abcdefgh"[: len(matrices)]
        for i, matrix in enumerate(matrices):
            axis = letters[i]
            out = letters.replace(axis, "z")
            x = tf.einsum(f"z{axis},...{letters}->...{out}", matrix, x)
        return x

    # -- pointwise ------------------------------------------------------------------------------
    def cdgmm(self, x, filters):
        if filters.dtype != x.dtype:
            filters = tf.cast(filters, x.dtype)  # TensorFlow does not multiply complex by real
        return x * filters

    def modulus(self, x):
        return _modulus(x)

    def modulus_rotation(self, x, axis):
        return _modulus_rotation(x, axis)

    # -- resampling -----------------------------------------------------------------------------
    def pad(self, x, pad_widths, mode="reflect"):
        widths = [(int(left), int(right)) for left, right in pad_widths]
        if mode == "constant":
            return tf.pad(x, [(0, 0)] * (x.shape.rank - len(widths)) + widths)
        if mode != "reflect":
            raise ValueError(f"pad mode must be 'reflect' or 'constant', got {mode!r}.")
        for axis, (left, right) in zip(range(-len(widths), 0), widths):
            if left or right:
                x = tf.gather(x, _reflect_indices(x.shape[axis], left, right), axis=axis)
        return x

    def crop(self, x, bounds):
        index = (Ellipsis,) + tuple(slice(a, b) for a, b in bounds)
        return x[index]

    # -- assembly -------------------------------------------------------------------------------
    def stack(self, arrays, axis):
        return tf.stack(list(arrays), axis=axis)

    def concatenate(self, arrays, axis):
        return tf.concat(list(arrays), axis=axis)

    def take(self, x, indices, axis):
        return tf.gather(x, np.asarray(indices, dtype=np.int64), axis=axis)

    def transpose(self, x, axes):
        return tf.transpose(x, perm=list(axes))

    def reshape(self, x, shape):
        return tf.reshape(x, list(shape))

    def sum(self, x, axis, keepdims=False):
        return tf.reduce_sum(x, axis=axis, keepdims=keepdims)

    def integrals(self, x, powers, ndim):
        dims = _dims(x)
        flat = tf.reshape(x, dims[: len(dims) - ndim] + [-1])
        return tf.stack([tf.reduce_sum(_power(flat, p), axis=-1) for p in powers], axis=-1)

    def real(self, x):
        return tf.math.real(x)


backend = TensorFlowBackend()
