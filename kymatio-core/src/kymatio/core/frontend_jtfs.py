"""Base class of the joint time-frequency scattering frontends (JTFS).

It extends :class:`~kymatio.core.frontend1d.ScatteringBase1D`: the time part (parameters, padding,
filter banks, width-first plan) is the 1-D one; this module adds the frequential filters, the
frequential parameters and the output formats.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ._errors import ScatteringValueError, UnsupportedParameterError
from ._frontend import check_choice, check_filter_memory, check_integer, nan_padded
from .filters1d import anden_generator, scattering_filter_factory, spin
from .frontend1d import OUT_TYPES, ScatteringBase1D, parse_stride, parse_T
from .scattering_jtfs import build_frequency_plan, scattering_jtfs

__all__ = ["TimeFrequencyScatteringBase", "parse_Q_fr"]

FORMATS = ("time", "joint")


def parse_Q_fr(Q_fr: Any) -> tuple[int]:
    """Normalise ``Q_fr`` to a 1-tuple of an integer >= 1.

    Parameters
    ----------
    Q_fr : int or tuple of one int
        Frequential wavelets per octave, as the user gave it.

    Returns
    -------
    tuple of int
        ``(Q_fr,)``.

    Raises
    ------
    ValueError
        If ``Q_fr < 1`` or it is not an integer.
    NotImplementedError
        If it is a tuple of another length (``UnsupportedParameterError``).

    Examples
    --------
    >>> from kymatio.core.frontend_jtfs import parse_Q_fr
    >>> parse_Q_fr(2), parse_Q_fr((1,))
    ((2,), (1,))
    """
    entries = Q_fr if isinstance(Q_fr, tuple) else (Q_fr,)
    for q in entries:
        if isinstance(q, numbers.Real) and not isinstance(q, (bool, np.bool_)) and q < 1:
            raise ScatteringValueError(f"Q_fr must be >= 1, got {Q_fr!r}.")
    if isinstance(Q_fr, tuple):
        if len(Q_fr) != 1:
            raise UnsupportedParameterError(
                "Q_fr must be an integer or 1-tuple. Time-frequency scattering beyond order 2 is "
                f"not implemented. Got: {Q_fr!r}")
        Q_fr = Q_fr[0]
    if isinstance(Q_fr, numbers.Integral) and not isinstance(Q_fr, (bool, np.bool_)):
        return (int(Q_fr),)
    raise ScatteringValueError(
        f"Q_fr must be an integer or 1-tuple of an integer, got {Q_fr!r} of type "
        f"{type(Q_fr).__name__}.")


class TimeFrequencyScatteringBase(ScatteringBase1D):  # numpydoc ignore=PR01
    """Joint time-frequency scattering, independent of the framework.

    See :class:`kymatio.numpy.TimeFrequencyScattering` for the parameters.
    """

    oversampling_fr = 0
    _fixed_parameters = ScatteringBase1D._fixed_parameters + ("J_fr", "Q_fr", "F", "stride_fr")

    def __init__(self, J, J_fr, Q, shape, T=None, stride=None, Q_fr=1, F=None, stride_fr=None,
                 out_type="array", format="time", backend=None):
        self._init_time(J, shape, Q, T, stride, 2, None, out_type)
        self.J_fr = check_integer(J_fr, "J_fr", minimum=0)
        # The frequential grid is a multiple of 2**J_fr: refuse before computing with 2**J_fr.
        check_filter_memory(8 * 2.0 ** min(self.J_fr, 1000), f"J_fr={self.J_fr}")
        self.Q_fr = parse_Q_fr(Q_fr)
        self.format = format
        self._F = F
        self._stride_fr = stride_fr
        self.F  # validates F against the frequential length
        self._log2_stride_fr = parse_stride(stride_fr, self.average_fr, F, name="stride_fr",
                                             T_name="F")
        self._instantiate_backend(backend)
        self.build()
        self.create_filters()

    # -- parameters -----------------------------------------------------------------------------
    @property
    def max_order(self) -> int:
        """Always 2: JTFS has orders 0, 1 and 2."""
        return 2

    @max_order.setter
    def max_order(self, value):
        if value != 2 or isinstance(value, bool):
            raise ScatteringValueError(
                f"TimeFrequencyScattering computes orders 0 to 2 only: max_order is fixed to 2, "
                f"got {value!r}.")

    @property
    def format(self) -> str:
        """``'time'`` (one channel per first-order index and path) or ``'joint'`` (the
        first-order index kept as an axis)."""
        return self._format

    @format.setter
    def format(self, value):
        if not isinstance(value, str) or value not in FORMATS:
            raise ScatteringValueError(f"format must be 'time' or 'joint'. Got: {value!r}")
        self._format = value

    @property
    def N_input_fr(self) -> int:
        """The frequential length the padding is designed for: ``(J + 1) * Q1``."""
        return (self.J + 1) * self.Q[0]

    @property
    def F(self):
        """The frequential averaging scale, in first-order channels (``2**J_fr`` by default)."""
        return parse_T(self._F, self.J_fr, self.N_input_fr, "F")[0]

    @property
    def average_fr(self):
        """``'local'``, ``'global'`` or ``False`` (``F=0``: no frequential averaging)."""
        return parse_T(self._F, self.J_fr, self.N_input_fr, "F")[1]

    @property
    def log2_F(self) -> int:
        """``floor(log2(F))``."""
        return int(math.floor(math.log2(self.F)))

    @property
    def log2_stride_fr(self) -> int:
        """The log2 of :attr:`stride_fr`."""
        return self.log2_F if self._log2_stride_fr is None else self._log2_stride_fr

    @property
    def stride_fr(self) -> int:
        """Subsampling along the first-order axis: the ``stride_fr`` given, else ``2**log2_F``."""
        return 2**self.log2_stride_fr

    @property
    def filterbank_fr(self):
        """The frequential filter bank's ``(generator, kwargs)``: the Andén generator, spinned."""
        return spin(anden_generator, {"alpha": self.alpha, "r_psi": self.r_psi,
                                      "sigma0": self.sigma0})

    # -- construction -------------------------------------------------------------------------
    def build(self):
        """Time padding (as in 1-D) and the padded frequential length ``N_fr``."""
        super().build()
        if self.average is False:   # first-order JTFS paths are averaged at 2**J even with T=0
            self._check_output_length(self.log2_stride)
        min_to_pad_fr = 8 * min(self.F, 2**self.J_fr)
        K_fr = max(self.J_fr - self.oversampling_fr, 0)
        # int(): F may be a float (F=4.0, F=4.5), which the reference accepted and then failed on.
        N_fr = int((self.N_input_fr + min_to_pad_fr) // 2**K_fr) * 2**K_fr
        # The reference's length, unless it cannot hold the filters' subsamplings or the
        # first-order index (then it failed): the next multiple of the largest subsampling.
        K = max(K_fr, self.log2_F, self.log2_stride_fr)
        self._N_padded_fr = max(-(-N_fr // 2**K), 1) * 2**K
        check_filter_memory(self._time_filter_bytes() + self._frequency_filter_bytes(),
                            f"{self._memory_parameters()}, J_fr={self.J_fr}, Q_fr={self.Q_fr}, "
                            f"F={self._F!r}, stride_fr={self._stride_fr!r}")

    def _frequency_filter_bytes(self) -> float:
        """An upper estimate of the bytes of the frequential filters and their plan: the two
        low-pass filters (at most two arrays of length ``N_fr`` each, with their levels) and the
        ``2 Q_fr (J_fr + 2)`` spinned wavelets at most, one array each; the plan copies them."""
        arrays = 4 + 2 * self.Q_fr[0] * (self.J_fr + 2)
        return 2 * 8 * float(self._N_padded_fr) * arrays

    def create_filters(self):
        """Time filters and plan (as in 1-D), then the frequential filters and their plan."""
        time_plan = self._time_plan()
        n1_count = len(self.psi1_f)
        if self._N_padded_fr < n1_count:
            K = int(math.log2(self._N_padded_fr & -self._N_padded_fr))
            self._N_padded_fr = -(-n1_count // 2**K) * 2**K
        N_fr = self._N_padded_fr
        phi_F = scattering_filter_factory(N_fr, self.J_fr, (), self.F, self.filterbank_fr,
                                          _reduction=self._reduction)[0]
        phi_J, psis = scattering_filter_factory(N_fr, self.J_fr, self.Q_fr, 2**self.J_fr,
                                                self.filterbank_fr, _reduction=self._reduction)
        self.filters_fr = (phi_F, [phi_J] + psis)
        freq_plan = build_frequency_plan(phi_F, self.filters_fr[1], self.log2_stride_fr,
                                         self.average_fr, self._reduction)
        self._set_filters({"time": time_plan, "freq": freq_plan})

    # -- paths ----------------------------------------------------------------------------------
    def _check_runtime_args(self):
        check_choice(self.out_type, "out_type", OUT_TYPES)
        if self.format not in FORMATS:
            raise ScatteringValueError(f"format must be 'time' or 'joint'. Got: {self.format!r}")
        if self.out_type == "array" and not self.average:
            raise ScatteringValueError(
                "Cannot convert to out_type='array' with T=0. Please set out_type to 'dict' or "
                "'list'.")
        if self.out_type == "array" and self.format == "joint" and not self.average_fr:
            raise ScatteringValueError(
                "Cannot convert to format='joint' with out_type='array' and F=0. Please set "
                "out_type to 'dict' or 'list', or format to 'time'.")

    def _spin0_to_grid(self) -> bool:
        """Whether the spin-0 paths are averaged by phi_F too, so that every channel of the joint
        array shares one frequential grid (only where the reference's grids differ)."""
        if self.format != "joint" or self.out_type != "array" or not self.average_fr:
            return False
        return self.average_fr == "global" or self.log2_stride_fr > self.J_fr

    def _frequency_layout(self, n_fr: int, n1_max: int, spin0_to_grid: bool) -> tuple[int, int]:
        """``(rows, n1_stride)``: rows computed along the first-order index, and their spacing."""
        filt = self.filters_fr[1][n_fr]
        N_fr, s_fr, average_fr = self._N_padded_fr, self.log2_stride_fr, self.average_fr
        k = min(filt["j"], s_fr) if average_fr == "local" else filt["j"]
        if average_fr and (n_fr != 0 or spin0_to_grid):
            if average_fr == "global":
                return 1, n1_max
            return N_fr // 2**s_fr, 2**s_fr
        if n_fr == 0:
            return N_fr // 2**k, 2**self.J_fr
        return N_fr // 2**k, 2**filt["j"]

    def _paths(self) -> list[dict]:
        """The joint paths in the order of the output, with their layout along ``n1``."""
        spin0_to_grid = self._spin0_to_grid()
        n1_count = len(self.psi1_f)
        psi_fr = self.filters_fr[1]
        paths = []
        second = [(None, n1_count, [n for n, f in enumerate(psi_fr) if f["xi"] >= 0])]
        for n2, psi2 in enumerate(self.psi2_f):
            n1_max = sum(psi1["j"] < psi2["j"] for psi1 in self.psi1_f)
            if n1_max:
                second.append((n2, n1_max, list(range(len(psi_fr)))))
        for n2, n1_max, n_frs in second:
            for n_fr in n_frs:
                rows, n1_stride = self._frequency_layout(n_fr, n1_max, spin0_to_grid)
                if self.format == "time":
                    kept = len(range(0, n1_max, n1_stride))
                elif self.out_type == "array":
                    kept = rows
                else:
                    kept = min(rows, 1 + n1_max // n1_stride)
                paths.append({"n2": n2, "n_fr": n_fr, "n1_max": n1_max, "n1_stride": n1_stride,
                              "rows": kept})
        return paths

    def _channels(self, paths: list[dict]) -> list[tuple]:
        """``(path index, row)`` of every output channel in order; ``(None, None)`` is order 0."""
        channels = [] if (self.format == "joint" and self.out_type == "array") else [(None, None)]
        for p, path in enumerate(paths):
            if self.format == "time":
                channels.extend((p, i) for i in range(path["rows"]))
            else:
                channels.append((p, None))
        return channels

    def _key(self, path: dict | None, row: int | None) -> tuple:
        if path is None:
            return ()
        tail = (path["n_fr"],) if path["n2"] is None else (path["n2"], path["n_fr"])
        return tail if row is None else (row * path["n1_stride"],) + tail

    # -- the transform ----------------------------------------------------------------------
    def scattering(self, x):
        """Joint time-frequency scattering coefficients of the signals in the last axis of ``x``.

        ``S(x)`` calls it (in chunks of the batch for the eager frameworks: the same numbers).

        Parameters
        ----------
        x : array
            Real float32 or float64 array of the frontend's framework whose last axis has length
            ``shape[0]``; leading axes are batch axes.

        Returns
        -------
        array, dict or list
            For ``out_type='array'``, ``batch + (C, T_out)`` (``format='time'``) or
            ``batch + (C, F_out, T_out)`` (``format='joint'``, order 0 left out); for ``'dict'``,
            ``{key: coef}``; for ``'list'``, dicts ``{'coef', 'order', 'n', 'j', 'n_fr', 'j_fr',
            'spin'}``. Channels, keys and list entries all come in the order of :meth:`meta`.

        Raises
        ------
        TypeError
            If ``x`` is not a real float32/float64 array of the frontend's framework.
        ValueError
            If the last axis of ``x`` is not ``shape[0]`` long, or the output format has no array
            form (``T=0``, or ``F=0`` with ``format='joint'``) and ``out_type='array'``.
        """
        self._check_runtime_args()
        x, dtype = self._prepare_input(x)
        self._check_signal_shape(tuple(x.shape), self.shape)
        batch_shape = self._batch_shape(x)
        backend = self.backend
        x = backend.reshape(x, (-1, 1, self.shape[0]))
        x = backend.pad(x, [(self.pad_left, self.pad_right)], mode="reflect")
        order0, res0, blocks = scattering_jtfs(
            x, backend, self._filters(dtype), self.average, self._spin0_to_grid(),
            self._N_padded_fr)
        if self.average == "global":   # the core summed every joint path over time already
            order0 = backend.sum(order0, axis=-1, keepdims=True)
        else:
            order0 = self._unpad_time(order0, res0)
            for block in blocks:
                block.coef = self._unpad_time(block.coef, block.res)
        where = {}
        for b, block in enumerate(blocks):
            for m, n2 in enumerate(block.n2):
                for k, n_fr in enumerate(block.n_fr):
                    where[(n2, n_fr)] = (b, m, k)
        paths = self._paths()
        channels = self._channels(paths)
        T_out = order0.shape[-1]

        if self.out_type == "array":
            flat, offsets, total = [], [], 0
            if self.format == "time":
                flat.append(order0)
                total = 1
            for block in blocks:
                _, M, K, F, T = block.coef.shape
                if self.format == "time":
                    flat.append(backend.reshape(block.coef, (-1, M * K * F, T)))
                    count = M * K * F
                else:
                    flat.append(backend.reshape(block.coef, (-1, M * K, F, T)))
                    count = M * K
                offsets.append(total)
                total += count
            index = []
            for p, row in channels:
                if p is None:
                    index.append(0)
                    continue
                b, m, k = where[(paths[p]["n2"], paths[p]["n_fr"])]
                _, M, K, F, _ = blocks[b].coef.shape
                if self.format == "time":
                    index.append(offsets[b] + (m * K + k) * F + row)
                else:
                    index.append(offsets[b] + m * K + k)
            out = backend.take(backend.concatenate(flat, axis=1), index, axis=1)
            return self._reshape_output(out, batch_shape, tuple(out.shape[1:]))

        entries = []
        for p, row in channels:
            if p is None:
                coef = self._reshape_output(order0, batch_shape, (T_out,))
                entries.append(((), coef, None))
                continue
            path = paths[p]
            b, m, k = where[(path["n2"], path["n_fr"])]
            coef = blocks[b].coef
            _, M, K, F, T = coef.shape
            coef = backend.take(backend.reshape(coef, (-1, M * K, F, T)), [m * K + k], axis=1)
            if row is None:
                coef = backend.crop(coef, [(0, path["rows"]), (0, T)])
                coef = self._reshape_output(coef, batch_shape, (path["rows"], T))
            else:
                coef = backend.crop(coef, [(row, row + 1), (0, T)])
                coef = self._reshape_output(coef, batch_shape, (T,))
            entries.append((self._key(path, row), coef, (path, row)))
        if self.out_type == "dict":
            return {key: coef for key, coef, _ in entries}
        return [self._list_entry(key, coef, info) for key, coef, info in entries]

    def _unpad_time(self, coef, res):
        """Keep the samples of the unpadded signal, at time resolution ``2**res``."""
        return self.backend.crop(coef, [(self.ind_start[res], self.ind_end[res])])

    def _list_entry(self, key, coef, info):
        if info is None:
            return {"coef": coef, "order": 0, "n": (), "j": (), "n_fr": (), "j_fr": (), "spin": 0}
        path, row = info
        filt = self.filters_fr[1][path["n_fr"]]
        if self.format == "time":
            n1 = row * path["n1_stride"]
            j = (self.psi1_f[n1]["j"],)
        else:
            j = (-1,)
        order = 1
        if path["n2"] is not None:
            j = j + (self.psi2_f[path["n2"]]["j"],)
            order = 2
        entry = {"coef": coef, "order": order, "n": key, "j": j, "n_fr": (path["n_fr"],),
                 "j_fr": (filt["j"],), "spin": int(np.sign(filt["xi"]))}
        if self.format == "joint":
            entry["n1_max"] = path["n1_max"]
            entry["n1_stride"] = path["n1_stride"]
        return entry

    # -- description ------------------------------------------------------------------------
    def meta(self) -> dict:
        """Description of every output channel, row ``c`` for channel ``c`` of the output.

        The rows follow the array channels (and the dict/list entries, which include order 0 also
        for ``format='joint'``). Fields: ``order`` (C,) ints; ``key`` the path tuples; ``n``
        (time format: float ``(C, 2)`` of ``[n1, n2]``; joint: object ``(C, 2)`` of
        ``[range(0, n1_max, n1_stride), n2]``); ``xi``, ``sigma``, ``j`` ``(C, 2)`` of the time
        wavelets (NaN where none; the first column is NaN for joint paths, which span every
        ``n1``); ``n_fr``, ``xi_fr``, ``sigma_fr``, ``j_fr``, ``spin`` ``(C,)`` of the frequential
        wavelet (NaN for order 0).

        Returns
        -------
        dict
            The fields above, one row per channel.

        Examples
        --------
        >>> from kymatio.numpy import TimeFrequencyScattering
        >>> meta = TimeFrequencyScattering(J=4, J_fr=2, Q=4, shape=256).meta()
        >>> meta["key"][:3], meta["spin"][:6].tolist()
        ([(), (0, 0), (4, 0)], [nan, 0.0, 0.0, 0.0, 0.0, 1.0])
        """
        paths = self._paths()
        channels = self._channels(paths)
        psi_fr = self.filters_fr[1]
        rows = {f: [] for f in ("xi", "sigma", "j")}
        fr = {f: [] for f in ("n_fr", "xi_fr", "sigma_fr", "j_fr", "spin")}
        order, keys, n = [], [], []
        for p, row in channels:
            path = None if p is None else paths[p]
            keys.append(self._key(path, row))
            if path is None:
                order.append(0)
                n.append([np.nan, np.nan])
                for field in rows:
                    rows[field].append([np.nan, np.nan])
                for field in fr:
                    fr[field].append(np.nan)
                continue
            n2 = path["n2"]
            order.append(1 if n2 is None else 2)
            if row is None:
                n1_entry = range(0, path["n1_max"], path["n1_stride"])
                first = {field: np.nan for field in rows}
            else:
                n1_entry = row * path["n1_stride"]
                first = {field: self.psi1_f[n1_entry][field] for field in rows}
            n.append([n1_entry, np.nan if n2 is None else n2])
            for field in rows:
                rows[field].append([first[field],
                                    np.nan if n2 is None else self.psi2_f[n2][field]])
            filt = psi_fr[path["n_fr"]]
            fr["n_fr"].append(path["n_fr"])
            fr["xi_fr"].append(filt["xi"])
            fr["sigma_fr"].append(filt["sigma"])
            fr["j_fr"].append(filt["j"])
            fr["spin"].append(np.sign(filt["xi"]))
        meta = {"order": np.array(order, dtype=int), "key": keys}
        if self.format == "time":
            meta["n"] = nan_padded(n, 2)
        else:
            meta["n"] = np.empty((len(n), 2), dtype=object)
            for i, entry in enumerate(n):
                meta["n"][i, 0], meta["n"][i, 1] = entry
        for field in rows:
            meta[field] = nan_padded(rows[field], 2)
        for field in fr:
            meta[field] = np.array(fr[field], dtype=float)
        return meta

    def output_shape(self) -> tuple[int, ...]:
        """Shape of one signal's coefficients in the array output, found from the parameters
        without computing them: ``(C, T_out)`` for ``format='time'``, ``(C, F_out, T_out)`` for
        ``format='joint'`` (every joint path shares one frequential grid of ``F_out`` rows).

        Returns
        -------
        tuple of int
            ``(C, T_out)`` or ``(C, F_out, T_out)``.

        Raises
        ------
        ValueError
            If the transform has no array output (``out_type`` other than ``'array'``, ``T=0``,
            ``F=0`` with ``format='joint'``).

        Examples
        --------
        >>> from kymatio.numpy import TimeFrequencyScattering
        >>> TimeFrequencyScattering(J=6, J_fr=2, Q=8, shape=512, format="joint").output_shape()
        (32, 22, 8)
        """
        self._check_array_output()
        if self.format == "time":
            return (self.output_size(), self._time_length())
        return (self.output_size(), self._paths()[0]["rows"], self._time_length())

    def output_size(self, detail: bool = False):
        """Number of channels ``C``, or the counts per order ``(n0, n1, n2)`` with ``detail``.

        Parameters
        ----------
        detail : bool
            Count the channels of each order separately.

        Returns
        -------
        int or tuple of int
            ``C``, or ``(n0, n1, n2)`` (``n0 = 0`` for ``format='joint'`` with
            ``out_type='array'``, whose array has no order 0).

        Examples
        --------
        >>> from kymatio.numpy import TimeFrequencyScattering
        >>> TimeFrequencyScattering(J=4, J_fr=2, Q=4, shape=256).output_size(detail=True)
        (1, 16, 35)
        """
        order = self.meta()["order"]
        if detail:
            return tuple(int(np.sum(order == o)) for o in range(3))
        return int(order.size)
