"""The ``torch_skcuda`` backend: the torch backend on CUDA tensors, with CuPy kernels.

What it changes, and why
------------------------
Everything is the torch backend (:class:`~kymatio.torch._backend.TorchBackend`) except the
operations where a kernel written for them saves memory traffic, the GPU's bottleneck outside the
FFTs:

* the product of a spectrum with a broadcast filter stack *and* its periodisation (Fourier-domain
  subsampling by ``k``), :meth:`TorchSkcudaBackend.periodized_product`: the filters come as an
  alias bank (cut into their non-negligible alias blocks, the form the core's algorithms use), and
  one pass reads each kept block of ``x`` and of the filters once and writes only the ``k**ndim``
  times smaller result; composed from torch ops, one term per alias block is written and read
  back;
* the modulus: ``sqrt(re**2 + im**2)`` in one kernel instead of four torch ones, same formula,
  hence the same numbers.

The FFTs stay :mod:`torch.fft`. On a CUDA tensor it *is* cuFFT, with a plan cache of its own, on
torch's current stream, with workspaces from torch's caching allocator, and differentiable:
``cupy.fft`` would run the same cuFFT plans and gain nothing, but it would need autograd functions
for four transforms, a second plan cache and a second memory pool competing with torch's.

Autograd
--------
Each kernel is the forward of a :class:`torch.autograd.Function` whose backward is plain torch (the
adjoint: the gradient goes back to each alias block times the conjugate filters, summed over the
broadcast axes). The forwards (:func:`bank_forward`, :func:`modulus_forward`) launch a kernel for
CUDA tensors and otherwise compute in torch ops over the very row tables and alias layout the
kernels use, so the autograd logic is testable on a CPU (``torch.autograd.gradcheck`` in float64)
and only the launch needs a GPU.

Where the GPU is checked
------------------------
At construction: the registry instantiates :class:`TorchSkcudaBackend` on the first
``backend="torch_skcuda"``, so on a machine without a CUDA GPU ``Scattering1D(...,
backend="torch_skcuda")`` fails at once with :class:`CudaUnavailableError` (a
``BackendUnavailableError``) naming what torch and CuPy found, not at the first call. Importing this
module needs neither CuPy nor a GPU. A CPU tensor given to the backend (a module left on the CPU)
is a ``TypeError`` saying to move module and input to the GPU. ``torch.compile`` sees the CuPy
launches as opaque (graph breaks): compiled models should use ``backend="torch"``, whose products
and reductions inductor fuses itself.
"""
from __future__ import annotations

import functools
import math
from typing import NamedTuple, Sequence

import numpy as np
import torch

from kymatio.core._errors import BackendUnavailableError, ScatteringTypeError, ScatteringValueError

from . import _skcuda_kernels as cuda
from ._backend import TorchBackend, _Modulus, apply_function

__all__ = ["CudaUnavailableError", "TorchSkcudaBackend", "periodized_product", "modulus",
           "bank_forward", "modulus_forward"]


class CudaUnavailableError(BackendUnavailableError):
    """The ``torch_skcuda`` backend was asked for where torch or CuPy sees no CUDA GPU.

    A :class:`~kymatio.core._errors.BackendUnavailableError`, hence an ``ImportError``.
    """


# -- how a kernel walks one call -------------------------------------------------------------------
class _Plan(NamedTuple):
    """Output shape, row tables, padded signal block and factors of one call's shapes."""

    out_shape: tuple
    x_rows: torch.Tensor  # int64 (R,) on the CPU: the row of x (flattened leading axes) and the
    f_rows: torch.Tensor  # row of the filters that each output row reads
    signal: tuple         # (n0, n1, n2): x's signal axes, leading 1s for ndim < 3
    factors: tuple        # (k0, k1, k2): k on the signal axes, 1 on the padding ones
    block: tuple          # (m0, m1, m2) = signal / factors: an output row, an alias block
    on_device: dict       # device -> (x_rows, f_rows) there, filled on first use


