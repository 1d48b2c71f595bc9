r"""3-D solid-harmonic scattering, width-first, over the backend protocol.

For a real volume :math:`x` with 3-D DFT :math:`\hat x`, solid harmonic wavelets
:math:`\hat\psi_{l,j,m}` (degree :math:`l \le L`, scale :math:`j \le J`, order :math:`m = -l..l`) and
integral powers :math:`p_1..p_P`, all convolutions circular at the input size (no padding, no
subsampling):

.. math::

    U_1[l, j_1] &= \Big(\sum_m |\mathcal F^{-1}(\hat x\, \hat\psi_{l,j_1,m})|^2\Big)^{1/2} \\
    U_2[l, j_1, j_2] &= \Big(\sum_m |\mathcal F^{-1}(\hat U_1[l, j_1]\, \hat\psi_{l,j_2,m})|^2
        \Big)^{1/2}, \quad j_2 > j_1 \\
    S[k, l, i] &= \sum_u U[k, l](u)^{p_i}

The sum over :math:`m` makes the coefficients invariant to rotations of :math:`x`
(``rotation_covariant=True``); otherwise only :math:`m = -l` is used and the sum is a plain modulus.
Second order keeps the degree :math:`l` of the first. The ``K`` rows are order 1 for
:math:`j_1 = 0..J`, then order 2 for the pairs :math:`(j_1, j_2 > j_1)` in lexicographic order:
:math:`K = (J + 1) + J (J + 1) / 2`. There is no order-0 row (it would be :math:`\sum_u x^{p_i}`).

The reference walks this tree one ``(l, j, m)`` at a time. Here, for each degree, the wavelets of all
scales and all orders are applied in one broadcast product and one batched inverse FFT (at first
order), and those of all :math:`j_2 > j_1` for one :math:`j_1` likewise (at second order). Chunks
along the scale axis, then the batch axis, bound each product to about :data:`CHUNK_ELEMENTS` complex
numbers; the smallest unit is one volume with all its ``2l + 1`` orders.
"""
from __future__ import annotations

from typing import Any, Sequence

from ._batching import chunks

__all__ = ["scattering3d", "path_keys", "CHUNK_ELEMENTS"]

# Upper bound on the complex elements of one batched product (batch x filters x voxels): 2**25
# complex128 numbers are 512 MiB, the order of the reference's filter bank at 128^3.
CHUNK_ELEMENTS = 2**25


def path_keys(J: int, max_order: int) -> list[tuple[int, ...]]:
    """The scales ``(j1,)`` or ``(j1, j2)`` of the ``K`` rows of the output, in order."""
    keys = [(j1,) for j1 in range(J + 1)]
    if max_order >= 2:
        keys += [(j1, j2) for j1 in range(J + 1) for j2 in range(j1 + 1, J + 1)]
    return keys


def scattering3d(x: Any, backend: Any, filters: Sequence[Any], rotation_covariant: bool = True,
                 max_order: int = 2, integral_powers: Sequence[float] = (0.5, 1.0, 2.0)) -> Any:
    """Solid-harmonic scattering integrals of real volumes ``x`` of shape ``(B, M, N, O)``.

    Parameters
    ----------
    x : array
        Backend array of real volumes.
    backend : Backend
        The backend that owns ``x`` and the filters.
    filters : sequence of array
        Entry ``l`` (``l = 0..L``): the ``(J + 1, 2l + 1, M, N, O)`` complex Fourier-domain filters of
        :func:`~kymatio.core.filters3d.solid_harmonic_filter_bank`, as backend arrays of the
        precision of ``x``.
    rotation_covariant : bool
        Sum the squared moduli over all orders ``m`` (True) or keep ``m = -l`` only (False).
    max_order : {1, 2}
        Highest order computed.
    integral_powers : sequence of float
        The powers ``p`` of the integrals ``sum U**p``.

    Returns
    -------
    array
        ``(B, K, L + 1, P)``, rows in the order of :func:`path_keys`.
    """
    powers = list(integral_powers)
    batch = x.shape[0] if x.shape[0] is not None else 1  # dynamic batch: size chunks for one
    spatial = tuple(x.shape[-3:])
    voxels = spatial[0] * spatial[1] * spatial[2]
    n_scales = filters[0].shape[0]
    # (B, 1, 1, M, N, O): a scale axis and an order axis against the filters' (J+1, 2l+1, ...).
    x_hat = backend.rfft(backend.reshape(x, (-1, 1, 1) + spatial), ndim=3)

    def wavelet_modulus(u_hat, psi_f):
        """``(b, 1, 1, ...)`` spectra times ``(n, orders, ...)`` filters -> ``(b, n, ...)`` moduli."""
        waves = backend.ifft(backend.cdgmm(u_hat, psi_f), ndim=3)
        return backend.modulus_rotation(waves, axis=2)

    by_degree = []
    for psi_l in filters:
        if not rotation_covariant:
            psi_l = backend.take(psi_l, [0], axis=1)  # m = -l only
        per_volume = psi_l.shape[1] * voxels  # one volume against all orders of one scale
        batch_width = max(1, CHUNK_ELEMENTS // per_volume)
        blocks = []
        for b0, b1 in chunks(batch, batch_width):
            x_hat_b = x_hat if (b0, b1) == (0, batch) else x_hat[b0:b1]
            scale_width = CHUNK_ELEMENTS // max(1, (b1 - b0) * per_volume)
            order1, order2 = [], []
            for j0, j1_end in chunks(n_scales, scale_width):
                u1 = wavelet_modulus(x_hat_b, psi_l[j0:j1_end])  # (b, c1, M, N, O)
                order1.append(backend.integrals(u1, powers, ndim=3))
                if max_order < 2:
                    continue
                u1_hat = backend.rfft(backend.reshape(u1, (-1, j1_end - j0, 1, 1) + spatial),
                                      ndim=3)
                for i, j1 in enumerate(range(j0, j1_end)):
                    u1_hat_j1 = backend.take(u1_hat, [i], axis=1)  # (b, 1, 1, 1, M, N, O)
                    u1_hat_j1 = backend.reshape(u1_hat_j1, (-1, 1, 1) + spatial)
                    for a2, b2 in chunks(n_scales - j1 - 1, scale_width):
                        u2 = wavelet_modulus(u1_hat_j1, psi_l[j1 + 1 + a2:j1 + 1 + b2])
                        order2.append(backend.integrals(u2, powers, ndim=3))
            rows = order1 + order2
            blocks.append(rows[0] if len(rows) == 1 else backend.concatenate(rows, axis=1))
        by_degree.append(blocks[0] if len(blocks) == 1 else backend.concatenate(blocks, axis=0))
    return backend.stack(by_degree, axis=2)
