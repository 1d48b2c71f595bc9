"""The PyTorch backend: ``torch.fft`` on complex tensors, on whatever device the input lives on.

Complex values are native complex tensors (``complex64`` for ``float32`` signals, ``complex128`` for
``float64``), not the reference's trailing real/imaginary axis. Every operation is differentiable;
the modulus and the integrals have a zero (not NaN) gradient where the modulus is 0.

Large products of CPU tensors that autograd does not record (inference) are written into memory
that NumPy allocates (:func:`_product`): torch's CPU allocator maps every tensor past glibc's mmap
threshold afresh, in 4 KB pages, which on the project's VM cost 3-6 us each (a 32 MiB product
took 21-46 ms instead of 4-6 ms), while NumPy asks for huge pages for large arrays.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from kymatio.core._squares import paired_real_sum_squares, sum_squares
from kymatio.core.backend import Backend

__all__ = ["TorchBackend", "backend"]

_DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}


def _axes(ndim: int) -> tuple[int, ...]:
    return tuple(range(-ndim, 0))


def _reflect_indices(n: int, left: int, right: int, device: torch.device) -> torch.Tensor:
    """Source index of every sample of an axis of length ``n`` reflect-padded by ``(left, right)``.

    Reflection without repeating the edge is periodic with period ``2 (n - 1)``, which is also what
    NumPy's ``mode='reflect'`` gives when it iterates for widths larger than the axis.
    """
    positions = torch.arange(-left, n + right, device=device)
    if n == 1:
        return torch.zeros_like(positions)
    period = 2 * (n - 1)
    folded = positions.remainder(period)
    return torch.where(folded < n, folded, period - folded)


def _safe_divide(numerator: torch.Tensor, denominator: torch.Tensor) -> torch.Tensor:
    """``numerator / denominator`` where ``denominator > 0``, 0 elsewhere (no NaN, no inf): the
    zero subgradients of the moduli and roots at 0."""
    positive = denominator > 0
    return torch.where(positive, numerator / torch.where(positive, denominator, 1.0), 0.0)


# periodized_product gathers the kept alias blocks of a spectrum at once when there are at least
# this many and each block's product is at most this many elements (larger blocks cost more to
# gather than the calls saved).
GATHER_MIN_BLOCKS = 8
GATHER_MAX_BLOCK = 2**12
_BLOCK_INDEX: dict = {}


def _out_size(x: torch.Tensor, filters: torch.Tensor, ndim: int, lengths: list) -> int:
    """Elements of the product of one block of ``x`` with one block of a stacked bank."""
    # NumPy's broadcast_shapes on plain ints: torch.broadcast_shapes costs ~75 us per call here.
    lead = np.broadcast_shapes(tuple(int(n) for n in x.shape[: x.ndim - ndim]),
                               tuple(int(n) for n in filters.shape[1: filters.ndim - ndim]))
    return int(np.prod(lead)) * int(np.prod(lengths))


def _block_index(blocks, ndim: int, device) -> tuple:
    """One index tensor per signal axis selecting ``blocks``, cached per bank layout and device."""
    key = (tuple(tuple(b) for b in blocks), str(device))
    index = _BLOCK_INDEX.get(key)
    if index is None:
        table = torch.tensor(key[0], dtype=torch.long).T
        index = _BLOCK_INDEX[key] = tuple(table[d].to(device) for d in range(ndim))
    return index


def _host_array(x: torch.Tensor) -> np.ndarray | None:
    """The memory of a CPU tensor as a NumPy array (no copy), or None: on another device, while
    ``torch.compile`` traces (fake tensors), or for a tensor NumPy cannot view (``torch.func``
    wrappers, dtypes NumPy lacks)."""
    if x.device.type != "cpu" or torch.compiler.is_compiling():
        return None
    try:
        return x.detach().resolve_conj().resolve_neg().numpy()
    except (RuntimeError, TypeError):
        return None


#: Products of CPU tensors of at least this many elements (4 MiB of complex64, NumPy's huge-page
#: threshold) go to NumPy-allocated memory where autograd does not record them.
PRODUCT_HOST_MIN = 2**19

_NUMPY_DTYPES = {torch.float32: np.float32, torch.float64: np.float64,
                 torch.complex64: np.complex64, torch.complex128: np.complex128}


def _host_empty(shape: tuple, dtype: torch.dtype) -> torch.Tensor:
    """An uninitialised CPU tensor on memory NumPy allocates."""
    return torch.from_numpy(np.empty(shape, dtype=_NUMPY_DTYPES[dtype]))


def _product(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``x * y``; a large product of CPU tensors that autograd does not record is computed by
    torch (its threads) into memory NumPy allocates, in huge pages where the system has them.

    Two threads, in one process alternating with ``x * y``, best of 8: the 2x128^3 3-D benchmark
    1.49 -> 1.33 s (376k -> 173k page faults per call), 1-D J=13 Q=12 on 32x65536 1.25 -> 1.04 s
    (56k -> 2k), 2-D J=3 on 32x3x224^2 unchanged (1.43 -> 1.46 s, within the noise).
    """
    if (x.device.type == "cpu" and y.device.type == "cpu" and x.dtype == y.dtype
            and x.dtype in _NUMPY_DTYPES and not torch.compiler.is_compiling()
            and not (torch.is_grad_enabled() and (x.requires_grad or y.requires_grad))):
        shape = np.broadcast_shapes(tuple(x.shape), tuple(y.shape))
        if math.prod(shape) >= PRODUCT_HOST_MIN:
            return torch.mul(x, y, out=_host_empty(shape, x.dtype))
    return x * y


