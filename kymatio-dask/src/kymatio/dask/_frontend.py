"""The dask frontend: lazy scattering of ``dask.array.Array``, chunk by chunk, on any scheduler.

A :class:`DaskScattering` holds the parameters of a transform and the name of the frontend that
computes it (``"numpy"`` unless told otherwise). Calling it on a dask array adds one task per chunk
to the graph, each carrying the small :class:`~kymatio.dask._worker.Recipe` of the transform; the
worker that runs a task builds the transform from the recipe once per process
(:mod:`kymatio.dask._worker`). The output's chunks, dtype and ``meta`` are known when the graph is
built: its shape comes from the transform's ``output_shape()``, without computing anything.
"""
from __future__ import annotations

import difflib
import inspect
import math
from typing import TYPE_CHECKING, Any

import numpy as np

import kymatio.core
from kymatio.core._errors import ScatteringTypeError, ScatteringValueError
from kymatio.core._frontend import ScatteringBase, describe_input
from kymatio.core._registry import frontend_class, frontend_serving
from kymatio.core.frontend1d import ScatteringBase1D
from kymatio.core.frontend2d import ScatteringBase2D
from kymatio.core.frontend3d import ScatteringBase3D
from kymatio.core.frontend_jtfs import TimeFrequencyScatteringBase
from kymatio.core.plugins import TRANSFORMS

from . import _worker
from ._worker import Recipe, _signal_shape

if TYPE_CHECKING:
    import dask.array

__all__ = ["DaskScattering", "scattering"]

_DTYPES = ("float32", "float64")
# Number of signal axes of each transform, for ``scattering(x, ...)`` without ``shape``.
_SIGNAL_NDIM = {"Scattering1D": 1, "TimeFrequencyScattering": 1, "Scattering2D": 2,
                "HarmonicScattering3D": 3}
# The core base class whose signature every frontend's class follows (some add keywords).
_BASES = {"Scattering1D": ScatteringBase1D, "Scattering2D": ScatteringBase2D,
          "HarmonicScattering3D": ScatteringBase3D,
          "TimeFrequencyScattering": TimeFrequencyScatteringBase}


