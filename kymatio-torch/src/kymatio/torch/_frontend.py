"""The PyTorch framework mixin: filters as module buffers, input checks, ``forward``.

The core builds each filter bank once, in NumPy float64, as a tree of dicts and lists (the
width-first plan of the algorithm). :meth:`TorchFrontend._set_filters` flattens that tree into
buffers ``tensor0``, ``tensor1``... (float32; complex filters as ``(..., 2)`` real/imaginary pairs, so
that ``Module.double()`` and ``Module.to(dtype)``, which skip or truncate complex tensors, treat every
filter alike), and :meth:`TorchFrontend._filters` rebuilds the tree from the module's *current*
buffers at each call. The buffers are therefore what the transform uses: ``.to(device)``,
``.double()``, ``load_state_dict`` and the replicas of ``nn.DataParallel`` all act on them. A cast
to another dtype converts from the float64 bank, so ``.double()`` gives float64-exact filters.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np
import torch

from kymatio.core._errors import ScatteringTypeError
from kymatio.core._frontend import describe_input

__all__ = ["TorchFrontend"]

_ACCEPTED = {torch.float32: "float32", torch.float64: "float64"}
_COMPLEX_NUMPY = {torch.float32: np.complex64, torch.float64: np.complex128}
_PREFIX = "tensor"


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
            # One conversion into a fresh complex array, whose memory the buffer then owns
            # (the 3-D bank at 128^3 builds in a third of the time of stacking real/imaginary).
            pairs = torch.view_as_real(torch.from_numpy(np.array(array, dtype=complex_dtype)))
            return pairs if device is None else pairs.to(device)
        array = np.stack([array.real, np.imag(array)], axis=-1)
    return torch.tensor(array, dtype=dtype, device=device)


class TorchFrontend:
    """Mixin of the PyTorch frontends, placed before the core base class and ``torch.nn.Module``.

    ``S(x)`` (``forward``) takes a real float32/float64 ``torch.Tensor`` that has the dtype and the
    device of the module's filter buffers, and raises ``TypeError`` naming both otherwise: the
    filters are converted once, by ``S.double()``/``S.float()`` and ``S.to(device)``, never silently
    on each call.
    """

    frontend_name = "torch"
    default_backend = "torch"

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
        # The float64 bank stays the source of every cast (see _apply); no copy of it is made.
        self._filter_sources: dict[str, np.ndarray] = {}

        # Real filters too become complex buffers when the backend multiplies faster that way
        # (the float64 source stays real).
        as_complex = bool(getattr(self.backend, "complex_filters", False))

        def register(array: np.ndarray) -> _FilterRef:
            name = f"{_PREFIX}{len(self._filter_sources)}"
            self._filter_sources[name] = array
            is_complex = as_complex or bool(np.iscomplexobj(array))
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
        return state

    def _apply(self, fn: Callable[[torch.Tensor], torch.Tensor], recurse: bool = True):
        # Module.double() would upcast the float32 filters and lose their float64 precision; a
        # filter whose dtype changes is cast again from the float64 bank, where the cast put it.
        before = {name: self._buffers[name].dtype for name in self._sources()}
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
        self._prepare_input(x)  # type, layout, dtype and device errors before the batch is cut
        return self._chunked_call(x)

    def extra_repr(self) -> str:
        """The parameters shown in ``repr(S)``, after the class name.

        Returns
        -------
        str
            ``"J=..., shape=..."``.
        """
        return f"J={self.J}, shape={self.shape}"
