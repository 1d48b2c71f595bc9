"""The ``torch_skcuda`` backend: registration and errors, the alias-bank product + periodisation and
the modulus (their torch path, their autograd, their kernel source compiled for the host), and, on a
CUDA machine, every transform against the CPU torch backend.

CI has no GPU and never has CuPy: everything above the "CUDA" section runs there. The CUDA tests
skip only when torch sees no CUDA device; on a CUDA machine without CuPy they fail, saying what to
install, instead of skipping silently.
"""
from __future__ import annotations

import ctypes
import importlib.util
import itertools
import re
import shutil
import subprocess
import sys
import textwrap
import types
import warnings

import pytest

torch = pytest.importorskip("torch")

import kymatio.core  # noqa: E402
from kymatio.core._errors import (  # noqa: E402
    BackendUnavailableError, ScatteringTypeError, ScatteringValueError)
from kymatio.core._registry import Registry  # noqa: E402
from kymatio.torch import (  # noqa: E402
    HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering)
from kymatio.torch import _backend_skcuda as skcuda  # noqa: E402
from kymatio.torch import _skcuda_kernels as kernels  # noqa: E402
from kymatio.torch._backend import TorchBackend, _Modulus  # noqa: E402
from kymatio.torch._backend_skcuda import (  # noqa: E402
    CudaUnavailableError, TorchSkcudaBackend, bank_forward, modulus, modulus_forward,
    periodized_product)
from kymatio.torch._skcuda_kernels import KERNEL_NAMES, KERNEL_SOURCE  # noqa: E402

HAS_CUPY = importlib.util.find_spec("cupy") is not None
HAS_CUDA = torch.cuda.is_available()
INSTALL = 'pip install "kymatio-torch[skcuda]"'
TORCH = TorchBackend()
COMPLEX = {torch.float32: torch.complex64, torch.float64: torch.complex128}


def random(shape, dtype, seed=0):
    return torch.randn(shape, dtype=dtype, generator=torch.Generator().manual_seed(seed))


def composed(x, filters, k, ndim):
    """The periodised product from its definition: the full product, then the mean over the
    ``k**ndim`` aliases."""
    y = TORCH.cdgmm(x, filters)
    lead = tuple(y.shape[: y.ndim - ndim])
    split = tuple(d for n in y.shape[y.ndim - ndim:] for d in (k, n // k))
    return y.reshape(lead + split).mean(dim=tuple(range(len(lead), len(lead) + 2 * ndim, 2)))


def assert_relative(out, expected, tolerance):
    assert out.shape == expected.shape and out.dtype == expected.dtype
    if expected.numel() == 0:
        return
    scale = max(expected.abs().max().item(), 1e-30)
    assert (out - expected).abs().max().item() / scale < tolerance


# -- registration and errors ------------------------------------------------------------------
def test_registry_lists_torch_skcuda_with_its_install_hint():
    assert {"torch", "torch_skcuda"} <= set(kymatio.core.list_backends("torch"))
    info = {i.name: i for i in kymatio.core.list_backends("torch", detail=True)}["torch_skcuda"]
    assert info.frontend == "torch" and info.distribution == "kymatio-torch"
    assert info.install_hint == INSTALL and info.requires == ("torch", "cupy")
    assert info.module == "kymatio.torch._backend_skcuda" and info.available == HAS_CUPY


@pytest.mark.skipif(HAS_CUPY, reason="CuPy is installed: the 'not installed' path can not occur")
def test_without_cupy_the_error_says_what_to_install():
    for make in (lambda: Scattering1D(J=4, shape=128, backend="torch_skcuda"),
                 lambda: kymatio.core.Scattering1D(J=4, shape=128, frontend="torch",
                                                   backend="torch_skcuda")):
        with pytest.raises(BackendUnavailableError, match=re.escape(INSTALL)) as caught:
            make()
        assert isinstance(caught.value, ImportError) and "'cupy'" in str(caught.value)


def fake_cupy(devices):
    """A stand-in CuPy module whose runtime reports ``devices`` (an int, or an exception)."""
    def count():
        if isinstance(devices, Exception):
            raise devices
        return devices

    module = types.ModuleType("cupy")
    module.__version__ = "0.0-fake"
    module.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=count))
    return module