class DaskScattering:
    """Lazy scattering of dask arrays; the base of :class:`kymatio.dask.Scattering1D` and the others.

    Parameters
    ----------
    *args
        The positional parameters of the computing frontend's class (``J``, ``shape``...; see
        :class:`kymatio.numpy.Scattering1D` and the others).
    frontend : str, optional
        The frontend that computes each chunk: ``"numpy"``, ``"torch"``, ``"tensorflow"``, ``"jax"``
        or any installed array frontend. Default: the frontend of ``backend``, else ``"numpy"``.
    backend : str, optional
        A backend of that frontend, by name (the graph carries names, and each worker resolves its
        own backend object).
    **parameters
        The keyword parameters of the computing frontend's class. ``out_type``, if given, must
        be ``'array'``.

    Raises
    ------
    ValueError
        For parameters the computing frontend refuses, an unknown or non-array frontend, or an
        ``out_type`` other than ``'array'``.
    TypeError
        For a ``backend`` or ``frontend`` that is not a string.
    """

    frontend_name = "dask"
    _transform_name = ""

    def __init__(self, *args: Any, frontend: str | None = None, backend: str | None = None,
                 **parameters: Any) -> None:
        if backend is not None and not isinstance(backend, str):
            raise ScatteringTypeError(
                f"kymatio.dask takes backend by name (a task graph carries names, and each worker "
                f"resolves its own backend), got {backend!r} of type {type(backend).__name__}. "
                "Register the backend in a plugin (docs/writing-a-backend.md) and pass its name.")
        if frontend is None:
            frontend = "numpy" if backend is None else frontend_serving(backend)
        if not isinstance(frontend, str):
            raise ScatteringTypeError(
                f"frontend must be the name of an installed frontend, got {frontend!r} of type "
                f"{type(frontend).__name__}; installed: {kymatio.core.list_frontends()}.")
        frontend = frontend.lower()
        if frontend == self.frontend_name:
            raise ScatteringValueError(
                "frontend='dask' would make each chunk a dask computation of its own; name the "
                "frontend that computes the chunks, such as 'numpy' (the default) or 'torch'.")
        cls = frontend_class(frontend, self._transform_name)
        if not (isinstance(cls, type) and issubclass(cls, ScatteringBase)):
            raise ScatteringValueError(
                f"The frontend {frontend!r} does not compute on arrays (its {self._transform_name} "
                f"is a {cls.__module__}.{cls.__qualname__}); kymatio.dask computes each chunk with "
                f"an array frontend such as 'numpy', 'torch', 'tensorflow' or 'jax'. Installed "
                f"frontends: {kymatio.core.list_frontends()}.")
        if backend is not None:
            parameters["backend"] = backend
        self._frontend = frontend
        self._parameters = _by_name(self._transform_name, args, parameters)
        self._local = None
        self._recipes: dict[str, Recipe] = {}
        local = self.transform   # built here once: checks the parameters, fills this process's cache
        out_type = getattr(local, "out_type", "array")
        if out_type != "array":
            raise ScatteringValueError(
                f"kymatio.dask returns dask arrays: out_type must be 'array', got {out_type!r}.")
        self._output_shape = tuple(int(n) for n in local.output_shape())

    # -- what the transform is ----------------------------------------------------------------
    @property
    def frontend(self) -> str:
        """The frontend that computes each chunk."""
        return self._frontend

    @property
    def parameters(self) -> dict:
        """The keyword arguments of the computing frontend's class (a copy)."""
        return dict(self._parameters)

    @property
    def transform(self) -> Any:
        """The computing frontend's transform, built in this process (workers build their own)."""
        if self._local is None:
            self._local = _worker.transform_for(self._recipe("float32"))
        return self._local

    @property
    def shape(self) -> tuple[int, ...]:
        """The transform's signal shape (the input's last axes; with ``pre_pad`` in 2-D the input
        holds the padded size instead)."""
        return tuple(self.transform.shape)

    def output_shape(self) -> tuple[int, ...]:
        """The shape of one signal's coefficients (the trailing axes of the output).

        Returns
        -------
        tuple of int
            The computing frontend's ``output_shape()``, known without computing anything.
        """
        return self._output_shape

    def output_size(self, detail: bool = False):
        """As the computing frontend's ``output_size``: the number of channels.

        Parameters
        ----------
        detail : bool
            Count the channels of each order separately.

        Returns
        -------
        int or tuple of int
            The number of channels, or the counts per order.
        """
        return self.transform.output_size(detail=detail)

    def meta(self) -> dict:
        """As the computing frontend's ``meta()``: row ``c`` describes channel ``c``.

        Returns
        -------
        dict
            The computing frontend's description of the output channels.
        """
        return self.transform.meta()

    def __repr__(self) -> str:
        arguments = [f"{k}={v!r}" for k, v in self._parameters.items()]
        arguments.append(f"frontend={self._frontend!r}")
        return f"kymatio.dask.{self._transform_name}({', '.join(arguments)})"

    # -- pickling: parameters only ------------------------------------------------------------
    def __getstate__(self) -> dict:
        return {"frontend": self._frontend, "parameters": self._parameters,
                "output_shape": self._output_shape}

    def __setstate__(self, state: dict) -> None:
        self._frontend = state["frontend"]
        self._parameters = state["parameters"]
        self._output_shape = state["output_shape"]
        self._local = None
        self._recipes = {}

    def _recipe(self, dtype: str) -> Recipe:
        recipe = self._recipes.get(dtype)
        if recipe is None:
            from dask.base import tokenize

            token = tokenize(self._transform_name, self._frontend, self._parameters, dtype)
            recipe = Recipe(transform=self._transform_name, frontend=self._frontend,
                            parameters=self._parameters, dtype=dtype, token=token)
            self._recipes[dtype] = recipe
        return recipe

    # -- the transform --------------------------------------------------------------------------
    def __call__(self, x: dask.array.Array) -> dask.array.Array:
        """The lazy scattering coefficients of ``x``: see :meth:`scattering`.

        Parameters
        ----------
        x : dask.array.Array
            Real float32 or float64 signals, ending with the signal axes.

        Returns
        -------
        dask.array.Array
            As :meth:`scattering` returns it.
        """
        return self.scattering(x)

    def scattering(self, x: dask.array.Array) -> dask.array.Array:
        """The scattering coefficients of the signals in the last axes of ``x``, lazily.

        Parameters
        ----------
        x : dask.array.Array
            Real float32 or float64 signals, ending with the signal axes (``shape``); the leading
            axes are batch axes. The signal axes are rechunked whole; the batch axes keep their
            chunks, one task per chunk.

        Returns
        -------
        dask.array.Array
            ``batch + output_shape()``, of the input's dtype, with the batch chunks of ``x``, one
            chunk along each coefficient axis and a ``numpy.ndarray`` ``meta``. Nothing is
            computed until ``compute()``, ``persist()`` or ``to_zarr()``.

        Raises
        ------
        TypeError
            If ``x`` is not a dask array, or not real float32/float64.
        ValueError
            If ``x`` does not end with the signal shape.
        """
        import dask.array as da

        if not isinstance(x, da.Array):
            raise ScatteringTypeError(
                f"kymatio.dask transforms take a dask.array.Array, got {describe_input(x)}. Wrap "
                "an array with dask.array.from_array(x, chunks=...), chunked along the batch axes "
                "(or scatter a NumPy array with kymatio.numpy directly).")
        dtype = np.dtype(x.dtype)
        if dtype.name not in _DTYPES:
            kind = "complex" if dtype.kind == "c" else dtype.name
            raise ScatteringTypeError(
                f"The input should be real, of dtype float32 or float64; got dtype {dtype.name} "
                f"({kind} input). Convert it with x.astype(np.float32) or np.float64 first.")
        recipe = self._recipe(dtype.name)
        signal_shape = _signal_shape(self.transform)
        n_signal = len(signal_shape)
        if x.ndim < n_signal or tuple(x.shape[x.ndim - n_signal:]) != signal_shape:
            raise ScatteringValueError(
                f"Input should end with the signal shape {signal_shape}, got a dask array of shape "
                f"{tuple(x.shape)}.")
        n_batch = x.ndim - n_signal
        x = x.rechunk({axis: -1 for axis in range(n_batch, x.ndim)})
        batch = tuple(range(n_batch))
        signal = tuple(range(n_batch, n_batch + n_signal))
        coefficient_axes = tuple(range(x.ndim, x.ndim + len(self._output_shape)))
        return da.blockwise(
            _worker.scatter_block, batch + coefficient_axes,
            x, batch + signal,
            recipe=recipe, output_shape=self._output_shape,
            new_axes=dict(zip(coefficient_axes, self._output_shape)),
            concatenate=True,
            dtype=dtype,
            meta=np.empty((0,) * (n_batch + len(self._output_shape)), dtype=dtype),
            token=self._transform_name.lower(),
        )


