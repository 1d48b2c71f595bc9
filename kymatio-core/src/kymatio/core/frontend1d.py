"""Base class of the 1-D scattering frontends: parameters, filters, padding, output formatting."""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from ._errors import ScatteringTypeError, ScatteringValueError, UnsupportedParameterError
from ._frontend import ScatteringBase, check_choice, check_filter_memory, check_integer, nan_padded
from .filters1d import (anden_generator, compute_temporal_support, gauss_1d,
                        get_max_dyadic_subsampling, scattering_filter_factory)
from .scattering1d import Block, assemble, build_plan, scattering1d, sort_keys

__all__ = ["ScatteringBase1D", "parse_T", "compute_padding", "compute_border_indices"]

OUT_TYPES = ("array", "dict", "list")


def parse_T(T: Any, J: int, N_input: int, T_alias: str = "T") -> tuple[float, Any]:
    """Interpret the averaging scale: returns ``(T_value, average)``, ``average`` in
    ``{'local', 'global', False}``.

    ``None`` means ``2**J``; ``'global'`` sums over the whole (padded) signal; ``0`` disables
    averaging; any number ``1 <= T <= N_input`` is a local averaging scale.

    Parameters
    ----------
    T : None, 'global', 0 or float
        The averaging scale as the user gave it.
    J : int
        Log2 of the largest wavelet scale (``2**J`` is the default scale).
    N_input : int
        Signal length, the largest scale allowed.
    T_alias : str
        The parameter's name in error messages (``"F"`` for the frequential scale of JTFS).

    Returns
    -------
    tuple
        ``(T_value, average)``: the scale (``2**J`` for ``None``, ``'global'`` and 0) and
        ``'local'``, ``'global'`` or ``False``.

    Raises
    ------
    ValueError
        If ``T`` exceeds ``N_input``, is negative, lies strictly between 0 and 1, is not finite, or
        is a string other than ``'global'``.
    TypeError
        If ``T`` is not a number, ``None`` or a string.

    Examples
    --------
    >>> from kymatio.core.frontend1d import parse_T
    >>> parse_T(None, 5, 1024), parse_T("global", 5, 1024), parse_T(0, 5, 1024), parse_T(256, 5, 1024)
    ((32, 'local'), (32, 'global'), (32, False), (256, 'local'))
    """
    if T is None:
        return 2**J, "local"
    if isinstance(T, str):
        if T == "global":
            return 2**J, "global"
        raise ScatteringValueError(
            f"{T_alias} must be None, 'global', 0 or a number >= 1, got the string {T!r}.")
    if isinstance(T, (bool, np.bool_)) or not isinstance(T, numbers.Real):
        raise ScatteringTypeError(
            f"{T_alias} must be None, 'global', 0 or a number >= 1, got {T!r} of type "
            f"{type(T).__name__}.")
    if not math.isfinite(T):
        raise ScatteringValueError(f"{T_alias} must be finite, got {T!r}.")
    if T > N_input:
        raise ScatteringValueError(
            f"The support {T_alias} of the low-pass filter cannot exceed input length (got "
            f"{T_alias}={T} > N={N_input}). For large averaging size, consider passing "
            f"{T_alias}='global'.")
    if T == 0:
        return 2**J, False
    if T < 1:
        raise ScatteringValueError(f"{T_alias} must be ==0 or >=1 (got {T}).")
    return T, "local"


def compute_padding(N: int, N_input: int) -> tuple[int, int]:
    """Left and right padding that bring ``N_input`` samples to ``N`` (extra sample on the right).

    Parameters
    ----------
    N : int
        The padded length.
    N_input : int
        The signal length.

    Returns
    -------
    tuple of int
        ``(pad_left, pad_right)``, ``pad_left = (N - N_input) // 2``.

    Raises
    ------
    ValueError
        If ``N < N_input``, or if a side would need at least ``N_input`` samples of reflection.

    Examples
    --------
    >>> from kymatio.core.frontend1d import compute_padding
    >>> compute_padding(32, 16), compute_padding(32, 17)
    ((8, 8), (7, 8))
    """
    if N < N_input:
        raise ScatteringValueError(
            f"Padding support should be larger than the original signal size! (got padded size {N} "
            f"< signal size {N_input})")
    to_add = N - N_input
    pad_left = to_add // 2
    pad_right = to_add - pad_left
    if max(pad_left, pad_right) >= N_input:
        raise ScatteringValueError(
            f"Too large padding value, will lead to NaN errors (padding {max(pad_left, pad_right)} "
            f">= signal size {N_input}); use a longer signal or a smaller J/T.")
    return pad_left, pad_right


