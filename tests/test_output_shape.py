"""``output_shape()`` of the core frontends: the array output's shape, found without computing it
(the dask frontend declares its chunks with it), equals the shape of the computed output."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from kymatio.core._errors import ScatteringValueError
from kymatio.numpy import HarmonicScattering3D, Scattering1D, Scattering2D, TimeFrequencyScattering


def _built(cls, **parameters):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return cls(**parameters)
        except ValueError:
            return None


def _check(transforms, shape_of_one):
    checked = 0
    for S in transforms:
        if S is None:
            continue
        out = S(np.zeros((2,) + shape_of_one(S), dtype=np.float32))
        assert S.output_shape() == out.shape[1:], S
        assert all(type(n) is int for n in S.output_shape())
        checked += 1
    return checked


def test_1d_over_a_grid():
    grid = itertools.product([100, 256, 777], [2, 5], [1, (8, 2)], [None, "global", 16],
                             [None, 4], [1, 2])
    transforms = [_built(Scattering1D, shape=N, J=J, Q=Q, T=T, stride=stride, max_order=mo)
                  for N, J, Q, T, stride, mo in grid]
    assert _check(transforms, lambda S: S.shape) > 60


def test_jtfs_over_a_grid():
    grid = itertools.product([1, 3], [None, "global", 2, 8], ["time", "joint"],
                             [(None, None), ("global", 2), (32, None)])
    transforms = [_built(TimeFrequencyScattering, shape=256, J=5, J_fr=J_fr, Q=(4, 1), F=F,
                         format=f, T=T, stride_fr=s) for J_fr, F, f, (T, s) in grid]
    assert _check(transforms, lambda S: S.shape) > 30


def test_2d_and_3d_over_a_grid():
    two = [_built(Scattering2D, shape=shape, J=J, L=L, max_order=mo, pre_pad=pre_pad)
           for shape, J, L, mo, pre_pad in itertools.product(
               [(32, 32), (20, 44)], [1, 2, 3], [1, 4], [1, 2], [False, True])]
    padded = {True: lambda S: (S._M_padded, S._N_padded), False: lambda S: S.shape}
    assert _check(two, lambda S: padded[S.pre_pad](S)) > 30
    three = [_built(HarmonicScattering3D, shape=(8, 10, 12), J=J, L=L, max_order=mo,
                    integral_powers=powers)
             for J, L, mo, powers in itertools.product([0, 1, 2], [0, 2], [1, 2], [(1.0,), (0.5, 2.0)])]
    assert _check(three, lambda S: S.shape) == 24


def test_no_array_output_is_refused_with_the_reason():
    with pytest.raises(ScatteringValueError, match="out_type='dict'"):
        Scattering1D(J=4, shape=256, out_type="dict").output_shape()
    with pytest.raises(ScatteringValueError, match="T=0"):
        Scattering1D(J=4, shape=256, T=0, out_type="array").output_shape()
    with pytest.raises(ScatteringValueError, match="out_type='list'"):
        Scattering2D(J=2, shape=(16, 16), out_type="list").output_shape()
    with pytest.raises(ScatteringValueError, match="F=0"):
        TimeFrequencyScattering(J=4, J_fr=1, Q=4, shape=256, F=0, format="joint").output_shape()