def apply_function(function: type, *args: Any) -> torch.Tensor:
    """``function.apply(*args)`` where autograd records it, ``function.forward(*args)`` elsewhere.

    ``apply`` of a function with ``setup_context`` binds its arguments through ``inspect.signature``
    on every call (tens of microseconds, most of a small transform's modulus) and records a graph
    node; neither is needed under ``torch.no_grad()`` or for inputs that require no gradient.
    """
    if torch.is_grad_enabled() and any(isinstance(a, torch.Tensor) and a.requires_grad
                                       for a in args):
        return function.apply(*args)
    return function.forward(*args)


class _Modulus(torch.autograd.Function):
    """``|z|`` of a complex tensor, with the zero subgradient at ``z = 0``.

    On the CPU the forward is NumPy's ``abs`` on the tensor's memory: 3-10x faster than
    ``torch.abs`` of a complex tensor or ``sqrt(re**2 + im**2)`` on its real and imaginary views
    (96x4x20x20 complex64, one thread: 0.05 ms against 0.48 and 0.16 ms), which are used elsewhere.
    The backward is ``grad * z / |z|``, and 0 where ``|z|`` is 0 or subnormal.
    """

    @staticmethod
    def forward(z):
        host = _host_array(z)
        if host is not None:
            return torch.from_numpy(np.abs(host))
        return z.real.square().add_(z.imag.square()).sqrt_()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0], output)

    @staticmethod
    def backward(ctx, grad):
        z, modulus = ctx.saved_tensors
        # NumPy's abs (a hypot) stays positive for tiny z, where sqrt(re**2 + im**2) underflows to
        # 0: grad / |z| could then overflow, and torch's complex division by a subnormal gives
        # inf. So z / |z| is formed part by part (each at most 1 in size) where |z| is a normal
        # number, and the subgradient is 0 below.
        normal = modulus >= torch.finfo(modulus.dtype).tiny
        parts = torch.view_as_real(z.resolve_conj()) / torch.where(normal, modulus, 1.0).unsqueeze(-1)
        return torch.where(normal, torch.view_as_complex(parts) * grad, 0.0)


class _ModulusRotation(torch.autograd.Function):
    """``sqrt(sum(|z|**2, axis))`` of a complex tensor, with the zero subgradient where it is 0.

    ``torch.linalg.vector_norm`` of a complex tensor is several times slower on the CPU than these
    real-view squares. The backward is ``grad * z / norm`` (broadcast over ``axis``), 0 where the
    norm is 0.
    """

    @staticmethod
    def forward(z, axis):
        host = _host_array(z)
        if host is not None:
            return torch.from_numpy(np.sqrt(sum_squares(host, axis)))
        return z.real.square().add_(z.imag.square()).sum(dim=axis).sqrt_()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.axis = inputs[1]
        ctx.save_for_backward(inputs[0], output)

    @staticmethod
    def backward(ctx, grad):
        z, norm = ctx.saved_tensors
        return z * _safe_divide(grad, norm).unsqueeze(ctx.axis), None


