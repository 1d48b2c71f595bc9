"""Base class of the 2-D scattering frontends: parameters, filters, padding, output formatting."""
from __future__ import annotations

import numpy as np

from ._errors import ScatteringTypeError, ScatteringValueError
from ._frontend import ScatteringBase, check_choice, check_filter_memory, check_integer, nan_padded
from .filters2d import filter_bank
from .scattering2d import build_plan, path_keys, scattering2d

__all__ = ["ScatteringBase2D", "compute_padding"]

OUT_TYPES = ("array", "list")


def compute_padding(M: int, N: int, J: int) -> tuple[int, int]:
    """Padded size ``(M_pad, N_pad)``: the next multiple of ``2**J`` above the image plus ``2**J``.

    ``M_pad = 2**J * (M // 2**J + 2)``, so that after subsampling by ``2**J`` one border row and column
    on each side can be dropped and ``M // 2**J`` rows remain.

    Parameters
    ----------
    M, N : int
        Image height and width.
    J : int
        Log2 of the subsampling of the output.

    Returns
    -------
    tuple of int
        ``(M_pad, N_pad)``.

    Examples
    --------
    >>> from kymatio.core.frontend2d import compute_padding
    >>> compute_padding(32, 48, 2)
    (40, 56)
    """
    return 2**J * (M // 2**J + 2), 2**J * (N // 2**J + 2)


class ScatteringBase2D(ScatteringBase):  # numpydoc ignore=PR01
    """The 2-D scattering transform, independent of the framework.

    See :class:`kymatio.numpy.Scattering2D` for the parameters.
    """

    _signal_ndim = 2
    _fixed_parameters = ("J", "shape", "L", "backend")

    def __init__(self, J, shape, L=8, max_order=2, pre_pad=False, backend=None, out_type="array"):
        self.J = check_integer(J, "J", minimum=1)
        self.shape = self._parse_shape(shape)
        self.L = check_integer(L, "L", minimum=1)
        self.max_order = max_order
        self.pre_pad = pre_pad
        self.out_type = out_type
        self._instantiate_backend(backend)
        self.build()
        self.create_filters()

    # -- parameters -----------------------------------------------------------------------------
    @staticmethod
    def _parse_shape(shape) -> tuple[int, int]:
        if not isinstance(shape, (tuple, list)) or len(shape) != 2:
            raise ScatteringValueError(
                f"shape must be a tuple (M, N) of two integers, got {shape!r}.")
        return (check_integer(shape[0], "shape[0]", minimum=1),
                check_integer(shape[1], "shape[1]", minimum=1))

    @property
    def out_type(self) -> str:
        """Output format, ``'array'`` or ``'list'`` (settable)."""
        return self._out_type

    @out_type.setter
    def out_type(self, value):
        self._out_type = check_choice(value, "out_type", OUT_TYPES)

    @property
    def pre_pad(self) -> bool:
        """Whether the input is already padded to ``(M_pad, N_pad)`` (settable)."""
        return self._pre_pad

    @pre_pad.setter
    def pre_pad(self, value):
        if not isinstance(value, (bool, np.bool_)):
            raise ScatteringTypeError(
                f"pre_pad must be True or False, got {value!r} of type {type(value).__name__}.")
        self._pre_pad = bool(value)

    @property
    def M(self) -> int:
        """Image height."""
        return self.shape[0]

    @property
    def N(self) -> int:
        """Image width."""
        return self.shape[1]

    # -- construction -----------------------------------------------------------------------
    def build(self):
        """Padded size and reflect-padding widths (top, bottom), (left, right)."""
        M, N = self.shape
        J_max = min(M, N).bit_length() - 1   # 2**J <= min(M, N), without computing 2**J
        if self.J > J_max:
            raise ScatteringValueError(
                f"The smallest dimension should be larger than 2^J: got shape={self.shape} and "
                f"J={self.J}; use J <= {J_max} for this shape.")
        self._M_padded, self._N_padded = compute_padding(M, N, self.J)
        check_filter_memory(self._filter_bytes(),
                            f"J={self.J}, L={self.L}, shape={self.shape}")
        extra_M, extra_N = self._M_padded - M, self._N_padded - N
        self._pad_widths = ((extra_M // 2, (extra_M + 1) // 2), (extra_N // 2, (extra_N + 1) // 2))

    def _filter_bytes(self) -> float:
        """An estimate of the bytes of the filters, from the parameters alone: ``J L`` wavelets and
        the low-pass, each with its levels (4/3 of a padded image at most), float64, held twice (the
        bank and its width-first plan), plus the complex images of one scale while it is built."""
        pixels = float(self._M_padded) * self._N_padded
        bank = 8 * pixels * (self.J * self.L + 1) * 4 / 3
        return 2 * bank + 48 * pixels * self.L

    def create_filters(self):
        """Build the filter bank at the padded size (NumPy float64) and its width-first plan.

        The transform keeps the plan only; :attr:`phi` and :attr:`psi` (the bank as
        :func:`~kymatio.core.filters2d.filter_bank` gives it) are built again on first access.
        """
        bank = filter_bank(self._M_padded, self._N_padded, self.J, self.L)
        self._wavelets = [{k: v for k, v in w.items() if k != "levels"} for w in bank["psi"]]
        self._bank = None
        self._set_filters(build_plan(bank["phi"], bank["psi"], self.J, self.L),
                          rebuild="_filter_plan")

    def _filter_plan(self) -> dict:
        """The width-first plan of the filter bank (what :meth:`create_filters` keeps)."""
        bank = self._bank  # the full bank, kept only where phi or psi was read
        if bank is None:
            bank = filter_bank(self._M_padded, self._N_padded, self.J, self.L)
        return build_plan(bank["phi"], bank["psi"], self.J, self.L)

    def _filter_bank(self) -> dict:
        if self._bank is None:
            self._bank = filter_bank(self._M_padded, self._N_padded, self.J, self.L)
        return self._bank

    @property
    def phi(self) -> dict:
        """The low-pass filter: ``{'levels': [J arrays], 'j', 'xi', 'sigma'}`` (Fourier domain)."""
        return self._filter_bank()["phi"]

    @property
    def psi(self) -> list:
        """The wavelets, entry ``n = j L + theta``: ``{'levels', 'j', 'theta', 'xi', 'sigma'}``."""
        return self._filter_bank()["psi"]

    # -- the transform ----------------------------------------------------------------------
    def scattering(self, x):
        """Scattering coefficients of the images in the last two axes of ``x``.

        ``S(x)`` calls it (in chunks of the batch for the eager frameworks: the same numbers).

        Parameters
        ----------
        x : array
            Real float32 or float64 array of the frontend's framework whose last two axes are
            ``shape`` (or the padded size ``(M_pad, N_pad)`` with ``pre_pad=True``); leading axes
            are batch axes.

        Returns
        -------
        array or list
            For ``out_type='array'``, an array ``batch + (C, M // 2**J, N // 2**J)`` of ``x``'s
            dtype, channel ``c`` described by row ``c`` of :meth:`meta`. For ``'list'``, ``C``
            dicts ``{'coef', 'j', 'n', 'theta'}`` in channel order (``coef`` of shape
            ``batch + (M // 2**J, N // 2**J)``, the others tuples of length 0, 1 or 2).

        Raises
        ------
        TypeError
            If ``x`` is not a real float32/float64 array of the frontend's framework.
        ValueError
            If the last two axes of ``x`` are not the expected size.
        """
        check_choice(self.out_type, "out_type", OUT_TYPES)
        x, dtype = self._prepare_input(x)
        if self.pre_pad:
            padded = (self._M_padded, self._N_padded)
            if tuple(x.shape[-2:]) != padded:
                raise ScatteringValueError(
                    f"With pre_pad=True the input should end with the padded size (M_pad, N_pad) = "
                    f"{padded} (for shape={self.shape} and J={self.J}), got an input of shape "
                    f"{tuple(x.shape)}.")
        else:
            self._check_signal_shape(tuple(x.shape), self.shape)
        batch_shape = self._batch_shape(x)
        backend = self.backend
        x = backend.reshape(x, (-1, 1) + tuple(x.shape[-2:]))
        if not self.pre_pad:
            x = backend.pad(x, self._pad_widths, mode="reflect")
        S = scattering2d(x, backend, self._filters(dtype), self.max_order)
        m, n = S.shape[-2] - 2, S.shape[-1] - 2
        S = backend.crop(S, [(1, 1 + m), (1, 1 + n)])
        if self.out_type == "array":
            return self._reshape_output(S, batch_shape, (S.shape[1], m, n))
        return [{"coef": self._reshape_output(backend.take(S, [c], axis=1), batch_shape, (m, n)),
                 "j": j, "n": key, "theta": theta}
                for c, (key, j, theta) in enumerate(path_keys(self.J, self.L, self.max_order))]

    def meta(self) -> dict:
        """Description of every output channel, row ``c`` for channel ``c`` of the array output.

        Returns
        -------
        dict
            ``order`` (C,) ints; ``key`` list of path tuples ``n`` (``n = j * L + theta``); ``n``,
            ``j``, ``theta``, ``xi``, ``sigma``: float arrays ``(C, max_order)`` describing the
            wavelets along the path, NaN-padded (the order-0 row is all NaN).
        """
        keys = path_keys(self.J, self.L, self.max_order)

        def padded(rows):
            return nan_padded(rows, self.max_order)

        return {
            "order": np.array([len(key) for key, _, _ in keys]),
            "key": [key for key, _, _ in keys],
            "n": padded(key for key, _, _ in keys),
            "j": padded(j for _, j, _ in keys),
            "theta": padded(theta for _, _, theta in keys),
            "xi": padded([self._wavelets[n]["xi"] for n in key] for key, _, _ in keys),
            "sigma": padded([self._wavelets[n]["sigma"] for n in key] for key, _, _ in keys),
        }

    def output_shape(self) -> tuple[int, int, int]:
        """Shape ``(C, M // 2**J, N // 2**J)`` of one image's coefficients in the array output,
        found from the parameters without computing them.

        Returns
        -------
        tuple of int
            ``(C, M // 2**J, N // 2**J)`` with ``C = output_size()``.

        Raises
        ------
        ValueError
            If ``out_type`` is not ``'array'``.

        Examples
        --------
        >>> from kymatio.numpy import Scattering2D
        >>> Scattering2D(J=2, shape=(32, 48), L=4).output_shape()
        (25, 8, 12)
        """
        if self.out_type != "array":
            raise ScatteringValueError(
                f"output_shape() describes the array output, but out_type={self.out_type!r}; set "
                "out_type='array' (the 'list' output holds one array per path).")
        step = 2**self.J
        return (self.output_size(), self.M // step, self.N // step)

    def output_size(self, detail: bool = False):
        """Number of channels ``C``, or the tuple of counts per order with ``detail=True``.

        ``C = 1 + L J + L**2 J (J - 1) / 2`` for ``max_order=2`` and ``1 + L J`` for ``max_order=1``.

        Parameters
        ----------
        detail : bool
            Count the channels of each order separately.

        Returns
        -------
        int or tuple of int
            ``C``, or ``(1, L J)`` / ``(1, L J, L**2 J (J - 1) / 2)``.

        Examples
        --------
        >>> from kymatio.numpy import Scattering2D
        >>> Scattering2D(J=3, shape=(64, 64), L=8).output_size(detail=True)
        (1, 24, 192)
        """
        J, L = self.J, self.L
        counts = (1, L * J, L * L * J * (J - 1) // 2)[: self.max_order + 1]
        return tuple(counts) if detail else sum(counts)
