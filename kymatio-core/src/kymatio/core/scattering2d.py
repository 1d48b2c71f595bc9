r"""2-D scattering, width-first, over the backend protocol.

For a reflect-padded real image :math:`x` of size :math:`M_p \times N_p` with 2-D DFT :math:`\hat x`,
Morlet wavelets :math:`\psi_{j,\theta}` and a low-pass :math:`\phi` (Fourier-domain, real), writing
:math:`P_k` for periodisation by averaging over both axes (subsampling by :math:`k` done in the Fourier
domain) and :math:`f^{(l)}` for level :math:`l` of a filter (its version at resolution :math:`2^{-l}`):

.. math::

    S_0 &= \Re\,\mathcal F^{-1} P_{2^J}(\hat x\,\phi^{(0)}) \\
    U_1[j_1, \theta_1] &= |\mathcal F^{-1} P_{2^{j_1}}(\hat x\,\psi_{j_1,\theta_1}^{(0)})| \\
    S_1[j_1, \theta_1] &= \Re\,\mathcal F^{-1} P_{2^{J-j_1}}(\hat U_1\,\phi^{(j_1)}) \\
    U_2[j_1, \theta_1, j_2, \theta_2] &= |\mathcal F^{-1} P_{2^{j_2-j_1}}
        (\hat U_1\,\psi_{j_2,\theta_2}^{(j_1)})|, \quad j_2 > j_1 \\
    S_2[j_1, \theta_1, j_2, \theta_2] &= \Re\,\mathcal F^{-1} P_{2^{J-j_2}}(\hat U_2\,\phi^{(j_2)})

Every coefficient ends at resolution :math:`2^{-J}`, ``(M_p / 2**J, N_p / 2**J)``; the frontend drops
the border row and column. Channels come in the reference's order: :math:`S_0`, then :math:`S_1` by
:math:`n_1 = j_1 L + \theta_1`, then :math:`S_2` by :math:`(n_1, n_2)` lexicographically.

The reference walks this tree one path at a time. Here all ``L`` orientations of a scale :math:`j_1`
are applied in one broadcast product and one batched inverse FFT, and, for a chunk of those, all
``L x L`` pairs :math:`(\theta_1, \theta_2)` of a scale pair :math:`(j_1, j_2)` likewise. Chunks along
the orientation axes bound every batched product (``kymatio.core._batching``).
Low-pass outputs are real (the spectrum times a real, even :math:`\phi` stays Hermitian), so they use
the backend's real inverse FFT. The low-pass :math:`\phi` is also separable, so on backends with
matrix products (``Backend.matrix_products``) a low-pass is two small real
matrix products in space (``kymatio.core._periodize.lowpass_operators``) wherever that costs less
than its FFTs: always for the second order, whose moduli then need no FFT at all.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._batching import chunks, step_budget, step_width
from ._periodize import alias_bank, lowpass_operators, slice_bank

__all__ = ["build_plan", "path_keys", "scattering2d"]


def build_plan(phi: dict, psi: list, J: int, L: int) -> dict:
    """Stack the filter bank of :func:`~kymatio.core.filters2d.filter_bank` for width-first use.

    Parameters
    ----------
    phi : dict
        The low-pass filter of the bank (its ``"levels"``).
    psi : list of dict
        The wavelets of the bank, entry ``n = j L + theta``.
    J : int
        Number of scales.
    L : int
        Number of orientations.

    Returns
    -------
    dict
        A tree of alias banks (``kymatio.core._periodize.alias_bank``) and ints: ``phi[r]``,
        level ``r`` of the low-pass for the subsampling from ``2**r`` to ``2**J``, and
        ``psi[j][r]``, the ``(L, M/2**r, N/2**r)`` stack over orientations of the wavelets of scale
        ``j`` at level ``r`` for the subsampling from ``2**r`` to ``2**j``; ``phi_ops[r]``, the
        two matrices of ``lowpass_operators`` (``kymatio.core._periodize``) of ``phi`` level ``r``
        (None if it were not separable).
    """
    by_scale = []
    for j in range(J):
        wavelets = [psi[j * L + theta] for theta in range(L)]
        n_levels = min(len(wavelets[0]["levels"]), j + 1)
        by_scale.append([alias_bank(np.stack([w["levels"][r] for w in wavelets]), 2 ** (j - r),
                                    ndim=2) for r in range(n_levels)])
    phi_banks = [alias_bank(level, 2 ** (J - r), ndim=2) for r, level in enumerate(phi["levels"])]
    phi_ops = [lowpass_operators(level, 2 ** (J - r), ndim=2) for r, level in enumerate(phi["levels"])]
    return {"J": J, "L": L, "phi": phi_banks, "psi": by_scale, "phi_ops": phi_ops}


def path_keys(J: int, L: int, max_order: int) -> list[tuple[tuple, tuple, tuple]]:
    """``(n, j, theta)`` tuples of every output channel, in the channel order of the output.

    Parameters
    ----------
    J, L : int
        Number of scales and of orientations.
    max_order : {1, 2}
        Highest order.

    Returns
    -------
    list of tuple
        ``(n, j, theta)`` per channel: tuples of length 0, 1 or 2 each, ``n = j L + theta``.

    Examples
    --------
    >>> from kymatio.core.scattering2d import path_keys
    >>> path_keys(J=2, L=2, max_order=2)[:3]
    [((), (), ()), ((0,), (0,), (0,)), ((1,), (0,), (1,))]
    """
    keys = [((), (), ())]
    keys += [((j1 * L + t1,), (j1,), (t1,)) for j1 in range(J) for t1 in range(L)]
    if max_order >= 2:
        keys += [((j1 * L + t1, j2 * L + t2), (j1, j2), (t1, t2))
                 for j1 in range(J) for t1 in range(L)
                 for j2 in range(j1 + 1, J) for t2 in range(L)]
    return keys


def scattering2d(x: Any, backend: Any, plan: dict, max_order: int = 2) -> Any:
    """Scatter padded real images ``x`` of shape ``(B, 1, M_p, N_p)``.

    Parameters
    ----------
    x : array
        Backend array of the padded images, with a singleton filter axis.
    backend : Backend
        The backend that owns ``x`` and the filters.
    plan : dict
        :func:`build_plan`'s tree with its arrays converted to backend arrays of the precision of ``x``.
    max_order : {1, 2}
        Highest order computed.

    Returns
    -------
    array
        ``(B, C, M_p / 2**J, N_p / 2**J)``, channels in the order of :func:`path_keys`.
    """
    J, phi, psi = plan["J"], plan["phi"], plan["psi"]
    batch = x.shape[0] if x.shape[0] is not None else 1  # dynamic batch: size chunks for one
    M, N = x.shape[-2], x.shape[-1]

    def low_pass(u_hat, res):
        """Average a spectrum at resolution ``2**-res`` and subsample it to ``2**-J``."""
        return backend.irfft(backend.periodized_product(u_hat, phi[res]), ndim=2)

    ops = plan.get("phi_ops") if getattr(backend, "matrix_products", False) else None

    def in_space(res, spectrum_needed):
        """Whether to low-pass a signal at resolution ``2**-res`` by matrix products in space.

        Without its spectrum otherwise needed, always (its FFT is saved too: 0.2-0.6x of the
        time of the FFT route, measured on the benchmark sizes); with it, where the matrix
        products (read as ~1 unit per input sample, more for outputs wider than 12) cost less
        than the periodised product and the small inverse FFT (~6 units per kept block and output
        sample).
        """
        if ops is None or ops[res] is None:
            return False
        if not spectrum_needed:
            return True
        n_in = (M >> res) * (N >> res)
        n_out, wide = (M >> J) * (N >> J), max(M, N) >> J
        return n_in * max(1.0, wide / 12.0) < 6.0 * len(phi[res]["blocks"]) * n_out

    def wavelet_modulus(u_hat, bank):
        return backend.modulus(backend.ifft_owned(backend.periodized_product(u_hat, bank), ndim=2))

    x_hat = backend.rfft(x, ndim=2)
    order0 = [backend.apply_matrices(x, ops[0]) if in_space(0, True) else low_pass(x_hat, 0)]
    order1, order2 = [], []
    budget = step_budget(batch * M * N)
    L = plan["L"]
    for j1 in range(J):
        M1, N1 = M // 2**j1, N // 2**j1
        second = max_order >= 2 and j1 < J - 1
        space1 = in_space(j1, second)
        space2 = [in_space(j2, False) for j2 in range(J)]
        for a, b in chunks(L, step_width(budget, batch * M1 * N1)):
            u1 = wavelet_modulus(x_hat, slice_bank(psi[j1][0], a, b))  # (B, c1, M1, N1)
            if space1:
                order1.append(backend.apply_matrices(u1, ops[j1]))
            if not second:
                if not space1:
                    order1.append(low_pass(backend.rfft(u1, ndim=2), j1))
                continue
            u1_hat = backend.rfft(u1, ndim=2)
            del u1  # not needed by the second order: its memory is free for the steps below
            if not space1:
                order1.append(low_pass(u1_hat, j1))
            # (B, c1, 1, M1, N1) against (c2, M1, N1): every first-order path of the chunk meets every
            # wavelet of the second chunk in one broadcast product.
            c1 = b - a
            u1_hat = backend.reshape(u1_hat, (-1, c1, 1, M1, N1))
            blocks = []
            for j2 in range(j1 + 1, J):
                width2 = step_width(budget, batch * c1 * (M >> j2) * (N >> j2))
                for a2, b2 in chunks(L, width2):
                    u2 = wavelet_modulus(u1_hat, slice_bank(psi[j2][j1], a2, b2))  # (B, c1, c2, M2, N2)
                    blocks.append(backend.apply_matrices(u2, ops[j2]) if space2[j2]
                                  else low_pass(backend.rfft(u2, ndim=2), j2))
            # Concatenating along the second-order axis keeps (n1, n2) lexicographic within the chunk.
            s2 = blocks[0] if len(blocks) == 1 else backend.concatenate(blocks, axis=2)
            order2.append(backend.reshape(s2, (-1, c1 * s2.shape[2]) + tuple(s2.shape[-2:])))
    blocks = order0 + order1 + order2
    return blocks[0] if len(blocks) == 1 else backend.concatenate(blocks, axis=1)
