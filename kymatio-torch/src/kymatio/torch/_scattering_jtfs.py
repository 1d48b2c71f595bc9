"""The PyTorch joint time-frequency scattering frontend."""
from __future__ import annotations

import torch

from kymatio.core.frontend_jtfs import TimeFrequencyScatteringBase

from ._frontend import TorchFrontend

__all__ = ["TimeFrequencyScattering"]


class TimeFrequencyScattering(TorchFrontend, TimeFrequencyScatteringBase, torch.nn.Module):
    """Joint time-frequency scattering (JTFS) of torch tensors, as a ``torch.nn.Module``.

    Scatters the scalogram of a signal jointly in time and in log-frequency: the first-order
    moduli ``|x * psi_n1|`` are convolved along time with second-order wavelets and, along the
    wavelet index ``n1``, with frequential wavelets of both spins (upward and downward), then
    averaged by ``phi_T`` in time and ``phi_F`` in frequency. Spin tells the direction of a chirp.
    The numbers are those of :class:`kymatio.numpy.TimeFrequencyScattering`; the output is
    differentiable.

    Parameters
    ----------
    J : int
        Log2 of the largest time scale; the default ``T`` is ``2**J``.
    J_fr : int
        Log2 of the largest frequential scale (in first-order wavelets); the default ``F`` is
        ``2**J_fr``.
    Q : int or tuple of int
        Time wavelets per octave, ``Q1`` or ``(Q1, Q2)`` (required).
    shape : int or tuple of one int
        Signal length ``N``.
    T : None, int, 0 or 'global'
        Time averaging scale (``0``: second order not averaged in time; 'dict'/'list' only).
    stride : int, optional
        Time subsampling of the output, a power of two (default ``2**floor(log2 T)``).
    Q_fr : int or 1-tuple
        Frequential wavelets per octave.
    F : None, int, 0 or 'global'
        Frequential averaging scale, at most ``(J + 1) * Q1``.
    stride_fr : int, optional
        Subsampling along ``n1`` of the averaged paths, a power of two (default ``2**floor(log2 F)``).
    out_type : {'array', 'dict', 'list'}
        Output container.
    format : {'time', 'joint'}
        ``'time'``: every row along ``n1`` is its own channel, ``batch + (C, T_out)``;
        ``'joint'``: the rows stay an axis, ``batch + (C, F_out, T_out)`` (order 0 left out).
    backend : str or backend object, optional
        ``"torch"`` (default) or any backend serving the torch frontend.

    Raises
    ------
    ValueError
        For parameters out of range; at call time, for input whose last axis is not ``shape``.
    TypeError
        At call time, for input that is not a real float32/float64 ``torch.Tensor``, or whose dtype
        or device differs from the module's filters.

    Notes
    -----
    The filters are buffers, float32 on the CPU when built: a float64 input needs ``S.double()``
    first, an input on a GPU ``S.to(x.device)``; a mismatch raises ``TypeError`` naming both.

    Examples
    --------
    >>> import torch
    >>> from kymatio.torch import TimeFrequencyScattering
    >>> S = TimeFrequencyScattering(J=8, J_fr=3, Q=3, shape=1024)
    >>> x = torch.randn(2, 1024, generator=torch.Generator().manual_seed(0))
    >>> S(x).shape
    torch.Size([2, 115, 4])
    >>> S.format = "joint"
    >>> S(x).shape
    torch.Size([2, 59, 11, 4])
    """


TimeFrequencyScattering.__module__ = "kymatio.torch"
