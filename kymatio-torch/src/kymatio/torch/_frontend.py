"""The PyTorch framework mixin: filters as module buffers, input checks, ``forward``.

The core builds each filter bank once, in NumPy float64, as a tree of dicts and lists (the
width-first plan of the algorithm). :meth:`TorchFrontend._set_filters` flattens that tree into
buffers ``tensor0``, ``tensor1``... (float32; complex filters as ``(..., 2)`` real/imaginary pairs, so
that ``Module.double()`` and ``Module.to(dtype)``, which skip or truncate complex tensors, treat every
filter alike), and :meth:`TorchFrontend._filters` rebuilds the tree from the module's *current*
buffers at each call. The buffers are therefore what the transform uses: ``.to(device)``,
``.double()``, ``load_state_dict`` and the replicas of ``nn.DataParallel`` all act on them. A cast
to another dtype converts from the float64 bank, so ``.double()`` gives float64-exact filters.

Inference on the CPU (no autograd recording, not compiled or traced, the default ``"torch"``
backend) runs kymatio's NumPy kernels (``scipy.fft``, the batch split over
``torch.get_num_threads()`` threads) on the memory of the input and of the buffers, and returns
tensors that share the results' memory: the same numbers as torch's own operations (to float
rounding) in less time, on the 2-core benchmark machine 1.2-1.9x less (2026-12-04). Set
``S.cpu_inference = "torch"`` for torch's operations; with autograd, on another device or under
``torch.compile`` they are always used.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np
import torch

from kymatio.core._errors import ScatteringTypeError
from kymatio.core._frontend import describe_input
from kymatio.core._periodize import RealOperator

__all__ = ["TorchFrontend"]

_ACCEPTED = {torch.float32: "float32", torch.float64: "float64"}
_COMPLEX_NUMPY = {torch.float32: np.complex64, torch.float64: np.complex128}
_PREFIX = "tensor"
_CPU_INFERENCE = ("numpy", "torch")
#: Classes of the views that run a torch frontend's inference with the NumPy kernels, per class.
_VIEW_CLASSES: dict = {}


class _FilterRef(NamedTuple):
    """Where a filter of the plan lives: the name of its buffer, and whether it is complex."""

    name: str
    is_complex: bool


def _map_leaves(tree: Any, leaf_type: type, fn: Callable[[Any], Any]) -> Any:
    """Apply ``fn`` to every ``leaf_type`` object in nested dicts/lists/tuples, keeping the rest."""
    if isinstance(tree, leaf_type):
        return fn(tree)
    if isinstance(tree, dict):
        return {k: _map_leaves(v, leaf_type, fn) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_map_leaves(v, leaf_type, fn) for v in tree]
    if isinstance(tree, tuple):
        return tuple(_map_leaves(v, leaf_type, fn) for v in tree)
    return tree


def _to_buffer(array: np.ndarray, dtype: torch.dtype, device: Any = None,
               as_complex: bool = False) -> torch.Tensor:
    """A real tensor of ``array``; a complex one (or any, with ``as_complex``) as ``(..., 2)``
    real/imaginary pairs."""
    if np.iscomplexobj(array) or as_complex:
        complex_dtype = _COMPLEX_NUMPY.get(dtype)
        if complex_dtype is not None:
            # One conversion into a fresh complex tensor (the 3-D bank at 128^3 builds in a third
            # of the time of stacking real/imaginary). Allocated by torch, 64-byte aligned like
            # every copy of it (.to(), deepcopy): NumPy's SIMD complex products, which CPU
            # inference runs on these buffers, round differently on differently aligned
            # operands, and a copy must compute the same bits.
            pairs = torch.empty(array.shape + (2,), dtype=dtype)
            np.copyto(torch.view_as_complex(pairs).numpy(), array, casting="unsafe")
            return pairs if device is None else pairs.to(device)
        array = np.stack([array.real, np.imag(array)], axis=-1)
    return torch.tensor(array, dtype=dtype, device=device)


class _NumpyView:
    """A torch frontend seen as the NumPy frontend of the same parameters and filters.

    Its class puts :class:`kymatio.numpy._frontend.NumpyFrontend` and the module's core base
    (``ScatteringBase1D``...) behind this class: the algorithm, the input checks and the batch split
    are the NumPy frontend's, with the NumPy backend and the NumPy arrays of the module's buffers
    (the same memory). Every other attribute (``J``, ``max_order``...) is read from the module at
    each call, so that settable parameters changed on the module apply.
    """

    def __init__(self, module: Any, backend: Any, plan: Any, dtype: str) -> None:
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "backend", backend)
        object.__setattr__(self, "_filters_cache", {dtype: plan})

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_module"], name)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)  # what the core caches during a call stays here


def _view_class(cls: type) -> type:
    view = _VIEW_CLASSES.get(cls)
    if view is None:
        from kymatio.numpy._frontend import NumpyFrontend

        core = tuple(b for b in cls.__bases__ if b not in (TorchFrontend, torch.nn.Module))
        view = _VIEW_CLASSES[cls] = type(f"_NumpyView{cls.__name__}", (_NumpyView, NumpyFrontend)
                                         + core, {})
    return view


def _as_tensor(array: np.ndarray) -> torch.Tensor:
    """A tensor of a NumPy result, sharing its memory where torch can (writable, no negative
    stride)."""
    if not array.flags.writeable or any(step < 0 for step in array.strides):
        array = array.copy()
    return torch.from_numpy(array)


def _functorch_wrapped(x: torch.Tensor) -> bool:
    check = getattr(getattr(torch._C, "_functorch", None), "is_functorch_wrapped_tensor", None)
    return bool(check(x)) if check is not None else False


class TorchFrontend:
    """Mixin of the PyTorch frontends, placed before the core base class and ``torch.nn.Module``.

    ``S(x)`` (``forward``) takes a real float32/float64 ``torch.Tensor`` that has the dtype and the
    device of the module's filter buffers, and raises ``TypeError`` naming both otherwise: the
    filters are converted once, by ``S.double()``/``S.float()`` and ``S.to(device)``, never silently
    on each call.
    """

    frontend_name = "torch"
    default_backend = "torch"

    @property
    def cpu_inference(self) -> str:
        """Which kernels compute on the CPU when autograd does not record: ``"numpy"`` (the
        default: kymatio's NumPy/SciPy kernels on the tensors' memory) or ``"torch"`` (torch's
        operations, as with autograd). Settable; the numbers are the same to float rounding."""
        return self.__dict__.get("_cpu_inference", "numpy")

    @cpu_inference.setter
    def cpu_inference(self, value: str) -> None:
        if not isinstance(value, str) or value not in _CPU_INFERENCE:
            raise ValueError(f"cpu_inference must be 'numpy' or 'torch', got {value!r}.")
        self.__dict__["_cpu_inference"] = value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The core base registers the filters while it runs: nn.Module's bookkeeping comes first.
        torch.nn.Module.__init__(self)
        super().__init__(*args, **kwargs)

    # -- filters as buffers -----------------------------------------------------------------------
    def _set_filters(self, filters: Any, rebuild: str | None = None) -> None:
        # (``rebuild`` is not used: the float64 bank stays, the source of every cast.)
        for name in self._sources():
            del self._buffers[name]
        self.__dict__.pop("_filters_cache", None)
        self.__dict__.pop("_numpy_view", None)
        # The float64 bank stays the source of every cast (see _apply); no copy of it is made.
        self._filter_sources: dict[str, np.ndarray] = {}

        # Real filters too become complex buffers when the backend multiplies faster that way
        # (the float64 source stays real).
        as_complex = bool(getattr(self.backend, "complex_filters", False))

        def register(array: np.ndarray) -> _FilterRef:
            name = f"{_PREFIX}{len(self._filter_sources)}"
            self._filter_sources[name] = array
            is_complex = ((as_complex and not isinstance(array, RealOperator))
                          or bool(np.iscomplexobj(array)))
            self.register_buffer(name, _to_buffer(array, torch.float32, as_complex=is_complex))
            return _FilterRef(name, is_complex)

        self._filter_refs = _map_leaves(filters, np.ndarray, register)

    def _filters(self, dtype: str) -> Any:
        """The plan with the current buffers (``dtype`` was checked against them by the input).

        The tree is kept between calls while the buffers are the same tensor objects at the same
        version (``.to()``, ``.double()`` and replicas give new tensors; ``load_state_dict`` and
        other in-place writes bump the version): rebuilding it costs a few milliseconds, a tenth of
        a small transform.
        """
        buffers = self._buffers
        current = [buffers[name] for name in self._sources()]
        try:
            versions = [tensor._version for tensor in current]
        except RuntimeError:  # inference tensors keep no version counter: no cache
            versions = None
        cacheable = versions is not None and not torch.compiler.is_compiling()
        cached = self.__dict__.get("_filters_cache") if cacheable else None
        if (cached is not None and len(cached[0]) == len(current)
                and all(a is b for a, b in zip(cached[0], current)) and cached[1] == versions):
            return cached[2]

        def load(ref: _FilterRef) -> torch.Tensor:
            tensor = buffers[ref.name]
            return torch.view_as_complex(tensor.contiguous()) if ref.is_complex else tensor

        tree = _map_leaves(self._filter_refs, _FilterRef, load)
        if cacheable:
            self.__dict__["_filters_cache"] = (current, versions, tree)
        return tree

    def __getstate__(self) -> dict:
        # Pickling, deepcopy and torch.save carry the buffers, not the plan cached from them
        # (complex views of the real buffers, which torch.save refuses to store next to them).
        state = self.__dict__.copy()
        state.pop("_filters_cache", None)
        state.pop("_numpy_view", None)
        return state

    def _apply(self, fn: Callable[[torch.Tensor], torch.Tensor], recurse: bool = True):
        # Module.double() would upcast the float32 filters and lose their float64 precision; a
        # filter whose dtype changes is cast again from the float64 bank, where the cast put it.
        before = {name: self._buffers[name].dtype for name in self._sources()}
        self.__dict__.pop("_numpy_view", None)  # (it holds the NumPy arrays of the old buffers)
        super()._apply(fn, recurse)
        for name, array in self._sources().items():
            tensor = self._buffers[name]
            if tensor.dtype != before[name] and tensor.is_floating_point():
                pairs = tensor.shape != array.shape  # a complex buffer: (..., 2)
                self._buffers[name] = _to_buffer(array, tensor.dtype, tensor.device, pairs)
        return self

    def _sources(self) -> dict[str, np.ndarray]:
        """Buffer name -> the float64 NumPy filter it holds (empty before the filters exist)."""
        return self.__dict__.get("_filter_sources", {})

    def _filter_buffer(self) -> torch.Tensor | None:
        name = next(iter(self._sources()), None)
        return None if name is None else self._buffers[name]

    # -- input --------------------------------------------------------------------------------
    def _prepare_input(self, x: Any) -> tuple[torch.Tensor, str]:
        cls = type(self).__name__
        if not isinstance(x, torch.Tensor):
            raise ScatteringTypeError(
                f"The input should be a torch.Tensor of float32 or float64, got "
                f"{describe_input(x)}. Convert it with torch.as_tensor(x) first.")
        if x.is_nested or x.layout != torch.strided:
            layout = "nested" if x.is_nested else str(x.layout)
            raise ScatteringTypeError(
                f"The input should be a dense (torch.strided) tensor, got a {layout} tensor of "
                f"shape {tuple(x.shape) if not x.is_nested else '(nested)'}. Convert it with "
                f"x.to_dense() (or torch.nested.to_padded_tensor) first.")
        dtype = _ACCEPTED.get(x.dtype)
        if dtype is None:
            kind = "complex" if x.is_complex() else str(x.dtype)
            raise ScatteringTypeError(
                f"The input should be real, of dtype torch.float32 or torch.float64; got dtype "
                f"{x.dtype} ({kind} input). Convert it with x.float() or x.double() first.")
        filters = self._filter_buffer()
        if filters is not None:
            if filters.dtype != x.dtype:
                fix = "S.double()" if x.dtype == torch.float64 else "S.float()"
                raise ScatteringTypeError(
                    f"The input has dtype {x.dtype} but the filters of this {cls} are "
                    f"{filters.dtype}: convert the module with {fix} (or the input with "
                    f"x.to({filters.dtype})).")
            if filters.device != x.device:
                raise ScatteringTypeError(
                    f"The input is on the device {x.device} but the filters of this {cls} are on "
                    f"{filters.device}: move the module with S.to({str(x.device)!r}) (or the input "
                    f"with x.to({str(filters.device)!r})).")
        return x, dtype

    # -- torch.nn.Module ------------------------------------------------------------------------
    def forward(self, x: torch.Tensor) -> Any:
        """The scattering transform of ``x``: see :meth:`scattering`. A large batch is computed in
        chunks (eagerly; under ``torch.compile`` as one graph).

        Parameters
        ----------
        x : torch.Tensor
            Real float32/float64 signals, of the dtype and on the device of the module's filters.

        Returns
        -------
        torch.Tensor, dict or list
            As :meth:`scattering` returns them.
        """
        if torch.compiler.is_compiling():
            return self.scattering(x)
        _, dtype = self._prepare_input(x)  # type, layout, dtype and device errors first
        if self._numpy_inference(x):
            return self._numpy_call(x, dtype)
        return self._chunked_call(x)

    # -- CPU inference with the NumPy kernels ----------------------------------------------------
    def _numpy_inference(self, x: torch.Tensor) -> bool:
        """Whether ``S(x)`` runs the NumPy kernels (see the module's docstring)."""
        if self.__dict__.get("_cpu_inference", "numpy") != "numpy" or x.device.type != "cpu":
            return False
        from ._backend import TorchBackend

        # (The class, not the instance: copy.deepcopy of a module copies its backend too.)
        if type(self.backend) is not TorchBackend or type(x) not in (torch.Tensor, torch.nn.Parameter):
            return False
        if ((torch.is_grad_enabled() and x.requires_grad) or torch.jit.is_tracing()
                or _functorch_wrapped(x)):
            return False
        buffers = self._buffers
        names = self._sources()
        return bool(names) and not any(buffers[name].requires_grad for name in names)

    def _numpy_call(self, x: torch.Tensor, dtype: str) -> Any:
        from kymatio.numpy._backend import backend as numpy_backend

        plan = self._filters(dtype)
        cached = self.__dict__.get("_numpy_view")
        if cached is not None and cached[0] is plan:
            view = cached[1]
        else:
            arrays = _map_leaves(plan, torch.Tensor, lambda t: t.detach().numpy())
            view = _view_class(type(self))(self, numpy_backend, arrays, dtype)
            self.__dict__["_numpy_view"] = (plan, view)
        signals = x.detach().resolve_neg().numpy()
        with numpy_backend.threads_at_most(max(1, torch.get_num_threads())):
            out = view(signals)
        return _map_leaves(out, np.ndarray, _as_tensor)

    def extra_repr(self) -> str:
        """The parameters shown in ``repr(S)``, after the class name.

        Returns
        -------
        str
            ``"J=..., shape=..."``.
        """
        return f"J={self.J}, shape={self.shape}"
