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
    matrix_products : bool
        Whether :meth:`apply_matrices` is implemented (default False). The algorithms then
        low-pass real signals by small real matrix products where those cost less than FFTs.
    """

    name: str = ""
    frontend: str = ""
    #: Convert real filters to complex arrays (of the input's precision) once, at conversion:
    #: for frameworks that multiply complex by complex faster than complex by real (NumPy, torch).
    complex_filters: bool = False
    #: :meth:`apply_matrices` is implemented (an optional operation).
    matrix_products: bool = False

    def __repr__(self) -> str:
        return f"<kymatio backend {self.name!r} for frontend {self.frontend!r}>"

    # -- conversion -----------------------------------------------------------------------------
    def asarray(self, array, dtype: str) -> Array:
        """Convert a NumPy array (a filter) to this backend's array type with ``dtype``.

        Parameters
        ----------
        array : numpy.ndarray
            A filter (or a stack of filters), float64 or complex128, as the core builds them.
        dtype : {"float32", "float64", "complex64", "complex128"}
            The dtype of the result.

        Returns
        -------
        array
            The converted array, on the backend's device.
        """
        raise NotImplementedError

    # -- Fourier transforms over the last ``ndim`` axes -----------------------------------------
    def rfft(self, x: Array, ndim: int = 1) -> Array:
        """Full complex DFT of a real array (the result is Hermitian-symmetric).

        Parameters
        ----------
        x : array
            Real input, float32 or float64.
        ndim : {1, 2, 3}
            Number of trailing axes transformed.

        Returns
        -------
        array
            The two-sided spectrum, of ``x``'s shape, complex64 or complex128.
        """
        raise NotImplementedError

    def fft(self, x: Array, ndim: int = 1) -> Array:
        """Full complex DFT of a complex array.

        Parameters
        ----------
        x : array
            Complex input.
        ndim : {1, 2, 3}
            Number of trailing axes transformed.

        Returns
        -------
        array
            The spectrum, of ``x``'s shape and dtype.
        """
        raise NotImplementedError

    def ifft(self, x: Array, ndim: int = 1) -> Array:
        """Inverse DFT (with the ``1/n`` factor), complex result.

        Parameters
        ----------
        x : array
            A complex spectrum.
        ndim : {1, 2, 3}
            Number of trailing axes transformed.

        Returns
        -------
        array
            The signal, of ``x``'s shape and dtype.
        """
        raise NotImplementedError

    def ifft_owned(self, x: Array, ndim: int = 1) -> Array:
        """:meth:`ifft` of a spectrum that the caller gives up: the backend may compute the result
        in ``x``'s memory (``x`` is not to be read afterwards).

        The algorithms call it on the fresh results of :meth:`periodized_product` and :meth:`cdgmm`
        only, so that a batched step holds one complex array where it would hold two. The default
        is :meth:`ifft`; a backend overrides it where its FFT can work in place.

        Parameters
        ----------
        x : array
            A complex spectrum, owned by the caller.
        ndim : {1, 2, 3}
            Number of trailing axes transformed.

        Returns
        -------
        array
            The signal, of ``x``'s shape and dtype (possibly ``x`` itself, overwritten).
        """
        return self.ifft(x, ndim)

    def irfft(self, x: Array, ndim: int = 1) -> Array:
        """Real part of the inverse DFT of a full spectrum.

        The algorithms only call it on Hermitian-symmetric spectra (the DFT of a real signal times a
        real, even filter), so a backend may read only half of ``x`` (a half-size inverse real FFT).

        Parameters
        ----------
        x : array
            A complex, Hermitian-symmetric spectrum.
        ndim : {1, 2, 3}
            Number of trailing axes transformed.

        Returns
        -------
        array
            The real signal, of ``x``'s shape, float32 or float64.
        """
        raise NotImplementedError

    def irfft_owned(self, x: Array, ndim: int = 1) -> Array:
        """:meth:`irfft` (same arguments and result) of a spectrum that the caller gives up: the
        backend may use ``x``'s memory as its workspace (``x`` is not to be read afterwards).

        The 3-D algorithm calls it on the fresh results of :meth:`cdgmm`: a multi-axis real inverse
        FFT first transforms every axis but the last, which pocketfft does in a fresh array of
        half the spectrum's size (a page fault per 4 KiB on every call: 60% of the 3d-128
        benchmark's faults). The default is :meth:`irfft`.

        Parameters
        ----------
        x : array
            The Hermitian-symmetric spectrum, which the caller gives up.
        ndim : {1, 2, 3}
            As for :meth:`irfft`.

        Returns
        -------
        array
            What :meth:`irfft` returns for ``x``.
        """
        return self.irfft(x, ndim)

    # -- pointwise operations -----------------------------------------------------------------
    def cdgmm(self, x: Array, filters: Array) -> Array:
        """Pointwise product of complex ``x`` with real or complex ``filters``, broadcasting.

        Parameters
        ----------
        x : array
            Complex, of shape ``(..., 1, *S)``.
        filters : array
            Real or complex, of shape ``(K, *S)``.

        Returns
        -------
        array
            Complex, of shape ``(..., K, *S)``.
        """
        raise NotImplementedError

    def modulus(self, x: Array) -> Array:
        """Elementwise modulus of a complex array, a real array of the matching precision.

        Differentiable backends give it the zero subgradient at 0 (no NaN gradients).

        Parameters
        ----------
        x : array
            Complex input.

        Returns
        -------
        array
            ``|x|``, real, of ``x``'s shape.
        """
        raise NotImplementedError

    def modulus_rotation(self, x: Array, axis: int) -> Array:
        """``sqrt(sum(|x|**2, axis))``: the modulus of a vector of complex arrays along ``axis``.

        Parameters
        ----------
        x : array
            Complex input.
        axis : int
            The axis of the vector's components (summed over).

        Returns
        -------
        array
            Real, of ``x``'s shape without ``axis``.
        """
        raise NotImplementedError

    def modulus_rotation_paired(self, x: Array, axis: int) -> Array:
        """``sqrt(|x_0|**2 + 2 * sum(|x_i|**2 for i >= 1))`` along ``axis``: :meth:`modulus_rotation`
        when entry ``i >= 1`` stands for two entries of equal modulus (the orders ``+m`` and ``-m``
        of 3-D scattering). Backends may override it with a version that reads ``x`` only once.

        Parameters
        ----------
        x : array
            Complex input.
        axis : int
            The axis of the vector's components (summed over).

        Returns
        -------
        array
            Real, of ``x``'s shape without ``axis``.
        """
        n = int(x.shape[axis])
        return self.modulus_rotation(self.take(x, [0] + 2 * list(range(1, n)), axis), axis)

    def modulus_rotation_paired_real(self, x0: Array, x: Array | None, axis: int) -> Array:
        """``sqrt(x0**2 + 2 * sum(|x_i|**2))`` along ``axis``: :meth:`modulus_rotation_paired` with
        its first entry given apart, as a real array (the order ``m = 0`` of 3-D scattering, real
        for a real input and transformed by :meth:`irfft`, half the work of :meth:`ifft`).

        Optional: the default raises ``NotImplementedError``, and the 3-D algorithm then transforms
        that order as a complex one; a backend that implements it gets the real path.

        Parameters
        ----------
        x0 : array
            Real, of size 1 along ``axis``.
        x : array or None
            Complex, the entries ``i >= 1`` along ``axis`` (each counted twice); None if there are
            none (then the result is ``|x0|``).
        axis : int
            The axis of the vector's components (summed over).

        Returns
        -------
        array
            Real, of ``x0``'s shape without ``axis``.
        """
        raise NotImplementedError

    def periodized_product(self, x: Array, bank: dict) -> Array:
        """The product of ``x`` with a filter stack ``psi``, then periodisation by averaging (the
        subsampling by ``k`` in space, done in the Fourier domain: each of the last ``ndim`` axes
        of length ``n`` becomes ``n // k`` long, ``y[m] = mean_i (x psi)[m + i n / k]``), for
        ``psi`` given as an alias bank (``kymatio.core._periodize.alias_bank``): the sum, over the
        kept alias blocks, of the block of ``x`` times the pre-scaled block of ``psi``. Backends
        may override it with an in-place or fused version.

        Parameters
        ----------
        x : array
            Complex spectra, of shape ``(..., 1, *S)``.
        bank : dict
            The alias bank of filters of shape ``(K, *S)``: ``k`` (the subsampling), ``ndim``,
            ``blocks`` (the alias index of each kept block along each axis) and ``filters`` (the
            matching blocks of ``psi``, already divided by ``k**ndim``: ``filters[b]`` goes with
            ``blocks[b]``; one array stacked along a new first axis, or a list).

        Returns
        -------
        array
            Complex, of shape ``(..., K, *S/k)``.
        """
        k, ndim = bank["k"], bank["ndim"]
        lengths = [int(n) // k for n in tuple(x.shape)[-ndim:]]
        out = None
        for b, block in enumerate(bank["blocks"]):
            bounds = [(i * n, (i + 1) * n) for i, n in zip(block, lengths)]
            term = self.cdgmm(self.crop(x, bounds) if k > 1 else x, bank["filters"][b])
            out = term if out is None else out + term
        return out

    def apply_matrices(self, x: Array, matrices: Sequence[Array]) -> Array:
        """Multiply the last ``len(matrices)`` axes of a real ``x`` by real matrices, one per axis:
        for two, ``y[..., p, q] = sum_{s, t} A[p, s] B[q, t] x[..., s, t]``. Optional: a backend
        that implements it sets ``matrix_products``; the algorithms call it only then.

        Parameters
        ----------
        x : array
            Real, of shape ``(..., N_1, ..., N_d)``.
        matrices : sequence of array
            ``d`` real matrices of ``x``'s precision, matrix ``i`` of shape ``(n_i, N_i)``
            (``kymatio.core._periodize.RealOperator`` leaves of a plan, converted).

        Returns
        -------
        array
            Real, of shape ``(..., n_1, ..., n_d)``.
        """
        raise NotImplementedError

    # -- resampling -----------------------------------------------------------------------------
    def pad(self, x: Array, pad_widths: Sequence[tuple[int, int]], mode: str = "reflect") -> Array:
        """Pad the last ``len(pad_widths)`` axes.

        Parameters
        ----------
        x : array
            The input.
        pad_widths : sequence of (int, int)
            ``(before, after)`` for each of the last axes, in order.
        mode : {"reflect", "constant"}
            ``"reflect"``: mirror without repeating the edge sample, iterated when a width exceeds
            the axis (NumPy's ``mode="reflect"``); ``"constant"``: zeros.

        Returns
        -------
        array
            The padded array.
        """
        raise NotImplementedError

    def crop(self, x: Array, bounds: Sequence[tuple[int, int]]) -> Array:
        """Slice the last ``len(bounds)`` axes to ``[start, stop)``.

        Parameters
        ----------
        x : array
            The input.
        bounds : sequence of (int, int)
            ``(start, stop)`` for each of the last axes, in order.

        Returns
        -------
        array
            The slice.
        """
        raise NotImplementedError

    # -- assembly -------------------------------------------------------------------------------
    def stack(self, arrays: Sequence[Array], axis: int) -> Array:
        """Stack arrays of equal shape along a new axis.

        Parameters
        ----------
        arrays : sequence of array
            Arrays of equal shape.
        axis : int
            Position of the new axis in the result.

        Returns
        -------
        array
            The stack.
        """
        raise NotImplementedError

    def concatenate(self, arrays: Sequence[Array], axis: int) -> Array:
        """Concatenate arrays along an existing axis.

        Parameters
        ----------
        arrays : sequence of array
            Arrays whose shapes differ at most along ``axis``.
        axis : int
            The axis joined along.

        Returns
        -------
        array
            The concatenation.
        """
        raise NotImplementedError

    def take(self, x: Array, indices: Sequence[int], axis: int) -> Array:
        """Select the entries ``indices`` along ``axis``.

        Parameters
        ----------
        x : array
            The input.
        indices : sequence of int
            The entries kept, in order (repetitions allowed).
        axis : int
            The axis selected along.

        Returns
        -------
        array
            ``x`` with ``len(indices)`` entries along ``axis``.
        """
        raise NotImplementedError

    def transpose(self, x: Array, axes: Sequence[int]) -> Array:
        """Permute the axes of ``x``: axis ``i`` of the result is axis ``axes[i]`` of ``x``.

        Joint time-frequency scattering uses it to bring the frequency axis last for its FFTs.

        Parameters
        ----------
        x : array
            The input.
        axes : sequence of int
            A permutation of ``range(x.ndim)``.

        Returns
        -------
        array
            The permuted array.
        """
        raise NotImplementedError

    def reshape(self, x: Array, shape: Sequence[int]) -> Array:
        """Reshape; ``-1`` may stand for one axis (the batch axis may be dynamic).

        Parameters
        ----------
        x : array
            The input.
        shape : sequence of int
            The new shape.

        Returns
        -------
        array
            ``x`` with that shape.
        """
        raise NotImplementedError

    def sum(self, x: Array, axis: int | tuple[int, ...], keepdims: bool = False) -> Array:
        """Sum along ``axis``.

        Parameters
        ----------
        x : array
            The input.
        axis : int or tuple of int
            The axes summed over.
        keepdims : bool
            Keep the summed axes with length 1.

        Returns
        -------
        array
            The sums.
        """
        raise NotImplementedError

    def integrals(self, x: Array, powers: Sequence[float], ndim: int) -> Array:
        """``out[..., i] = sum(x ** powers[i])`` over the last ``ndim`` axes of a real array.

        Parameters
        ----------
        x : array
            Real, non-negative input (moduli).
        powers : sequence of float
            The exponents ``p`` of the integrals ``sum(x ** p)``.
        ndim : {1, 2, 3}
            Number of trailing axes summed over.

        Returns
        -------
        array
            Of shape ``x.shape[:-ndim] + (len(powers),)``.
        """
        raise NotImplementedError

    def real(self, x: Array) -> Array:
        """Real part of a complex array.

        Parameters
        ----------
        x : array
            Complex input.

        Returns
        -------
        array
            The real part, of the matching real precision.
        """
        raise NotImplementedError