class _ModulusRotationPaired(torch.autograd.Function):
    """``sqrt(|z_0|**2 + 2 sum(|z_i|**2, i >= 1))`` along ``axis`` (orders ``+-m`` of 3-D
    scattering as one entry), with the zero subgradient where it is 0. The backward is
    ``w_i grad z_i / norm`` with ``w = (1, 2, 2, ...)``."""

    @staticmethod
    def forward(z, axis):
        host = _host_array(z)
        if host is not None:
            return torch.from_numpy(np.sqrt(sum_squares(host, axis, 2.0)))
        squares = z.real.square().add_(z.imag.square())
        first = squares.narrow(axis, 0, 1).squeeze(axis)
        rest = squares.narrow(axis, 1, squares.shape[axis] - 1).sum(dim=axis)
        return rest.mul_(2.0).add_(first).sqrt_()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.axis = inputs[1]
        ctx.save_for_backward(inputs[0], output)

    @staticmethod
    def backward(ctx, grad):
        z, norm = ctx.saved_tensors
        shape = [1] * z.ndim
        shape[ctx.axis] = z.shape[ctx.axis]
        weights = torch.full(shape, 2.0, dtype=norm.dtype, device=z.device)
        weights.narrow(ctx.axis, 0, 1).fill_(1.0)
        return z * (weights * _safe_divide(grad, norm).unsqueeze(ctx.axis)), None


class _ModulusRotationPairedReal(torch.autograd.Function):
    """``sqrt(x0**2 + 2 sum(|z_i|**2))`` along ``axis`` for a real ``x0`` (size 1 on ``axis``) and a
    complex ``z`` or None, with the zero subgradient where it is 0. The backward is
    ``grad x0 / norm`` and ``2 grad z_i / norm``."""

    @staticmethod
    def forward(x0, z, axis):
        host0 = _host_array(x0)
        host = None if z is None else _host_array(z)
        if host0 is not None and (z is None or host is not None):
            acc = paired_real_sum_squares(host0, host, axis)
            return torch.from_numpy(np.sqrt(acc, out=acc))
        out = x0.squeeze(axis).square()
        if z is not None and z.shape[axis]:
            rest = z.real.square().add_(z.imag.square()).sum(dim=axis)
            out = rest.mul_(2.0).add_(out)
        return out.sqrt_()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.axis = inputs[2]
        ctx.has_z = inputs[1] is not None
        ctx.save_for_backward(inputs[0], inputs[1] if ctx.has_z else None, output)

    @staticmethod
    def backward(ctx, grad):
        x0, z, norm = ctx.saved_tensors
        scale = _safe_divide(grad, norm).unsqueeze(ctx.axis)
        return x0 * scale, (z * (2.0 * scale) if ctx.has_z else None), None


class _RootPower(torch.autograd.Function):
    """``u**p`` for ``0 < p < 1`` and ``u >= 0``, with the zero subgradient at ``u = 0`` (where the
    derivative ``p u**(p-1)`` is infinite)."""

    @staticmethod
    def forward(u, p):
        return u.sqrt() if p == 0.5 else u.pow(p)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.p = inputs[1]
        ctx.save_for_backward(inputs[0], output)

    @staticmethod
    def backward(ctx, grad):
        u, value = ctx.saved_tensors
        return _safe_divide(grad * ctx.p * value, u), None


#: 1-D and 3-D inverse FFTs of unrecorded CPU tensors of more than this many elements (16 MiB of
#: complex64) run in pieces of at most this many along their leading axes, written into
#: NumPy-allocated memory: oneMKL allocates a workspace as large as its input at each call, and
#: past glibc's 32 MiB mmap threshold every one is a fresh mapping (see :func:`_product`). In one
#: process alternating with whole calls, two threads, best of 4-6: 3d-128 1.16 -> 0.96 s (153k ->
#: 42k page faults per call), 1d-J13-Q12 1.12 -> 0.98 s. 2-D is left whole: 2d-J3-L8 went
#: 1.24 -> 1.47 s in pieces (oneMKL's batched 2-D transforms are the efficient ones).
FFT_PIECE = 2**21


