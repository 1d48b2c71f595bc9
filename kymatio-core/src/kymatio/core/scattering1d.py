r"""1-D scattering, width-first, over the backend protocol.

For a reflect-padded real signal :math:`x` of length :math:`N` with DFT :math:`\hat x`, wavelets
:math:`\psi_{n}` of maximal subsampling :math:`2^{j_n}` and a low-pass :math:`\phi` at stride
:math:`2^s` (``log2_stride``), writing :math:`P_k` for periodisation by averaging (subsampling by
:math:`k` done in the Fourier domain) and :math:`f^{(l)}` for level :math:`l` of a filter:

.. math::

    S_0 &= \Re\,\mathcal F^{-1} P_{2^s}(\hat x\,\phi^{(0)}) \\
    U_1[n_1] &= |\mathcal F^{-1} P_{2^{k_1}}(\hat x\,\psi_{n_1}^{(0)})|, \quad k_1 = \min(j_1, s) \\
    S_1[n_1] &= \Re\,\mathcal F^{-1} P_{2^{s-k_1}}(\hat U_1\,\phi^{(k_1)}) \\
    U_2[n_1, n_2] &= |\mathcal F^{-1} P_{2^{k_2-k_1}}(\hat U_1\,\psi_{n_2}^{(k_1)})|,
        \quad k_2 = \min(j_2, s),\ j_2 > j_1 \\
    S_2[n_1, n_2] &= \Re\,\mathcal F^{-1} P_{2^{s-k_2}}(\hat U_2\,\phi^{(k_2)})

Without local averaging (``T=0`` or ``T='global'``) :math:`k = j` and the moduli :math:`U` are the
coefficients. The reference walks this tree one path at a time; here the wavelets of one ``j1`` are
applied together (one broadcast product, one batched inverse FFT), and for each of them all second-order
wavelets that share a subsampling factor are applied together too. Chunks bound the width of every
batched operation (``kymatio.core._batching``) so peak memory stays near a few copies of the
padded batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._batching import chunks, step_budget, step_width
from ._periodize import alias_bank, slice_bank

__all__ = ["Block", "TimeOps", "build_plan", "filter_level", "scattering1d", "assemble"]


@dataclass
class Block:
    """Coefficients of several paths that share a time resolution.

    Parameters
    ----------
    keys : list of tuple
        The path indices ``n`` (``()``, ``(n1,)`` or ``(n1, n2)``), one per row of ``coef``.
    coef : array
        The coefficients, of shape ``(B, len(keys), T)``.
    res : int
        The log2 of the time subsampling of ``coef`` relative to the padded signal.
    """

    keys: list
    coef: Any
    res: int


def filter_level(filt: dict, level: int, reduction=np.sum) -> np.ndarray:
    """Level ``level`` of a filter: the stored one, or level 0 folded ``2**level`` times.

    The filter factory stores the levels the reference uses; a stride above the averaging scale needs
    coarser ones, which are the same fold (``reduction`` of the ``2**level`` aliases) of level 0.

    Parameters
    ----------
    filt : dict
        A filter of :func:`~kymatio.core.filters1d.scattering_filter_factory` (its ``"levels"``).
    level : int
        The level wanted, ``>= 0``.
    reduction : callable
        How aliases are folded: ``np.sum`` (0.4 scaling) or ``np.mean`` (0.3).

    Returns
    -------
    numpy.ndarray
        The filter at that level, ``N / 2**level`` long.
    """
    levels = filt["levels"]
    if level < len(levels):
        return levels[level]
    h = levels[0]
    return reduction(h.reshape(2**level, h.shape[-1] // 2**level), axis=0)


def build_plan(phi_f: dict, psi1_f: list, psi2_f: list, log2_stride: int,
               average_local: bool, reduction=np.sum) -> dict:
    """Group the filters for width-first evaluation; returns a tree of NumPy arrays and ints.

    First-order wavelets are grouped by ``j1`` (they then share both their subsampling and the set of
    second-order wavelets with ``j2 > j1``); within a group, second-order wavelets are grouped by their
    subsampling ``k2``. Filters of a group are stacked into one ``(K, N)`` array, kept as the alias
    bank of its subsampling (``kymatio.core._periodize.alias_bank``), and so is each level of
    the low-pass (``phi[k]``, subsampled from ``2**k`` to the stride). ``reduction`` folds the
    coarser filter levels that the stored banks lack (see :func:`filter_level`).

    Parameters
    ----------
    phi_f : dict
        The low-pass filter of the filter factory.
    psi1_f, psi2_f : list of dict
        The first- and second-order wavelets of the filter factory.
    log2_stride : int
        The log2 of the output's time subsampling.
    average_local : bool
        Whether the coefficients are averaged by ``phi`` (``False`` for ``T=0`` and
        ``T='global'``, whose moduli stay at the wavelets' own resolutions).
    reduction : callable
        How coarser filter levels are folded (``np.sum``).

    Returns
    -------
    dict
        ``log2_stride``, ``average_local``, ``phi`` (one alias bank per resolution) and
        ``groups`` (one dict per ``j1``: ``j1``, ``k1``, ``n1``, ``psi`` and ``order2``, the
        second-order sub-groups ``k2``, ``n2``, ``psi``).
    """
    s = log2_stride

    def subsampling(j):
        return min(j, s) if average_local else j

    groups = []
    j1_values = sorted({psi["j"] for psi in psi1_f})
    for j1 in j1_values:
        n1 = [n for n, psi in enumerate(psi1_f) if psi["j"] == j1]
        k1 = subsampling(j1)
        group = {"j1": j1, "k1": k1, "n1": n1, "order2": [],
                 "psi": alias_bank(np.stack([psi1_f[n]["levels"][0] for n in n1]), 2**k1)}
        valid = [n for n, psi in enumerate(psi2_f) if psi["j"] > j1]
        for k2 in sorted({subsampling(psi2_f[n]["j"]) for n in valid}):
            n2 = [n for n in valid if subsampling(psi2_f[n]["j"]) == k2]
            group["order2"].append(
                {"k2": k2, "n2": n2,
                 "psi": alias_bank(np.stack([filter_level(psi2_f[n], k1, reduction) for n in n2]),
                                   2 ** (k2 - k1))})
        groups.append(group)
    # phi averages from every resolution a coefficient can sit at (0, k1, k2) down to the stride.
    top = min(s, int(np.log2(phi_f["levels"][0].shape[-1])))
    return {"log2_stride": s, "average_local": average_local,
            "phi": [alias_bank(filter_level(phi_f, k, reduction), 2 ** (s - k))
                    for k in range(top + 1)],
            "groups": groups}


class TimeOps:
    """The operations along time shared by 1-D and joint time-frequency scattering.

    Parameters
    ----------
    backend : Backend
        The backend computing.
    plan : dict
        The plan of :func:`build_plan`, its arrays converted to ``backend`` arrays.
    """

    def __init__(self, backend: Any, plan: dict):
        self.backend = backend
        self.plan = plan
        self.s = plan["log2_stride"]
        self.phi = plan["phi"]

    def low_pass(self, u_hat: Any, k: int) -> Any:
        """Average a spectrum sitting at resolution ``k`` and subsample it to the stride.

        Parameters
        ----------
        u_hat : array
            Spectra ``(..., 1, N / 2**k)`` of real signals.
        k : int
            Their resolution (log2 of their subsampling).

        Returns
        -------
        array
            The real averages at the stride.
        """
        b = self.backend
        return b.irfft(b.periodized_product(u_hat, self.phi[k]))

    def wavelet(self, u_hat: Any, bank: dict) -> Any:
        """Complex wavelet coefficients of the alias bank ``bank`` (subsampled by its ``k``).

        Parameters
        ----------
        u_hat : array
            Spectra ``(..., 1, N)``.
        bank : dict
            An alias bank of ``K`` wavelets.

        Returns
        -------
        array
            Complex ``(..., K, N / k)``.
        """
        b = self.backend
        return b.ifft_owned(b.periodized_product(u_hat, bank))

    def first_order(self, x_hat: Any, batch: int, N: int):
        """Yield the first-order moduli, chunk by chunk of wavelets of equal ``j1``.

        Parameters
        ----------
        x_hat : array
            Spectra ``(B, 1, N)`` of the padded signals.
        batch : int
            ``B`` (1 when the batch axis is dynamic), which sizes the chunks.
        N : int
            The padded length.

        Yields
        ------
        tuple
            ``(group, n1, U1)``: the plan's group, the wavelet indices of the chunk, and their
            moduli ``U1`` of shape ``(B, len(n1), N / 2**k1)``.
        """
        budget = step_budget(batch * N)
        for group in self.plan["groups"]:
            width = step_width(budget, batch * (N >> group["k1"]))
            for start, stop in chunks(len(group["n1"]), width):
                # Yielded without a local name: the suspended generator holds no reference to it.
                yield group, group["n1"][start:stop], self.backend.modulus(
                    self.wavelet(x_hat, slice_bank(group["psi"], start, stop)))


def scattering1d(x: Any, backend: Any, plan: dict, max_order: int = 2) -> list[Block]:
    """Scatter padded real signals ``x`` of shape ``(B, 1, N)``; return the coefficient blocks.

    Parameters
    ----------
    x : array
        Reflect-padded real signals ``(B, 1, N)``.
    backend : Backend
        The backend computing.
    plan : dict
        :func:`build_plan`'s tree with its arrays converted to ``backend`` arrays of the precision
        of ``x``.
    max_order : {1, 2}
        The highest order computed.

    Returns
    -------
    list of Block
        The coefficients, in computation order (:func:`assemble` sorts them); each block at the
        stride (local averaging) or at its paths' resolution.
    """
    ops = TimeOps(backend, plan)
    s = plan["log2_stride"]
    average = plan["average_local"]
    batch = x.shape[0] if x.shape[0] is not None else 1  # dynamic batch: size chunks for one
    N = x.shape[-1]

    x_hat = backend.rfft(x)
    blocks = [Block([()], ops.low_pass(x_hat, 0) if average else x, 0 if not average else s)]
    for group, n1, u1 in ops.first_order(x_hat, batch, N):
        k1 = group["k1"]
        order2 = group["order2"] if max_order >= 2 else []
        need_hat = average or order2
        u1_hat = backend.rfft(u1) if need_hat else None
        blocks.append(Block([(n,) for n in n1], ops.low_pass(u1_hat, k1) if average else u1,
                            s if average else k1))
        del u1  # averaged, it is not needed by the second order: free for the steps below
        if not order2:
            continue
        # (B, c1, 1, N1) against (K2, N1): every first-order path meets every wavelet of the
        # sub-group in one broadcast product.
        u1_hat = backend.reshape(u1_hat, (-1, len(n1), 1, u1_hat.shape[-1]))
        budget = step_budget(batch * N)
        for sub in order2:
            k2 = sub["k2"]
            width2 = step_width(budget, batch * len(n1) * (N >> k2))
            for a, b in chunks(len(sub["n2"]), width2):
                n2 = sub["n2"][a:b]
                u2 = backend.modulus(ops.wavelet(u1_hat, slice_bank(sub["psi"], a, b)))
                u2 = backend.reshape(u2, (-1, len(n1) * len(n2), u2.shape[-1]))
                coef = ops.low_pass(backend.rfft(u2), k2) if average else u2
                blocks.append(Block([(p, q) for p in n1 for q in n2], coef, s if average else k2))
    return blocks


def sort_keys(keys: list) -> list:
    """Indices that order path keys by ``(order, n)``: the channel order of the array output."""
    return sorted(range(len(keys)), key=lambda i: (len(keys[i]), keys[i]))


def assemble(blocks: list[Block], backend: Any) -> tuple[Any, list]:
    """Stack blocks of equal length into ``(B, C, T)`` in ``(order, n)`` order; return it and the keys.

    Parameters
    ----------
    blocks : list of Block
        Blocks whose coefficients share their length ``T``.
    backend : Backend
        The backend computing.

    Returns
    -------
    tuple
        ``(coef, keys)``: the array ``(B, C, T)`` and its ``C`` path keys.
    """
    keys = [key for block in blocks for key in block.keys]
    order = sort_keys(keys)
    coef = backend.concatenate([block.coef for block in blocks], axis=1)
    if order != list(range(len(keys))):
        coef = backend.take(coef, order, axis=1)
    return coef, [keys[i] for i in order]
