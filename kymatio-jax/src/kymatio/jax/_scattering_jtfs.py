"""The JAX joint time-frequency scattering frontend."""
from __future__ import annotations

from kymatio.core.frontend_jtfs import TimeFrequencyScatteringBase

from ._frontend import JaxFrontend

__all__ = ["TimeFrequencyScattering"]


class TimeFrequencyScattering(JaxFrontend, TimeFrequencyScatteringBase):
    """Joint time-frequency scattering (JTFS) of JAX arrays, traceable by ``jit``, ``vmap``, ``grad``.

    Scatters the scalogram of a signal jointly in time and in log-frequency, with frequential
    wavelets of both spins (the direction of a chirp). The numbers, channels and :meth:`meta` are
    those of :class:`kymatio.numpy.TimeFrequencyScattering`.

    Parameters
    ----------
    J : int
        Log2 of the largest time scale; the default ``T`` is ``2**J``.
    J_fr : int
        Log2 of the largest frequential scale; the default ``F`` is ``2**J_fr``.
    Q : int or tuple of int
        Time wavelets per octave, ``Q1`` or ``(Q1, Q2)``.
    shape : int or tuple of one int
        Signal length ``N``.
    T : None, int, 0 or 'global'
        Time averaging scale.
    stride : int, optional
        Time subsampling of the output, a power of two.
    Q_fr : int or 1-tuple
        Frequential wavelets per octave.
    F : None, int, 0 or 'global'
        Frequential averaging scale, at most ``(J + 1) * Q1``.
    stride_fr : int, optional
        Subsampling along the first-order index of the averaged paths, a power of two.
    out_type : {'array', 'dict', 'list'}
        Output container. Under ``jax.jit`` a 'dict' comes back with its keys sorted (JAX's order
        for dict outputs), not in the order of :meth:`meta`.
    format : {'time', 'joint'}
        ``batch + (C, T_out)`` or ``batch + (C, F_out, T_out)``.
    backend : str or backend object, optional
        ``"jax"`` (default) or any backend serving the JAX frontend.

    Examples
    --------
    >>> import jax
    >>> from kymatio.jax import TimeFrequencyScattering
    >>> S = TimeFrequencyScattering(J=4, J_fr=2, Q=4, shape=128, format="joint")
    >>> S(jax.random.normal(jax.random.key(0), (128,))).shape
    (18, 13, 8)
    """


TimeFrequencyScattering.__module__ = "kymatio.jax"
