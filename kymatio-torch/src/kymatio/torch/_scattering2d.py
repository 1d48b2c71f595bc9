"""The PyTorch 2-D scattering frontend."""
from __future__ import annotations

import torch

from kymatio.core.frontend2d import ScatteringBase2D

from ._frontend import TorchFrontend

__all__ = ["Scattering2D"]


class Scattering2D(TorchFrontend, ScatteringBase2D, torch.nn.Module):
    """2-D wavelet scattering transform of torch tensors, as a ``torch.nn.Module``.

    Computes, for images of size ``shape`` in the last two axes, the zeroth-, first- and second-order
    scattering coefficients: the low-passed image, the low-passed moduli of its Morlet wavelet
    transform over ``J`` scales and ``L`` orientations, and the low-passed moduli of the wavelet
    transforms of those moduli (scales ``j2 > j1``), all subsampled by ``2**J``. Images are
    reflect-padded before the transform. Leading axes are batch axes. The numbers are those of
    :class:`kymatio.numpy.Scattering2D`; the output is differentiable.

    Parameters
    ----------
    J : int
        Number of scales, ``>= 1``, with ``2**J <= min(shape)``; the output is subsampled by ``2**J``.
    shape : tuple of two int
        Image size ``(M, N)``.
    L : int
        Number of orientations, ``>= 1``.
    max_order : {1, 2}
        Highest scattering order (settable after construction).
    pre_pad : bool
        If True, the input is already padded to ``(M_pad, N_pad) = 2**J * (shape // 2**J + 2)`` and
        is not padded again.
    backend : str or backend object, optional
        ``"torch"`` (default) or any backend serving the torch frontend.
    out_type : {'array', 'list'}
        ``'array'``: a tensor ``batch + (C, M // 2**J, N // 2**J)``; ``'list'``: one dict
        ``{'coef', 'j', 'n', 'theta'}`` per channel (settable after construction).

    Raises
    ------
    ValueError
        For ``2**J`` larger than the image, ``J < 1``, ``L < 1``, ``max_order`` not 1 or 2, a bad
        ``out_type`` or ``shape``; at call time, for input whose last axes are not ``shape`` (or
        ``(M_pad, N_pad)`` with ``pre_pad``). These errors are also ``RuntimeError``, as in Kymatio.
    TypeError
        For non-integer ``J``/``L``, non-boolean ``pre_pad``; at call time, for input that is not a
        real float32/float64 ``torch.Tensor``, or whose dtype or device differs from the filters'.

    Notes
    -----
    The filters are buffers, float32 on the CPU when built: a float64 input needs ``S.double()``
    first, an input on a GPU ``S.to(x.device)``; a mismatch raises ``TypeError`` naming both.
    Channels: order 0, then order 1 by ``n1 = j1 * L + theta1``, then order 2 by ``(n1, n2)``;
    :meth:`meta` describes each one.

    Examples
    --------
    >>> import torch
    >>> from kymatio.torch import Scattering2D
    >>> S = Scattering2D(J=2, shape=(32, 32), L=8)
    >>> x = torch.randn(3, 32, 32, generator=torch.Generator().manual_seed(0))
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    (torch.Size([3, 81, 8, 8]), torch.float32)
    >>> S.meta()["key"][17]
    (0, 8)
    >>> model = torch.nn.Sequential(S, torch.nn.Flatten(), torch.nn.Linear(81 * 8 * 8, 10))
    >>> model(x).shape
    torch.Size([3, 10])
    """


Scattering2D.__module__ = "kymatio.torch"