def compute_border_indices(log2_T: int, J: int, i0: int, i1: int) -> tuple[dict, dict]:
    """Index range ``[ind_start[r], ind_end[r])`` of the unpadded signal at subsampling ``2**r``.

    Parameters
    ----------
    log2_T, J : int
        The ranges are computed for ``r = 0 .. max(log2_T, J)``.
    i0, i1 : int
        The range of the signal in the padded signal at full resolution.

    Returns
    -------
    tuple of dict
        ``(ind_start, ind_end)``, each mapping ``r`` to an index: ``ind[r] = ceil(ind[r - 1] / 2)``.

    Examples
    --------
    >>> from kymatio.core.frontend1d import compute_border_indices
    >>> compute_border_indices(2, 2, 8, 24)
    ({0: 8, 1: 4, 2: 2}, {0: 24, 1: 12, 2: 6})
    """
    ind_start, ind_end = {0: i0}, {0: i1}
    for j in range(1, max(log2_T, J) + 1):
        ind_start[j] = ind_start[j - 1] // 2 + ind_start[j - 1] % 2
        ind_end[j] = ind_end[j - 1] // 2 + ind_end[j - 1] % 2
    return ind_start, ind_end


def parse_Q(Q: Any) -> tuple[int, int]:
    """Normalise ``Q`` to ``(Q1, Q2)``; integers (NumPy ones too) or 1-/2-tuples of integers >= 1."""
    entries = Q if isinstance(Q, tuple) else (Q,)
    for q in entries:
        if isinstance(q, numbers.Real) and not isinstance(q, (bool, np.bool_)) and q < 1:
            raise ScatteringValueError(f"Q must always be >= 1, got {Q!r}.")
    if isinstance(Q, tuple):
        if len(Q) not in (1, 2):
            raise UnsupportedParameterError(
                "Q must be an integer, 1-tuple or 2-tuple. Scattering transforms beyond order 2 are "
                f"not implemented. Got: {Q!r}")
        if not all(isinstance(q, numbers.Integral) and not isinstance(q, (bool, np.bool_)) for q in Q):
            raise ScatteringValueError(f"Q must be an integer or a tuple of integers, got {Q!r}.")
        return (int(Q[0]), int(Q[1]) if len(Q) == 2 else 1)
    if isinstance(Q, numbers.Integral) and not isinstance(Q, (bool, np.bool_)):
        return (int(Q), 1)
    raise ScatteringValueError(
        f"Q must be an integer or a tuple (Q1,) or (Q1, Q2) of integers, got {Q!r} of type "
        f"{type(Q).__name__}.")


def parse_stride(stride: Any, average: Any, T: Any, name: str = "stride",
                 T_name: str = "T") -> int | None:
    """log2 of a power-of-two stride, or ``None`` if ``stride`` is ``None``."""
    if stride is None:
        return None
    if isinstance(stride, (bool, np.bool_)):
        raise ScatteringTypeError(f"{name} must be an integer power of two, got the bool {stride!r}.")
    if not isinstance(stride, numbers.Integral):
        if isinstance(stride, numbers.Real) and float(stride).is_integer():
            stride = int(stride)
        else:
            raise ScatteringValueError(f"{name} must be integer. Got: {stride!r}")
    stride = int(stride)
    if stride < 1 or stride & (stride - 1):
        raise ScatteringValueError(f"{name} must be a power of two. Got: {stride}")
    if average != "local":
        raise ScatteringValueError(f"{name}={stride} is incompatible with {T_name}={T!r}.")
    return int(stride).bit_length() - 1


