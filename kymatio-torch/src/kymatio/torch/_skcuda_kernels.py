"""The CUDA side of the ``torch_skcuda`` backend: the kernel source, CuPy, and the launch.

Only this module touches CuPy, and only inside functions: importing it needs neither CuPy nor a GPU.
The kernels are CUDA C++ compiled by NVRTC through ``cupy.RawModule`` (templates instantiated by
name expressions), launched on torch's current stream of the tensors' device, reading and writing
torch's memory through DLPack. See ``docs/torch_skcuda.md``.
"""
from __future__ import annotations

import functools
import importlib

import numpy as np
import torch

from kymatio.core._errors import BackendUnavailableError

from ._plugin import SKCUDA_INSTALL

__all__ = ["KERNEL_SOURCE", "KERNEL_NAMES", "BANK_KERNELS", "MODULUS_KERNELS", "REAL",
           "import_cupy", "gpu_problem", "launch", "interleaved", "device_copy", "keep_for_stream"]

#: CUDA C++ of the kernels. Complex arrays are interleaved ``(re, im)`` pairs of ``T``, the memory
#: of ``torch.view_as_real``. Only built-in variables and ``sqrt``/``sqrtf`` are used, so the same
#: text also compiles as host C++ (the tests run it that way on machines without a GPU).
#:
#: Shapes, for the product kernel: the leading (broadcast) axes of the output are flattened
#: into ``rows``; output row ``r`` reads row ``x_rows[r]`` of ``x`` and row ``f_rows[r]`` of the
#: filters. A row of ``x`` is a signal block ``n0 x n1 x n2`` (leading 1s when ``ndim < 3``), to be
#: periodised by ``k0 x k1 x k2`` (1 on the padding axes) into ``m0 x m1 x m2``, ``m = n / k``.
KERNEL_SOURCE = r"""
__device__ inline float square_root(float v) { return sqrtf(v); }
__device__ inline double square_root(double v) { return sqrt(v); }

// out[r, m] = sum over the kept alias blocks j of x[r][m + alias_j * m_len] * filter_j[r][m]:
// an alias bank, whose filter blocks (rows of m0 m1 m2 samples, already divided by k0 k1 k2) are
// separate arrays; `banks` holds, per block, its address and its alias index along the 3 axes.
template <typename T, bool COMPLEX_FILTER>
__global__ void periodized_bank(
    const T* __restrict__ x, const long long* __restrict__ banks, const long long blocks,
    const long long* __restrict__ x_rows, const long long* __restrict__ f_rows,
    T* __restrict__ out, const long long rows,
    const long long n0, const long long n1, const long long n2,
    const long long k0, const long long k1, const long long k2)
{
    const long long m0 = n0 / k0, m1 = n1 / k1, m2 = n2 / k2;
    const long long block = n0 * n1 * n2, out_block = m0 * m1 * m2;
    const long long total = rows * out_block;
    const long long step = (long long)blockDim.x * gridDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += step) {
        const long long row = i / out_block, p = i - row * out_block;
        const long long a = p / (m1 * m2), b = (p / m2) % m1, c = p % m2;
        const T* xs = x + 2 * x_rows[row] * block;
        const long long f = (COMPLEX_FILTER ? 2 : 1) * (f_rows[row] * out_block + p);
        T re = 0, im = 0;
        for (long long j = 0; j < blocks; ++j) {
            const long long* bank = banks + 4 * j;
            const long long s =
                ((a + bank[1] * m0) * n1 + b + bank[2] * m1) * n2 + c + bank[3] * m2;
            const T* fs = reinterpret_cast<const T*>(bank[0]) + f;
            const T xr = xs[2 * s], xi = xs[2 * s + 1];
            if (COMPLEX_FILTER) {
                re += xr * fs[0] - xi * fs[1];
                im += xr * fs[1] + xi * fs[0];
            } else {
                re += xr * fs[0];
                im += xi * fs[0];
            }
        }
        out[2 * i] = re;
        out[2 * i + 1] = im;
    }
}

// out[i] = |z[i]|, with the formula of the torch backend's modulus (the same numbers).
template <typename T>
__global__ void modulus(const T* __restrict__ z, T* __restrict__ out, const long long n)
{
    const long long step = (long long)blockDim.x * gridDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        const T re = z[2 * i], im = z[2 * i + 1];
        out[i] = square_root(re * re + im * im);
    }
}
"""


#: (dtype of x, whether the filters are complex) -> template instantiation.
BANK_KERNELS = {(dtype, complex_filters): f"periodized_bank<{t}, {str(complex_filters).lower()}>"
                for dtype, t in ((torch.complex64, "float"), (torch.complex128, "double"))
                for complex_filters in (False, True)}
