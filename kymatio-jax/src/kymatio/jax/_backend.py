"""The JAX backend: ``jax.numpy`` and ``jax.numpy.fft`` on JAX's default device.

Every method is a composition of ``jax.numpy`` operations whose control flow depends on shapes only,
never on values, so the scattering algorithms of :mod:`kymatio.core` trace through ``jax.jit``,
``jax.vmap`` and ``jax.grad``. Where a derivative is undefined or infinite at 0 (the modulus, the
rotation modulus of 3-D, powers below 1 in the 3-D integrals) the backend takes the zero
subgradient, so that gradients are never NaN.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from kymatio.core._errors import ScatteringValueError
from kymatio.core.backend import Backend

__all__ = ["JaxBackend", "backend"]

_DTYPES = ("float32", "float64", "complex64", "complex128")


def _axes(ndim: int) -> tuple[int, ...]:
    return tuple(range(-ndim, 0))


@jax.custom_jvp
def _sqrt(s):
    """``sqrt(s)`` for ``s >= 0`` whose derivative at 0 is 0 (``jnp.sqrt``'s is infinite)."""
    return jnp.sqrt(s)


@_sqrt.defjvp
def _sqrt_jvp(primals, tangents):
    # d sqrt(s) = ds / (2 sqrt(s)), and 0 at s = 0 (the modulus of a vector that vanishes).
    (s,), (ds,) = primals, tangents
    r = jnp.sqrt(s)
    nonzero = r > 0
    safe_r = jnp.where(nonzero, r, jnp.ones_like(r))
    return r, jnp.where(nonzero, ds / (2 * safe_r), jnp.zeros_like(ds))


class JaxBackend(Backend):
    """Backend of the JAX frontends (:mod:`kymatio.jax`).

    FFTs are :mod:`jax.numpy.fft` transforms over the last ``ndim`` axes; the inverse FFTs of real
    results read half of the spectrum (``irfftn``). Precision follows the input (complex64 for
    float32, complex128 for float64, which needs ``jax_enable_x64``).
    """

    name = "jax"
    frontend = "jax"
    matrix_products = True

    def asarray(self, array, dtype):
        if dtype not in _DTYPES:
            raise ScatteringValueError(f"dtype must be one of {_DTYPES}, got {dtype!r}.")
        if dtype in ("float64", "complex128") and not jax.config.jax_enable_x64:
            raise ScatteringValueError(
                f"A {dtype} array needs 64-bit JAX: enable it with "
                f"jax.config.update('jax_enable_x64', True) before creating arrays.")
        return jnp.asarray(np.asarray(array, dtype=dtype))

    # -- Fourier transforms ---------------------------------------------------------------------
    def rfft(self, x, ndim=1):
        return jnp.fft.fftn(x, axes=_axes(ndim))

    def fft(self, x, ndim=1):
        return jnp.fft.fftn(x, axes=_axes(ndim))

    def ifft(self, x, ndim=1):
        return jnp.fft.ifftn(x, axes=_axes(ndim))

    def irfft(self, x, ndim=1):
        shape = tuple(x.shape[-ndim:])
        half = x[..., : shape[-1] // 2 + 1]
        return jnp.fft.irfftn(half, s=shape, axes=_axes(ndim))

    def apply_matrices(self, x, matrices):
        letters = "abcdefgh"[: len(matrices)]
        for i, matrix in enumerate(matrices):
            axis = letters[i]
            out = letters.replace(axis, "z")
            # HIGHEST: full float32 products on GPUs too (the default may round to TensorFloat-32).
            x = jnp.einsum(f"z{axis},...{letters}->...{out}", matrix, x,
                           precision=jax.lax.Precision.HIGHEST)
        return x

    # -- pointwise ------------------------------------------------------------------------------
    def cdgmm(self, x, filters):
        return x * filters

    def modulus(self, x):
        # JAX differentiates |z| as Re(conj(z) dz) / |z| with the 0 in the denominator replaced
        # by 1: the zero subgradient at 0, no custom rule needed (tests/test_jax.py checks it).
        return jnp.abs(x)

    def modulus_rotation(self, x, axis):
        return _sqrt(jnp.sum(jnp.real(x) ** 2 + jnp.imag(x) ** 2, axis=axis))

    # -- resampling -----------------------------------------------------------------------------
    def pad(self, x, pad_widths, mode="reflect"):
        if mode not in ("reflect", "constant"):
            raise ScatteringValueError(f"pad mode must be 'reflect' or 'constant', got {mode!r}.")
        widths = [(0, 0)] * (x.ndim - len(pad_widths)) + [tuple(w) for w in pad_widths]
        return jnp.pad(x, widths, mode=mode)

    def crop(self, x, bounds):
        index = (Ellipsis,) + tuple(slice(a, b) for a, b in bounds)
        return x[index]

    # -- assembly -------------------------------------------------------------------------------
    def stack(self, arrays, axis):
        return jnp.stack(list(arrays), axis=axis)

    def concatenate(self, arrays, axis):
        return jnp.concatenate(list(arrays), axis=axis)

    def take(self, x, indices, axis):
        indices = [int(i) for i in indices]
        if indices and indices == list(range(indices[0], indices[0] + len(indices))):
            # A slice, not a gather: cheaper, and its transpose (for grad) is a pad.
            return jax.lax.slice_in_dim(x, indices[0], indices[0] + len(indices), axis=axis)
        return jnp.take(x, np.asarray(indices, dtype=np.int32), axis=axis)

    def transpose(self, x, axes):
        return jnp.transpose(x, tuple(axes))

    def reshape(self, x, shape):
        return jnp.reshape(x, tuple(shape))

    def sum(self, x, axis, keepdims=False):
        return jnp.sum(x, axis=axis, keepdims=keepdims)

    def integrals(self, x, powers, ndim):
        flat = jnp.reshape(x, tuple(x.shape[: x.ndim - ndim]) + (-1,))
        positive = flat > 0
        sums = []
        for p in powers:
            if p < 1:
                # d(u**p)/du is infinite at u = 0 for p < 1: there (x is a modulus, u >= 0) take the
                # zero subgradient; the value is u**p everywhere, 0**p included.
                base = jnp.where(positive, flat, jnp.ones_like(flat))
                value = jnp.where(positive, base**p, jax.lax.stop_gradient(flat) ** p)
            else:
                value = flat**p
            sums.append(jnp.sum(value, axis=-1))
        return jnp.stack(sums, axis=-1)

    def real(self, x):
        return jnp.real(x)


backend = JaxBackend()
