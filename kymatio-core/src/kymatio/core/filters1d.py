"""1-D Morlet filter banks in the Fourier domain (Scattering1D and the time part of JTFS).

Frequencies are in cycles per sample: bin ``k`` of an ``n``-point DFT is ``k / n``, Nyquist is 0.5.
Every filter is a real NumPy float64 array of length ``n`` holding its DFT.

* A Morlet wavelet of centre ``xi`` and bandwidth ``sigma`` is a Gaussian bump at ``xi`` minus a
  multiple of a Gaussian at 0 that makes it zero-mean, both periodised over a few periods, normalised
  to unit l1 norm in time.
* The Andén generator places the centre frequencies: geometrically spaced (``Q`` per octave) from
  ``xi_max(Q)`` down to where the bandwidth reaches ``sigma0 / 2**J``, then ``Q - 1`` filters of that
  constant bandwidth, linearly spaced down towards 0.
* Level ``l`` of a filter is its version for a signal already subsampled by ``2**l``: the sum of its
  ``2**l`` spectral aliases (``_reduction=np.mean`` gives the 0.3 scaling instead).
"""
from __future__ import annotations

import math
import warnings
from typing import Callable, Iterator

import numpy as np

__all__ = [
    "adaptive_choice_P",
    "morlet_1d",
    "gauss_1d",
    "compute_sigma_psi",
    "compute_temporal_support",
    "get_max_dyadic_subsampling",
    "compute_xi_max",
    "anden_generator",
    "spin",
    "scattering_filter_factory",
]


def adaptive_choice_P(sigma: float, eps: float = 1e-7) -> int:
    """Number of periods ``P`` such that a Gaussian of width ``sigma`` is below ``eps`` beyond them.

    Parameters
    ----------
    sigma : float
        Width (standard deviation) of the Gaussian, in cycles per sample.
    eps : float
        The amplitude allowed beyond ``P - 1`` periods.

    Returns
    -------
    int
        ``ceil(sqrt(-2 sigma**2 log(eps))) + 1``; periodising over ``p = 1-P .. P-1`` then
        captures both tails to within ``eps``.

    Examples
    --------
    >>> from kymatio.core.filters1d import adaptive_choice_P
    >>> adaptive_choice_P(0.1)
    2
    """
    return int(math.ceil(math.sqrt(-2.0 * sigma**2 * math.log(eps)))) + 1


def _periodized_gaussian(freqs: np.ndarray, centre: float, sigma: float, P: int) -> np.ndarray:
    """``mean_p exp(-(freqs + p - centre)**2 / (2 sigma**2))`` over ``p = 1-P .. P-1``."""
    periods = np.arange(1 - P, P, dtype=np.float64)[:, None]
    return np.exp(-((freqs[None, :] + periods - centre) ** 2) / (2.0 * sigma**2)).mean(axis=0)


def morlet_1d(N: int, xi: float | None, sigma: float) -> np.ndarray:
    """DFT (length ``N``, real float64) of a Morlet wavelet, or of a Gaussian if ``xi`` is falsy.

    Parameters
    ----------
    N : int
        Number of frequency bins.
    xi : float or None
        Centre frequency in cycles per sample; ``None`` or 0 gives the low-pass Gaussian.
    sigma : float
        Bandwidth (standard deviation in frequency).

    Returns
    -------
    ndarray of shape (N,)
        The filter, normalised to unit l1 norm in time (so a low-pass has value 1 at frequency 0).
    """
    P = min(adaptive_choice_P(sigma), 5)
    freqs = np.arange(N, dtype=np.float64) / N
    if P == 1:
        # With a single period the low-pass is centred on the signed frequencies.
        gauss_0 = np.exp(-(np.fft.fftfreq(N) ** 2) / (2.0 * sigma**2))
    else:
        gauss_0 = _periodized_gaussian(freqs, 0.0, sigma, P)
    if xi:
        gauss_xi = _periodized_gaussian(freqs, xi, sigma, P)
        kappa = gauss_xi[0] / gauss_0[0]
        filter_f = gauss_xi - kappa * gauss_0
    else:
        filter_f = gauss_0
    l1_norm = np.sum(np.abs(np.fft.ifft(filter_f)))
    # A zero-mean wavelet on a one-bin grid (N = 1) is exactly zero: keep it zero, not 0 / 0.
    return filter_f / l1_norm if l1_norm > 0 else filter_f


def gauss_1d(N: int, sigma: float) -> np.ndarray:
    """DFT of the low-pass Gaussian of bandwidth ``sigma`` (``morlet_1d(N, None, sigma)``).

    Parameters
    ----------
    N : int
        Number of frequency bins.
    sigma : float
        Bandwidth (standard deviation in frequency, cycles per sample).

    Returns
    -------
    ndarray of shape (N,)
        The filter, real float64, of unit l1 norm in time: its value at frequency 0 is 1.

    Examples
    --------
    >>> from kymatio.core.filters1d import gauss_1d
    >>> phi_f = gauss_1d(256, 0.1 / 16)
    >>> phi_f.shape, round(float(phi_f[0]), 12)
    ((256,), 1.0)
    """
    return morlet_1d(N, None, sigma)


