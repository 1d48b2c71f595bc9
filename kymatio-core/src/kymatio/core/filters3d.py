r"""The solid-harmonic filter bank of :class:`~kymatio.numpy.HarmonicScattering3D`, built once in NumPy float64.

Grid. For a volume ``(M, N, O)`` each axis carries the integer coordinates
:math:`a \in [-\lceil M/2 \rceil, -\lceil M/2 \rceil + M)`, rolled by :math:`-\lfloor M/2 \rfloor`
(``ifftshift``), so that index 0 holds coordinate 0 for even sizes and -1 for odd sizes. The odd-size
offset is the reference implementation's and is kept: it defines the coefficients users trained on. In
the Fourier domain each axis is scaled by :math:`2\pi / M` (resp. ``N``, ``O``) into angular
frequencies :math:`\omega`. Axis 0 is :math:`z`, axis 1 is :math:`y`, axis 2 is :math:`x`.

Angles (the reference's convention, also kept): azimuth :math:`\varphi = \mathrm{atan2}(y, x)` and
polar angle :math:`\theta = \mathrm{atan2}(z, \sqrt{x^2 + y^2}) + \pi/2`, which is :math:`\pi` minus the
usual colatitude, so that :math:`\cos\theta = -z/r` and :math:`\sin\theta = \sqrt{x^2+y^2}/r`.

Solid harmonic wavelet of degree :math:`l`, order :math:`m = -l..l` and width :math:`\sigma`:

.. math::

    \hat\psi_{l,m}(\omega) &= c_l\, (2\pi)^{3/2} (-i)^l\, Y_l^m(\theta_\omega, \varphi_\omega)\,
        (\sigma |\omega|)^l\, e^{-\sigma^2 |\omega|^2 / 2} \quad \text{(Fourier domain)} \\
    \psi_{l,m}(u) &= \frac{c_l}{\sigma^3}\, Y_l^m(\theta_u, \varphi_u)\, (|u| / \sigma)^l\,
        e^{-|u|^2 / (2 \sigma^2)} \quad \text{(space)}

with :math:`Y_l^m(\theta, \varphi) = \sqrt{\tfrac{2l+1}{4\pi} \tfrac{(l-m)!}{(l+m)!}}\,
P_l^m(\cos\theta)\, e^{im\varphi}` (Condon-Shortley phase in :math:`P_l^m`,
:math:`Y_l^{-m} = (-1)^m \overline{Y_l^m}`) and :math:`c_l = 1 / (2\pi \sqrt{l + 1/2}\, (l+1)!!)` for
even :math:`l`, :math:`c_l = 1 / (2^{(l+3)/2} \sqrt{\pi (2l+1)}\, ((l+1)/2)!)` for odd :math:`l`. For
:math:`l = 0` the wavelet is the normalised Gaussian itself (:math:`\hat\psi_{0,0}(0) = 1`), which is
what the formula gives, evaluated without the rounding of :math:`c_0 Y_0^0 (2\pi)^{3/2}`.

Speed: :math:`r^l Y_l^m` is a polynomial, :math:`K_{lm} (x + iy)^m h_{lm}(z, r^2)`, whose real factor
:math:`h_{lm}` follows the Legendre recurrence, and the Gaussian is an outer product of three 1-D
Gaussians; so no trigonometric or special function is evaluated on the grid
(``scipy.special.sph_harm_y`` alone takes 0.3 s per order on a 128³ grid) and each output volume costs
two products. The bank for 128³, ``J = 2``, ``L = 2`` (27 volumes, 0.9 GB) builds in about 0.3 s,
plus the operating system's cost of handing out that much fresh memory (up to 1 s more).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ._errors import ScatteringTypeError, ScatteringValueError
from ._frontend import check_integer

__all__ = [
    "cartesian_grid",
    "gaussian_3d",
    "solid_harmonic_3d",
    "gaussian_filter_bank",
    "solid_harmonic_filter_bank",
    "solid_harmonic_factors",
    "paired_orders",
    "pairing_defects",
    "PAIRING_RTOL",
    "generate_weighted_sum_of_gaussians",
    "get_3d_angles",
    "double_factorial",
]

# (-i)**l, exactly.
_MINUS_I_POWERS = (1.0, -1j, -1.0, 1j)

#: The Nyquist-plane defect :func:`paired_orders` allows, relative to the wavelets' peak, per
#: precision of the computation: the same multiple (about 4.5) of the machine epsilon in both,
#: ``1e-15`` in float64 and ``1e-15 * eps32 / eps64`` (about 5.4e-7) in float32. A float32 transform
#: already carries an error of about ``eps32`` times the input's norm times that peak (the rounding
#: of the input's spectrum, spread over every frequency), so pairing at this level adds nothing
#: visible; in float32 it pairs the ``j = 1`` wavelets of degrees ``l <= 2`` for ``sigma_0 = 1``
#: (defect 5.7e-8), 13% of a 128³ ``J = 2, L = 2`` transform.
PAIRING_RTOL = {
    "float64": 1e-15,
    "float32": 1e-15 * float(np.finfo(np.float32).eps / np.finfo(np.float64).eps),
}


def check_positive_real(value, name: str) -> float:
    """Return ``value`` as a float if it is a finite real number ``> 0``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ScatteringTypeError(
            f"{name} must be a positive real number, got {value!r} of type {type(value).__name__}.")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ScatteringValueError(f"{name} must be a finite real number > 0, got {value}.")
    return value


