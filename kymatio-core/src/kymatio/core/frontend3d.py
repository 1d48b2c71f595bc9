"""Base class of the 3-D solid-harmonic scattering frontends: parameters, filters, output formatting."""
from __future__ import annotations

import math
import numbers
import numpy as np

from ._errors import ScatteringTypeError, ScatteringValueError
from ._frontend import ScatteringBase, check_choice, check_filter_memory, check_integer, nan_padded
from .filters3d import (check_positive_real, gaussian_filter_bank, solid_harmonic_factors,
                        solid_harmonic_filter_bank)
from .scattering3d import path_keys, scattering3d

__all__ = ["ScatteringBase3D"]

METHODS = ("integral",)


def _check_rotation_covariant(value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ScatteringTypeError(
            f"rotation_covariant must be True or False, got {value!r} of type "
            f"{type(value).__name__}.")
    return bool(value)


def _check_integral_powers(value) -> tuple[float, ...]:
    """The powers as a tuple of floats: a non-empty 1-D sequence of finite real numbers."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise ScatteringTypeError(
            f"integral_powers must be a non-empty sequence of real numbers such as (0.5, 1.0, 2.0), "
            f"got {value!r} of type {type(value).__name__}.")
    values = list(value.tolist() if isinstance(value, np.ndarray) else value)
    if not values:
        raise ScatteringValueError(
            f"integral_powers must be a non-empty sequence of real numbers, got {value!r}.")
    for p in values:
        if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real):
            raise ScatteringTypeError(
                f"integral_powers must contain real numbers only, got {p!r} of type "
                f"{type(p).__name__} in {value!r}.")
        if not math.isfinite(p):
            raise ScatteringValueError(
                f"integral_powers must contain finite numbers only, got {p!r} in {value!r}.")
    return tuple(float(p) for p in values)


class ScatteringBase3D(ScatteringBase):  # numpydoc ignore=PR01
    """The 3-D solid-harmonic scattering transform, independent of the framework.

    See :class:`kymatio.numpy.HarmonicScattering3D` for the parameters.
    """

    _signal_ndim = 3
    _fixed_parameters = ("J", "shape", "L", "sigma_0", "backend")

    def __init__(self, J, shape, L=3, sigma_0=1, max_order=2, rotation_covariant=True,
                 method="integral", points=None, integral_powers=(0.5, 1.0, 2.0), backend=None):
        self.J = check_integer(J, "J", minimum=0)
        self.shape = self._parse_shape(shape)
        self.L = check_integer(L, "L", minimum=0)
        self.sigma_0 = check_positive_real(sigma_0, "sigma_0")
        # Read (and checked) again at every call: users may change them after construction.
        self.max_order = max_order
        self.rotation_covariant = rotation_covariant
        self.method = method
        self.integral_powers = integral_powers
        self._check_call_parameters()
        self.points = points
        self._gaussian_filters = None
        self._instantiate_backend(backend)
        self.build()

    @staticmethod
    def _parse_shape(shape) -> tuple[int, int, int]:
        if not isinstance(shape, (tuple, list)) or len(shape) != 3:
            raise ScatteringValueError(
                f"shape must be a tuple (M, N, O) of three integers, got {shape!r}.")
        return tuple(check_integer(n, f"shape[{i}]", minimum=1) for i, n in enumerate(shape))

    def _check_call_parameters(self) -> tuple[int, bool, tuple[float, ...]]:
        """Validate the mutable attributes; return ``max_order``, ``rotation_covariant``, powers."""
        check_choice(self.method, "method", METHODS)
        return (self.max_order, _check_rotation_covariant(self.rotation_covariant),
                _check_integral_powers(self.integral_powers))

    @property
    def out_type(self) -> str:
        """Always ``'array'``, the only output of the 3-D transform (assigning another is refused)."""
        return "array"

    @out_type.setter
    def out_type(self, value):
        if not (isinstance(value, str) and value == "array"):
            raise ScatteringValueError(
                f"{type(self).__name__} has the array output only: out_type must be 'array', got "
                f"{value!r}.")

    def _check_scales(self) -> None:
        """Refuse widths ``sigma_0 * 2**j`` whose wavelets cannot be computed: the moduli's scales
        ``(sigma_0 * 2**j)**l`` must be finite in float32 (an infinite scale times a vanishing
        Gaussian gives NaN), and so must the widest width itself (beyond, its Fourier Gaussian
        divides 0 by 0 at the origin)."""
        log2_width = math.log2(self.sigma_0) + self.J
        if max(self.L, 1) * log2_width >= 128:
            raise ScatteringValueError(
                f"sigma_0={self.sigma_0}, J={self.J} and L={self.L} give wavelets too wide to "
                f"compute: the widest has width sigma_0 * 2**J = 2**{log2_width:.4g}, and "
                f"width**max(L, 1) must stay below 2**128 (the float32 range). Use a smaller "
                "sigma_0, J or L.")

    def _filter_bytes(self) -> float:
        """The bytes of the factored filter bank: ``J + 1`` float64 Gaussians and ``(L + 1)**2``
        complex128 harmonic factors, each a volume of the input's size."""
        voxels = float(math.prod(self.shape))
        return voxels * (8 * (self.J + 1.0) + 16 * (self.L + 1.0) ** 2)

    # -- construction -----------------------------------------------------------------------
    def build(self):
        """Build the solid harmonic filter bank, factored (NumPy float64, Fourier domain)."""
        check_filter_memory(self._filter_bytes(),
                            f"J={self.J}, L={self.L}, shape={self.shape}")
        self._check_scales()
        self._full_filters = None
        self._set_filters(self._factor_plan(), rebuild="_factor_plan")

    def _factor_plan(self) -> dict:
        """The factored bank the algorithm takes (:func:`~kymatio.core.scattering3d.scattering3d`)."""
        M, N, O = self.shape
        factors = solid_harmonic_factors(M, N, O, self.J, self.L, self.sigma_0)
        return {"gaussians": factors["gaussians"], "harmonics": factors["harmonics"],
                "scales": tuple(tuple(float(s) for s in row) for row in factors["scales"]),
                "paired": factors["paired"]}

    @property
    def filters(self) -> list:
        """The solid harmonic wavelets, entry ``l`` ``(J + 1, 2l + 1, M, N, O)`` complex128 (Fourier
        domain), as :func:`~kymatio.core.filters3d.solid_harmonic_filter_bank` gives them.

        The transform uses the factored bank (``J + 1`` Gaussians, ``(L + 1)**2`` harmonic factors,
        a third of the memory at ``J = 2``); this full bank is built on first access.
        """
        if self._full_filters is None:
            M, N, O = self.shape
            self._full_filters = solid_harmonic_filter_bank(M, N, O, self.J, self.L, self.sigma_0)
        return self._full_filters

    @property
    def gaussian_filters(self) -> np.ndarray:
        """Gaussians of widths ``sigma_0 * 2**j``, ``j = 0..J+1``: ``(J + 2, M, N, O)`` complex128.

        Not used by the transform; built on first access.
        """
        if self._gaussian_filters is None:
            M, N, O = self.shape
            self._gaussian_filters = gaussian_filter_bank(M, N, O, self.J + 1, self.sigma_0)
        return self._gaussian_filters

    # -- the transform ----------------------------------------------------------------------
    def scattering(self, x):
        """Solid-harmonic scattering integrals of the volumes in the last three axes of ``x``.

        ``S(x)`` calls it (in chunks of the batch for the eager frameworks: the same numbers).

        Parameters
        ----------
        x : array
            Real float32 or float64 array of the frontend's framework whose last three axes are
            ``shape``; leading axes are batch axes.

        Returns
        -------
        array
            ``batch + (K, L + 1, P)`` of the input's float dtype, with ``K = output_size()`` rows
            described by :meth:`meta`, one column per degree ``l`` and one entry per integral power.

        Raises
        ------
        TypeError
            If ``x`` is not a real float32/float64 array of the frontend's framework.
        ValueError
            If the last three axes of ``x`` are not ``shape``.
        """
        max_order, rotation_covariant, powers = self._check_call_parameters()
        x, dtype = self._prepare_input(x)
        self._check_signal_shape(tuple(x.shape), self.shape)
        batch_shape = self._batch_shape(x)
        kept = (len(path_keys(self.J, max_order)), self.L + 1, len(powers))
        x = self.backend.reshape(x, (-1,) + self.shape)
        if x.shape[0] == 0:
            # An empty batch gives an empty output, as in 1-D and 2-D: slice the (empty) input to
            # the output's size rather than run the transform on nothing.
            size = math.prod(kept)
            if math.prod(self.shape) < size:
                raise ScatteringValueError(
                    f"Input is empty: got an input of shape {tuple(batch_shape + self.shape)} with "
                    "no volume, for a volume too small to shape an empty output; pass at least one.")
            S = self.backend.crop(self.backend.reshape(x, (0, math.prod(self.shape))), [(0, size)])
        else:
            plan = self._filters(dtype)
            # The orders that pair at this precision (filters3d.PAIRING_RTOL).
            plan = dict(plan, paired=plan["paired"][dtype])
            S = scattering3d(x, self.backend, plan, rotation_covariant, max_order, powers)
        return self._reshape_output(S, batch_shape, kept)

    def meta(self) -> dict:
        """Description of the three output axes ``(K, L + 1, P)``.

        Returns
        -------
        dict
            For the ``K`` rows: ``order`` (K,) ints (1 or 2); ``key`` list of scale tuples
            ``(j1,)`` or ``(j1, j2)``; ``j`` and ``sigma`` float arrays ``(K, max_order)`` (the scales
            and the wavelet widths ``sigma_0 * 2**j`` along the path, NaN-padded). For the other
            axes: ``l`` (L + 1,) the degrees, and ``integral_powers`` (P,) the powers.
        """
        max_order, _, powers = self._check_call_parameters()
        keys = path_keys(self.J, max_order)
        j = nan_padded(keys, max_order)
        return {
            "order": np.array([len(key) for key in keys]),
            "key": keys,
            "j": j,
            "sigma": self.sigma_0 * 2.0**j,
            "l": np.arange(self.L + 1),
            "integral_powers": np.array(powers),
        }

    def output_shape(self) -> tuple[int, int, int]:
        """Shape ``(K, L + 1, P)`` of one volume's coefficients, found from the parameters without
        computing them (``P = len(integral_powers)``).

        Returns
        -------
        tuple of int
            ``(K, L + 1, P)`` with ``K = output_size()``.

        Examples
        --------
        >>> from kymatio.numpy import HarmonicScattering3D
        >>> HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2).output_shape()
        (6, 3, 3)
        """
        max_order, _, powers = self._check_call_parameters()
        return (len(path_keys(self.J, max_order)), self.L + 1, len(powers))

    def output_size(self, detail: bool = False):
        """Number ``K`` of rows of the output (its third-to-last axis).

        ``K = (J + 1) + J (J + 1) / 2`` for ``max_order=2`` and ``J + 1`` for ``max_order=1``. With
        ``detail=True``, the tuple of counts per order: ``(J + 1, J (J + 1) / 2)`` or ``(J + 1,)``.
        The whole output has ``K * (L + 1) * len(integral_powers)`` values per volume.

        Parameters
        ----------
        detail : bool
            Count the rows of each order separately.

        Returns
        -------
        int or tuple of int
            ``K``, or the counts per order.

        Examples
        --------
        >>> from kymatio.numpy import HarmonicScattering3D
        >>> S = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2)
        >>> S.output_size(), S.output_size(detail=True)
        (6, (3, 3))
        """
        max_order = self.max_order
        counts = (self.J + 1, self.J * (self.J + 1) // 2)[:max_order]
        return tuple(counts) if detail else sum(counts)