@pytest.mark.parametrize("devices, fragment", [
    (RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected"), "cudaErrorNoDevice"),
    (0, "sees 0 CUDA devices"),
])
def test_without_a_gpu_the_backend_refuses_at_construction(monkeypatch, devices, fragment):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(devices))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    # A fresh registry: the default one may hold a working backend on a GPU machine.
    for resolve in (lambda: Registry().resolve_backend("torch_skcuda", "torch"),
                    TorchSkcudaBackend):
        with pytest.raises(CudaUnavailableError) as caught:
            resolve()
        error = caught.value
        assert isinstance(error, BackendUnavailableError) and isinstance(error, ImportError)
        message = str(error)
        assert "CUDA GPU" in message and "torch.cuda.is_available() is False" in message
        assert fragment in message and "backend='torch'" in message


def test_an_unimportable_cupy_is_an_unavailable_backend(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    with pytest.raises(BackendUnavailableError, match=re.escape(INSTALL)):
        TorchSkcudaBackend()


def unchecked_backend():
    """The backend object without its GPU check (as a CPU machine can not build it)."""
    return TorchSkcudaBackend.__new__(TorchSkcudaBackend)


def test_cpu_tensors_are_refused_with_the_fix():
    S = Scattering1D(J=4, shape=128, backend=unchecked_backend())
    with pytest.raises(ScatteringTypeError, match=r"S\.cuda\(\) and x\.cuda\(\)") as caught:
        S(torch.zeros(2, 128))
    assert isinstance(caught.value, TypeError) and "cpu" in str(caught.value)
    for op in ("rfft", "fft", "modulus"):
        with pytest.raises(TypeError, match="CUDA tensors"):
            getattr(unchecked_backend(), op)(torch.zeros(4, dtype=torch.complex64))


_IMPORT_NEEDS_NO_CUPY = """
    import sys
    import kymatio.core
    kymatio.core.list_backends(detail=True)
    assert "cupy" not in sys.modules and "torch" not in sys.modules, "the scan imported them"
    import kymatio.torch._backend_skcuda
    assert "cupy" not in sys.modules, "importing the backend module imported CuPy"
    print("ok")
"""


def test_scan_and_module_import_do_not_import_cupy():
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_IMPORT_NEEDS_NO_CUPY)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


# -- the alias-bank product and periodisation (torch path) --------------------------------------
# (x shape, full filter shape, k, ndim): the broadcast patterns of the four transforms.
BANK_CASES = [
    ((2, 1, 32), (5, 32), 4, 1),              # 1-D first order
    ((2, 3, 1, 16), (4, 16), 2, 1),           # 1-D second order
    ((2, 3, 16), (16,), 8, 1),                # low-pass of a stack
    ((2, 1, 1, 8, 12), (3, 1, 12), 2, 1),     # JTFS: the filters broadcast along time
    ((2, 1, 3, 6, 8), (8,), 4, 1),            # JTFS frequential low-pass
    ((2, 1, 8, 8), (3, 8, 8), 2, 2),          # 2-D first order
    ((2, 3, 1, 8, 12), (2, 8, 12), 4, 2),     # 2-D second order, non-square
    ((2, 1, 1, 4, 4, 8), (2, 3, 4, 4, 8), 2, 3),  # 3-D, two filter axes
    ((0, 1, 16), (2, 16), 2, 1),              # empty batch
]


@pytest.mark.parametrize("x_shape, f_shape, k, ndim, fragment", [
    ((2, 1, 16), (3, 12), 2, 1, r"should end with \(8,\)"),
    ((2, 1, 12), (3, 12), 8, 1, "not divisible"),
    ((2, 4, 16), (3, 8), 2, 1, "do not broadcast"),
    ((2, 16), (8,), 2, 4, "ndim must be 1, 2 or 3"),
])
def test_bank_shape_errors(x_shape, f_shape, k, ndim, fragment):
    filters = [random(f_shape, torch.float32)]
    with pytest.raises(ScatteringValueError, match=fragment):
        bank_forward(random(x_shape, torch.complex64), filters, [(0,) * ndim], k, ndim)