def _check_size(M, N, O) -> tuple[int, int, int]:
    return (check_integer(M, "M", minimum=1), check_integer(N, "N", minimum=1),
            check_integer(O, "O", minimum=1))


def _axis(n: int, fourier: bool) -> np.ndarray:
    """Coordinates of one axis of the reference grid (``ifftshift`` of ``-ceil(n/2) .. ``)."""
    start = -((n + 1) // 2)
    coordinates = np.roll(np.arange(start, start + n, dtype=np.float64), -(n // 2))
    return coordinates * (2 * np.pi / n) if fourier else coordinates


def _axes(M: int, N: int, O: int, fourier: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The grid's ``z, y, x`` coordinates as broadcastable ``(M,1,1)``, ``(1,N,1)``, ``(1,1,O)``."""
    return (_axis(M, fourier)[:, None, None], _axis(N, fourier)[None, :, None],
            _axis(O, fourier)[None, None, :])


def cartesian_grid(M: int, N: int, O: int, fourier: bool = False) -> np.ndarray:
    """The coordinate grid on which the filters are sampled.

    Parameters
    ----------
    M, N, O : int
        Volume size.
    fourier : bool
        If True, angular frequencies (each axis scaled by ``2 pi / size``); else integer positions.

    Returns
    -------
    ndarray
        ``(3, M, N, O)`` float64: ``grid[0]`` is ``z`` (axis 0), ``grid[1]`` ``y``, ``grid[2]`` ``x``,
        ``ifftshift``-ed so that index 0 holds coordinate 0 for even sizes (-1 for odd sizes).

    Examples
    --------
    >>> cartesian_grid(4, 1, 1)[0, :, 0, 0]
    array([ 0.,  1., -2., -1.])
    """
    M, N, O = _check_size(M, N, O)
    return np.stack(np.broadcast_arrays(*_axes(M, N, O, fourier)))


def get_3d_angles(cartesian_grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polar and azimuthal angles of the points of a grid, in the reference's convention.

    Parameters
    ----------
    cartesian_grid : ndarray
        ``(3, ...)`` coordinates ``(z, y, x)``.

    Returns
    -------
    polar : ndarray
        ``atan2(z, sqrt(x**2 + y**2)) + pi / 2``, in ``[0, pi]`` (``pi`` minus the usual colatitude).
    azimuth : ndarray
        ``atan2(y, x)``, in ``[-pi, pi]``.

    Examples
    --------
    >>> polar, azimuth = get_3d_angles(np.array([[1.0], [0.0], [0.0]]))
    >>> float(polar[0]), float(azimuth[0])
    (3.141592653589793, 0.0)
    """
    z, y, x = cartesian_grid[0], cartesian_grid[1], cartesian_grid[2]
    return np.arctan2(z, np.sqrt(x**2 + y**2)) + np.pi / 2, np.arctan2(y, x)


def double_factorial(i: int) -> int:
    """``i!! = i (i - 2) (i - 4) ...``, with ``i!! = 1`` for ``i <= 0``.

    Parameters
    ----------
    i : int
        The argument (NumPy integers are accepted).

    Returns
    -------
    int
        The double factorial.

    Examples
    --------
    >>> double_factorial(5), double_factorial(6), double_factorial(0)
    (15, 48, 1)
    """
    i = check_integer(i, "i")
    return math.prod(range(i, 0, -2)) if i > 0 else 1


def _normalisation(l: int) -> float:
    """The constant :math:`c_l` of the module docstring."""
    if l % 2 == 0:
        return 1.0 / (2 * np.pi * np.sqrt(l + 0.5) * double_factorial(l + 1))
    return 1.0 / (2 ** ((l + 3) / 2) * np.sqrt(np.pi * (2 * l + 1)) * math.factorial((l + 1) // 2))


def _legendre_solid_part(l: int, m: int, z: np.ndarray, r2: np.ndarray):
    r"""The real factor :math:`r^{l-m} Q_l^m(-z/r)` of :math:`r^l Y_l^m / (K_{lm} (x + iy)^m)`.

    :math:`Q_l^m = P_l^m / \sin^m\theta` is a polynomial of degree :math:`l - m`; multiplied by
    :math:`r^{l-m}` the Legendre recurrence becomes one in :math:`z` and :math:`r^2` only:
    :math:`h_d = ((2d - 1)(-z) h_{d-1} - (d + m - 1) r^2 h_{d-2}) / (d - m)`, from
    :math:`h_m = (-1)^m (2m - 1)!!`. No division by :math:`r`, so the origin needs no special case.
    """
    h_prev, h = 0.0, float((-1) ** m * double_factorial(2 * m - 1))
    for degree in range(m + 1, l + 1):
        column = (1 - 2 * degree) * z  # (M, 1, 1)
        if degree == m + 1:
            # h_prev = 0 and h a number: the r2 term vanishes and the result is a column (the
            # same numbers as the volume formula, whose r2 * 0 adds exact zeros).
            h_prev, h = h, column * h / (degree - m)
            continue
        # On fresh volumes in place, in the formula's order of operations: every new array of a
        # construction costs a page fault per 4 KiB, most of the 3-D bank's construction time.
        new = np.multiply(column, h, out=np.empty(r2.shape))  # r2 spans the whole volume
        term = np.multiply(r2, degree + m - 1, out=np.empty(r2.shape))
        term *= h_prev
        new -= term
        new /= degree - m
        h_prev, h = h, new
    return h


def _harmonic_stack(z, y, x, l: int, fourier: bool) -> np.ndarray:
    r"""The factor of the wavelets of degree ``l`` that does not depend on their width:
    ``(2l+1, M, N, O)`` complex, entry ``l + m`` :math:`= a_l K_{lm} (x + iy)^m h_{lm}(z, r^2)`,
    with the domain's constant :math:`a_l` (:func:`_solid_harmonic_stack` multiplies it by the
    Gaussian and :math:`\sigma^l` or :math:`\sigma^{-(l+3)}`). :math:`Y_l^{-m} = (-1)^m
    \overline{Y_l^m}` reuses the real factor.
    """
    # r^2 only enters the recurrence from degree m + 2 on, so for l >= 2.
    r2 = z**2 + y**2 + x**2 if l >= 2 else None
    if fourier:
        constant = 1.0 if l == 0 else _normalisation(l) * (2 * np.pi) ** 1.5 * _MINUS_I_POWERS[l % 4]
    else:
        constant = (2 * np.pi) ** -1.5 if l == 0 else _normalisation(l)
    out = np.empty((2 * l + 1,) + np.broadcast_shapes(z.shape, y.shape, x.shape), dtype=np.complex128)
    xy = x[0] + 1j * y[0]  # (N, O)
    xy_power = np.ones(xy.shape, dtype=np.complex128)
    for m in range(l + 1):
        # For l = 0 the constant already is c_0 Y_0^0 (2 pi)^1.5 = 1 (or its space version).
        harmonic_scale = 1.0 if l == 0 else math.sqrt(
            (2 * l + 1) / (4 * math.pi) * math.factorial(l - m) / math.factorial(l + m))
        legendre = _legendre_solid_part(l, m, z, r2)
        scale = constant * harmonic_scale
        # (legendre * scale) * plane, the scaled volume written straight into each output
        # rather than into a complex temporary.
        planes = [(l + m, xy_power)]
        if m > 0:
            planes.append((l - m, (-1) ** m * np.conjugate(xy_power)))
        for order, plane in planes:
            target = out[order]
            np.multiply(legendre, scale, out=target)
            target *= plane
        xy_power = xy_power * xy
    return out


def _width_scales(sigmas: np.ndarray, l: int, fourier: bool) -> np.ndarray:
    """The width-dependent constant of the degree-``l`` wavelets: ``(sigma r)^l`` puts
    ``sigma**l`` in the Fourier domain, ``sigma**-(l + 3)`` in space."""
    return sigmas**l if fourier else 1.0 / sigmas ** (l + 3)


def _solid_harmonic_stack(M: int, N: int, O: int, sigmas: np.ndarray, l: int,
                          fourier: bool) -> np.ndarray:
    r"""Solid harmonics of degree ``l`` for every width in ``sigmas``: ``(len(sigmas), 2l+1, M, N, O)``.

    Written as :math:`\hat\psi_{l,m,j} = s_{l,j}\, G_j\, H_{l,m}`: the Gaussian :math:`G_j` of width
    :math:`\sigma_j` (separable: an outer product of three 1-D Gaussians), the width constant
    :math:`s_{l,j}` and the harmonic factor :math:`H_{l,m}` of :func:`_harmonic_stack`.
    """
    z, y, x = _axes(M, N, O, fourier)
    # The Fourier transform of a Gaussian of width sigma has width 1/sigma.
    widths = 1.0 / sigmas if fourier else sigmas
    harmonics = _harmonic_stack(z, y, x, l, fourier)
    scales = _width_scales(sigmas, l, fourier)
    out = np.empty((len(sigmas),) + harmonics.shape, dtype=np.complex128)
    for j, gaussian in enumerate(_separable_gaussians(z, y, x, widths)):
        np.multiply(harmonics, gaussian * scales[j], out=out[j])
    return out


def solid_harmonic_factors(M: int, N: int, O: int, J: int, L: int, sigma_0: float) -> dict:
    r"""The Fourier-domain bank of :func:`solid_harmonic_filter_bank` in factored form.

    :math:`\hat\psi_{l,m,j} = s_{l,j}\, G_j\, H_{l,m}` needs ``J + 1`` Gaussians and ``(L + 1)^2``
    harmonic factors instead of ``(J + 1)(L + 1)^2`` full volumes: the transform multiplies by
    ``G_j`` then by ``H_l``, and applies the constants ``s_{l,j}`` to the moduli (the modulus is
    positively homogeneous).

    Parameters
    ----------
    M, N, O : int
        Volume size.
    J : int
        Largest scale index, ``>= 0``.
    L : int
        Largest degree, ``>= 0``.
    sigma_0 : float
        Width of the finest wavelets, ``> 0``.

    Returns
    -------
    dict
        ``gaussians`` ``(J + 1, M, N, O)`` float64; ``harmonics``, entry ``l`` ``(2l + 1, M, N, O)``
        complex128; ``scales`` ``(L + 1, J + 1)`` float64, ``s_{l,j} = (sigma_0 2**j)**l``;
        ``paired`` the :func:`paired_orders` of the bank for each precision, by dtype name
        (``"float32"``, ``"float64"``, at their ``PAIRING_RTOL``).

    Examples
    --------
    >>> f = solid_harmonic_factors(8, 8, 8, J=1, L=1, sigma_0=1.0)
    >>> bank = solid_harmonic_filter_bank(8, 8, 8, J=1, L=1, sigma_0=1.0)
    >>> rebuilt = f["scales"][1, 1] * f["gaussians"][1] * f["harmonics"][1]
    >>> bool(np.allclose(rebuilt, bank[1][1], rtol=1e-14, atol=0))
    True
    """
    M, N, O = _check_size(M, N, O)
    sigmas = _scales(J, sigma_0)
    L = check_integer(L, "L", minimum=0)
    z, y, x = _axes(M, N, O, True)
    gaussians = _separable_gaussians(z, y, x, 1.0 / sigmas)
    harmonics = [_harmonic_stack(z, y, x, l, True) for l in range(L + 1)]
    defects = pairing_defects(gaussians, harmonics)
    return {"gaussians": gaussians, "harmonics": harmonics,
            "scales": np.stack([_width_scales(sigmas, l, True) for l in range(L + 1)]),
            "paired": {dtype: _pairs_within(defects, rtol) for dtype, rtol in PAIRING_RTOL.items()}}


def paired_orders(gaussians: np.ndarray, harmonics: list, rtol: float = 1e-15) -> tuple:
    r"""For each degree ``l`` and width ``j``: whether the orders :math:`\pm m` of the Fourier-domain
    wavelets :math:`G_j H_{l,m}` pair up, :math:`|x * \psi_{l,-m}| = |x * \psi_{l,m}|` for every real
    ``x``, to within ``rtol`` of the wavelets' peak.

    On the grid of an even-sized axis, :math:`\omega \mapsto -\omega` is the index map
    :math:`R: k \mapsto -k \bmod n` except at the Nyquist index :math:`n/2`, which holds
    :math:`-\pi` and no :math:`+\pi`. Off the three Nyquist planes, :math:`Y_l^{-m} = (-1)^m
    \overline{Y_l^m}`, the parity :math:`Y_l^m(-\omega) = (-1)^l Y_l^m(\omega)` and the factor
    :math:`(-i)^l` give :math:`H_{l,-m} = (-1)^m \overline{H_{l,m} \circ R}`, and the Gaussian is
    even; for a real ``x`` (a Hermitian spectrum) the two convolutions are then conjugate up to a
    sign. On the planes the defect :math:`E_m = (-1)^m \overline{H_{l,-m} \circ R} - H_{l,m}` is of
    the order of :math:`H` itself, so the pairing holds where the Gaussian has decayed there:
    ``max |G_j E_m|`` over the planes at most ``rtol`` times ``max |G_j H_{l,m}|`` (for
    ``sigma_0 = 1``: ``j >= 2`` at the float64 ``PAIRING_RTOL``, also ``j = 1`` for ``l <= 2``
    at the float32 one). Odd sizes have no such reflection (their grid is offset by one):
    nothing pairs.

    Parameters
    ----------
    gaussians : ndarray
        The Gaussian factors ``(J + 1, M, N, O)`` of :func:`solid_harmonic_factors`.
    harmonics : list of ndarray
        Its harmonic factors, entry ``l`` of shape ``(2l + 1, M, N, O)``.
    rtol : float
        The defect allowed on the Nyquist planes, relative to the wavelets' peak.

    Returns
    -------
    tuple
        ``paired[l][j]``, bools. The same condition for ``m = 0``, :math:`H_{l,0} =
        \overline{H_{l,0} \circ R}` off the planes, makes ``x * psi_{l,0}`` real: where paired, the
        3-D algorithm transforms that order with a real inverse FFT. So ``l = 0`` (the Gaussian,
        exactly even on the grid) pairs at every width on even sizes.
    """
    return _pairs_within(pairing_defects(gaussians, harmonics), rtol)


def _pairs_within(defects: list, rtol: float) -> tuple:
    return tuple(tuple(bool(v <= rtol) for v in row) for row in defects)


def pairing_defects(gaussians: np.ndarray, harmonics: list) -> list:
    """``defects[l][j]``: the Nyquist-plane defect of :func:`paired_orders` over the orders
    ``m = 0..l``, relative to the peak of the wavelets of degree ``l`` and width ``j`` (``inf``
    for odd sizes, where nothing pairs; 0 for ``l = 0``, the Gaussian alone, which is even)."""
    shape = gaussians.shape[1:]
    n_scales = gaussians.shape[0]
    if any(n % 2 for n in shape):
        return [[math.inf] * n_scales for _ in harmonics]
    # Peaks from a subgrid of at most 32 points per axis: a lower bound, so the test errs on the
    # side of not pairing.
    sub = tuple(slice(None, None, max(1, n // 32)) for n in shape)

    def reflect(plane):  # k -> -k mod n on both axes of a 2-D array
        return np.roll(plane[::-1, ::-1], 1, axis=(0, 1))

    # |G_j H| = G_j |H| (G_j >= 0, taken as it is): one real product per (j, l), into one buffer
    # per degree (a (J + 1, l + 1, 32**3) temporary took half the construction of 3d-J2-L2-32).
    sub_gaussians = gaussians[(slice(None),) + sub].reshape(n_scales, -1)
    modulus, product = np.empty(sub_gaussians.shape[1]), np.empty(sub_gaussians.shape[1])
    ratios = []
    for l, stack in enumerate(harmonics):
        defects = []  # per axis: (J + 1, l + 1) maxima of |G_j E_m| over that Nyquist plane
        for axis, n in enumerate(shape):
            index = (slice(None),) * axis + (n // 2,)
            g = gaussians[(slice(None),) + index].reshape(n_scales, -1)
            e = np.stack([((-1) ** m * np.conjugate(reflect(stack[(l - m,) + index]))
                           - stack[(l + m,) + index]).ravel() for m in range(l + 1)])
            defects.append((g[:, None, :] * np.abs(e)[None]).max(axis=-1))
        defect = np.max(defects, axis=0)
        peaks = np.empty((n_scales, l + 1))                                # (J + 1, l + 1)
        for m in range(l + 1):
            np.abs(stack[(l + m,) + sub].reshape(-1), out=modulus)
            for j in range(n_scales):
                peaks[j, m] = np.multiply(modulus, sub_gaussians[j], out=product).max()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(peaks > 0, defect / peaks, np.where(defect > 0, np.inf, 0.0))
        ratios.append([float(v) for v in ratio.max(axis=1)])
    return ratios


def _separable_gaussians(z, y, x, widths) -> np.ndarray:
    """``exp(-r**2 / (2 w**2))`` on the grid for each width, as outer products of 1-D Gaussians:
    ``(len(widths), M, N, O)``, each written in place (no volume temporaries)."""
    out = np.empty((len(widths),) + np.broadcast_shapes(z.shape, y.shape, x.shape))
    for gaussian, width in zip(out, widths):
        yx = np.exp(-0.5 * y**2 / width**2) * np.exp(-0.5 * x**2 / width**2)
        np.multiply(np.exp(-0.5 * z**2 / width**2), yx, out=gaussian)
    return out


def _gaussian_stack(M: int, N: int, O: int, sigmas: np.ndarray, fourier: bool) -> np.ndarray:
    """Normalised Gaussians of every width in ``sigmas``: ``(len(sigmas), M, N, O)`` float64."""
    z, y, x = _axes(M, N, O, fourier)
    if fourier:
        return _separable_gaussians(z, y, x, 1.0 / sigmas)
    gaussians = _separable_gaussians(z, y, x, sigmas)
    return gaussians / ((2 * np.pi) ** 1.5 * sigmas[:, None, None, None] ** 3)


def _scales(J: int, sigma_0: float) -> np.ndarray:
    J = check_integer(J, "J", minimum=0)
    return check_positive_real(sigma_0, "sigma_0") * 2.0 ** np.arange(J + 1)


def gaussian_3d(M: int, N: int, O: int, sigma: float, fourier: bool = True) -> np.ndarray:
    """A normalised 3-D Gaussian of width ``sigma`` (unit integral in space).

    Parameters
    ----------
    M, N, O : int
        Volume size.
    sigma : float
        Width in voxels, ``> 0``.
    fourier : bool
        If True, the Fourier transform ``exp(-sigma**2 |omega|**2 / 2)``; else the space-domain
        ``exp(-|u|**2 / (2 sigma**2)) / ((2 pi)**1.5 sigma**3)``.

    Returns
    -------
    ndarray
        ``(M, N, O)`` float64 on the grid of :func:`cartesian_grid`.

    Examples
    --------
    >>> float(gaussian_3d(8, 8, 8, sigma=1.0)[0, 0, 0])
    1.0
    """
    M, N, O = _check_size(M, N, O)
    sigma = check_positive_real(sigma, "sigma")
    return _gaussian_stack(M, N, O, np.array([sigma]), fourier)[0]


def gaussian_filter_bank(M: int, N: int, O: int, J: int, sigma_0: float,
                         fourier: bool = True) -> np.ndarray:
    """Gaussians of widths ``sigma_0 * 2**j`` for ``j = 0..J``.

    Parameters
    ----------
    M, N, O : int
        Volume size.
    J : int
        Largest scale index, ``>= 0``.
    sigma_0 : float
        Width of the narrowest Gaussian, ``> 0``.
    fourier : bool
        Fourier-domain (the default) or space-domain Gaussians, as in :func:`gaussian_3d`.

    Returns
    -------
    ndarray
        ``(J + 1, M, N, O)`` complex128 (real values; complex as in the reference's bank).

    Examples
    --------
    >>> gaussian_filter_bank(8, 8, 8, J=2, sigma_0=1.0).shape
    (3, 8, 8, 8)
    """
    M, N, O = _check_size(M, N, O)
    return _gaussian_stack(M, N, O, _scales(J, sigma_0), fourier).astype(np.complex128)


def solid_harmonic_3d(M: int, N: int, O: int, sigma: float, l: int,
                      fourier: bool = True) -> np.ndarray:
    """The ``2l + 1`` solid harmonic wavelets of degree ``l`` and width ``sigma``.

    Parameters
    ----------
    M, N, O : int
        Volume size.
    sigma : float
        Width in voxels, ``> 0``.
    l : int
        Degree, ``>= 0``; ``l = 0`` gives the normalised Gaussian.
    fourier : bool
        If True, the Fourier-domain filters; else the space-domain wavelets (see the module docstring).

    Returns
    -------
    ndarray
        ``(2l + 1, M, N, O)`` complex128, entry ``m + l`` for order ``m = -l..l``.

    Examples
    --------
    >>> psi_f = solid_harmonic_3d(16, 16, 16, sigma=1.0, l=2)
    >>> psi_f.shape, psi_f.dtype
    ((5, 16, 16, 16), dtype('complex128'))
    """
    M, N, O = _check_size(M, N, O)
    sigma = check_positive_real(sigma, "sigma")
    l = check_integer(l, "l", minimum=0)
    return _solid_harmonic_stack(M, N, O, np.array([sigma]), l, fourier)[0]


def solid_harmonic_filter_bank(M: int, N: int, O: int, J: int, L: int, sigma_0: float,
                               fourier: bool = True) -> list[np.ndarray]:
    r"""The solid harmonic wavelets of degrees ``l = 0..L`` and widths ``sigma_0 * 2**j``, ``j = 0..J``.

    Parameters
    ----------
    M, N, O : int
        Volume size.
    J : int
        Largest scale index, ``>= 0``.
    L : int
        Largest degree, ``>= 0``.
    sigma_0 : float
        Width of the finest wavelets, ``> 0``.
    fourier : bool
        Fourier-domain filters (the default, what the transform uses) or space-domain wavelets.

    Returns
    -------
    list of ndarray
        Entry ``l`` is ``(J + 1, 2l + 1, M, N, O)`` complex128: ``[j, m + l]`` is
        :math:`\hat\psi_{l,m}` at width ``sigma_0 * 2**j``.

    Examples
    --------
    >>> bank = solid_harmonic_filter_bank(16, 16, 16, J=2, L=2, sigma_0=1.0)
    >>> [psi_f.shape for psi_f in bank]
    [(3, 1, 16, 16, 16), (3, 3, 16, 16, 16), (3, 5, 16, 16, 16)]
    """
    M, N, O = _check_size(M, N, O)
    sigmas = _scales(J, sigma_0)
    L = check_integer(L, "L", minimum=0)
    return [_solid_harmonic_stack(M, N, O, sigmas, l, fourier) for l in range(L + 1)]


def generate_weighted_sum_of_gaussians(grid: np.ndarray, positions: np.ndarray,
                                       weights: np.ndarray, sigma: float) -> np.ndarray:
    """Volumes that are weighted sums of normalised Gaussians (e.g. atoms of molecules).

    Parameters
    ----------
    grid : ndarray
        ``(3, M, N, O)`` coordinates, e.g. :func:`cartesian_grid`.
    positions : ndarray
        ``(B, n_points, 3)`` centres, in the coordinates of ``grid``.
    weights : ndarray
        ``(B, n_points)`` weights (e.g. charges); a weight of 0 leaves out a padding point.
    sigma : float
        Width of every Gaussian, ``> 0``.

    Returns
    -------
    ndarray
        ``(B, M, N, O)`` float64: ``sum_k weights[b, k] g(u - positions[b, k])`` with ``g`` the
        space-domain Gaussian of :func:`gaussian_3d` (unit integral), not periodised.

    Examples
    --------
    >>> grid = cartesian_grid(24, 24, 24)
    >>> x = generate_weighted_sum_of_gaussians(grid, np.zeros((1, 1, 3)), np.ones((1, 1)), 2.0)
    >>> x.shape, round(float(x.sum()), 6)
    ((1, 24, 24, 24), 1.0)
    """
    grid = np.asarray(grid, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    sigma = check_positive_real(sigma, "sigma")
    if grid.ndim != 4 or grid.shape[0] != 3:
        raise ScatteringValueError(f"grid must have shape (3, M, N, O), got {grid.shape}.")
    if positions.ndim != 3 or positions.shape[2] != 3 or weights.shape != positions.shape[:2]:
        raise ScatteringValueError(
            f"positions must have shape (B, n_points, 3) and weights (B, n_points), got "
            f"{positions.shape} and {weights.shape}.")
    volumes = np.zeros((positions.shape[0],) + grid.shape[1:])
    for b, k in zip(*np.nonzero(weights)):
        squared = sum((grid[axis] - positions[b, k, axis]) ** 2 for axis in range(3))
        volumes[b] += weights[b, k] * np.exp(-0.5 * squared / sigma**2)
    return volumes / ((2 * np.pi) ** 1.5 * sigma**3)
