"""The backend protocol: the dozen array operations that the scattering algorithms need.

The algorithms of :mod:`kymatio.core` never touch a framework directly: every array operation goes
through a backend object. A backend for a new framework subclasses :class:`Backend` and implements the
methods below; nothing else is required. See ``docs/writing-a-backend.md``.

Conventions
-----------
* ``ndim`` is the number of trailing *signal* axes (1, 2 or 3). Every leading axis is a batch or
  filter axis and is broadcast.
* Spectra are full (two-sided) unnormalised DFTs, NumPy's convention: ``ifft(fft(x)) == x``.
* Filters are real or complex arrays in the Fourier domain whose shape equals the trailing axes of the
  signal they multiply, possibly with leading filter axes (``(K, N)`` against ``(B, 1, N)``).
* Precision follows the input: a float32 signal is transformed in complex64, a float64 one in
  complex128. A backend never changes precision.
"""
from __future__ import annotations

from typing import Any, Sequence

__all__ = ["Backend"]

Array = Any


class Backend:
    """Base class of kymatio backends.

    Attributes
    ----------
    name : str
        The name users pass as ``backend=`` (``"numpy"``, ``"torch"``...).
    frontend : str
        The frontend this backend serves (``"numpy"`` for the NumPy classes...).
    complex_filters : bool
        Whether the frontends hand every filter to it as a complex array (default False: real
        filters stay real).
    """

    name: str = ""
    frontend: str = ""
    #: Convert real filters to complex arrays (of the input's precision) once, at conversion:
    #: for frameworks that multiply complex by complex faster than complex by real (NumPy, torch).
    complex_filters: bool = False

    def __repr__(self) -> str:
        return f"<kymatio backend {self.name!r} for frontend {self.frontend!r}>"

    # -- conversion -----------------------------------------------------------------------------
    def asarray(self, array, dtype: str) -> Array:
        """Convert a NumPy array (a filter) to this backend's array type with ``dtype``.

        ``dtype`` is one of ``"float32"``, ``"float64"``, ``"complex64"``, ``"complex128"``.
        """
        raise NotImplementedError

    # -- Fourier transforms over the last ``ndim`` axes -----------------------------------------
    def rfft(self, x: Array, ndim: int = 1) -> Array:
        """Full complex DFT of a real array (the result is Hermitian-symmetric)."""
        raise NotImplementedError

    def fft(self, x: Array, ndim: int = 1) -> Array:
        """Full complex DFT of a complex array."""
        raise NotImplementedError

    def ifft(self, x: Array, ndim: int = 1) -> Array:
        """Inverse DFT (with the ``1/n`` factor), complex result."""
        raise NotImplementedError

    def irfft(self, x: Array, ndim: int = 1) -> Array:
        """Real part of the inverse DFT of a full spectrum.

        The algorithms only call it on Hermitian-symmetric spectra (the DFT of a real signal times a
        real, even filter), so a backend may read only half of ``x`` (a half-size inverse real FFT).
        """
        raise NotImplementedError

    # -- pointwise operations -----------------------------------------------------------------
    def cdgmm(self, x: Array, filters: Array) -> Array:
        """Pointwise product of complex ``x`` with real or complex ``filters``, broadcasting.

        ``x`` of shape ``(..., 1, *S)`` times ``filters`` of shape ``(K, *S)`` gives ``(..., K, *S)``.
        """
        raise NotImplementedError

    def modulus(self, x: Array) -> Array:
        """Elementwise modulus of a complex array, a real array of the matching precision.

        Differentiable backends give it the zero subgradient at 0 (no NaN gradients).
        """
        raise NotImplementedError

    def modulus_rotation(self, x: Array, axis: int) -> Array:
        """``sqrt(sum(|x|**2, axis))``: the modulus of a vector of complex arrays along ``axis``."""
        raise NotImplementedError

    def periodized_product(self, x: Array, bank: dict) -> Array:
        """The product of ``x`` with a filter stack ``psi``, then periodisation by averaging (the
        subsampling by ``k`` in space, done in the Fourier domain: each of the last ``ndim`` axes
        of length ``n`` becomes ``n // k`` long, ``y[m] = mean_i (x psi)[m + i n / k]``), for
        ``psi`` given as the alias bank of :func:`kymatio.core._periodize.alias_bank`: the sum,
        over the kept alias blocks, of the block of ``x`` times the pre-scaled block of ``psi``.

        ``x`` of shape ``(..., 1, *S)`` against filters of shape ``(K, *S)`` gives
        ``(..., K, *S/k)``. Backends may override it with an in-place or fused version.
        """
        k, ndim = bank["k"], bank["ndim"]
        lengths = [int(n) // k for n in tuple(x.shape)[-ndim:]]
        out = None
        for block, filters in zip(bank["blocks"], bank["filters"]):
            bounds = [(i * n, (i + 1) * n) for i, n in zip(block, lengths)]
            term = self.cdgmm(self.crop(x, bounds) if k > 1 else x, filters)
            out = term if out is None else out + term
        return out

    # -- resampling -----------------------------------------------------------------------------
    def pad(self, x: Array, pad_widths: Sequence[tuple[int, int]], mode: str = "reflect") -> Array:
        """Pad the last ``len(pad_widths)`` axes; ``mode`` is ``"reflect"`` (mirror without repeating
        the edge sample, iterated when a width exceeds the axis) or ``"constant"`` (zeros)."""
        raise NotImplementedError

    def crop(self, x: Array, bounds: Sequence[tuple[int, int]]) -> Array:
        """Slice the last ``len(bounds)`` axes to ``[start, stop)``."""
        raise NotImplementedError

    # -- assembly -------------------------------------------------------------------------------
    def stack(self, arrays: Sequence[Array], axis: int) -> Array:
        """Stack arrays of equal shape along a new axis."""
        raise NotImplementedError

    def concatenate(self, arrays: Sequence[Array], axis: int) -> Array:
        """Concatenate arrays along an existing axis."""
        raise NotImplementedError

    def take(self, x: Array, indices: Sequence[int], axis: int) -> Array:
        """Select the entries ``indices`` (a list of ints) along ``axis``."""
        raise NotImplementedError

    def transpose(self, x: Array, axes: Sequence[int]) -> Array:
        """Permute the axes of ``x``: axis ``i`` of the result is axis ``axes[i]`` of ``x``.

        Joint time-frequency scattering uses it to bring the frequency axis last for its FFTs.
        """
        raise NotImplementedError

    def reshape(self, x: Array, shape: Sequence[int]) -> Array:
        """Reshape; ``-1`` may stand for one axis (the batch axis may be dynamic)."""
        raise NotImplementedError

    def sum(self, x: Array, axis: int | tuple[int, ...], keepdims: bool = False) -> Array:
        """Sum along ``axis``."""
        raise NotImplementedError

    def integrals(self, x: Array, powers: Sequence[float], ndim: int) -> Array:
        """``out[..., i] = sum(x ** powers[i])`` over the last ``ndim`` axes of a real array."""
        raise NotImplementedError

    def real(self, x: Array) -> Array:
        """Real part of a complex array."""
        raise NotImplementedError