def _by_name(transform: str, args: tuple, parameters: dict) -> dict:
    """The parameters as keywords: positional ones named after the core signature of
    ``transform``, so that ``Scattering1D(6, 512)`` and ``Scattering1D(J=6, shape=512)`` share
    their token, their graph names and their workers' cache entry."""
    names = [name for name, p in inspect.signature(_BASES[transform].__init__).parameters.items()
             if name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD]
    if len(args) > len(names):
        raise ScatteringTypeError(
            f"{transform} takes at most {len(names)} positional parameters ({', '.join(names)}), "
            f"got {len(args)}: {args!r}.")
    named = dict(zip(names, args))
    twice = sorted(set(named) & set(parameters))
    if twice:
        raise ScatteringTypeError(
            f"{transform} got the parameters {twice} both by position and by keyword.")
    return {**named, **parameters}


def scattering(x: dask.array.Array, transform: str = "Scattering1D", **parameters: Any
               ) -> dask.array.Array:
    """Lazy scattering of the dask array ``x``: ``kymatio.dask.<transform>(**parameters)(x)``.

    Parameters
    ----------
    x : dask.array.Array
        Real float32 or float64 signals in the last axes, batch axes first (chunk those).
    transform : str, default "Scattering1D"
        ``"Scattering1D"``, ``"Scattering2D"``, ``"HarmonicScattering3D"`` or
        ``"TimeFrequencyScattering"``.
    **parameters
        Parameters of the transform (``J``, ``Q``...), ``frontend`` and ``backend``, as for
        :class:`kymatio.dask.Scattering1D`. ``shape`` defaults to the last axes of ``x``.

    Returns
    -------
    dask.array.Array
        ``x``'s batch axes, then the coefficient axes of the transform.

    Raises
    ------
    ValueError
        For an unknown ``transform`` (the message lists the accepted names), or any error of the
        transform's class.

    Examples
    --------
    >>> import dask.array as da
    >>> from kymatio.dask import scattering
    >>> x = da.zeros((100, 1024), chunks=(25, 1024), dtype="float32")
    >>> Sx = scattering(x, "Scattering1D", J=6, Q=8)
    >>> Sx.shape, Sx.chunks[0], Sx.dtype
    ((100, 126, 16), (25, 25, 25, 25), dtype('float32'))
    """
    import kymatio.dask

    if transform not in TRANSFORMS:
        near = difflib.get_close_matches(str(transform), TRANSFORMS, n=1)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise ScatteringValueError(
            f"transform must be one of {list(TRANSFORMS)}, got {transform!r}.{hint}")
    if "shape" not in parameters and hasattr(x, "shape"):
        n_signal = _SIGNAL_NDIM[transform]
        if len(x.shape) < n_signal or any(
                isinstance(n, float) and math.isnan(n) for n in x.shape[-n_signal:]):
            raise ScatteringValueError(
                f"{transform} takes signals of {n_signal} axes; an input of shape "
                f"{tuple(x.shape)} gives none. Pass shape= explicitly.")
        signal = tuple(int(n) for n in x.shape[len(x.shape) - n_signal:])
        parameters["shape"] = signal[0] if n_signal == 1 else signal
    return getattr(kymatio.dask, transform)(**parameters)(x)
