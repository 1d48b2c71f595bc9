"""The PyTorch 3-D solid-harmonic scattering frontend."""
from __future__ import annotations

import torch

from kymatio.core.frontend3d import ScatteringBase3D

from ._frontend import TorchFrontend

__all__ = ["HarmonicScattering3D"]


class HarmonicScattering3D(TorchFrontend, ScatteringBase3D, torch.nn.Module):
    """3-D solid-harmonic wavelet scattering of torch tensors, as a ``torch.nn.Module``.

    Convolves volumes of size ``shape`` (the last three axes) with solid harmonic wavelets of degrees
    ``l = 0..L`` and widths ``sigma_0 * 2**j`` (``j = 0..J``), takes the modulus over the ``2l + 1``
    orders ``m`` (a rotation-invariant modulus), repeats once on the result for ``j2 > j1``, and sums
    powers of each modulus over the volume. Convolutions are circular at the input size. Leading axes
    are batch axes. The numbers are those of :class:`kymatio.numpy.HarmonicScattering3D`; the output
    is differentiable, with a zero gradient where a modulus vanishes.

    Parameters
    ----------
    J : int
        Largest scale index, ``>= 0``; wavelets have widths ``sigma_0 * 2**j`` for ``j = 0..J``.
    shape : tuple of three int
        Volume size ``(M, N, O)``.
    L : int
        Largest degree of the solid harmonics, ``>= 0`` (``l = 0`` is a Gaussian).
    sigma_0 : float
        Width of the finest wavelets in voxels, ``> 0``.
    max_order : {1, 2}
        Highest scattering order (settable after construction).
    rotation_covariant : bool
        If True, the modulus combines all orders ``m`` (rotation-invariant coefficients); if False,
        only ``m = -l`` is used (settable).
    method : {'integral'}
        How moduli are summarised; only ``'integral'`` exists.
    points : optional
        Accepted for compatibility with Kymatio and stored; unused.
    integral_powers : sequence of float
        Powers ``p`` of the integrals ``sum_u U(u)**p`` (settable); default ``(0.5, 1.0, 2.0)``.
    backend : str or backend object, optional
        ``"torch"`` (default) or any backend serving the torch frontend.

    Raises
    ------
    ValueError
        For ``J < 0``, ``L < 0``, ``sigma_0 <= 0``, ``max_order`` not 1 or 2, ``method`` other than
        ``'integral'``, bad ``integral_powers`` or ``shape``; at call time, for input whose last three
        axes are not ``shape`` or with an empty batch. These errors are also ``RuntimeError``.
    TypeError
        For non-integer ``J``/``L``/``max_order``, non-boolean ``rotation_covariant``; at call time,
        for input that is not a real float32/float64 ``torch.Tensor``, or whose dtype or device
        differs from the filters'.

    Notes
    -----
    The filters are buffers, float32 (complex filters stored as ``(..., 2)`` real/imaginary pairs) on
    the CPU when built: a float64 input needs ``S.double()`` first, an input on a GPU
    ``S.to(x.device)``; a mismatch raises ``TypeError`` naming both. For powers ``p < 1`` the
    gradient of ``U**p`` is taken as 0 where ``U = 0`` (it is infinite there), so a zero input gives
    zero gradients, not NaN.

    Examples
    --------
    >>> import torch
    >>> from kymatio.torch import HarmonicScattering3D
    >>> S = HarmonicScattering3D(J=2, shape=(16, 16, 16), L=2)
    >>> x = torch.randn(4, 16, 16, 16, generator=torch.Generator().manual_seed(0))
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    (torch.Size([4, 6, 3, 3]), torch.float32)
    >>> S.meta()["key"]
    [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2)]
    """


HarmonicScattering3D.__module__ = "kymatio.torch"
