r"""Joint time-frequency scattering (JTFS), width-first, over the backend protocol.

JTFS scatters the *scalogram* of a signal in time and in log-frequency jointly. With the notation of
:mod:`kymatio.core.scattering1d` (time wavelets :math:`\psi_{n}`, low-pass :math:`\phi`, stride
:math:`2^s`), frequential wavelets :math:`\Psi_{n_{fr}}` of both spins (and the frequential low-pass
:math:`\Psi_0 = \phi_J`) applied along the first-order index :math:`n_1`, and the frequential
low-pass :math:`\phi_F` at stride :math:`2^{s_{fr}}`:

.. math::

    S_1[n_1] &= \phi \star |x \star \psi_{n_1}|  \qquad\text{(time-averaged scalogram)} \\
    S^{(1)}[n_{fr}] &= \phi_F \star_{n_1} |S_1 \star_{n_1} \Psi_{n_{fr}}|, \quad \xi_{fr} \ge 0 \\
    Y_2[n_1, n_2] &= |x \star \psi_{n_1}| \star \psi_{n_2}, \quad j_1 < j_2 \quad\text{(complex)} \\
    S^{(2)}[n_2, n_{fr}] &= \phi_F \star_{n_1} \phi \star_t |Y_2[\cdot, n_2] \star_{n_1} \Psi_{n_{fr}}|

The spin-0 paths (:math:`\Psi_0`) are not averaged by :math:`\phi_F` again. Along :math:`n_1` the
signals are zero-padded to ``N_fr`` and every subsampling is done in the Fourier domain, as in time.

Width-first: the time part reuses :class:`~kymatio.core.scattering1d.TimeOps` (all wavelets of one
``j1`` at once; for each of them all second-order wavelets of one subsampling at once). For the
frequential part, every second-order wavelet ``n2`` of one time resolution is one row of a batch
``(B, M, N_fr, T)``; the frequential wavelets that share a subsampling are applied to the whole batch
in one broadcast product and one batched inverse FFT.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._batching import chunks, step_budget, step_width
from ._periodize import alias_bank, slice_bank
from .scattering1d import TimeOps, filter_level

__all__ = ["FrequencyBlock", "build_frequency_plan", "scattering_jtfs"]


@dataclass
class FrequencyBlock:
    """Coefficients of the joint paths ``(n2, n_fr)`` for ``n2`` in ``n2`` and ``n_fr`` in ``n_fr``.

    Parameters
    ----------
    n2 : list
        The second-order time wavelets of the block; ``[None]`` for the first-order joint paths.
    n_fr : list of int
        The frequential wavelets of the block.
    coef : array
        Of shape ``(B, len(n2), len(n_fr), F, T)``: ``F`` rows along the first-order index (not
        yet unpadded), ``T`` samples at time resolution ``2**res``.
    res : int
        The log2 of the time subsampling of ``coef``.
    """

    n2: list
    n_fr: list
    coef: Any
    res: int


def build_frequency_plan(phi_F: dict, filters_fr: list, log2_stride_fr: int, average_fr: Any,
                         reduction=np.sum) -> dict:
    """Group the frequential filters for width-first evaluation.

    ``filters_fr`` is ``[phi_J] + psis`` (index ``n_fr``; spin-0 first, then the positive, then the
    negative spins). Filters are grouped by subsampling ``k_fr`` and by whether they are spin 0 (the
    spin-0 filter is its own group: it is never averaged by ``phi_F`` again, except to bring it to a
    common grid). Each group stacks its level-0 filters into ``(K, 1, N_fr)`` (the middle axis
    broadcasts over time).

    Parameters
    ----------
    phi_F : dict
        The frequential low-pass of width ``F``.
    filters_fr : list of dict
        ``[phi_J] + psis``.
    log2_stride_fr : int
        The log2 of the subsampling along the first-order axis.
    average_fr : {'local', 'global', False}
        The frequential averaging.
    reduction : callable
        How coarser filter levels are folded (``np.sum``).

    Returns
    -------
    dict
        The groups of frequential filters (as alias banks) and the averaging banks of ``phi_F``.
    """
    s_fr = log2_stride_fr
    local = average_fr == "local"

    def subsampling(j):
        return min(j, s_fr) if local else j

    def groups(indices):
        out = []
        keys = sorted({(subsampling(filters_fr[n]["j"]), n == 0) for n in indices},
                      key=lambda key: (not key[1], key[0]))
        for k, spin0 in keys:
            members = [n for n in indices
                       if subsampling(filters_fr[n]["j"]) == k and (n == 0) == spin0]
            stack = np.stack([filters_fr[n]["levels"][0] for n in members])[:, None, :]
            out.append({"k": k, "spin0": spin0, "n_fr": members, "psi": alias_bank(stack, 2**k)})
        return out

    non_negative = [n for n, f in enumerate(filters_fr) if f["xi"] >= 0]
    N_fr = phi_F["levels"][0].shape[-1]
    # phi_F averages from the resolution a frequential wavelet left (k <= s_fr) to the stride.
    top = min(int(np.log2(N_fr & -N_fr)), s_fr) if local else -1
    return {"log2_stride_fr": s_fr, "average_fr": average_fr, "N_fr": N_fr,
            "phi_F": [alias_bank(filter_level(phi_F, k, reduction), 2 ** (s_fr - k))
                      for k in range(top + 1)],
            "first": groups(non_negative), "second": groups(list(range(len(filters_fr))))}


def _frequency_scattering(X: Any, real: bool, groups: list, backend: Any, fplan: dict,
                          ops: TimeOps, time_mode: str, k_time: int, spin0_to_grid: bool,
                          n2: list, res: int, batch: int):
    """Scatter a batch ``X`` of shape ``(B, M, N_fr, T)`` along its frequency axis; yield blocks.

    ``time_mode`` says what happens along time after the modulus: ``'global'`` (sum), ``'local'``
    (low-pass from resolution ``k_time`` to the stride) or ``'none'``.
    """
    average_fr = fplan["average_fr"]
    phi_F = fplan["phi_F"]
    B, M, N_fr, T = -1, len(n2), X.shape[-2], X.shape[-1]
    x_hat = backend.rfft(backend.transpose(X, (0, 1, 3, 2))) if real else \
        backend.fft(backend.transpose(X, (0, 1, 3, 2)))
    x_hat = backend.reshape(x_hat, (B, M, 1, T, N_fr))
    budget = step_budget(batch * M * T * N_fr)
    for group in groups:
        k = group["k"]
        average = bool(average_fr) and (not group["spin0"] or spin0_to_grid)
        width = step_width(budget, batch * M * T * (N_fr >> k))
        for a, b in chunks(len(group["n_fr"]), width):
            y = backend.modulus(backend.ifft_owned(backend.periodized_product(
                x_hat, slice_bank(group["psi"], a, b))))                     # (B, M, K, T, F)
            if average and average_fr == "global":
                y = backend.sum(y, axis=-1, keepdims=True)
            elif average:
                y = backend.irfft(backend.periodized_product(backend.rfft(y), phi_F[k]))
            y = backend.transpose(y, (0, 1, 2, 4, 3))                        # (B, M, K, F, T)
            if time_mode == "global":
                y = backend.sum(y, axis=-1, keepdims=True)
            elif time_mode == "local":
                y = ops.low_pass(backend.rfft(y), k_time)
            yield FrequencyBlock(n2, group["n_fr"][a:b], y, res)


def scattering_jtfs(x: Any, backend: Any, plan: dict, average: Any, spin0_to_grid: bool,
                    N_fr: int) -> tuple[Any, int, list]:
    """Joint time-frequency scattering of padded real signals ``x`` of shape ``(B, 1, N)``.

    Parameters
    ----------
    x : array
        Reflect-padded real signals ``(B, 1, N)``.
    backend : Backend
        The backend computing.
    plan : dict
        ``{"time": build_plan(...), "freq": build_frequency_plan(...)}`` converted to backend
        arrays of the precision of ``x``.
    average : {'local', 'global', False}
        The time averaging.
    spin0_to_grid : bool
        Also average the spin-0 paths by ``phi_F`` (to stack them with the others).
    N_fr : int
        The padded length of the first-order (frequential) axis.

    Returns
    -------
    tuple
        ``(order0, res0, blocks)``: the zeroth order ``(B, 1, T)`` at time resolution ``res0``
        and the :class:`FrequencyBlock` list (first-order joint paths, then second-order ones).
    """
    tplan, fplan = plan["time"], plan["freq"]
    ops = TimeOps(backend, tplan)
    s = tplan["log2_stride"]
    local = tplan["average_local"]
    batch = x.shape[0] if x.shape[0] is not None else 1
    N = x.shape[-1]

    x_hat = backend.rfft(x)
    order0 = ops.low_pass(x_hat, 0) if local else x
    res0 = s if local else 0

    # Stage A, first order: every U1 is kept (as a spectrum) for the second order; S1 is always
    # averaged in time, also when T=0 (the scalogram that the frequential wavelets scatter).
    s1, kept = [], []
    for group, n1, u1 in ops.first_order(x_hat, batch, N):
        u1_hat = backend.rfft(u1)
        s1.append(ops.low_pass(u1_hat, group["k1"]))
        kept.append((group, n1, backend.reshape(u1_hat, (-1, len(n1), 1, u1_hat.shape[-1]))))
    n1_count = sum(len(n1) for _, n1, _ in kept)
    s1 = backend.concatenate(s1, axis=1)                                     # (B, n1, T)
    s1 = backend.pad(backend.reshape(s1, (-1, 1, n1_count, s1.shape[-1])),
                     [(0, N_fr - n1_count), (0, 0)], mode="constant")
    time_mode = "global" if average == "global" else "none"
    blocks = list(_frequency_scattering(s1, True, fplan["first"], backend, fplan, ops, time_mode,
                                        s, spin0_to_grid, [None], s, batch))

    # Stage A, second order, one batch of n2 of equal time resolution k2 at a time; then Stage B.
    by_k2: dict = {}
    for group, _, _ in kept:
        for sub in group["order2"]:
            by_k2.setdefault(sub["k2"], set()).update(sub["n2"])
    time_mode = {"global": "global", "local": "local"}.get(average, "none")
    for k2 in sorted(by_k2):
        n2_all = sorted(by_k2[k2])
        T2 = N // 2**k2
        width = step_width(step_budget(batch * N), batch * N_fr * T2)
        for a, b in chunks(len(n2_all), width):
            chunk = n2_all[a:b]
            pieces: dict = {n2: [] for n2 in chunk}
            for group, n1, u1_hat in kept:
                sub = next((o for o in group["order2"] if o["k2"] == k2), None)
                if sub is None:
                    continue
                sel = [i for i, n2 in enumerate(sub["n2"]) if n2 in pieces]
                if not sel:
                    continue
                start, stop = sel[0], sel[-1] + 1       # a contiguous run of sub["n2"]
                y = ops.wavelet(u1_hat, slice_bank(sub["psi"], start, stop))  # (B, c1, n, T2)
                y = backend.transpose(y, (0, 2, 1, 3))                               # (B, n, c1, T2)
                for i in range(start, stop):
                    pieces[sub["n2"][i]].append(backend.take(y, [i - start], axis=1))
            rows = []
            for n2 in chunk:
                y2 = backend.concatenate(pieces[n2], axis=2)                # (B, 1, n1_max, T2)
                rows.append(backend.pad(y2, [(0, N_fr - y2.shape[2]), (0, 0)], mode="constant"))
            X = backend.concatenate(rows, axis=1) if len(rows) > 1 else rows[0]
            res = s if average == "local" else k2
            blocks.extend(_frequency_scattering(X, False, fplan["second"], backend, fplan, ops,
                                                time_mode, k2, spin0_to_grid, chunk, res, batch))
    return order0, res0, blocks
