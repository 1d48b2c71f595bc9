"""The torch backend's fast paths against the plain formulas they replace: the gathered alias-bank
product, the paired 3-D modulus, and autograd functions called without autograd when no gradient
is recorded."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import kymatio.torch._backend as tb  # noqa: E402
from kymatio.core._periodize import alias_bank  # noqa: E402
from kymatio.core.backend import Backend  # noqa: E402
from kymatio.torch import HarmonicScattering3D  # noqa: E402


class _Loop(tb.TorchBackend):
    """The protocol's default product (crop, cdgmm and + per block)."""

    periodized_product = Backend.periodized_product


@pytest.mark.parametrize("ndim,shape,k", [(1, (256,), 32), (1, (64,), 2), (2, (48, 48), 8),
                                          (2, (32, 64), 16), (3, (16, 16, 16), 4)])
def test_gathered_and_in_place_products_equal_the_default(ndim, shape, k):
    rng = np.random.default_rng(k)
    filters = rng.standard_normal((2,) + shape) * np.exp(1j * rng.standard_normal(shape))
    filters *= np.exp(-0.5 * (np.arange(shape[-1]) - 3) ** 2 / 4.0)  # narrow along the last axis
    bank = alias_bank(filters, k, ndim)
    stacked = dict(bank, filters=torch.from_numpy(bank["filters"]))
    listed = dict(bank, filters=[torch.from_numpy(f) for f in bank["filters"]])
    x0 = torch.from_numpy(rng.standard_normal((3, 1) + shape) * (1 + 0.5j))
    expected = _Loop().periodized_product(x0, listed)
    for candidate in (stacked, listed):
        x = x0.clone().requires_grad_()
        got = tb.backend.periodized_product(x, candidate)
        torch.testing.assert_close(got, expected, rtol=1e-13, atol=1e-13)
        (grad,) = torch.autograd.grad(got.abs().sum(), x)
        x1 = x0.clone().requires_grad_()
        (grad1,) = torch.autograd.grad(_Loop().periodized_product(x1, listed).abs().sum(), x1)
        torch.testing.assert_close(grad, grad1, rtol=1e-12, atol=1e-12)


def test_paired_modulus_and_its_gradient():
    z = torch.from_numpy(np.random.default_rng(0).standard_normal((2, 3, 4, 5)) * (1 - 2j))
    expected = torch.sqrt(z[:, 0].abs() ** 2 + 2 * (z[:, 1:].abs() ** 2).sum(dim=1))
    torch.testing.assert_close(tb.backend.modulus_rotation_paired(z, axis=1), expected)
    zg = z.clone().requires_grad_()
    assert torch.autograd.gradcheck(lambda t: tb.backend.modulus_rotation_paired(t, 1), (zg,))
    # The zero subgradient at 0: finite gradients where every entry vanishes.
    zero = torch.zeros((2, 3, 4), dtype=torch.complex128, requires_grad=True)
    (grad,) = torch.autograd.grad(tb.backend.modulus_rotation_paired(zero, 1).sum(), zero)
    assert torch.isfinite(torch.view_as_real(grad)).all() and not grad.abs().any()


def test_autograd_functions_skip_autograd_only_when_nothing_is_recorded(monkeypatch):
    calls = []
    original = tb._Modulus.apply

    def counting(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(tb._Modulus, "apply", counting)
    z = torch.randn(8, dtype=torch.complex64)
    with torch.no_grad():
        plain = tb.backend.modulus(z.clone().requires_grad_())
    assert not calls and not plain.requires_grad
    tracked = tb.backend.modulus(z.clone().requires_grad_())
    assert calls and tracked.requires_grad and tracked.grad_fn is not None
    torch.testing.assert_close(plain, tracked.detach())


def test_3d_gradcheck_through_the_paired_orders():
    S = HarmonicScattering3D(J=2, shape=(8, 8, 8), L=2, sigma_0=1.0).double()
    assert any(S._filter_refs["paired"]["float64"][l][2] for l in (1, 2))
    x = torch.from_numpy(np.random.default_rng(3).standard_normal((1, 8, 8, 8))).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: S(t), (x,), eps=1e-6, atol=1e-5, rtol=1e-4,
                                    fast_mode=True)


def test_modulus_rotation_paired_real_values_and_gradients():
    """sqrt(x0**2 + 2 sum |z|**2) with a real first entry (the 3-D order m = 0 by a real FFT):
    values, gradients (gradcheck), the zero subgradient at 0, and z = None (|x0|)."""
    rng = np.random.default_rng(7)
    x0 = torch.from_numpy(rng.standard_normal((2, 1, 3, 4)))
    z = torch.from_numpy(rng.standard_normal((2, 2, 3, 4)) + 1j * rng.standard_normal((2, 2, 3, 4)))
    expected = torch.sqrt(x0[:, 0] ** 2 + 2 * (z.abs() ** 2).sum(dim=1))
    torch.testing.assert_close(tb.backend.modulus_rotation_paired_real(x0, z, 1), expected)
    torch.testing.assert_close(tb.backend.modulus_rotation_paired_real(x0, None, -3), x0[:, 0].abs())
    a, b = x0.clone().requires_grad_(), z.clone().requires_grad_()
    assert torch.autograd.gradcheck(lambda p, q: tb.backend.modulus_rotation_paired_real(p, q, 1),
                                    (a, b))
    assert torch.autograd.gradcheck(lambda p: tb.backend.modulus_rotation_paired_real(p, None, 1),
                                    (a,))
    zeros = torch.zeros((1, 1, 2), dtype=torch.float64, requires_grad=True)
    zz = torch.zeros((1, 2, 2), dtype=torch.complex128, requires_grad=True)
    tb.backend.modulus_rotation_paired_real(zeros, zz, 1).sum().backward()
    assert torch.equal(zeros.grad, torch.zeros_like(zeros)) and torch.equal(zz.grad, torch.zeros_like(zz))