def compute_sigma_psi(xi: float, Q: float, r: float = math.sqrt(0.5)) -> float:
    """Bandwidth of a wavelet of centre ``xi`` so that neighbours ``2**(1/Q)`` apart cross at ``r``.

    Parameters
    ----------
    xi : float
        Centre frequency, in cycles per sample.
    Q : float
        Wavelets per octave.
    r : float
        Relative amplitude at which the frequency responses of neighbouring wavelets cross.

    Returns
    -------
    float
        ``xi (1 - 2**(-1/Q)) / (1 + 2**(-1/Q)) / sqrt(2 log(1/r))``.

    Examples
    --------
    >>> from kymatio.core.filters1d import compute_sigma_psi
    >>> round(compute_sigma_psi(0.35, Q=1), 6)
    0.140131
    """
    factor = 1.0 / 2 ** (1.0 / Q)
    return xi * (1.0 - factor) / (1.0 + factor) / math.sqrt(2.0 * math.log(1.0 / r))


def compute_temporal_support(h_f: np.ndarray, criterion_amplitude: float = 1e-3) -> int:
    """Half-width (in samples) beyond which every filter of ``h_f`` has l1 mass below the criterion.

    Parameters
    ----------
    h_f : ndarray of shape (K, N)
        Fourier-domain filters, one per row.
    criterion_amplitude : float
        The l1 mass allowed outside the support.

    Returns
    -------
    int
        ``1 + min{k : max_rows sum_{t=k}^{N/2-1} |h[t]| <= criterion}``, or ``N // 2`` (with a
        warning) if no such ``k`` exists.
    """
    h = np.fft.ifft(np.atleast_2d(h_f), axis=-1)
    half = h.shape[-1] // 2
    tail_mass = np.cumsum(np.abs(h[:, :half])[:, ::-1], axis=-1)[:, ::-1]
    residual = np.max(tail_mass, axis=0)
    below = np.flatnonzero(residual <= criterion_amplitude)
    if below.size == 0:
        warnings.warn("Signal support is too small to avoid border effects", UserWarning, stacklevel=2)
        return half
    return int(below[0]) + 1


def get_max_dyadic_subsampling(xi: float, sigma: float, alpha: float, **unused) -> int:
    """Largest ``j`` such that the filter is band-limited below the Nyquist of ``2**j`` subsampling.

    Parameters
    ----------
    xi : float
        Centre frequency (its sign is ignored).
    sigma : float
        Bandwidth.
    alpha : float
        How many bandwidths above ``|xi|`` the filter is considered to end.
    **unused
        Other entries of the filter bank's keyword arguments, ignored.

    Returns
    -------
    int
        ``floor(-log2(min(|xi| + alpha sigma, 1/2))) - 1``.

    Examples
    --------
    >>> from kymatio.core.filters1d import get_max_dyadic_subsampling
    >>> get_max_dyadic_subsampling(0.04375, 0.017516, alpha=5.0)
    1
    """
    upper = min(abs(xi) + alpha * sigma, 0.5)
    return int(math.floor(-math.log2(upper))) - 1


def compute_xi_max(Q: float) -> float:
    """Centre frequency of the first wavelet: ``max(1 / (1 + 2**(3/Q)), 0.35)``.

    Parameters
    ----------
    Q : float
        Wavelets per octave.

    Returns
    -------
    float
        The centre frequency, in cycles per sample (0.35 for ``Q <= 3``, towards 0.5 for large Q).

    Examples
    --------
    >>> from kymatio.core.filters1d import compute_xi_max
    >>> compute_xi_max(1), round(compute_xi_max(8), 6)
    (0.35, 0.435381)
    """
    return max(1.0 / (1.0 + 2 ** (3.0 / Q)), 0.35)


def anden_generator(J: int, Q: int, sigma0: float, r_psi: float, **unused) -> Iterator[tuple[float, float]]:
    """Yield the ``(xi, sigma)`` of the wavelets of one layer, by decreasing ``xi``.

    Constant-Q (geometric) spacing while the bandwidth exceeds ``sigma0 / 2**J``, then ``Q - 1``
    wavelets of bandwidth ``sigma0 / 2**J`` linearly spaced towards 0.

    Parameters
    ----------
    J : int
        Log2 of the largest scale: the bandwidths stop at ``sigma0 / 2**J``.
    Q : int
        Wavelets per octave.
    sigma0 : float
        Bandwidth of the low-pass filter at scale 1 (0.1 in the frontends).
    r_psi : float
        Relative amplitude at which neighbouring wavelets cross (``sqrt(1/2)`` in the frontends).
    **unused
        Other entries of the filter bank's keyword arguments (``alpha``), ignored.

    Yields
    ------
    tuple of float
        ``(xi, sigma)``: centre frequency and bandwidth, in cycles per sample.

    Examples
    --------
    >>> import math
    >>> from kymatio.core.filters1d import anden_generator
    >>> [(round(xi, 4), round(sigma, 4))
    ...  for xi, sigma in anden_generator(J=2, Q=2, sigma0=0.1, r_psi=math.sqrt(0.5))]
    [(0.35, 0.0721), (0.2475, 0.051), (0.175, 0.0361), (0.1237, 0.0255), (0.0619, 0.025)]
    """
    xi = compute_xi_max(Q)
    sigma = compute_sigma_psi(xi, Q, r=r_psi)
    sigma_min = sigma0 / 2**J
    if sigma <= sigma_min:
        xi = sigma
    else:
        yield xi, sigma
        step = 2 ** (1.0 / Q)
        while sigma > sigma_min * step:
            xi = xi / step
            sigma = sigma / step
            yield xi, sigma
    elbow = xi
    for _ in range(Q - 1):
        xi = xi - elbow / Q
        yield xi, sigma_min


