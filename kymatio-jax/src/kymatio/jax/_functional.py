"""The functional form of the JAX transforms: pure functions of the input (and of the filters).

A frontend object already computes a pure function of its input, but reads its parameters
(``out_type``, ``max_order``...) at each call, so ``jax.jit(S)`` keeps those it traced with.
:func:`scattering_fn` freezes the parameters in a plain function with the filters as constants;
:func:`scattering_apply` also takes the filters out, as a pytree argument, in the
``apply(params, x)`` style of flax and optax, for code that passes every array explicitly (no large
constants in the compiled program, filters placed or sharded by the caller).
"""
from __future__ import annotations

import copy
from typing import Any, Callable

import jax

from kymatio.core._errors import ScatteringTypeError, ScatteringValueError

from ._frontend import JaxFrontend

__all__ = ["scattering_fn", "scattering_apply"]

_DTYPES = ("float32", "float64")


def _frozen(S: Any) -> Any:
    if not isinstance(S, JaxFrontend):
        raise ScatteringTypeError(
            f"Expected a transform of kymatio.jax (Scattering1D, Scattering2D, "
            f"HarmonicScattering3D, TimeFrequencyScattering), got {type(S).__name__}.")
    # A shallow copy: later assignments to S's parameters do not reach it, but it shares S's filter
    # cache, so the filters stay converted once.
    return copy.copy(S)


def scattering_fn(S: Any) -> Callable[[Any], Any]:
    """The transform ``S`` as a pure function ``f(x)``, its filters closed over as constants.

    Parameters
    ----------
    S : Scattering1D, Scattering2D, HarmonicScattering3D or TimeFrequencyScattering
        A transform of :mod:`kymatio.jax`. Its parameters are frozen as they are now: assigning
        ``S.out_type`` or ``S.max_order`` later does not change ``f``.

    Returns
    -------
    callable
        ``f(x)``, equal to ``S(x)``, for ``jax.jit``, ``jax.vmap``, ``jax.grad`` and their
        compositions.

    Raises
    ------
    TypeError
        If ``S`` is not a transform of :mod:`kymatio.jax`.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> from kymatio.jax import Scattering1D, scattering_fn
    >>> f = jax.jit(scattering_fn(Scattering1D(J=3, shape=128, Q=4)))
    >>> f(jnp.ones((2, 128))).shape
    (2, 16, 16)
    """
    frozen = _frozen(S)

    def scattering(x):
        return frozen.scattering(x)

    scattering.__doc__ = (
        f"The scattering of {type(S).__name__}(J={S.J}, shape={S.shape}, ...) of ``x``.")
    return scattering


def scattering_apply(S: Any, dtype: str | None = None) -> tuple[tuple, Callable[[Any, Any], Any]]:
    """The transform ``S`` as ``(filters, apply)``, with ``apply(filters, x) == S(x)`` pure.

    Parameters
    ----------
    S : Scattering1D, Scattering2D, HarmonicScattering3D or TimeFrequencyScattering
        A transform of :mod:`kymatio.jax`; its parameters are frozen as they are now.
    dtype : {'float32', 'float64'}, optional
        Precision of the filters, which must be that of ``x``. Default: JAX's default float
        (float64 with ``jax_enable_x64``, float32 otherwise).

    Returns
    -------
    filters : tuple of jax.Array
        The filter bank, a pytree of device arrays (the same arrays ``S`` uses). They are
        constants of the transform, not parameters to train: keep them out of the optimiser.
    apply : callable
        ``apply(filters, x)``, a pure function of both arguments.

    Raises
    ------
    TypeError
        If ``S`` is not a transform of :mod:`kymatio.jax`; from ``apply``, if ``x``'s dtype is not
        the filters' or ``filters`` is not a sequence of as many arrays.
    ValueError
        For ``dtype`` other than 'float32'/'float64', or 'float64' without ``jax_enable_x64``.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> from kymatio.jax import Scattering2D, scattering_apply
    >>> S = Scattering2D(J=2, shape=(16, 16), L=4)
    >>> filters, apply = scattering_apply(S, dtype="float32")
    >>> jax.jit(apply)(filters, jnp.ones((3, 16, 16))).shape
    (3, 25, 4, 4)
    """
    frozen = _frozen(S)
    if dtype is None:
        dtype = "float64" if jax.config.jax_enable_x64 else "float32"
    if dtype not in _DTYPES:
        raise ScatteringValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}.")
    if dtype == "float64" and not jax.config.jax_enable_x64:
        # Checked here, not left to the conversion: float64 filters cached while the mode was on
        # would otherwise be handed out, and every input is float32 without it.
        raise ScatteringValueError(
            "dtype='float64' needs 64-bit JAX: enable it with "
            "jax.config.update('jax_enable_x64', True), or use dtype='float32'.")
    skeleton, filters = frozen._filter_arrays(dtype)
    count = len(filters)

    def apply(filters, x):
        if not isinstance(filters, (tuple, list)) or len(filters) != count:
            length = f" of length {len(filters)}" if isinstance(filters, (tuple, list)) else ""
            raise ScatteringTypeError(
                f"filters must be the sequence of {count} arrays that scattering_apply returned, "
                f"got a {type(filters).__name__}{length}.")
        _, x_dtype = frozen._prepare_input(x)
        if x_dtype != dtype:
            raise ScatteringTypeError(
                f"These filters are {dtype} but the input is {x_dtype}: cast the input, or get "
                f"{x_dtype} filters with scattering_apply(S, dtype={x_dtype!r}).")
        return frozen._with_filters(dtype, skeleton, filters).scattering(x)

    return filters, apply