#: dtype of z -> template instantiation.
MODULUS_KERNELS = {torch.complex64: "modulus<float>", torch.complex128: "modulus<double>"}
REAL = {torch.complex64: torch.float32, torch.complex128: torch.float64}

#: Every template instantiation of :data:`KERNEL_SOURCE` that the backend launches.
KERNEL_NAMES = tuple(BANK_KERNELS.values()) + tuple(MODULUS_KERNELS.values())

_THREADS = 256
# Blocks per multiprocessor at most: the kernels stride over the grid, so more blocks than the
# device keeps resident would only add scheduling.
_BLOCKS_PER_SM = 32


def import_cupy():
    """CuPy, imported on first use (the registry has checked that it is installed)."""
    try:
        return importlib.import_module("cupy")
    except ImportError as error:
        raise BackendUnavailableError(
            f"The backend 'torch_skcuda' needs CuPy, which could not be imported ({error}). "
            f"Install it with: {SKCUDA_INSTALL}") from error


def gpu_problem() -> str | None:
    """What makes CUDA unusable here, in words, or None when torch and CuPy both see a device.

    Raises
    ------
    BackendUnavailableError
        If CuPy does not import.
    """
    cupy = import_cupy()
    problems = []
    if not torch.cuda.is_available():
        build = ("a build without CUDA" if torch.version.cuda is None
                 else f"built for CUDA {torch.version.cuda}")
        problems.append(f"torch {torch.__version__} ({build}) sees no CUDA device "
                        f"(torch.cuda.is_available() is False)")
    version = getattr(cupy, "__version__", "?")
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # CUDARuntimeError without a driver: reported, not raised
        problems.append(f"CuPy {version} could not query the CUDA runtime "
                        f"({type(error).__name__}: {error})")
    else:
        if count == 0:
            problems.append(f"CuPy {version} sees 0 CUDA devices")
    return "; ".join(problems) or None


@functools.lru_cache(maxsize=None)
def _kernels(device_index: int) -> dict:
    """The kernels loaded on one device, by name (NVRTC compiles once; CuPy caches on disk)."""
    cupy = import_cupy()
    with cupy.cuda.Device(device_index):
        module = cupy.RawModule(code=KERNEL_SOURCE, name_expressions=KERNEL_NAMES)
        return {name: module.get_function(name) for name in KERNEL_NAMES}


@functools.lru_cache(maxsize=None)
def _max_blocks(device: torch.device) -> int:
    return _BLOCKS_PER_SM * torch.cuda.get_device_properties(device).multi_processor_count


def launch(name: str, device: torch.device, work: int, args: tuple) -> None:
    """Run the kernel ``name`` over ``work`` items on torch's current stream of ``device``.

    Tensors in ``args`` are handed over by DLPack (no copy); the other entries are passed as 64-bit
    integers (every scalar parameter of the kernels is a ``long long``).
    """
    if work == 0:
        return
    cupy = import_cupy()
    kernel = _kernels(device.index)[name]
    blocks = min(-(-work // _THREADS), _max_blocks(device))
    with cupy.cuda.Device(device.index):
        # CuPy's current stream is also the one it names to torch's __dlpack__, which then has
        # nothing to synchronise: it is torch's own current stream.
        with cupy.cuda.ExternalStream(torch.cuda.current_stream(device).cuda_stream):
            arguments = tuple(cupy.from_dlpack(a) if isinstance(a, torch.Tensor) else np.int64(a)
                              for a in args)
            kernel((blocks,), (_THREADS,), arguments)


def interleaved(tensor: torch.Tensor) -> torch.Tensor:
    """A contiguous real tensor holding ``tensor``'s values (a complex one as ``(..., 2)`` pairs).

    Detached (DLPack refuses tensors that require grad), with conjugation and negation resolved
    (their lazy bits are not in the memory a kernel reads).
    """
    tensor = tensor.detach().resolve_conj().resolve_neg().contiguous()
    return torch.view_as_real(tensor) if tensor.is_complex() else tensor


def device_copy(table: torch.Tensor, device: torch.device) -> torch.Tensor:
    """``table`` (a small int64 CPU tensor) on ``device``, complete for every stream.

    A copy from pageable memory may still be in flight when ``.to`` returns; the tables are
    cached and may be read later from another stream, so the copy is waited for once.
    """
    copy = table.to(device)
    torch.cuda.current_stream(device).synchronize()
    return copy


def keep_for_stream(tables, device: torch.device) -> None:
    """Mark cached device tables as used by the current stream: should the cache drop them, their
    memory is not reused while this stream may still read it."""
    stream = torch.cuda.current_stream(device)
    for table in tables:
        table.record_stream(stream)