def _pieces(x: torch.Tensor, ndim: int) -> list | None:
    """``(start, stop)`` bounds along the flattened leading axes of ``x`` for a piecewise FFT, or
    None for one call."""
    if (ndim == 2 or x.numel() <= FFT_PIECE or x.device.type != "cpu" or x.dtype not in _NUMPY_DTYPES
            or torch.compiler.is_compiling() or (torch.is_grad_enabled() and x.requires_grad)):
        return None
    lead = math.prod(x.shape[: x.ndim - ndim])
    per = max(1, FFT_PIECE // max(1, math.prod(x.shape[x.ndim - ndim:])))
    if per >= lead:
        return None
    return [(a, min(a + per, lead)) for a in range(0, lead, per)]


class TorchBackend(Backend):
    """Backend of the PyTorch frontends (:mod:`kymatio.torch`).

    FFTs are :mod:`torch.fft` transforms over the last ``ndim`` axes; inverse FFTs of real results
    read half of the spectrum (``torch.fft.irfftn``). Arrays stay on their device and keep their
    precision.
    """

    name = "torch"
    frontend = "torch"
    complex_filters = True
    matrix_products = True

    def asarray(self, array, dtype):
        # A copy, never a view of the NumPy filter bank: buffers may be modified in place
        # (``load_state_dict`` copies into them).
        return torch.tensor(np.asarray(array), dtype=_DTYPES[dtype])

    # -- Fourier transforms ---------------------------------------------------------------------
    # An empty batch (which the frontends accept) skips the transform: oneMKL refuses empty input.
    def rfft(self, x, ndim=1):
        if x.numel() == 0:
            return x.to(torch.promote_types(x.dtype, torch.complex64))
        if ndim == 1:
            # torch.fft.fft of a real tensor runs a real-input transform and fills the Hermitian
            # half (twice as fast); fftn would convert to complex first.
            return torch.fft.fft(x)
        # fftn converts a real tensor to complex first. A real-input transform and the mirrored
        # conjugate of its half, X[-k] = conj(X[k]) (the reflection k -> -k mod n of the other
        # axes is a flip then a roll by one), cost less: 2x1x128^3 31 -> 18 ms, 10x232^2
        # 2.5 -> 1.8 ms (two threads).
        axes = _axes(ndim)
        n = x.shape[-1]
        # (Contiguous: oneMKL's real transform of a strided view rounds differently.)
        half = torch.fft.rfftn(x.contiguous(), dim=axes)
        tail = torch.roll(half[..., 1: (n + 1) // 2].flip(axes), (1,) * (ndim - 1), axes[:-1])
        return torch.cat([half, tail.conj()], dim=-1)

    def fft(self, x, ndim=1):
        return x.clone() if x.numel() == 0 else torch.fft.fftn(x, dim=_axes(ndim))

    def ifft(self, x, ndim=1):
        pieces = _pieces(x, ndim)
        if pieces is not None:
            signal = tuple(x.shape[x.ndim - ndim:])
            flat = x.reshape((-1,) + signal)
            out = _host_empty(tuple(flat.shape), x.dtype)
            for a, b in pieces:
                torch.fft.ifftn(flat[a:b], dim=_axes(ndim), out=out[a:b])
            return out.reshape(x.shape)
        return x.clone() if x.numel() == 0 else torch.fft.ifftn(x, dim=_axes(ndim))

    def irfft(self, x, ndim=1):
        if x.numel() == 0:
            return torch.real(x).clone()
        shape = tuple(x.shape[-ndim:])
        half = x[..., : shape[-1] // 2 + 1]
        pieces = _pieces(x, ndim)
        if pieces is not None:
            flat = half.reshape((-1,) + tuple(half.shape[half.ndim - ndim:]))
            out = _host_empty((flat.shape[0],) + shape, x.real.dtype)
            for a, b in pieces:
                torch.fft.irfftn(flat[a:b], s=shape, dim=_axes(ndim), out=out[a:b])
            return out.reshape(tuple(x.shape[: x.ndim - ndim]) + shape)
        return torch.fft.irfftn(half, s=shape, dim=_axes(ndim))

    # -- pointwise ------------------------------------------------------------------------------
    def cdgmm(self, x, filters):
        return _product(x, filters)

    def periodized_product(self, x, bank):
        k, ndim = bank["k"], bank["ndim"]
        blocks, filters = bank["blocks"], bank["filters"]
        if k == 1:
            return _product(x, filters[0])
        lengths = [int(n) // k for n in x.shape[x.ndim - ndim:]]
        if (len(blocks) >= GATHER_MIN_BLOCKS and isinstance(filters, torch.Tensor)
                and _out_size(x, filters, ndim, lengths) <= GATHER_MAX_BLOCK):
            # Many small blocks: one gather, one product, one sum instead of three calls per block.
            split = x.reshape(tuple(x.shape[: x.ndim - ndim])
                              + tuple(v for n in lengths for v in (k, n)))
            index = _block_index(blocks, ndim, x.device)
            gathered = split[(Ellipsis,) + tuple(v for i in index for v in (i, slice(None)))]
            if ndim == 1:  # a single index array leaves the block axis in place
                gathered = gathered.movedim(-2, 0)
            pad = max(0, x.ndim - (filters.ndim - 1))
            f = filters.reshape(tuple(filters.shape[:1]) + (1,) * pad + tuple(filters.shape[1:]))
            return (gathered * f).sum(dim=0)
        out = None
        for b, block in enumerate(blocks):
            part = x[(Ellipsis,) + tuple(slice(i * n, (i + 1) * n) for i, n in zip(block, lengths))]
            # Accumulated in place: one output-sized tensor, no temporary per block.
            out = _product(part, filters[b]) if out is None else out.addcmul_(part, filters[b])
        return out

    def apply_matrices(self, x, matrices):
        if len(matrices) == 2:
            first, last = matrices
            # (A batched product over the leading axes, then one product of all rows.)
            return torch.matmul(torch.matmul(first, x), last.transpose(0, 1))
        d = len(matrices)
        for i, matrix in enumerate(matrices):
            x = torch.matmul(matrix, x.movedim(i - d, -2)).movedim(-2, i - d)
        return x

    def modulus(self, x):
        return apply_function(_Modulus, x)

    def modulus_rotation(self, x, axis):
        return apply_function(_ModulusRotation, x, axis % x.ndim)

    def modulus_rotation_paired(self, x, axis):
        return apply_function(_ModulusRotationPaired, x, axis % x.ndim)

    def modulus_rotation_paired_real(self, x0, x, axis):
        return apply_function(_ModulusRotationPairedReal, x0, x, axis % x0.ndim)

    # -- resampling -----------------------------------------------------------------------------
    def pad(self, x, pad_widths, mode="reflect"):
        if mode == "constant":
            flat = []
            for left, right in reversed(list(pad_widths)):  # F.pad lists the last axis first
                flat += [int(left), int(right)]
            return F.pad(x, flat, mode="constant", value=0.0)
        if mode != "reflect":
            raise ValueError(f"pad mode must be 'reflect' or 'constant', got {mode!r}.")
        for axis, (left, right) in zip(range(-len(pad_widths), 0), pad_widths):
            left, right, n = int(left), int(right), x.shape[axis]
            if not (left or right):
                continue
            if left < n and right < n:  # one reflection: two mirrored slices (no gather)
                x = torch.cat([x.narrow(axis, 1, left).flip(axis), x,
                               x.narrow(axis, n - 1 - right, right).flip(axis)], dim=axis)
            else:
                x = torch.index_select(x, axis, _reflect_indices(n, left, right, x.device))
        return x

    def crop(self, x, bounds):
        index = (Ellipsis,) + tuple(slice(a, b) for a, b in bounds)
        return x[index]

    # -- assembly -------------------------------------------------------------------------------
    def stack(self, arrays, axis):
        return torch.stack(list(arrays), dim=axis)

    def concatenate(self, arrays, axis):
        return torch.cat(list(arrays), dim=axis)

    def take(self, x, indices, axis):
        indices = [int(i) for i in indices]
        if indices and indices == list(range(indices[0], indices[0] + len(indices))):
            return x.narrow(axis, indices[0], len(indices))  # a view: no copy for a range
        return torch.index_select(x, axis, torch.tensor(indices, dtype=torch.long, device=x.device))

    def transpose(self, x, axes):
        return x.permute(*axes)

    def reshape(self, x, shape):
        return x.reshape(tuple(shape))

    def sum(self, x, axis, keepdims=False):
        return torch.sum(x, dim=axis, keepdim=keepdims)

    def integrals(self, x, powers, ndim):
        flat = x.reshape(tuple(x.shape[: x.ndim - ndim]) + (-1,))
        sums = []
        for p in powers:
            if p == 1:
                value = flat
            elif p == 2:
                value = flat.square()
            elif 0 < p < 1:
                # x is a modulus (u >= 0): u**p with the zero subgradient at u = 0.
                value = apply_function(_RootPower, flat, p)
            else:
                value = flat**p
            sums.append(torch.sum(value, dim=-1))
        return torch.stack(sums, dim=-1)

    def real(self, x):
        return torch.real(x)


backend = TorchBackend()