@pytest.mark.parametrize("shape,ndim", [((2, 1, 9), 1), ((2, 3, 8, 6), 2), ((1, 2, 7, 5), 2),
                                        ((2, 1, 6, 5, 4), 3), ((1, 1, 3, 4, 7), 3)])
def test_rfft_mirrored_half_equals_the_full_transform(shape, ndim):
    """The 2-D/3-D real-input FFT (rfftn plus the mirrored conjugate half) is the full DFT of the
    real input, for even and odd sizes, for contiguous and strided input, with its gradient."""
    x = torch.from_numpy(np.random.default_rng(11).standard_normal(shape))
    dims = tuple(range(-ndim, 0))
    expected = torch.fft.fftn(x.to(torch.complex128), dim=dims)
    torch.testing.assert_close(tb.backend.rfft(x, ndim), expected, rtol=1e-12, atol=1e-12)
    strided = torch.cat([x, x], dim=-1)[..., ::2]
    torch.testing.assert_close(tb.backend.rfft(strided, ndim),
                               torch.fft.fftn(strided.to(torch.complex128), dim=dims),
                               rtol=1e-12, atol=1e-12)
    assert torch.autograd.gradcheck(lambda t: torch.view_as_real(tb.backend.rfft(t, ndim)),
                                    (x.clone().requires_grad_(),))


@pytest.mark.parametrize("dtype", [torch.complex64, torch.float64])
def test_large_host_products_equal_torch_and_keep_autograd(monkeypatch, dtype):
    # Past PRODUCT_HOST_MIN, products autograd does not record are written into NumPy's memory;
    # recorded ones stay torch's (with their graph). Both equal x * y bit for bit.
    monkeypatch.setattr(tb, "PRODUCT_HOST_MIN", 64)
    allocated = []
    original = tb._host_empty
    monkeypatch.setattr(tb, "_host_empty", lambda *a: allocated.append(a[0]) or original(*a))
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.standard_normal((2, 1, 8, 8))).to(dtype)
    y = torch.from_numpy(rng.standard_normal((3, 8, 8))).to(dtype)
    with torch.no_grad():
        out = tb._product(x, y)
    assert out.shape == (2, 3, 8, 8) and out.dtype == dtype
    torch.testing.assert_close(out, x * y, rtol=0, atol=0)
    assert allocated == [(2, 3, 8, 8)]
    with torch.no_grad():
        small = tb._product(x[:, :, :2, :2], y[:, :2, :2])  # 24 elements: below the threshold
    torch.testing.assert_close(small, x[:, :, :2, :2] * y[:, :2, :2], rtol=0, atol=0)
    assert allocated == [(2, 3, 8, 8)]
    xg = x.clone().requires_grad_()
    recorded = tb._product(xg, y)
    assert recorded.grad_fn is not None and allocated == [(2, 3, 8, 8)]
    torch.testing.assert_close(recorded.detach(), x * y, rtol=0, atol=0)
    (grad,) = torch.autograd.grad(recorded.sum().real if dtype.is_complex else recorded.sum(), xg)
    torch.testing.assert_close(grad, y.sum(dim=0, keepdim=True).expand_as(x).conj().resolve_conj()
                               if dtype.is_complex else y.sum(dim=0).expand_as(x))


@pytest.mark.parametrize("ndim,shape", [(1, (3, 2, 40)), (3, (2, 3, 6, 4, 8))])
@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_piecewise_inverse_ffts_equal_one_call(monkeypatch, ndim, shape, dtype):
    rng = np.random.default_rng(ndim)
    x = torch.from_numpy(rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).to(dtype)
    dims = tuple(range(-ndim, 0))
    whole = torch.fft.ifftn(x, dim=dims)
    real = torch.fft.irfftn(x[..., : shape[-1] // 2 + 1], s=shape[-ndim:], dim=dims)
    signal = int(np.prod(shape[-ndim:]))
    monkeypatch.setattr(tb, "FFT_PIECE", 2 * signal)  # pieces of two signals, the last one shorter
    assert len(tb._pieces(x, ndim)) == -(-int(np.prod(shape[:-ndim])) // 2)
    rtol = 1e-6 if dtype == torch.complex64 else 1e-13
    with torch.no_grad():
        for got, expected in [(tb.backend.ifft(x, ndim), whole),
                              (tb.backend.ifft_owned(x.clone(), ndim), whole),
                              (tb.backend.irfft(x, ndim), real)]:
            assert got.shape == expected.shape and got.dtype == expected.dtype
            torch.testing.assert_close(got, expected, rtol=rtol, atol=rtol)
    # Recorded by autograd, or 2-D: one call.
    assert tb._pieces(x.clone().requires_grad_(), ndim) is None
    assert tb._pieces(x.reshape(-1, shape[-2], shape[-1]), 2) is None
