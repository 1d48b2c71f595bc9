"""The PyTorch 1-D scattering frontend."""
from __future__ import annotations

import torch

from kymatio.core.frontend1d import ScatteringBase1D

from ._frontend import TorchFrontend

__all__ = ["Scattering1D"]


class Scattering1D(TorchFrontend, ScatteringBase1D, torch.nn.Module):
    """1-D wavelet scattering transform of torch tensors, as a ``torch.nn.Module``.

    Computes, for signals of length ``shape`` in the last axis, the zeroth-, first- and second-order
    scattering coefficients: the low-passed signal, the low-passed moduli of its wavelet transform, and
    the low-passed moduli of the wavelet transforms of those moduli. Leading axes are batch axes. The
    numbers are those of :class:`kymatio.numpy.Scattering1D`; the output is differentiable.

    Parameters
    ----------
    J : int
        Log2 of the largest wavelet scale; also of the default averaging scale ``T = 2**J``.
    shape : int or tuple of one int
        Signal length ``N``.
    Q : int or tuple of int
        Wavelets per octave: ``Q1`` or ``(Q1,)`` (second layer 1) or ``(Q1, Q2)``.
    T : None, int, 0 or 'global'
        Averaging scale (``None`` means ``2**J``); ``0`` keeps the un-averaged moduli (``out_type``
        'dict' or 'list' only); ``'global'`` sums over time (over the padded signal).
    stride : int, optional
        Time subsampling of the output, a power of two (default ``2**floor(log2 T)``); only with local
        averaging.
    max_order : {1, 2}
        Highest scattering order.
    oversampling : int
        Deprecated: ``stride = T / 2**oversampling``.
    out_type : {'array', 'dict', 'list'}
        Output format (see :meth:`scattering`).
    backend : str or backend object, optional
        ``"torch"`` (default) or any backend serving the torch frontend.

    Raises
    ------
    ValueError
        For parameters out of range (``Q < 1``, ``T > N``, a stride that is not a power of two...).
    TypeError
        At call time, for input that is not a real float32/float64 ``torch.Tensor``, or whose dtype
        or device differs from the module's filters.

    Notes
    -----
    The filters are buffers (``tensor0``, ``tensor1``...), float32 on the CPU when built: a float64
    input needs ``S.double()`` first, an input on a GPU ``S.to(x.device)`` (or ``S.cuda()``); a
    mismatch raises ``TypeError`` naming both, the filters are never converted behind your back.
    The output has the input's dtype. Non-contiguous input is accepted.

    Examples
    --------
    >>> import torch
    >>> from kymatio.torch import Scattering1D
    >>> S = Scattering1D(J=6, shape=512, Q=8)
    >>> x = torch.randn(3, 512, generator=torch.Generator().manual_seed(0))
    >>> Sx = S(x)
    >>> Sx.shape, Sx.dtype
    (torch.Size([3, 126, 8]), torch.float32)
    >>> S.output_size(detail=True)
    (1, 38, 87)
    >>> S.double()(x.double()).dtype
    torch.float64
    """


Scattering1D.__module__ = "kymatio.torch"
