"""Sums of squared moduli in NumPy, for the backends that compute the rotation moduli on host memory
(the NumPy backend; the torch backend on CPU tensors).

Each accumulates in one output-sized buffer, in a fixed order, so both backends round alike: a
third of the passes over the input of squaring it whole.
"""
from __future__ import annotations

import numpy as np

__all__ = ["paired_real_sum_squares", "sum_squares"]


def sum_squares(z: np.ndarray, axis: int, weight: float = 1.0) -> np.ndarray:
    """``|z_0|**2 + weight * sum(|z_i|**2, i >= 1)`` along ``axis`` (non-negative) of a complex array."""
    index = (slice(None),) * axis
    acc = np.square(z[index + (0,)].real)
    term = np.empty_like(acc)
    acc += np.square(z[index + (0,)].imag, out=term)
    if z.shape[axis] == 1:
        return acc
    if weight == 1.0:
        target, start = acc, 1
    else:
        target, start = np.square(z[index + (1,)].real), 2
        target += np.square(z[index + (1,)].imag, out=term)
    for i in range(start, z.shape[axis]):
        target += np.square(z[index + (i,)].real, out=term)
        target += np.square(z[index + (i,)].imag, out=term)
    if weight != 1.0:
        target *= weight
        acc += target
    return acc


def paired_real_sum_squares(x0: np.ndarray, z: np.ndarray | None, axis: int) -> np.ndarray:
    """``x0**2 + 2 sum(|z_i|**2)`` along ``axis`` for a real ``x0`` (size 1 on ``axis``) and a
    complex ``z`` or None."""
    acc = np.square(x0[(slice(None),) * axis + (0,)])
    if z is not None and z.shape[axis]:
        rest = sum_squares(z, axis)
        rest *= 2.0
        acc += rest
    return acc