class ScatteringBase1D(ScatteringBase):  # numpydoc ignore=PR01
    """The 1-D scattering transform, independent of the framework.

    See :class:`kymatio.numpy.Scattering1D` for the parameters.
    """

    _signal_ndim = 1
    _fixed_parameters = ("J", "shape", "Q", "T", "stride", "oversampling", "backend")
    r_psi = math.sqrt(0.5)
    sigma0 = 0.1
    alpha = 5.0
    _reduction = staticmethod(np.sum)

    def __init__(self, J, shape, Q=1, T=None, stride=None, max_order=2, oversampling=0,
                 out_type="array", backend=None):
        self._init_time(J, shape, Q, T, stride, max_order, oversampling, out_type)
        self._instantiate_backend(backend)
        self.build()
        self.create_filters()

    def _init_time(self, J, shape, Q, T, stride, max_order, oversampling, out_type):
        """Store and validate the parameters of the time scattering (shared with JTFS)."""
        self.J = check_integer(J, "J", minimum=0)
        self.shape = self._parse_shape(shape)
        if self.J > self._log2_max_padding() + 3:
            # Beyond this even the narrowest bank's widest wavelets (scale 2**(J-2)) cannot fit in
            # the padded signal: refuse before computing with 2**J.
            raise ScatteringValueError(
                f"J={self.J} is too large for shape={self.shape}: the widest wavelets would not fit "
                f"in the padded signal of at most 2**{self._log2_max_padding()} samples. Use a "
                "smaller J or a longer signal.")
        self._Q = Q
        self.Q  # validates
        self._T = T
        self._stride = stride
        self.max_order = max_order
        self.out_type = out_type
        self._oversampling = self._parse_oversampling(oversampling)
        self.T  # validates T against the shape
        if self._T is None and 2**self.J > self.shape[0]:
            raise ScatteringValueError(
                f"J={self.J} is too large for shape={self.shape}: the default averaging scale "
                f"T = 2**J = {2**self.J} would exceed the signal length {self.shape[0]}. Use "
                f"J <= {self.shape[0].bit_length() - 1}, or pass T <= {self.shape[0]} or T='global'.")
        self._log2_stride = parse_stride(self._stride, self.average, self._T)

    # -- parameters -----------------------------------------------------------------------------
    @staticmethod
    def _parse_shape(shape):
        if isinstance(shape, numbers.Integral) and not isinstance(shape, (bool, np.bool_)):
            shape = (int(shape),)
        elif isinstance(shape, tuple):
            if len(shape) != 1:
                raise ScatteringValueError(
                    "If shape is specified as a tuple, it must have exactly one element. "
                    f"Got: {shape!r}")
        else:
            raise ScatteringValueError(f"shape must be an integer or a 1-tuple. Got: {shape!r}")
        return (check_integer(shape[0], "shape[0]", minimum=1),)

    def _parse_oversampling(self, oversampling):
        if oversampling is None:
            return 0
        if isinstance(oversampling, (bool, np.bool_)) or not isinstance(oversampling, numbers.Real):
            raise ScatteringValueError(f"oversampling must be integer, got {oversampling!r}.")
        if oversampling < 0:
            raise ScatteringValueError(f"oversampling must be nonnegative. Got: {oversampling}")
        if not float(oversampling).is_integer():
            raise ScatteringValueError(f"oversampling must be integer. Got: {oversampling}")
        oversampling = int(oversampling)
        if oversampling > 0:
            warnings.warn("The oversampling argument is deprecated and will be removed in v0.5; "
                          "use stride instead (stride = T / 2**oversampling).",
                          DeprecationWarning, stacklevel=4)
            T_value, average = parse_T(self._T, self.J, self.shape[0])
            log2_T = int(math.floor(math.log2(T_value)))
            if self._stride not in (None, 2 ** (log2_T - oversampling - 1)):
                raise ScatteringValueError(
                    f"oversampling={oversampling} and stride={self._stride} are incompatible.")
            if average != "local":
                raise ScatteringValueError(
                    f"oversampling={oversampling} is incompatible with T={self._T!r}.")
            self._stride = 2 ** max(log2_T - oversampling, 0)
        return oversampling

    @property
    def Q(self) -> tuple[int, int]:
        """Wavelets per octave of the first and second layer."""
        return parse_Q(self._Q)

    @property
    def T(self):
        """The averaging scale in samples (``2**J`` when ``T`` was ``None``, ``0`` or ``'global'``)."""
        return parse_T(self._T, self.J, self.shape[0])[0]

    @property
    def average(self):
        """``'local'``, ``'global'`` or ``False`` (no averaging, ``T=0``)."""
        return parse_T(self._T, self.J, self.shape[0])[1]

    @property
    def log2_T(self) -> int:
        """``floor(log2(T))``: the subsampling the low-pass filter allows."""
        return int(math.floor(math.log2(self.T)))

    @property
    def log2_stride(self) -> int:
        """The log2 of :attr:`stride`."""
        return self.log2_T if self._log2_stride is None else self._log2_stride

    @property
    def stride(self) -> int:
        """Time subsampling of the output: the ``stride`` given, else ``2**log2_T``."""
        return 2**self.log2_stride

    @property
    def oversampling(self) -> int:
        """Deprecated (it warns): the ``oversampling`` given; use :attr:`stride` instead."""
        warnings.warn("oversampling is deprecated and will be removed in v0.5; use stride.",
                      DeprecationWarning, stacklevel=2)
        return self._oversampling

    @property
    def filterbank(self):
        """``(generator, kwargs)`` that places the wavelets: :func:`~kymatio.core.filters1d.anden_generator`
        with ``alpha``, ``r_psi`` and ``sigma0``."""
        return (anden_generator, {"alpha": self.alpha, "r_psi": self.r_psi, "sigma0": self.sigma0})

    @property
    def out_type(self) -> str:
        """Output format, ``'array'``, ``'dict'`` or ``'list'`` (settable)."""
        return self._out_type

    @out_type.setter
    def out_type(self, value):
        self._out_type = check_choice(value, "out_type", OUT_TYPES)

    def _log2_max_padding(self) -> int:
        """log2 of the largest padded length, ``floor(log2(3 N - 2))``, that the padding rule allows."""
        N_input = self.shape[0]
        return int(math.floor(math.log2(3 * N_input - 2))) if N_input > 1 else 0

    def _time_filter_bytes(self) -> float:
        """An upper estimate of the bytes of the time filters (the float64 bank and its width-first
        plan), from the parameters alone.

        A layer has at most ``Q (J + 2)`` wavelets (the Andén generator); a first-order wavelet is
        one array of the padded length, a second-order one and the low-pass at most two (their
        levels halve in length); the plan holds a copy of each.
        """
        Q1, Q2 = self.Q
        arrays = Q1 * (self.J + 2) + 2 * Q2 * (self.J + 2) + 2
        return 2 * 8 * 2.0 ** self._log2_max_padding() * arrays

    def _memory_parameters(self) -> str:
        return f"J={self.J}, Q={self.Q}, shape={self.shape}"

    # -- construction -----------------------------------------------------------------------
    def build(self):
        """Padding and unpadding indices for the signal length and the averaging scale."""
        check_filter_memory(self._time_filter_bytes(), self._memory_parameters())
        N_input = self.shape[0]
        phi_f = gauss_1d(N_input, self.sigma0 / self.T)
        min_to_pad = 3 * compute_temporal_support(phi_f[None, :], criterion_amplitude=1e-3)
        J_max_support = int(math.floor(math.log2(3 * N_input - 2))) if N_input > 1 else 0
        J_pad = min(int(math.ceil(math.log2(N_input + 2 * min_to_pad))), J_max_support)
        self._N_padded = 2**J_pad
        self.pad_left, self.pad_right = compute_padding(self._N_padded, N_input)
        self.ind_start, self.ind_end = compute_border_indices(
            max(self.log2_T, self.log2_stride, J_pad), self.J, self.pad_left,
            self.pad_left + N_input)
        if self.average == "local":
            self._check_output_length(self.log2_stride)

    def _check_output_length(self, res: int) -> None:
        """Refuse parameters whose output would have no time sample at resolution ``2**res``."""
        if self.ind_end[res] <= self.ind_start[res]:
            raise ScatteringValueError(
                f"shape={self.shape} is too short for an output at stride 2**{res} = {2**res} "
                f"(J={self.J}, T={self._T!r}, stride={self._stride!r}): no time sample would "
                "remain. Use a smaller J, T or stride, or T='global'.")

    def create_filters(self):
        """Build the filter banks (NumPy float64) and the width-first plan of the algorithm."""
        self._set_filters(self._time_plan(), rebuild="_time_plan")

    def _time_plan(self) -> dict:
        """Time filter banks ``phi_f``, ``psi1_f``, ``psi2_f`` and their width-first plan."""
        generator, kwargs = self.filterbank
        largest = max(get_max_dyadic_subsampling(xi, sigma, **kwargs)
                      for Q in self.Q for xi, sigma in generator(self.J, Q, **kwargs))
        log2_N = int(math.log2(self._N_padded))
        # The low-pass needs levels up to max(largest, log2_T) on the padded grid. Averaged at the
        # stride, wavelets subsampled up to 2**(log2_N + 1) still have the levels they need;
        # beyond (and, at 2**(log2_N + 2), the narrowest wavelets themselves) they do not exist.
        if largest > log2_N + (self.average == "local") or self.log2_T > log2_N:
            raise ScatteringValueError(
                f"J={self.J} is too large for shape={self.shape}: the filters would be subsampled "
                f"by up to 2**{max(largest, self.log2_T)} but the padded signal has only "
                f"2**{log2_N} samples.")
        self.phi_f, self.psi1_f, self.psi2_f = scattering_filter_factory(
            self._N_padded, self.J, self.Q, self.T, self.filterbank, _reduction=self._reduction)
        if self.log2_stride > log2_N:
            raise ScatteringValueError(
                f"stride={self.stride} exceeds the padded signal length {self._N_padded}.")
        return build_plan(self.phi_f, self.psi1_f, self.psi2_f, self.log2_stride,
                          self.average == "local", self._reduction)

    # -- the transform ----------------------------------------------------------------------
    def _check_runtime_args(self):
        check_choice(self.out_type, "out_type", OUT_TYPES)
        if not self.average and self.out_type == "array":
            raise ScatteringValueError(
                "Cannot convert to out_type='array' with T=0. Please set out_type to 'dict' or 'list'.")

    def scattering(self, x):
        """Scattering coefficients of the signals in the last axis of ``x``.

        ``S(x)`` calls it (in chunks of the batch for the eager frameworks: the same numbers).

        Parameters
        ----------
        x : array
            Real float32 or float64 array of the frontend's framework (``numpy.ndarray``,
            ``torch.Tensor``...) whose last axis has length ``shape[0]``; leading axes are batch
            axes.

        Returns
        -------
        array, dict or list
            For ``out_type='array'``, an array ``batch + (C, T_out)`` of ``x``'s dtype, channel
            ``c`` described by row ``c`` of :meth:`meta`. For ``'dict'``, ``{n: coef}`` with the path
            keys ``n`` in the depth-first order of the reference (``()``, ``(0,)``, ``(0, n2)``...,
            ``(1,)``...). For ``'list'``, dicts ``{'coef', 'j', 'n', 'order'}`` sorted by
            ``(order, n)``. Without averaging (``T=0``) each order has its own time length.

        Raises
        ------
        TypeError
            If ``x`` is not a real float32/float64 array of the frontend's framework.
        ValueError
            If the last axis of ``x`` is not ``shape[0]`` long, or ``out_type='array'`` with
            ``T=0``.
        """
        self._check_runtime_args()
        x, dtype = self._prepare_input(x)
        self._check_signal_shape(tuple(x.shape), self.shape)
        batch_shape = self._batch_shape(x)
        backend = self.backend
        x = backend.reshape(x, (-1, 1, self.shape[0]))
        x = backend.pad(x, [(self.pad_left, self.pad_right)], mode="reflect")
        blocks = scattering1d(x, backend, self._filters(dtype), self.max_order)
        if self.average == "global":
            blocks = [Block(b.keys, backend.sum(b.coef, axis=-1, keepdims=True), b.res) for b in blocks]
        else:
            blocks = [Block(b.keys, backend.crop(b.coef, [(self.ind_start[b.res], self.ind_end[b.res])]),
                            b.res) for b in blocks]
        if self.out_type == "array":
            coef, _ = assemble(blocks, backend)
            return self._reshape_output(coef, batch_shape, tuple(coef.shape[1:]))
        paths = {}
        for block in blocks:
            length = tuple(block.coef.shape[2:])
            for i, key in enumerate(block.keys):
                coef = backend.take(block.coef, [i], axis=1)
                paths[key] = self._reshape_output(coef, batch_shape, length)
        if self.out_type == "dict":
            return {key: paths[key] for key in self._depth_first_keys(paths)}
        return [{"coef": paths[key], "j": self._path_j(key), "n": key, "order": len(key)}
                for key in sorted(paths, key=lambda k: (len(k), k))]

    @staticmethod
    def _depth_first_keys(keys):
        """The reference's dict order: (), (0,), (0, n2)..., (1,), ..."""
        return sorted(keys, key=lambda k: (k[:1], len(k), k))

    def _path_j(self, key):
        filters = (self.psi1_f, self.psi2_f)
        return tuple(filters[order][n]["j"] for order, n in enumerate(key))

    def _keys(self):
        keys = [()] + [(n1,) for n1 in range(len(self.psi1_f))]
        if self.max_order >= 2:
            keys += [(n1, n2) for n1, psi1 in enumerate(self.psi1_f)
                     for n2, psi2 in enumerate(self.psi2_f) if psi2["j"] > psi1["j"]]
        return [keys[i] for i in sort_keys(keys)]

    def meta(self) -> dict:
        """Description of every output channel, row ``c`` for channel ``c`` of the array output.

        Returns
        -------
        dict
            ``order`` (C,) ints; ``key`` list of path tuples ``n``; ``n``, ``xi``, ``sigma``, ``j``
            arrays (C, max_order) of the wavelets along the path, NaN-padded (order 0 is all NaN).

        Examples
        --------
        >>> from kymatio.numpy import Scattering1D
        >>> meta = Scattering1D(J=4, shape=256, Q=2).meta()
        >>> meta["key"][:4], meta["order"][:4].tolist()
        ([(), (0,), (1,), (2,)], [0, 1, 1, 1])
        """
        keys = self._keys()
        filters = (self.psi1_f, self.psi2_f)
        meta = {"order": np.array([len(k) for k in keys]), "key": keys,
                "n": nan_padded(keys, self.max_order)}
        for field in ("xi", "sigma", "j"):
            meta[field] = nan_padded(
                ([filters[o][n][field] for o, n in enumerate(k)] for k in keys), self.max_order)
        return meta

    def output_shape(self) -> tuple[int, int]:
        """Shape ``(C, T_out)`` of one signal's coefficients in the array output, found from the
        parameters without computing them (the leading batch axes of the input come before it).

        Returns
        -------
        tuple of int
            ``(C, T_out)``: ``C = output_size()`` channels; ``T_out`` time samples (1 for
            ``T='global'``).

        Raises
        ------
        ValueError
            If the transform has no array output (``out_type`` other than ``'array'``, ``T=0``).

        Examples
        --------
        >>> from kymatio.numpy import Scattering1D
        >>> Scattering1D(J=6, shape=512, Q=8).output_shape()
        (126, 8)
        """
        self._check_array_output()
        return (self.output_size(), self._time_length())

    def _check_array_output(self) -> None:
        if self.out_type != "array":
            raise ScatteringValueError(
                f"output_shape() describes the array output, but out_type={self.out_type!r}; set "
                "out_type='array' (the 'dict' and 'list' outputs hold one array per path).")
        self._check_runtime_args()

    def _time_length(self) -> int:
        """Time samples of every path of the array output."""
        if self.average == "global":
            return 1
        return self.ind_end[self.log2_stride] - self.ind_start[self.log2_stride]

    def output_size(self, detail: bool = False):
        """Number of channels ``C``, or the tuple of counts per order with ``detail=True``.

        Parameters
        ----------
        detail : bool
            Count the channels of each order separately.

        Returns
        -------
        int or tuple of int
            ``C``, or ``(1, n1)`` / ``(1, n1, n2)`` (orders 0, 1 and 2).

        Examples
        --------
        >>> from kymatio.numpy import Scattering1D
        >>> S = Scattering1D(J=4, shape=256, Q=2)
        >>> S.output_size(), S.output_size(detail=True)
        (20, (1, 9, 10))
        """
        order = self.meta()["order"]
        if detail:
            return tuple(int(np.sum(order == o)) for o in range(self.max_order + 1))
        return int(order.size)
