r"""The 2-D Morlet filter bank of :class:`~kymatio.numpy.Scattering2D`, built once in NumPy float64.

A Gabor filter of width :math:`\sigma`, orientation :math:`\theta`, frequency :math:`\xi` and slant
:math:`s` is, on the integer grid :math:`(x, y)`,

.. math::

    g(x, y) = \frac{s}{2 \cdot 3.1415\, \sigma^2}
              \exp\!\big(-[x\ y]\, C\, [x\ y]^\top + i \xi (x \cos\theta + y \sin\theta)\big),
    \qquad C = \frac{R_\theta\, \mathrm{diag}(1, s^2)\, R_\theta^\top}{2 \sigma^2},

periodised on an ``(M, N)`` array by summing the 5 x 5 images :math:`(x + e_x M, y + e_y N)`,
:math:`e_x, e_y \in \{-2, \dots, 2\}`. The constant 3.1415 (not :math:`\pi`) is the reference
implementation's, kept because it scales every coefficient users have trained on. A Morlet filter is
the zero-mean combination :math:`g - K g_0` with :math:`g_0` the same Gabor at :math:`\xi = 0` and
:math:`K = \sum g / \sum g_0`.

The bank holds, for ``j < J`` and ``theta < L``, the Morlet wavelets :math:`\psi_{j,\theta}` with
:math:`\sigma = 0.8 \cdot 2^j`, :math:`\xi = 3\pi / (4 \cdot 2^j)`, slant :math:`4/L` and angle
:math:`(\lfloor L/2 \rfloor - 1 - \theta)\pi/L` (``int(L - L/2 - 1)`` for odd ``L``), and the
low-pass Gabor :math:`\phi` with :math:`\sigma = 0.8 \cdot 2^{J-1}`, :math:`\xi = 0`, slant 1.
Filters are stored in the Fourier domain as :math:`\Re\,\mathrm{FFT2}`, with their lower-resolution
versions (levels) obtained by :func:`periodize_filter_fft`.

Speed: all ``L`` angles of a scale are evaluated at once by broadcasting, and only on the window of
the extended grid where the Gaussian envelope exceeds :math:`e^{-50}` of its peak (the rest underflows
every float32 coefficient the reference computed), so a 240 x 240 bank takes milliseconds instead of
the seconds of the 25 full-size images.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.fft

__all__ = ["gabor_2d", "morlet_2d", "periodize_filter_fft", "filter_bank"]

# The reference's normalisation constant, deliberately not math.pi.
_PI_GABOR = 3.1415
# Envelope exponents above this are dropped: exp(-50) ~ 2e-22 of the filter's peak.
_NEGLIGIBLE_EXPONENT = 50.0
# The reference sums the periodic images e in {-2, ..., 2} along each axis.
_IMAGES = 2
# Grid points (times orientations) of one strip of the extended window (see _gabor_pair).
_STRIP_ELEMENTS = 2**16


def _pieces(start: int, n: int, period: int) -> list[tuple[int, int, int]]:
    """Split grid indices ``start .. start + n - 1`` at multiples of ``period``.

    Returns ``(source, target, length)`` triples: entries ``source .. source + length - 1`` of the
    window land on bins ``target .. target + length - 1`` of the periodic array.
    """
    pieces, source = [], 0
    while source < n:
        target = (start + source) % period
        length = min(period - target, n - source)
        pieces.append((source, target, length))
        source += length
    return pieces


def _fold(values: np.ndarray, start: tuple[int, int], out: np.ndarray) -> np.ndarray:
    """Alias-sum a window of the extended grid into the periodic array ``out`` (added to it).

    Entry ``(i, k)`` of the last two axes of ``values`` sits at grid index ``start + (i, k)`` and
    lands on bin ``(start + (i, k)) mod out.shape[-2:]``.
    """
    M, N = out.shape[-2:]
    for sx, tx, lx in _pieces(start[0], values.shape[-2], M):
        for sy, ty, ly in _pieces(start[1], values.shape[-1], N):
            out[..., tx:tx + lx, ty:ty + ly] += values[..., sx:sx + lx, sy:sy + ly]
    return out


def _window(size: int, offset: int, radius: float) -> np.ndarray:
    """Grid coordinates of the reference's 5 images of one axis that lie within ``radius`` of 0."""
    reach = math.floor(radius) if math.isfinite(radius) else abs(offset) + (_IMAGES + 1) * size
    lo = max(offset - _IMAGES * size, -reach)
    hi = min(offset + (_IMAGES + 1) * size - 1, reach)
    return np.arange(lo, hi + 1, dtype=np.float64)


