"""The JAX framework mixin: input checks, device-array filters, the compiled call.

A JAX frontend's ``scattering`` is a pure function of its input: it reads the transform's
parameters and its filters (device arrays converted once per dtype from the core's NumPy float64
bank) and nothing else, and branches on shapes and dtypes only. ``jax.jit(S)``, ``jax.vmap(S)`` and
``jax.grad(lambda x: S(x).sum())`` therefore trace it like any other JAX function.

``S(x)`` runs ``scattering`` through ``jax.jit``: op by op, JAX compiles every distinct operation
and shape on first use, which for a scattering tree costs several times one compilation of the
whole transform, and runs slower after. The compiled function is kept until a parameter of ``S`` is
assigned; JAX retraces it when the input's shape or dtype changes.
"""
from __future__ import annotations

import copy
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kymatio.core._errors import ScatteringTypeError
from kymatio.core._frontend import describe_input

__all__ = ["JaxFrontend"]

_ACCEPTED = ("float32", "float64")
_MISSING = object()


class JaxFrontend:
    """Mixin of the JAX frontends, placed before the core base class.

    ``S(x)`` takes a real float32/float64 ``jax.Array`` (a tracer inside ``jit``/``vmap``/``grad``)
    or ``numpy.ndarray`` (converted with ``jnp.asarray``: float64 stays float64 only with
    ``jax_enable_x64``, as everywhere in JAX) and returns ``jax.Array`` of the same precision.
    """

    frontend_name = "jax"
    default_backend = "jax"

    def __setattr__(self, name: str, value: Any) -> None:
        before = self.__dict__.get(name, _MISSING)
        super().__setattr__(name, value)
        # A new value of any attribute (``out_type``, ``max_order``...) may change what
        # ``scattering`` computes: forget the compiled call. Properties land here through the
        # attribute they set; re-assigning the same object (as the core's checks do) keeps it.
        if self.__dict__.get(name, _MISSING) is not before:
            self.__dict__.pop("_compiled_call", None)

    def __getstate__(self) -> dict:
        # Copies and pickles carry parameters and filters; each compiles its own call.
        state = dict(self.__dict__)
        state.pop("_compiled_call", None)
        return state

    def _filters(self, dtype: str) -> Any:
        # The first call may come while a function is being traced (jit, grad...): evaluating the
        # conversion eagerly keeps concrete device arrays in the cache, never tracers of that trace.
        with jax.ensure_compile_time_eval():
            return super()._filters(dtype)

    def _prepare_input(self, x: Any) -> tuple[Any, str]:
        if isinstance(x, np.ndarray):
            _check_dtype(x.dtype, "numpy.ndarray")
            x = jnp.asarray(x)
        elif not isinstance(x, jax.Array):  # tracers are jax.Array too
            raise ScatteringTypeError(
                f"The input should be a jax.Array (or a numpy.ndarray) of float32 or float64, got "
                f"{describe_input(x)}. Convert it with jax.numpy.asarray(x) first.")
        return x, _check_dtype(x.dtype, "jax.Array")

    def __call__(self, x: Any) -> Any:
        """The scattering transform of ``x``, compiled: see :meth:`scattering`.

        Parameters
        ----------
        x : jax.Array or numpy.ndarray
            Real float32/float64 signals (or a tracer).

        Returns
        -------
        jax.Array, dict or list
            As :meth:`scattering` returns them, computed under ``jax.jit``.
        """
        x, dtype = self._prepare_input(x)  # type errors here, before JAX converts or traces x
        call = self.__dict__.get("_compiled_call")
        if call is None:
            call = self.__dict__["_compiled_call"] = _compile(self)
        return call(x, dtype)

    # -- the filters as a pytree argument (for the compiled call and scattering_apply) -----------
    def _filter_arrays(self, dtype: str) -> tuple[Any, tuple]:
        """``(skeleton, arrays)``: the filters of ``dtype`` split into their device arrays and the
        rest of the plan (ints, names), where :class:`_Slot` ``i`` stands for ``arrays[i]``."""
        found: list = []
        skeleton = _strip(self._filters(dtype), found)
        return skeleton, tuple(found)

    def _with_filters(self, dtype: str, skeleton: Any, arrays: Any) -> Any:
        """A shallow copy of this transform computing with ``arrays`` as its ``dtype`` filters."""
        view = copy.copy(self)
        view._filters_cache = {dtype: _fill(skeleton, list(arrays))}
        return view


def _compile(S: Any) -> Any:
    """``S.scattering`` under ``jax.jit``, the filters passed as arguments (not compiled in as
    constants) and the non-array parts of the output (the keys and integers of 'dict' and 'list'
    outputs) kept as Python objects, in their order."""
    output_skeleton: list = []

    def arrays(filters, x, dtype):
        # The filters' skeleton cannot change while this function lives: new filters are an
        # assignment to S, which drops it.
        filter_skeleton, _ = S._filter_arrays(dtype)
        found: list = []
        out = S._with_filters(dtype, filter_skeleton, filters).scattering(x)
        output_skeleton[:] = [_strip(out, found)]
        return found

    jitted = jax.jit(arrays, static_argnums=2)

    def call(x, dtype):
        _, filters = S._filter_arrays(dtype)
        found = jitted(filters, x, dtype)  # traces (and sets output_skeleton) on first use
        return _fill(output_skeleton[0], found)

    return call


class _Slot(int):
    """Where the ``int``-th array of a tree was, in its skeleton."""

    def __repr__(self) -> str:
        return f"<array {int(self)}>"


def _strip(tree: Any, found: list) -> Any:
    """``tree`` with each ``jax.Array`` replaced by a :class:`_Slot`; the arrays go to ``found``."""
    if isinstance(tree, jax.Array):
        found.append(tree)
        return _Slot(len(found) - 1)
    if isinstance(tree, dict):
        return {k: _strip(v, found) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_strip(v, found) for v in tree)
    return tree


def _fill(skeleton: Any, found: list) -> Any:
    """The inverse of :func:`_strip`."""
    if isinstance(skeleton, _Slot):
        return found[skeleton]
    if isinstance(skeleton, dict):
        return {k: _fill(v, found) for k, v in skeleton.items()}
    if isinstance(skeleton, (list, tuple)):
        return type(skeleton)(_fill(v, found) for v in skeleton)
    return skeleton


def _check_dtype(dtype: Any, kind: str) -> str:
    name = np.dtype(dtype).name
    if name not in _ACCEPTED:
        what = "complex" if np.issubdtype(dtype, np.complexfloating) else name
        raise ScatteringTypeError(
            f"The input should be real, of dtype float32 or float64; got a {kind} of dtype {name} "
            f"({what} input). Convert it with x.astype(jax.numpy.float32) first.")
    return name