def bank_of(filters, k, ndim, keep=None):
    """An alias bank of a full filter stack: its alias blocks (those of ``keep``, default all),
    each divided by ``k**ndim``, as the core's banks are."""
    m = [n // k for n in filters.shape[filters.ndim - ndim:]]
    blocks = [b for b in itertools.product(range(k), repeat=ndim) if keep is None or b in keep]
    parts = [filters[(Ellipsis,) + tuple(slice(i * n, (i + 1) * n) for i, n in zip(b, m))]
             / k**ndim for b in blocks]
    return {"k": k, "ndim": ndim, "blocks": blocks, "filters": [p.contiguous() for p in parts]}


def bank_reference(x, bank):
    """``sum_j x[block j] * filters[j]``, written from the definition."""
    k, ndim = bank["k"], bank["ndim"]
    m = [n // k for n in x.shape[x.ndim - ndim:]]
    return sum(x[(Ellipsis,) + tuple(slice(i * n, (i + 1) * n) for i, n in zip(b, m))] * f
               for b, f in zip(bank["blocks"], bank["filters"]))


@pytest.mark.parametrize("x_shape, f_shape, k, ndim", BANK_CASES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("complex_filters", [False, True])
def test_bank_torch_path(x_shape, f_shape, k, ndim, dtype, complex_filters):
    x = random(x_shape, COMPLEX[dtype])
    filters = random(f_shape, COMPLEX[dtype] if complex_filters else dtype, seed=1)
    tolerance = 1e-6 if dtype == torch.float32 else 1e-14
    # Every block kept: the periodised product of the full filters.
    full = bank_of(filters, k, ndim)
    assert_relative(periodized_product(x, full), composed(x, filters, k, ndim), tolerance)
    # Some blocks dropped, in any order: the sum over the kept ones.
    kept = bank_of(filters, k, ndim, keep=[(k - 1,) * ndim, (0,) * ndim])
    kept = dict(kept, blocks=kept["blocks"][::-1], filters=kept["filters"][::-1])
    assert_relative(bank_forward(x, kept["filters"], kept["blocks"], k, ndim),
                    bank_reference(x, kept), tolerance)


@pytest.mark.parametrize("blocks, n_filters, fragment", [
    ([(0,), (1,)], 1, "one filter array per block"),
    ([(0,), (4,)], 2, r"integers in \[0, 2\)"),
    ([(0, 1)], 1, "alias indices of 1 integers"),
])
def test_bank_errors(blocks, n_filters, fragment):
    filters = [random((3, 8), torch.complex64)] * n_filters
    with pytest.raises(ScatteringValueError, match=fragment):
        bank_forward(random((2, 1, 16), torch.complex64), filters, blocks, 2, 1)
    with pytest.raises(ScatteringValueError, match="should end with"):
        bank_forward(random((2, 1, 16), torch.complex64), [random((3, 16), torch.complex64)],
                     [(0,)], 2, 1)


class RecordingBackend(TorchBackend):
    """The torch backend, recording every alias-bank product that the core makes."""

    name = "torch_recording"

    def __init__(self):
        self.calls = []

    def periodized_product(self, x, bank):
        self.calls.append((x, bank))
        return bank_reference(x, bank)


TRANSFORMS = [
    ("1d", lambda b: Scattering1D(J=5, shape=256, Q=(4, 2), backend=b), (2, 256)),
    ("2d", lambda b: Scattering2D(J=2, shape=(16, 24), L=4, backend=b), (2, 16, 24)),
    ("3d", lambda b: HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1, backend=b), (2, 8, 8, 8)),
    ("jtfs", lambda b: TimeFrequencyScattering(J=5, J_fr=2, Q=4, shape=256, backend=b), (2, 256)),
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("label, make, shape", TRANSFORMS, ids=[t[0] for t in TRANSFORMS])
def test_bank_product_on_every_call_the_core_makes(label, make, shape, dtype):
    recorder = RecordingBackend()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        S = make(recorder).to(dtype)
    S(random(shape, dtype))
    # 3-D multiplies without periodising: it has nothing to fuse.
    assert recorder.calls or label == "3d"
    tolerance = 1e-6 if dtype == torch.float32 else 1e-14
    for call in recorder.calls:
        assert_relative(periodized_product(*call), bank_reference(*call), tolerance)


# -- autograd -----------------------------------------------------------------------------------
GRAD_CASES = [((2, 1, 8), (3, 8), 2, 1), ((2, 1, 1, 3, 4), (2, 1, 4), 2, 1),
              ((1, 2, 1, 4, 4), (2, 4, 4), 2, 2), ((1, 1, 1, 4, 2, 4), (2, 3, 4, 2, 4), 2, 3)]


@pytest.mark.parametrize("x_shape, f_shape, k, ndim", GRAD_CASES)
@pytest.mark.parametrize("complex_filters", [False, True])
def test_gradcheck_of_the_bank_backward(x_shape, f_shape, k, ndim, complex_filters):
    x = random(x_shape, torch.complex128).requires_grad_()
    filters = random(f_shape, torch.complex128 if complex_filters else torch.float64, seed=1)
    bank = bank_of(filters, k, ndim, keep=[(0,) * ndim, (k - 1,) * ndim])
    parts = [f.requires_grad_() for f in bank["filters"]]

    def product(x, *parts):
        return periodized_product(x, dict(bank, filters=list(parts)))

    assert torch.autograd.gradcheck(product, (x, *parts))
    assert torch.autograd.gradgradcheck(product, (x, *parts))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bank_gradient_equals_the_composition_gradient(dtype):
    # Filters are buffers: only x asks for a gradient, as in the transforms.
    filters = random((3, 4, 8), dtype, seed=1)
    x = random((2, 2, 1, 4, 8), COMPLEX[dtype]).requires_grad_()
    weights = random((2, 2, 3, 2, 4), COMPLEX[dtype], seed=2)
    out, expected = periodized_product(x, bank_of(filters, 2, 2)), composed(x, filters, 2, 2)
    (grad_bank,) = torch.autograd.grad((out * weights).abs().sum(), x)
    (grad_torch,) = torch.autograd.grad((expected * weights).abs().sum(), x)
    assert_relative(grad_bank, grad_torch, 1e-6 if dtype == torch.float32 else 1e-14)


def test_modulus_torch_path_and_gradient():
    z = random((3, 5), torch.complex128)
    z[0, 0] = 0
    torch.testing.assert_close(modulus_forward(z), _Modulus.forward(z), rtol=0, atol=0)
    z.requires_grad_()
    modulus(z).sum().backward()
    assert z.grad[0, 0] == 0 and torch.isfinite(torch.view_as_real(z.grad)).all()
    w = random((4,), torch.complex128, seed=3).requires_grad_()
    assert torch.autograd.gradcheck(modulus, (w,))


class CpuTorchSkcuda(TorchSkcudaBackend):
    """The backend's code path on the CPU: no GPU check, and the torch path of its operations."""

    def __init__(self):
        pass

    def _require_cuda(self, x):
        pass


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("label, make, shape", TRANSFORMS, ids=[t[0] for t in TRANSFORMS])
def test_every_transform_through_the_backend_code_on_cpu(label, make, shape, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        S, S_torch = make(CpuTorchSkcuda()).to(dtype), make("torch").to(dtype)
    x = random(shape, dtype).requires_grad_()
    out, expected = S(x), S_torch(x)
    assert_relative(out, expected, 1e-6 if dtype == torch.float32 else 1e-12)
    (grad,) = torch.autograd.grad(out.square().sum(), x)
    (grad_torch,) = torch.autograd.grad(expected.square().sum(), x)
    assert_relative(grad, grad_torch, 1e-5 if dtype == torch.float32 else 1e-12)


# -- the kernel source ------------------------------------------------------------------------
def kernel_signatures():
    """``{template name: (template parameters, [(C++ type, parameter name), ...])}``, read from the
    source, so that the harnesses below follow the kernels as they change."""
    signatures = {}
    for template, name, params in re.findall(
            r"template <([^>]*)>\s*__global__ void (\w+)\(([^)]*)\)", KERNEL_SOURCE):
        parsed = []
        for param in params.split(","):
            words = param.split()
            parsed.append((" ".join(w for w in words[:-1] if w != "__restrict__"), words[-1]))
        signatures[name] = ([p.split()[-1] for p in template.split(",")], parsed)
    return signatures


def instantiate(name):
    """``(template, {parameter: argument})`` of a kernel name such as ``"modulus<float>"``."""
    template, arguments = re.fullmatch(r"(\w+)<(.*)>", name).groups()
    parameters, _ = kernel_signatures()[template]
    return template, dict(zip(parameters, [a.strip() for a in arguments.split(",")]))


def concrete_parameters(name):
    template, binding = instantiate(name)
    return [(" ".join(binding.get(w, w) for w in ctype.replace("*", " * ").split()), pname)
            for ctype, pname in kernel_signatures()[template][1]]


def test_kernel_names_are_instantiations_of_the_source():
    signatures = kernel_signatures()
    assert set(signatures) == {"periodized_bank", "modulus"}
    assert len(KERNEL_NAMES) == len(set(KERNEL_NAMES)) == 6
    for name in KERNEL_NAMES:
        template, binding = instantiate(name)
        assert len(binding) == len(signatures[template][0]), name
        assert binding["T"] in ("float", "double"), name
        assert set(binding) - {"T"} <= {"COMPLEX_FILTER"}, name
    assert set(kernels.BANK_KERNELS) == {(d, c) for d in COMPLEX.values() for c in (False, True)}
    assert KERNEL_SOURCE.count("{") == KERNEL_SOURCE.count("}")
    assert KERNEL_SOURCE.count("(") == KERNEL_SOURCE.count(")")
    assert "#include" not in KERNEL_SOURCE  # NVRTC compiles without the standard headers


# The CUDA built-ins, defined for a host compiler: each "thread" is a call with its own indices.
_HOST_PRELUDE = r"""
#include <math.h>
#define __global__
#define __device__
struct host_dim3 { unsigned int x, y, z; };
static host_dim3 blockIdx, threadIdx, blockDim, gridDim;
"""


def _host_symbol(name):
    return "host_" + re.sub(r"\W+", "_", name).strip("_")


def _host_wrapper(name):
    params = concrete_parameters(name)
    declared = ", ".join(f"{ctype} {pname}" for ctype, pname in params)
    call = f"{name}({', '.join(pname for _, pname in params)})"
    return (f'extern "C" void {_host_symbol(name)}(unsigned int grid, unsigned int block, '
            f"{declared}) {{\n    gridDim.x = grid; blockDim.x = block;\n"
            f"    for (unsigned int b = 0; b < grid; ++b) for (unsigned int t = 0; t < block; ++t)"
            f" {{\n        blockIdx.x = b; threadIdx.x = t; {call};\n    }}\n}}\n")


@pytest.fixture(scope="module")
def host_launch(tmp_path_factory):
    """The kernel source compiled by the host C++ compiler, and a ``launch`` (the signature of
    :func:`kymatio.torch._skcuda_kernels.launch`) that runs a kernel's threads one by one."""
    compiler = shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")
    if compiler is None:
        pytest.skip("no C++ compiler to build the kernel source for the host")
    folder = tmp_path_factory.mktemp("kernels")
    source, library = folder / "kernels.cpp", folder / "kernels.so"
    source.write_text(_HOST_PRELUDE + KERNEL_SOURCE + "".join(map(_host_wrapper, KERNEL_NAMES)))
    built = subprocess.run([compiler, "-std=c++11", "-O1", "-Wall", "-Werror", "-shared", "-fPIC",
                            "-o", str(library), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    lib = ctypes.CDLL(str(library))

    def launch(name, device, work, args):
        assert device.type == "cpu"
        params = concrete_parameters(name)
        assert len(args) == len(params), (name, len(args))
        values = []
        for (ctype, pname), value in zip(params, args):
            if "*" in ctype:
                assert isinstance(value, torch.Tensor) and value.is_contiguous(), pname
                assert value.dtype == {"float": torch.float32, "double": torch.float64,
                                       "long long": torch.int64}[ctype.replace("const", "")
                                                                .replace("*", "").strip()], pname
                values.append(ctypes.c_void_p(value.data_ptr()))
            else:
                values.append(ctypes.c_longlong(int(value)))
        # 4 threads, at most 3 blocks: each thread runs the grid-stride loop many times.
        if work:
            getattr(lib, _host_symbol(name))(ctypes.c_uint(max(1, min(-(-work // 4), 3))),
                                             ctypes.c_uint(4), *values)

    return launch


@pytest.mark.parametrize("x_shape, f_shape, k, ndim", BANK_CASES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("complex_filters", [False, True])
def test_bank_kernel_source_on_the_host(host_launch, x_shape, f_shape, k, ndim, dtype,
                                        complex_filters):
    x = random(x_shape[:-1] + (2 * x_shape[-1],), COMPLEX[dtype])[..., ::2]
    filters = random(f_shape, COMPLEX[dtype] if complex_filters else dtype, seed=1)
    bank = bank_of(filters, k, ndim, keep=[(k - 1,) * ndim, (0,) * ndim, (1,) * ndim])
    parts = [f.conj() if complex_filters else f for f in bank["filters"]]
    bank = dict(bank, filters=parts)
    aliases = skcuda._check_bank(bank["blocks"], parts, k, ndim)
    plan = skcuda._plan(tuple(x.shape), tuple(parts[0].shape), k, ndim)
    kernel = kernels.BANK_KERNELS[(x.dtype, complex_filters)]
    out = skcuda._run_bank(kernel, x, parts, aliases, plan, (plan.x_rows, plan.f_rows),
                           skcuda._bank_table, host_launch)
    assert_relative(out, bank_reference(x, bank), 1e-6 if dtype == torch.float32 else 1e-14)


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_modulus_kernel_source_on_the_host(host_launch, dtype):
    z = random((3, 7), dtype)
    z[1, 2] = 0
    out = skcuda._run_modulus(kernels.MODULUS_KERNELS[dtype], z.t(), host_launch)
    # The same formula; compilers may contract it into a fused multiply-add (one rounding less).
    eps = torch.finfo(kernels.REAL[dtype]).eps
    torch.testing.assert_close(out, _Modulus.forward(z.t()), rtol=2 * eps, atol=0)


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="no nvcc to compile the kernels for a GPU")
def test_kernel_source_compiles_for_the_gpu(tmp_path):
    # NVRTC (CuPy's compiler) instantiates KERNEL_NAMES; explicit instantiations do it for nvcc.
    lines = [KERNEL_SOURCE] + [
        f"template __global__ void {name}("
        + ", ".join(ctype for ctype, _ in concrete_parameters(name)) + ");"
        for name in KERNEL_NAMES]
    source = tmp_path / "kernels.cu"
    source.write_text("\n".join(lines))
    built = subprocess.run(["nvcc", "-ptx", "-arch=compute_80", "-Werror", "all-warnings",
                            "-o", str(tmp_path / "kernels.ptx"), str(source)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "kernels.ptx").read_text().count(".entry") == len(KERNEL_NAMES)


# -- CUDA ---------------------------------------------------------------------------------------
requires_cuda = pytest.mark.skipif(not HAS_CUDA, reason="no CUDA device")


@pytest.fixture
def gpu():
    """Fail, rather than skip, on a CUDA machine that lacks CuPy: the GPU tests must run there."""
    if not HAS_CUPY:
        pytest.fail(f"torch sees a CUDA device but CuPy is not installed; {INSTALL} to run the "
                    f"torch_skcuda tests")
    return torch.device("cuda")


TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}


@requires_cuda
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("label, make, shape", [
    ("1d", lambda b: Scattering1D(J=6, shape=1024, Q=8, backend=b), (4, 1024)),
    ("1d-T", lambda b: Scattering1D(J=5, shape=512, Q=(4, 2), T=16, stride=4, backend=b), (3, 512)),
    ("2d", lambda b: Scattering2D(J=3, shape=(32, 48), L=8, backend=b), (4, 32, 48)),
    ("3d", lambda b: HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2, backend=b),
     (2, 16, 16, 16)),
    ("jtfs", lambda b: TimeFrequencyScattering(J=6, J_fr=2, Q=4, shape=512, backend=b), (2, 512)),
], ids=["1d", "1d-T", "2d", "3d", "jtfs"])
def test_gpu_transforms_equal_cpu_torch(gpu, label, make, shape, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        S_cpu, S_gpu = make("torch").to(dtype), make("torch_skcuda").to(dtype)
    assert isinstance(S_gpu.backend, TorchSkcudaBackend)
    S_gpu.cuda()
    assert all(t.is_cuda for t in S_gpu.buffers())
    x = random(shape, dtype).requires_grad_()
    x_gpu = x.detach().cuda().requires_grad_()
    expected, out = S_cpu(x), S_gpu(x_gpu)
    assert out.is_cuda and out.dtype == dtype
    assert_relative(out.cpu(), expected.detach(), TOLERANCE[dtype])
    weights = random(tuple(expected.shape), dtype, seed=5)
    (grad,) = torch.autograd.grad((out * weights.cuda()).sum(), x_gpu)
    (grad_cpu,) = torch.autograd.grad((expected * weights).sum(), x)
    assert_relative(grad.cpu(), grad_cpu, 10 * TOLERANCE[dtype])
    with pytest.raises(TypeError, match="cuda"):
        S_gpu(x.detach())  # a CPU input to a module on the GPU


@requires_cuda
def test_gpu_module_left_on_the_cpu_is_refused(gpu):
    S = Scattering1D(J=4, shape=128, backend="torch_skcuda")
    with pytest.raises(TypeError, match=r"S\.cuda\(\)"):
        S(torch.zeros(2, 128))


@requires_cuda
@pytest.mark.parametrize("x_shape, f_shape, k, ndim", BANK_CASES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("complex_filters", [False, True])
def test_gpu_bank_kernel_equals_the_sum_over_blocks(gpu, x_shape, f_shape, k, ndim, dtype,
                                                   complex_filters):
    x = random(x_shape[:-1] + (2 * x_shape[-1],), COMPLEX[dtype]).to(gpu)[..., ::2]
    filters = random(f_shape, COMPLEX[dtype] if complex_filters else dtype, seed=1).to(gpu)
    bank = bank_of(filters, k, ndim, keep=[(k - 1,) * ndim, (0,) * ndim, (1,) * ndim])
    assert_relative(bank_forward(x, bank["filters"], bank["blocks"], k, ndim),
                    bank_reference(x, bank), TOLERANCE[dtype] / 10)
    full = bank_of(filters, k, ndim)
    assert_relative(periodized_product(x, full), composed(x, filters, k, ndim),
                    TOLERANCE[dtype] / 10)


@requires_cuda
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gpu_gradients_of_the_kernels(gpu, dtype):
    x = random((2, 3, 1, 8, 16), COMPLEX[dtype]).to(gpu).requires_grad_()
    filters = random((4, 8, 16), COMPLEX[dtype], seed=1).to(gpu).requires_grad_()
    weights = random((2, 3, 4, 4, 8), COMPLEX[dtype], seed=2).to(gpu)

    def bank():  # built from the filters in each graph: their gradient goes through the blocks
        return bank_of(filters, 2, 2, keep=[(0, 0), (1, 1), (0, 1)])

    for kernel, reference in [
            (lambda: periodized_product(x, bank()), lambda: bank_reference(x, bank())),
            (lambda: modulus(x), lambda: _Modulus.apply(x))]:
        out, expected = kernel(), reference()
        inputs = (x, filters) if out.shape == weights.shape else (x,)
        scale = weights if out.shape == weights.shape else 1
        grads = torch.autograd.grad((out * scale).abs().sum(), inputs)
        expected_grads = torch.autograd.grad((expected * scale).abs().sum(), inputs)
        for grad, expected_grad in zip(grads, expected_grads):
            assert_relative(grad, expected_grad, TOLERANCE[dtype])


@requires_cuda
@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_gpu_modulus_kernel(gpu, dtype):
    z = random((5, 300), dtype).to(gpu)
    z[0, :3] = 0
    torch.testing.assert_close(modulus_forward(z), _Modulus.forward(z))
    z.requires_grad_()
    modulus(z).sum().backward()
    assert (z.grad[0, :3] == 0).all() and torch.isfinite(torch.view_as_real(z.grad)).all()


@requires_cuda
def test_gpu_kernels_run_on_torchs_current_stream(gpu):
    x = random((8, 1, 4096), torch.complex64).to(gpu)
    filters = random((16, 4096), torch.float32, seed=1).to(gpu)
    expected = composed(x, filters, 4, 1)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        # Queued behind a long matmul on the side stream: a kernel launched elsewhere would race.
        big = torch.randn(4096, 4096, device=gpu)
        (big @ big).sum()
        y = x * 1
        bank = bank_of(filters, 4, 1)
        bank_out = bank_forward(y, bank["filters"], bank["blocks"], 4, 1)
        modulus_out = modulus_forward(y)
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    assert_relative(bank_out, expected, 1e-6)
    torch.testing.assert_close(modulus_out, y.abs())