def spin(filterbank_fn: Callable, filterbank_kwargs: dict) -> tuple[Callable, dict]:
    """Wrap a generator so it yields every ``(xi, sigma)`` and then every ``(-xi, sigma)``.

    The frequential wavelets of joint time-frequency scattering come in both spins (signs of
    ``xi``); mirrored wavelets share their bandwidth.

    Parameters
    ----------
    filterbank_fn : callable
        A generator function ``filterbank_fn(J, Q, **kwargs)`` such as :func:`anden_generator`.
    filterbank_kwargs : dict
        Its keyword arguments.

    Returns
    -------
    tuple
        ``(spinned_fn, filterbank_kwargs)``: the same pair layout as the frontends'
        ``filterbank`` attribute.

    Examples
    --------
    >>> import math
    >>> from kymatio.core.filters1d import anden_generator, spin
    >>> fn, kwargs = spin(anden_generator, {"sigma0": 0.1, "r_psi": math.sqrt(0.5)})
    >>> [round(xi, 4) for xi, _ in fn(2, 1, **kwargs)]
    [0.35, 0.175, 0.0875, -0.35, -0.175, -0.0875]
    """

    def spinned(J, Q, **kwargs):
        pairs = list(filterbank_fn(J, Q, **kwargs))
        yield from pairs
        for xi, sigma in pairs:
            yield -xi, sigma

    return spinned, filterbank_kwargs


def _levels(filter_f: np.ndarray, n_levels: int, reduction: Callable) -> list[np.ndarray]:
    """``[h, reduce_1(h), ...]``: level ``l`` folds the ``2**l`` spectral aliases of ``h``."""
    N = filter_f.shape[-1]
    return [filter_f] + [
        reduction(filter_f.reshape(2**level, N // 2**level), axis=0) for level in range(1, n_levels)
    ]


def scattering_filter_factory(N: int, J: int, Q: tuple, T: float, filterbank: tuple,
                              _reduction: Callable = np.sum) -> tuple:
    """Build the low-pass and the wavelet layers of a 1-D scattering transform.

    Parameters
    ----------
    N : int
        Padded signal length (a power of two, or a multiple of ``2**(levels-1)``).
    J : int
        Log2 of the largest wavelet scale.
    Q : tuple of int
        Wavelets per octave, one entry per layer.
    T : float
        Temporal support of the low-pass filter (``sigma = sigma0 / T``).
    filterbank : (callable, dict)
        Generator of ``(xi, sigma)`` pairs and its keyword arguments (``alpha``, ``r_psi``,
        ``sigma0``).
    _reduction : callable
        How levels fold aliases: ``np.sum`` (default) or ``np.mean`` (the 0.3 scaling).

    Returns
    -------
    tuple
        ``(phi_f, psi_layer_1, psi_layer_2, ...)``; ``phi_f`` and each wavelet are dicts with
        ``'levels'`` (list of arrays), ``'xi'``, ``'sigma'``, ``'j'``; ``phi_f`` has ``'N'`` too.
    """
    generator, kwargs = filterbank
    log2_T = int(math.floor(math.log2(T)))
    max_j = 0
    previous_J = 0
    layers = []
    for Q_layer in Q:
        layer = []
        for xi, sigma in generator(J, Q_layer, **kwargs):
            j = get_max_dyadic_subsampling(xi, sigma, **kwargs)
            n_levels = max(1, min(previous_J, j, 1 + log2_T))
            layer.append({"levels": _levels(morlet_1d(N, xi, sigma), n_levels, _reduction),
                          "xi": xi, "sigma": sigma, "j": j})
            max_j = max(max_j, j)
        layers.append(layer)
        previous_J = max_j
    sigma_low = kwargs["sigma0"] / T
    n_levels = max(1, previous_J, 1 + log2_T)
    phi_f = {"levels": _levels(gauss_1d(N, sigma_low), n_levels, _reduction),
             "xi": 0.0, "sigma": sigma_low, "j": log2_T, "N": N}
    return (phi_f, *layers)