@functools.lru_cache(maxsize=512)
def _plan(x_shape: tuple, f_shape: tuple, k: int, ndim: int) -> _Plan:
    """The plan of ``x`` against alias blocks of shape ``f_shape``, ``k`` times shorter than ``x``
    along each signal axis."""
    if ndim not in (1, 2, 3):
        raise ScatteringValueError(f"ndim must be 1, 2 or 3, got {ndim!r}.")
    if k < 1:
        raise ScatteringValueError(f"The subsampling factor k must be an integer >= 1, got {k!r}.")
    signal = tuple(x_shape[len(x_shape) - ndim:])
    if len(x_shape) < ndim or any(n % k for n in signal):
        raise ScatteringValueError(
            f"The signal shape {signal} of x {x_shape} is not divisible by k = {k} "
            f"along its last {ndim} axes.")
    block = tuple(n // k for n in signal)
    if len(f_shape) < ndim or tuple(f_shape[len(f_shape) - ndim:]) != block:
        raise ScatteringValueError(
            f"The alias blocks of shape {f_shape} should end with {block}, the signal shape of "
            f"x {x_shape} divided by k = {k}.")
    x_lead, f_lead = x_shape[: len(x_shape) - ndim], f_shape[: len(f_shape) - ndim]
    try:
        lead = np.broadcast_shapes(x_lead, f_lead)
    except ValueError:
        raise ScatteringValueError(
            f"The leading axes of x {x_shape} and of the filters {f_shape} do not broadcast."
        ) from None

    def rows(shape):
        table = np.broadcast_to(np.arange(math.prod(shape), dtype=np.int64).reshape(shape), lead)
        return torch.from_numpy(table.flatten())  # flatten copies: a writable table of its own

    pad = (1,) * (3 - ndim)
    return _Plan(tuple(lead) + block, rows(x_lead), rows(f_lead), pad + signal, pad + (k,) * ndim,
                 pad + block, {})


def _rows_on(plan: _Plan, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """The plan's row tables on ``device`` (copied once to a GPU and kept with the cached plan)."""
    if device.type != "cuda":
        return plan.x_rows.to(device), plan.f_rows.to(device)
    tables = plan.on_device.get(device)
    if tables is None:
        tables = (cuda.device_copy(plan.x_rows, device), cuda.device_copy(plan.f_rows, device))
        plan.on_device[device] = tables
    cuda.keep_for_stream(tables, device)
    return tables


def _kernel_for(table: dict, x: torch.Tensor, filters: torch.Tensor) -> str | None:
    """The kernel of ``table`` for these dtypes, or None (real ``x``, filters of another
    precision, or tensors not both on one CUDA device)."""
    kernel = table.get((x.dtype, filters.is_complex()))
    if kernel is None or filters.dtype not in (x.dtype, cuda.REAL[x.dtype]):
        return None
    return kernel if x.is_cuda and filters.device == x.device else None


def _x_rows(x: torch.Tensor, plan: _Plan) -> torch.Tensor:
    """``x`` as the kernels read it: its rows in output-row order, ``(R, n0, n1, n2)``."""
    return x.reshape((-1,) + plan.signal)[_rows_on(plan, x.device)[0]]


def _f_rows(filters: torch.Tensor, plan: _Plan) -> torch.Tensor:
    """The rows of one alias block of filters in output-row order, ``(R, m0, m1, m2)``."""
    return filters.reshape((-1,) + plan.block)[_rows_on(plan, filters.device)[1]]


def _reduce_to(grad: torch.Tensor, shape: tuple, dtype: torch.dtype) -> torch.Tensor:
    """Sum a broadcast gradient down to an input's shape; a real input keeps the real part."""
    grad = grad.sum_to_size(shape)
    if not dtype.is_complex and grad.is_complex():
        grad = grad.real
    return grad.to(dtype)


# -- product and periodisation, alias banks --------------------------------------------------------
def _bank_table(pointers: tuple, aliases: tuple) -> torch.Tensor:
    """The kernel's ``banks`` argument: per block, its address and its alias index on 3 axes."""
    return torch.tensor([(p,) + a for p, a in zip(pointers, aliases)], dtype=torch.int64)


@functools.lru_cache(maxsize=1024)
def _device_bank_table(pointers: tuple, aliases: tuple, device: torch.device) -> torch.Tensor:
    # Keyed by the addresses themselves: a table is right for whatever lives there. Buffers and
    # their slices keep their addresses from call to call, so this is copied once per bank.
    return cuda.device_copy(_bank_table(pointers, aliases), device)


def _check_bank(blocks: Sequence, filters: Sequence, k: int, ndim: int) -> tuple:
    """The blocks as alias indices padded to 3 axes; ValueError if the bank is inconsistent."""
    if not filters or len(blocks) != len(filters):
        raise ScatteringValueError(
            f"An alias bank needs one filter array per block, got {len(blocks)} blocks and "
            f"{len(filters)} filter arrays.")
    shapes = {(tuple(f.shape), f.dtype, f.device) for f in filters}
    if len(shapes) != 1:
        raise ScatteringValueError(f"The filter blocks of a bank differ in shape, dtype or device: "
                                   f"{sorted(map(str, shapes))}.")
    aliases = tuple(tuple(int(i) for i in block) for block in blocks)
    if any(len(a) != ndim or not all(0 <= i < k for i in a) for a in aliases):
        raise ScatteringValueError(
            f"The blocks of a bank are alias indices of {ndim} integers in [0, {k}), got "
            f"{aliases}.")
    return tuple((0,) * (3 - ndim) + a for a in aliases)


def _region(alias: tuple, plan: _Plan) -> tuple:
    """The slice of a ``(R, n0, n1, n2)`` view that holds alias block ``alias`` (3 axes)."""
    return (slice(None),) + tuple(slice(i * m, (i + 1) * m) for i, m in zip(alias, plan.block))


def bank_forward(x: torch.Tensor, filters: Sequence[torch.Tensor], blocks: Sequence, k: int,
                 ndim: int = 1) -> torch.Tensor:
    """The product of ``x`` with an alias bank, periodised, without autograd: one kernel on CUDA.

    Parameters
    ----------
    x : torch.Tensor
        Complex spectra ``(..., *S)``; ``S`` are the last ``ndim`` axes, each divisible by ``k``.
    filters : sequence of torch.Tensor
        One array ``(..., *S // k)`` per kept alias block (already divided by ``k**ndim``), the
        leading axes broadcasting against those of ``x``; all of one shape, dtype and device.
    blocks : sequence of tuple of int
        The alias index of each filter array along the ``ndim`` axes, each in ``[0, k)``.
    k : int
        Subsampling factor.
    ndim : {1, 2, 3}
        Number of signal axes.

    Returns
    -------
    torch.Tensor
        ``sum_j x[block j] * filters[j]``, of shape ``(*broadcast leading axes, *S // k)``: what
        :meth:`kymatio.core.backend.Backend.periodized_product` computes for the bank
        ``{"k": k, "ndim": ndim, "blocks": blocks, "filters": filters}``.

    Raises
    ------
    ValueError
        For inconsistent blocks, filters or shapes.
    """
    k, ndim = int(k), int(ndim)
    aliases = _check_bank(blocks, filters, k, ndim)
    plan = _plan(tuple(x.shape), tuple(filters[0].shape), k, ndim)
    kernel = _kernel_for(cuda.BANK_KERNELS, x, filters[0])
    if kernel is None:
        rows = _x_rows(x, plan)
        out = None
        for alias, f in zip(aliases, filters):
            term = rows[_region(alias, plan)] * _f_rows(f, plan)
            out = term if out is None else out + term
        return out.reshape(plan.out_shape)
    table = functools.partial(_device_bank_table, device=x.device)
    return _run_bank(kernel, x, filters, aliases, plan, _rows_on(plan, x.device), table,
                     cuda.launch)


def _run_bank(kernel, x, filters, aliases, plan, rows, table, launch) -> torch.Tensor:
    """Allocate the output and ``launch`` the bank kernel; ``table(pointers, aliases)`` gives its
    ``banks`` argument on the device (the tests pass host versions of ``table`` and ``launch``)."""
    blocks = [cuda.interleaved(f) for f in filters]  # alive until the launch is queued
    banks = table(tuple(b.data_ptr() for b in blocks), aliases)
    if x.is_cuda:
        cuda.keep_for_stream((banks,), x.device)
    out = torch.empty(plan.out_shape, dtype=x.dtype, device=x.device)
    launch(kernel, x.device, out.numel(),
           (cuda.interleaved(x), banks, len(blocks), *rows, torch.view_as_real(out),
            len(plan.x_rows)) + plan.signal + plan.factors)
    return out


class _PeriodizedBank(torch.autograd.Function):
    """Differentiable :func:`bank_forward`, with a torch backward.

    The output is ``sum_j x[block j] * f_j``: the gradient reaching ``x`` is ``g * conj(f_j)`` on
    block ``j`` (0 on the dropped blocks), and reaching ``f_j`` it is ``g * conj(x[block j])``, each
    summed over the axes it was broadcast along.
    """

    @staticmethod
    def forward(x, k, ndim, blocks, *filters):
        return bank_forward(x, filters, blocks, k, ndim)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, k, ndim, blocks, *filters = inputs  # checked by bank_forward
        m = [n // k for n in x.shape[x.ndim - ndim:]]
        ctx.regions = [(Ellipsis,) + tuple(slice(i * n, (i + 1) * n) for i, n in zip(block, m))
                       for block in blocks]
        ctx.x_meta = (tuple(x.shape), x.dtype)
        ctx.f_metas = [(tuple(f.shape), f.dtype) for f in filters]
        # The gradient of x needs the filters, that of the filters needs x.
        ctx.save_for_backward(x if any(ctx.needs_input_grad[4:]) else None,
                              *(filters if ctx.needs_input_grad[0] else [None] * len(filters)))

    @staticmethod
    def backward(ctx, grad):
        x, *filters = ctx.saved_tensors
        grads = [None] * (4 + len(ctx.regions))
        if ctx.needs_input_grad[0]:
            # The output's leading axes, x's signal axes; 0 on the blocks the bank dropped.
            x_shape, x_dtype = ctx.x_meta
            ndim = len(ctx.regions[0]) - 1
            lead = tuple(grad.shape[: grad.ndim - ndim])
            full = grad.new_zeros(lead + x_shape[len(x_shape) - ndim:])
            for region, f in zip(ctx.regions, filters):
                full[region] = grad * f.conj()
            grads[0] = _reduce_to(full, x_shape, x_dtype)
        for j, region in enumerate(ctx.regions):
            if ctx.needs_input_grad[4 + j]:
                grads[4 + j] = _reduce_to(grad * x[region].conj(), *ctx.f_metas[j])
        return tuple(grads)


def periodized_product(x: torch.Tensor, bank: dict) -> torch.Tensor:
    """Differentiable :func:`bank_forward` of an alias bank (see
    :func:`kymatio.core._periodize.alias_bank`): ``{"k", "ndim", "blocks", "filters"}``."""
    return apply_function(_PeriodizedBank, x, int(bank["k"]), int(bank["ndim"]),
                                 tuple(tuple(b) for b in bank["blocks"]), *bank["filters"])


# -- the modulus -----------------------------------------------------------------------------------
def modulus_forward(z: torch.Tensor) -> torch.Tensor:
    """``|z|`` without autograd: one kernel for complex64/complex128 CUDA tensors, torch ops
    otherwise."""
    kernel = cuda.MODULUS_KERNELS.get(z.dtype)
    if kernel is None or not z.is_cuda:
        return _Modulus.forward(z)
    return _run_modulus(kernel, z, cuda.launch)


def _run_modulus(kernel, z, launch) -> torch.Tensor:
    out = torch.empty(z.shape, dtype=cuda.REAL[z.dtype], device=z.device)
    launch(kernel, z.device, out.numel(), (cuda.interleaved(z), out, out.numel()))
    return out


class _KernelModulus(_Modulus):
    """The torch backend's modulus (its backward: zero subgradient at 0) with a kernel forward."""

    @staticmethod
    def forward(z):
        return modulus_forward(z)


def modulus(z: torch.Tensor) -> torch.Tensor:
    """Differentiable ``|z|`` with the zero subgradient at 0; see :func:`modulus_forward`."""
    return apply_function(_KernelModulus, z)


# -- the backend -----------------------------------------------------------------------------------
class TorchSkcudaBackend(TorchBackend):
    """Backend ``"torch_skcuda"`` of the PyTorch frontends: CUDA tensors, CuPy kernels.

    The torch backend, with the product-and-periodisation (:meth:`periodized_product`) and the
    modulus computed by CuPy kernels on torch's current stream; see the module docstring and
    ``docs/torch_skcuda.md``.

    Raises
    ------
    CudaUnavailableError
        At construction, if torch or CuPy sees no CUDA device.
    BackendUnavailableError
        At construction, if CuPy does not import.

    Examples
    --------
    On a machine with an NVIDIA GPU, after ``pip install "kymatio-torch[skcuda]"``:

    >>> import torch                                                    # doctest: +SKIP
    >>> from kymatio.torch import Scattering1D                          # doctest: +SKIP
    >>> S = Scattering1D(J=6, shape=1024, backend="torch_skcuda").cuda()  # doctest: +SKIP
    >>> S(torch.randn(8, 1024, device="cuda")).is_cuda                  # doctest: +SKIP
    True
    """

    name = "torch_skcuda"
    frontend = "torch"

    def __init__(self) -> None:
        problem = cuda.gpu_problem()
        if problem is not None:
            raise CudaUnavailableError(
                f"The backend 'torch_skcuda' computes on a CUDA GPU and found none usable: "
                f"{problem}. Use backend='torch' (CPU or GPU), or run on a machine with an NVIDIA "
                f"GPU, its driver and a CUDA build of torch.")

    def _require_cuda(self, x: torch.Tensor) -> None:
        if not x.is_cuda:
            raise ScatteringTypeError(
                f"The backend 'torch_skcuda' computes on CUDA tensors, got a tensor on {x.device}: "
                f"move the module and the input to the GPU (S.cuda() and x.cuda()), or use "
                f"backend='torch' on the CPU.")

    # Every transform enters the Fourier domain first: checking there stops a CPU tensor before
    # any kernel could be handed a host address.
    def rfft(self, x, ndim=1):
        self._require_cuda(x)
        return super().rfft(x, ndim)

    def fft(self, x, ndim=1):
        self._require_cuda(x)
        return super().fft(x, ndim)

    def periodized_product(self, x, bank):
        self._require_cuda(x)
        if len(bank["blocks"]) == 1:
            # One block: torch multiplies the (strided) block by the filters in one kernel already.
            return super().periodized_product(x, bank)
        return periodized_product(x, bank)

    def modulus(self, x):
        self._require_cuda(x)
        return modulus(x)