def _gabor_pair(M: int, N: int, sigma: float, thetas: np.ndarray, xi: float, slant: float,
                offset: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Periodised, normalised Gabor filters for every angle in ``thetas``.

    Returns ``(g, g0)``: the ``(K, M, N)`` complex Gabor filters of frequency ``xi`` and the real
    envelopes (the same Gabor filters at ``xi = 0``), or ``(g0, None)`` if ``xi == 0``. Sharing the
    envelope makes a Morlet filter cost one exponential per grid point.
    """
    thetas = np.asarray(thetas, dtype=np.float64).reshape(-1, 1, 1)
    # The reference builds the rotation in float32; rounding it the same way keeps its curvature.
    cos = np.cos(thetas).astype(np.float32).astype(np.float64)
    sin = np.sin(thetas).astype(np.float32).astype(np.float64)
    scale = 2.0 * sigma**2
    c_xx = (cos**2 + slant**2 * sin**2) / scale
    c_yy = (sin**2 + slant**2 * cos**2) / scale
    c_xy = 2.0 * cos * sin * (1.0 - slant**2) / scale  # C01 + C10

    # [x y] C [x y]^T >= lambda_min (x^2 + y^2): beyond this radius every image is negligible.
    lambda_min = min(1.0, slant**2) / scale
    radius = math.sqrt(_NEGLIGIBLE_EXPONENT / lambda_min) if lambda_min > 0 else math.inf
    x = _window(M, offset, radius)
    y = _window(N, offset, radius)
    K = thetas.shape[0]
    if x.size == 0 or y.size == 0:
        zeros = np.zeros((K, M, N))
        return (zeros.astype(np.complex128), zeros) if xi != 0 else (zeros, None)

    x_col = x[:, None]
    norm = slant / (2.0 * _PI_GABOR * sigma**2)
    g0 = np.zeros((K, M, N))
    g = np.zeros((K, M, N), dtype=np.complex128) if xi != 0 else None
    # The phase is separable in x and y, unlike the envelope.
    phase_x = np.exp(1j * xi * np.cos(thetas) * x_col)
    phase_y = np.exp(1j * xi * np.sin(thetas) * y)
    # The window of a wide filter spans many periods: evaluate it a strip of rows at a time, so
    # that building the bank never holds more than a few strips (not the whole window).
    rows = max(1, _STRIP_ELEMENTS // (K * y.size))
    for a in range(0, x.size, rows):
        strip = x_col[a:a + rows]
        envelope = np.exp(-(c_xx * strip**2 + c_xy * (strip * y) + c_yy * y**2))
        start = (int(x[a]) - offset, int(y[0]) - offset)
        _fold(envelope, start, g0)
        if g is not None:
            _fold(envelope * phase_x[:, a:a + rows] * phase_y, start, g)
    g0 *= norm
    if g is None:
        return g0, None
    g *= norm
    return g, g0


def gabor_2d(M: int, N: int, sigma: float, theta: float, xi: float, slant: float = 1.0,
             offset: int = 0) -> np.ndarray:
    r"""Periodised Gabor filter on an ``(M, N)`` grid, in the space domain.

    Parameters
    ----------
    M, N : int
        Grid size.
    sigma : float
        Width of the Gaussian envelope along the filter's orientation.
    theta : float
        Orientation in radians.
    xi : float
        Central angular frequency (radians per sample).
    slant : float
        Ratio of the envelope's widths: the width across the orientation is ``sigma / slant``.
    offset : int
        Coordinate of array index 0 (the filter is centred at index ``-offset``).

    Returns
    -------
    numpy.ndarray
        Complex128 array ``(M, N)``: the sum of the 5 x 5 periodic images of the Gabor function,
        divided by ``2 * 3.1415 * sigma**2 / slant`` (the reference's constant).

    Examples
    --------
    >>> from kymatio.core.filters2d import gabor_2d
    >>> g = gabor_2d(16, 16, sigma=1.0, theta=0.0, xi=0.0)
    >>> g.shape, round(float(g.real.sum()), 4)
    ((16, 16), 1.0)
    """
    g, g0 = _gabor_pair(M, N, sigma, np.array([theta]), xi, slant, offset)
    return g[0].astype(np.complex128, copy=False)


def morlet_2d(M: int, N: int, sigma: float, theta: float, xi: float, slant: float = 0.5,
              offset: int = 0) -> np.ndarray:
    r"""Periodised Morlet wavelet: a Gabor filter minus the multiple of its envelope that makes its
    sum zero.

    Parameters
    ----------
    M, N : int
        Size of the grid, as in :func:`gabor_2d`.
    sigma, theta, xi : float
        Width, orientation and frequency, as in :func:`gabor_2d`.
    slant : float
        Ratio of the envelope's widths across and along the orientation; 0.5 by default here.
    offset : int
        Shift of the grid origin, as in :func:`gabor_2d`.

    Returns
    -------
    numpy.ndarray
        Complex128 array ``(M, N)`` equal to ``g - K * g0`` with ``g = gabor_2d(..., xi)``,
        ``g0 = gabor_2d(..., 0)`` and ``K = g.sum() / g0.sum()``.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.core.filters2d import morlet_2d
    >>> psi = morlet_2d(32, 32, sigma=0.8, theta=0.0, xi=3 * np.pi / 4)
    >>> bool(abs(psi.sum()) < 1e-12)
    True
    """
    return _morlet_stack(M, N, sigma, np.array([theta]), xi, slant, offset)[0]


def _morlet_stack(M: int, N: int, sigma: float, thetas: np.ndarray, xi: float, slant: float,
                  offset: int = 0) -> np.ndarray:
    """Morlet wavelets ``(K, M, N)`` for the angles ``thetas``, sharing one envelope evaluation."""
    g, g0 = _gabor_pair(M, N, sigma, thetas, xi, slant, offset)
    if g0 is None:  # xi == 0: the wavelet is g - g = 0, as in the reference
        return np.zeros(g.shape, dtype=np.complex128)
    K = g.sum(axis=(-2, -1), keepdims=True) / g0.sum(axis=(-2, -1), keepdims=True)
    return g - K * g0


def periodize_filter_fft(x: np.ndarray, res: int) -> np.ndarray:
    r"""Level ``res`` of a Fourier-domain filter: its version for a signal subsampled by ``2**res``.

    The rows with index in ``[floor(M / 2**(res+1)), floor(M / 2**(res+1)) + floor(M (1 - 2**-res)))``
    and the analogous columns are zeroed, then the aliases are summed:
    ``out[k, l] = sum_{i,j} x[k + (i*M)//2**res, l + (j*N)//2**res]``. When ``M`` and ``N`` are multiples
    of ``2**res`` (always the case in the bank) this keeps the low frequencies: rows ``0..m/2-1``
    then ``M-m/2..M-1`` with ``m = M / 2**res``, and the same for the columns.

    Parameters
    ----------
    x : numpy.ndarray
        Filter(s) of shape ``(..., M, N)``; leading axes are kept.
    res : int
        Level, ``>= 0``.

    Returns
    -------
    numpy.ndarray
        Array ``(..., M // 2**res, N // 2**res)`` of the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.core.filters2d import periodize_filter_fft
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> periodize_filter_fft(x, 1)
    array([[ 0.,  3.],
           [12., 15.]])
    """
    x = np.asarray(x)
    M, N = x.shape[-2:]
    k = 2**res
    m, n = M // k, N // k
    if M % k == 0 and N % k == 0:
        # Every output bin then receives exactly one unmasked alias: a crop, gathered directly.
        rows = np.concatenate([np.arange(m // 2), np.arange(M - m + m // 2, M)])
        cols = np.concatenate([np.arange(n // 2), np.arange(N - n + n // 2, N)])
        return x[..., rows[:, None], cols]
    masked = x.copy()
    row_start, row_len = int(M * 2.0 ** (-res - 1)), int(M * (1 - 2.0 ** (-res)))
    col_start, col_len = int(N * 2.0 ** (-res - 1)), int(N * (1 - 2.0 ** (-res)))
    masked[..., row_start:row_start + row_len, :] = 0
    masked[..., :, col_start:col_start + col_len] = 0
    rows = (np.arange(k)[:, None] * M // k + np.arange(m)).ravel()
    cols = (np.arange(k)[:, None] * N // k + np.arange(n)).ravel()
    aliases = masked[..., rows[:, None], cols]
    return aliases.reshape(x.shape[:-2] + (k, m, k, n)).sum(axis=(-4, -2))


def filter_bank(M: int, N: int, J: int, L: int = 8) -> dict:
    r"""The Fourier-domain Morlet filter bank of 2-D scattering on a padded ``(M, N)`` grid.

    Parameters
    ----------
    M, N : int
        Padded grid size (multiples of ``2**J`` in :class:`~kymatio.numpy.Scattering2D`).
    J : int
        Number of scales, ``>= 1``.
    L : int
        Number of orientations, ``>= 1``.

    Returns
    -------
    dict
        ``{'phi': phi, 'psi': psi}`` with

        * ``phi``: ``{'levels': [J arrays (M/2**r, N/2**r)], 'j': J, 'xi': 0.0, 'sigma': s}``, the
          low-pass filter :math:`\Re\,\mathrm{FFT2}` at levels ``r = 0..J-1``;
        * ``psi``: list of ``J * L`` dicts, index ``n = j * L + theta``, each
          ``{'levels': [...], 'j': j, 'theta': theta, 'xi': xi, 'sigma': sigma}`` with levels
          ``r = 0 .. min(j + 1, max(J - 1, 1)) - 1``.

        ``'levels'``, ``'j'`` and ``'theta'`` (the orientation index, not the angle) are the
        reference's keys; ``'xi'`` and ``'sigma'`` are added for :meth:`~kymatio.numpy.Scattering2D.meta`. Arrays are real
        float64.

    Examples
    --------
    >>> from kymatio.core.filters2d import filter_bank
    >>> bank = filter_bank(40, 40, J=2, L=8)
    >>> len(bank['psi']), [a.shape for a in bank['phi']['levels']]
    (16, [(40, 40), (20, 20)])
    """
    psi = []
    theta_index = np.arange(L)
    angles = (int(L - L / 2 - 1) - theta_index) * np.pi / L
    for j in range(J):
        sigma, xi = 0.8 * 2**j, 3.0 * np.pi / 4.0 / 2**j
        psi_hat = scipy.fft.fft2(_morlet_stack(M, N, sigma, angles, xi, 4.0 / L), workers=-1).real
        n_levels = min(j + 1, max(J - 1, 1))
        levels = [periodize_filter_fft(psi_hat, res) for res in range(n_levels)]
        for theta in range(L):
            psi.append({"levels": [level[theta] for level in levels], "j": j, "theta": theta,
                        "xi": xi, "sigma": sigma})
    sigma_phi = 0.8 * 2 ** (J - 1)
    g0, _ = _gabor_pair(M, N, sigma_phi, np.zeros(1), 0.0, 1.0, 0)
    phi_hat = scipy.fft.fft2(g0[0], workers=-1).real
    phi = {"levels": [periodize_filter_fft(phi_hat, res) for res in range(J)], "j": J,
           "xi": 0.0, "sigma": sigma_phi}
    return {"phi": phi, "psi": psi}
