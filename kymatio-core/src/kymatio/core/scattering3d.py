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

The wavelets factor as :math:`\hat\psi_{l,j,m} = s_{l,j}\, G_j\, H_{l,m}` (a Gaussian of width
:math:`2^j \sigma_0`, a harmonic factor independent of the width, a constant;
:func:`~kymatio.core.filters3d.solid_harmonic_factors`), so the bank holds :math:`J + 1` Gaussians and
:math:`(L + 1)^2` harmonic factors instead of :math:`(J + 1)(L + 1)^2` volumes: a spectrum is
multiplied by :math:`G_j`, then by all :math:`2l + 1` factors of a degree at once (one broadcast
product, one batched inverse FFT), and :math:`s_{l,j} > 0` scales the modulus. :math:`H_{0,0} = 1`,
so degree 0 skips that product (the plan's degree-0 factor is not read). The reference walks
this tree one ``(l, j, m)`` at a time; here each step covers every order ``m`` of a degree for as
many volumes as the step budget allows (``kymatio.core._batching``).

Half the orders. For a real input (a Hermitian spectrum) and an even-sized grid,
:math:`x * \psi_{l,-m} = \pm\overline{x * \psi_{l,m}}` wherever the wavelet is negligible on the
Nyquist planes (:func:`~kymatio.core.filters3d.paired_orders`: the wider Gaussians, ``j >= 2`` for
``sigma_0 = 1``). There only the orders :math:`m = 0..l` are transformed and the sum is
:math:`|y_0|^2 + 2 \sum_{m > 0} |y_m|^2` (:meth:`~kymatio.core.backend.Backend.modulus_rotation_paired`):
``l + 1`` inverse FFTs instead of ``2l + 1``, with the same numbers to rounding. The same condition
makes :math:`x * \psi_{l,0}` real (its spectrum Hermitian; always for ``l = 0``, the Gaussian alone,
on an even grid): where the backend implements
:meth:`~kymatio.core.backend.Backend.modulus_rotation_paired_real`, that order goes through a real
inverse FFT (half the work of a complex one) and is combined with the complex orders ``m > 0``.
The precision sets how small the Nyquist-plane defect must be (``filters3d.PAIRING_RTOL``): float32
also pairs ``j = 1`` for ``l <= 2`` (``sigma_0 = 1``).
"""
from __future__ import annotations

from typing import Any, Sequence

from ._batching import chunks, step_budget, step_width
from .backend import Backend

__all__ = ["scattering3d", "path_keys"]


def path_keys(J: int, max_order: int) -> list[tuple[int, ...]]:
    """The scales ``(j1,)`` or ``(j1, j2)`` of the ``K`` rows of the output, in order.

    Parameters
    ----------
    J : int
        Largest scale index.
    max_order : {1, 2}
        Highest order.

    Returns
    -------
    list of tuple of int
        ``(j1,)`` for ``j1 = 0..J``, then ``(j1, j2)`` with ``j1 < j2 <= J``.

    Examples
    --------
    >>> from kymatio.core.scattering3d import path_keys
    >>> path_keys(J=2, max_order=2)
    [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2)]
    """
    keys = [(j1,) for j1 in range(J + 1)]
    if max_order >= 2:
        keys += [(j1, j2) for j1 in range(J + 1) for j2 in range(j1 + 1, J + 1)]
    return keys


def scattering3d(x: Any, backend: Any, plan: dict, rotation_covariant: bool = True,
                 max_order: int = 2, integral_powers: Sequence[float] = (0.5, 1.0, 2.0)) -> Any:
    """Solid-harmonic scattering integrals of real volumes ``x`` of shape ``(B, M, N, O)``.

    Parameters
    ----------
    x : array
        Backend array of real volumes.
    backend : Backend
        The backend that owns ``x`` and the filters.
    plan : dict
        The factored bank of :func:`~kymatio.core.filters3d.solid_harmonic_factors`:
        ``gaussians`` ``(J + 1, M, N, O)`` and ``harmonics`` (entry ``l`` ``(2l + 1, M, N, O)``) as
        backend arrays of the precision of ``x``, ``scales`` as nested tuples of floats.
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
    batch = x.shape[0] if x.shape[0] is not None else 1  # dynamic batch: size steps for one
    spatial = tuple(x.shape[-3:])
    voxels = spatial[0] * spatial[1] * spatial[2]
    gaussians = plan["gaussians"]
    n_scales = gaussians.shape[0]
    keys = path_keys(n_scales - 1, max_order)
    x_hat = backend.rfft(backend.reshape(x, (-1, 1) + spatial), ndim=3)      # (B, 1, M, N, O)
    budget = step_budget(batch * voxels)

    by_degree = []
    # Whether the backend combines a real order m = 0 with the others (an optional method).
    default = Backend.modulus_rotation_paired_real
    real_first = getattr(type(backend), "modulus_rotation_paired_real", default) is not default
    pairs = plan.get("paired") or tuple((False,) * n_scales for _ in plan["harmonics"])
    factors = zip(plan["harmonics"], plan["scales"], pairs)
    for degree, (harmonics, scales, paired) in enumerate(factors):
        if not rotation_covariant:
            harmonics = backend.take(harmonics, [0], axis=0)  # m = -l only
            paired = (False,) * n_scales

        l = (harmonics.shape[0] - 1) // 2
        # H_{0,0} is the constant 1 (filters3d.solid_harmonic_factors): degree 0 is the Gaussian
        # alone, and its product with the harmonic factor is skipped.
        unit = degree == 0
        # Orders m = 0..l only where -m pairs with m (see the module docstring); m = 0 apart, by a
        # real inverse FFT, where the backend can combine it with the others.
        half = zero = plus = None
        if any(paired) and real_first:
            zero = backend.take(harmonics, [l], axis=0)
            plus = backend.take(harmonics, list(range(l + 1, 2 * l + 1)), axis=0) if l else None
        elif any(paired):
            half = backend.take(harmonics, list(range(l, 2 * l + 1)), axis=0)

        def wavelet_modulus(u_hat, j):
            """``(b, 1, ...)`` spectra -> ``(b, ...)`` moduli of the wavelets of scale ``j``."""
            g = backend.cdgmm(u_hat, gaussians[j])
            if paired[j] and real_first:
                # g (a fresh product) is not read again when unit: for l = 0, plus is None.
                wave0 = backend.irfft_owned(g if unit else backend.cdgmm(g, zero), ndim=3)
                waves = None if plus is None else backend.ifft_owned(backend.cdgmm(g, plus), ndim=3)
                u = backend.modulus_rotation_paired_real(wave0, waves, axis=1)
            elif paired[j]:
                waves = backend.ifft_owned(g if unit else backend.cdgmm(g, half), ndim=3)
                u = backend.modulus_rotation_paired(waves, axis=1)          # over (b, l+1, ...)
            else:
                waves = backend.ifft_owned(g if unit else backend.cdgmm(g, harmonics), ndim=3)
                u = backend.modulus_rotation(waves, axis=1)                 # over (b, 2l+1, ...)
            return u if scales[j] == 1.0 else u * scales[j]

        steps = []
        for b0, b1 in chunks(batch, step_width(budget, harmonics.shape[0] * voxels)):
            x_hat_b = x_hat if (b0, b1) == (0, batch) else x_hat[b0:b1]
            rows = {}
            for j1 in range(n_scales):
                u1 = wavelet_modulus(x_hat_b, j1)                            # (b, M, N, O)
                rows[(j1,)] = backend.integrals(u1, powers, ndim=3)          # (b, P)
                if max_order < 2 or j1 == n_scales - 1:
                    continue
                u1_hat = backend.rfft(backend.reshape(u1, (-1, 1) + spatial), ndim=3)
                del u1  # free for the second-order steps below
                for j2 in range(j1 + 1, n_scales):
                    rows[(j1, j2)] = backend.integrals(wavelet_modulus(u1_hat, j2), powers, ndim=3)
            steps.append(backend.stack([rows[key] for key in keys], axis=1))  # (b, K, P)
        by_degree.append(steps[0] if len(steps) == 1 else backend.concatenate(steps, axis=0))
    return backend.stack(by_degree, axis=2)
