r"""Filter banks prepared for the product-then-periodise step that every subsampling goes through.

Subsampling by :math:`k` after a Fourier-domain product is the periodisation

.. math::

    y[m] = \frac{1}{k^d} \sum_{i} \hat x[m + i L]\, \hat\psi[m + i L], \qquad L = N / k,

over the :math:`k^d` alias blocks ``i`` of a ``d``-dimensional spectrum. Wavelets and low-pass
filters are narrow in frequency, so most blocks of ``psi`` hold nothing but the underflowing tail of
a Gaussian. :func:`alias_bank` keeps the blocks where some filter of a stack reaches ``rtol`` times
its own peak (``rtol = 1e-15``: below float64 rounding of the kept terms), each block pre-scaled by
``1/k**d`` and stored as its own array, and the backends sum ``x[block] * filters[block]`` over the
kept blocks only (:meth:`kymatio.core.backend.Backend.periodized_product`). Computing only there
costs ``L`` per kept block instead of ``N`` for the full product followed by a reduction.

Real filters stay real (float64) in the bank; the NumPy and torch frontends convert them to
complex arrays (:attr:`kymatio.core.backend.Backend.complex_filters`), since those frameworks
multiply a complex array by a complex one two to five times faster than by a real one.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

__all__ = ["ALIAS_RTOL", "SEPARABLE_RTOL", "RealOperator", "alias_bank", "lowpass_operators",
           "real_operator", "slice_bank"]

#: A block is dropped when every filter of the stack stays below this fraction of its peak there.
ALIAS_RTOL = 1e-15
#: A low-pass counts as real, even and separable when it departs from that by at most this
#: fraction of its peak (the 2-D Gaussians of the banks: ~1e-16).
SEPARABLE_RTOL = 1e-12


class RealOperator(np.ndarray):
    """A real matrix of a plan (a NumPy array subclass, float64).

    The frontends convert it to a real array of the input's precision even for the backends that
    take every filter as a complex array (:attr:`kymatio.core.backend.Backend.complex_filters`).
    """


def real_operator(array: Any) -> RealOperator:
    """``array`` as a contiguous float64 :class:`RealOperator`."""
    return np.ascontiguousarray(array, dtype=np.float64).view(RealOperator)


def alias_bank(filters: Any, k: int, ndim: int = 1, rtol: float = ALIAS_RTOL) -> dict:
    """Split a Fourier-domain filter stack into the alias blocks of a subsampling by ``k``.

    Parameters
    ----------
    filters : ndarray
        ``(..., *S)``: any leading (filter or broadcast) axes, then ``ndim`` signal axes, each a
        multiple of ``k``.
    k : int
        Subsampling factor along every signal axis (1: no subsampling, one block).
    ndim : int
        Number of trailing signal axes.
    rtol : float
        Blocks where every filter stays at or below ``rtol`` times its own peak are dropped.

    Returns
    -------
    dict
        ``{"k": k, "ndim": ndim, "blocks": [(i_1, ..., i_d), ...], "filters": array}``: the kept
        block indices and, stacked along a new first axis in the same order, the ``(..., *S/k)``
        blocks divided by ``k**ndim`` (float64 or complex128, as the filters), so that
        ``filters[b]`` is block ``blocks[b]``. One stacked array lets a backend gather the kept
        blocks of a spectrum and take the whole product in a few calls; backends also accept a list
        of per-block arrays in its place. A plan leaf: the frontends convert it like any other filter.

    Examples
    --------
    >>> import numpy as np
    >>> psi = np.zeros((2, 8)); psi[0, 1] = psi[1, 0] = 1.0
    >>> bank = alias_bank(psi, 4)
    >>> bank["blocks"], bank["filters"][0].shape, bank["filters"][0][0, 1]
    ([(0,)], (2, 2), np.float64(0.25))
    """
    filters = np.asarray(filters)
    shape = filters.shape[filters.ndim - ndim:]
    if any(n % k for n in shape):
        raise ValueError(f"filters of shape {shape} cannot be subsampled by {k} along every axis.")
    L = tuple(n // k for n in shape)
    lead = filters.shape[: filters.ndim - ndim]
    magnitude = np.abs(filters).reshape((-1,) + tuple(x for n in L for x in (k, n)))
    peak = magnitude.reshape(magnitude.shape[0], -1).max(axis=1)
    per_block = magnitude.max(axis=tuple(range(2, 2 * ndim + 1, 2)))   # (filters, k, ..., k)
    keep = (per_block > rtol * peak.reshape((-1,) + (1,) * ndim)).any(axis=0)
    blocks = [b for b in itertools.product(range(k), repeat=ndim) if keep[b]] or [(0,) * ndim]
    scale = 1.0 / k**ndim
    dtype = np.complex128 if np.iscomplexobj(filters) else np.float64
    kept = np.empty((len(blocks),) + lead + L, dtype=dtype)
    for b, block in enumerate(blocks):
        index = (Ellipsis,) + tuple(slice(i * n, (i + 1) * n) for i, n in zip(block, L))
        np.multiply(filters[index], scale, out=kept[b])
    return {"k": int(k), "ndim": int(ndim), "blocks": blocks, "filters": kept}


def slice_bank(bank: dict, start: int, stop: int) -> dict:
    """The bank of the filters ``start:stop`` of the first axis of ``bank``'s stack."""
    filters = bank["filters"]
    if start == 0 and stop >= filters[0].shape[0]:
        return bank
    if isinstance(filters, (list, tuple)):
        return dict(bank, filters=[f[start:stop] for f in filters])
    return dict(bank, filters=filters[:, start:stop])


