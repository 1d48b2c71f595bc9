"""kymatio.core.plot: each function returns a matplotlib Figure with the expected axes, whose
images hold the filters and coefficients placed by ``meta()``; and the demo writes its figures."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

import kymatio.numpy  # noqa: E402
from kymatio.core import plot  # noqa: E402
from kymatio.core._errors import ScatteringTypeError, ScatteringValueError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main_axes(fig):
    return {ax.get_label(): ax for ax in fig.axes if ax.get_label() != "<colorbar>"}


def image_data(ax) -> np.ndarray:
    """The array of the axes' image, masked (NaN) entries as NaN."""
    return np.ma.filled(ax.get_images()[0].get_array().astype(float), np.nan)


def png_bytes(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


def test_filter_bank_1d_draws_every_wavelet_and_the_littlewood_paley_sum():
    S = kymatio.numpy.Scattering1D(J=6, shape=1024, Q=8)
    fig = plot.filter_bank_1d(S)
    assert isinstance(fig, Figure)
    axes = main_axes(fig)
    assert list(axes) == ["order 1", "order 2"]
    for label, psis in (("order 1", S.psi1_f), ("order 2", S.psi2_f)):
        lines = axes[label].get_lines()
        assert len(lines) == len(psis) + 2   # the wavelets, phi, the Littlewood-Paley sum
        littlewood_paley = lines[-1].get_ydata()
        assert lines[-1].get_label() == "Littlewood-Paley sum"
        assert 0.2 < littlewood_paley[len(littlewood_paley) // 4] <= 1.0 + 1e-9
        padded = psis[0]["levels"][0].size   # frequencies 0 .. 1/2 of the padded length
        np.testing.assert_allclose(lines[0].get_ydata(),
                                   np.abs(psis[0]["levels"][0][: padded // 2 + 1]))
        assert axes[label].get_xlim() == (0.0, 0.5)
    assert png_bytes(fig).startswith(b"\x89PNG")
    first_order_only = plot.filter_bank_1d(kymatio.numpy.Scattering1D(J=4, shape=256, max_order=1))
    assert list(main_axes(first_order_only)) == ["order 1"]


def test_filter_bank_2d_has_one_image_per_scale_and_angle_and_phi():
    S = kymatio.numpy.Scattering2D(J=3, shape=(32, 32), L=4)
    fig = plot.filter_bank_2d(S)
    labels = [ax.get_label() for ax in fig.axes]
    assert labels == [f"psi j={j} theta={t}" for j in range(3) for t in range(4)] + ["phi"]
    assert all(len(ax.get_images()) == 1 for ax in fig.axes)
    # Real part of a wavelet in space: signed, centred (largest magnitude at the centre).
    image = image_data(fig.axes[0])
    assert image.min() < 0 < image.max()
    centre = np.array(image.shape) // 2
    assert np.unravel_index(np.abs(image).argmax(), image.shape) == tuple(centre)


def test_scattering_1d_lays_out_the_orders_by_meta():
    t = np.arange(2048) / 2048
    x = np.sin(2 * np.pi * 200 * t**2)
    S = kymatio.numpy.Scattering1D(J=6, shape=2048, Q=4)
    fig = plot.scattering_1d(S, x, sample_rate=2048)
    axes = main_axes(fig)
    assert list(axes) == ["signal", "order 1", "order 2"]
    assert len(fig.axes) == 5   # plus one colour bar per order
    meta, Sx = S.meta(), S(x)
    order1 = image_data(axes["order 1"])
    rows = np.flatnonzero(meta["order"] == 1)
    np.testing.assert_allclose(order1, Sx[rows[np.argsort(-meta["xi"][rows, 0])]])
    order2 = image_data(axes["order 2"])
    np.testing.assert_allclose(order2, Sx[meta["order"] == 2])
    assert axes["signal"].get_lines()[0].get_xdata()[-1] == pytest.approx(2047 / 2048)
    assert axes["order 1"].get_ylabel() == "xi1 (Hz)"
    logged = plot.scattering_1d(kymatio.numpy.Scattering1D(J=6, shape=2048, max_order=1), x,
                                log=True)
    assert list(main_axes(logged)) == ["signal", "order 1"]
    assert np.nanmax(image_data(main_axes(logged)["order 1"])) < 0


def test_scattering_2d_lays_out_scales_and_angles():
    u, v = np.meshgrid(np.arange(32), np.arange(32), indexing="ij")
    image = np.cos(0.9 * u) + 0.5 * np.cos(0.4 * v)
    S = kymatio.numpy.Scattering2D(J=2, shape=(32, 32), L=4)
    fig = plot.scattering_2d(S, image)
    axes = main_axes(fig)
    assert list(axes) == ["image", "order 1", "order 2"]
    meta, Sx = S.meta(), S(image)
    mosaic = image_data(axes["order 1"])
    assert mosaic.shape == (2 * 9 - 1, 4 * 9 - 1)
    c = int(np.flatnonzero((meta["order"] == 1) & (meta["j"][:, 0] == 1)
                           & (meta["theta"][:, 0] == 2))[0])
    np.testing.assert_allclose(mosaic[9:17, 18:26], Sx[c])
    matrix = image_data(axes["order 2"])
    assert matrix.shape == (8, 8)
    assert np.isnan(matrix[:4, :4]).all() and np.isnan(matrix[4:, :]).all()
    np.testing.assert_allclose(np.sort(matrix[:4, 4:].ravel()),
                               np.sort(Sx[meta["order"] == 2].mean(axis=(1, 2))))


def test_plots_accept_the_transforms_of_other_frontends():
    pytest.importorskip("torch")
    import kymatio.torch

    S = kymatio.torch.Scattering1D(J=4, shape=256)
    x = np.random.default_rng(0).standard_normal(256).astype(np.float32)
    fig = plot.scattering_1d(S, x)
    expected = kymatio.numpy.Scattering1D(J=4, shape=256)(x)
    np.testing.assert_allclose(image_data(main_axes(fig)["order 2"]),
                               expected[S.meta()["order"] == 2], rtol=1e-4, atol=1e-7)


def test_bad_arguments_say_what_is_accepted():
    S = kymatio.numpy.Scattering1D(J=4, shape=256)
    with pytest.raises(ScatteringValueError, match=r"shape \(256,\), got an array of shape \(2, 256\)"):
        plot.scattering_1d(S, np.zeros((2, 256)))
    with pytest.raises(ScatteringTypeError, match="complex"):
        plot.scattering_1d(S, np.zeros(256, dtype=complex))
    with pytest.raises(ScatteringTypeError, match="takes a Scattering2D of any frontend"):
        plot.filter_bank_2d(S)
    with pytest.raises(ScatteringTypeError, match="takes a Scattering1D .* got 'not a transform'"):
        plot.filter_bank_1d("not a transform")
    jtfs = kymatio.numpy.TimeFrequencyScattering(J=4, J_fr=1, Q=4, shape=256)
    with pytest.raises(ScatteringTypeError, match="got a TimeFrequencyScattering"):
        plot.scattering_1d(jtfs, np.zeros(256))
    assert list(main_axes(plot.filter_bank_1d(jtfs))) == ["order 1", "order 2"]


def test_demo_writes_its_figures_and_says_where(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"figures written to {tmp_path.resolve()}" in result.stdout
    for name in ("filter_bank_1d.png", "chirp_scattering.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG"), name