def lowpass_operators(filters: Any, k: int, ndim: int,
                      rtol: float = SEPARABLE_RTOL) -> list[RealOperator] | None:
    r"""Per-axis real matrices of the low-pass and subsampling by ``k`` of a real signal.

    For a real, even filter :math:`g` in the Fourier domain, low-passing a real signal :math:`u` of
    length :math:`N` and subsampling it by :math:`k`, :math:`y = \mathcal F^{-1} P_k(\hat u\, g)`
    (the periodised product, then an inverse FFT of length :math:`N/k`), is the real matrix product

    .. math::

        y[p] = \sum_t h[(k p - t) \bmod N]\, u[t], \qquad h = \mathcal F^{-1} g,

    and a separable filter :math:`g = g_1 \otimes \dots \otimes g_d` gives one such matrix per
    axis. For the small outputs of the scattering low-passes (a few dozen samples per axis) these
    products cost a fraction of the FFTs they replace.

    Parameters
    ----------
    filters : ndarray
        ``(*S)``: one real Fourier-domain filter over ``ndim`` axes, each a multiple of ``k``.
    k : int
        Subsampling factor along every axis.
    ndim : int
        Number of axes.
    rtol : float
        Tolerance, relative to the peak, of the realness, evenness and separability checks.

    Returns
    -------
    list of RealOperator or None
        ``ndim`` matrices, the one of axis ``d`` of shape ``(S[d] // k, S[d])``; None when the
        filter is not real, even and separable to ``rtol``.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.exp(-np.minimum(np.arange(8), 8 - np.arange(8)) ** 2 / 2.0)
    >>> [A] = lowpass_operators(g, 2, ndim=1)
    >>> u = np.arange(8.0)
    >>> y = np.fft.ifft((np.fft.fft(u) * g).reshape(2, 4).mean(axis=0)).real
    >>> bool(np.allclose(A @ u, y))
    True
    """
    filters = np.asarray(filters)
    if filters.ndim != ndim or any(n % k for n in filters.shape):
        return None
    if np.iscomplexobj(filters):
        if np.abs(filters.imag).max(initial=0.0) > rtol * np.abs(filters).max(initial=0.0):
            return None
        filters = filters.real
    filters = np.asarray(filters, dtype=np.float64)
    peak_index = np.unravel_index(np.argmax(np.abs(filters)), filters.shape)
    peak = filters[peak_index]
    if peak == 0:
        return None
    # A rank-one filter is the outer product of its lines through the peak, over peak**(d-1).
    lines = [filters[tuple(slice(None) if a == d else peak_index[a] for a in range(ndim))]
             for d in range(ndim)]
    lines[0] = lines[0] / peak ** (ndim - 1)
    outer = lines[0]
    for line in lines[1:]:
        outer = np.multiply.outer(outer, line)
    tol = rtol * abs(peak)
    if np.abs(outer - filters).max() > tol:
        return None
    matrices = []
    for line in lines:
        n = line.shape[0]
        if np.abs(line - np.roll(line[::-1], 1)).max() > rtol * np.abs(line).max():  # g[-q] = g[q]
            return None
        h = np.fft.ifft(line).real
        rows = (k * np.arange(n // k)[:, None] - np.arange(n)[None, :]) % n
        matrices.append(real_operator(h[rows]))
    return matrices
