"""Figures of filter banks and scattering coefficients, with matplotlib (``kymatio-core[plot]``).

Every function takes a transform object of any array frontend (``kymatio.numpy.Scattering1D``...),
reads its filters or ``meta()``, and returns a new :class:`matplotlib.figure.Figure`. The figures
are made without ``matplotlib.pyplot``: no window opens and no global figure is kept, so they
work the same in scripts, on servers and in notebooks (which display a returned figure).
``fig.savefig("bank.png")`` writes one to a file.

Each main axes is labelled (``ax.get_label()``): ``"order 1"``, ``"order 2"``, ``"signal"``,
``"image"``, ``"psi j=0 theta=0"``, ``"phi"``; colour bars are the other axes of a figure.
"""
from __future__ import annotations

from typing import Any

import numpy as np

try:
    from matplotlib.figure import Figure
except ImportError as error:  # pragma: no cover - exercised only where matplotlib is missing
    raise ImportError(
        "kymatio.core.plot draws with matplotlib, which is not installed: "
        "pip install \"kymatio-core[plot]\" (or pip install matplotlib)."
    ) from error

from ._errors import ScatteringTypeError, ScatteringValueError
from ._frontend import ScatteringBase
from ._host import scatter_numpy
from .frontend1d import ScatteringBase1D
from .frontend2d import ScatteringBase2D
from .frontend_jtfs import TimeFrequencyScatteringBase

__all__ = ["filter_bank_1d", "filter_bank_2d", "scattering_1d", "scattering_2d"]


def filter_bank_1d(scattering: Any, *, figsize: tuple[float, float] | None = None) -> Figure:
    """The first- and second-order wavelets of a 1-D transform, with the Littlewood-Paley sum.

    One axes per layer (``"order 1"``, then ``"order 2"`` when ``max_order`` is 2): the frequency
    response of every wavelet (thin lines), of the low-pass filter ``phi`` (dashed), and the
    Littlewood-Paley sum ``|phi(w)|**2 + (1/2) sum (|psi(w)|**2 + |psi(-w)|**2)`` (thick), which
    stays between ``1 - eps`` and 1 where the filters cover the spectrum.

    Parameters
    ----------
    scattering : Scattering1D
        A 1-D transform of any frontend (its NumPy float64 filters ``phi_f``, ``psi1_f``,
        ``psi2_f`` are drawn); a ``TimeFrequencyScattering`` works too (its time filters).
    figsize : (float, float), optional
        Size in inches (default: 8 wide, 3 per layer).

    Returns
    -------
    matplotlib.figure.Figure
        A new figure: one axes per layer (``"order 1"``, ``"order 2"``).

    Raises
    ------
    TypeError
        If ``scattering`` is not a 1-D transform.

    Examples
    --------
    >>> from kymatio.numpy import Scattering1D
    >>> from kymatio.core.plot import filter_bank_1d
    >>> fig = filter_bank_1d(Scattering1D(J=6, shape=1024, Q=8))
    >>> [ax.get_label() for ax in fig.axes]
    ['order 1', 'order 2']
    """
    _check_transform(scattering, ScatteringBase1D, "filter_bank_1d")
    layers = [("order 1", scattering.psi1_f, scattering.Q[0])]
    if scattering.max_order >= 2:
        layers.append(("order 2", scattering.psi2_f, scattering.Q[1]))
    fig = Figure(figsize=figsize or (8.0, 3.0 * len(layers)), layout="constrained")
    phi = np.abs(scattering.phi_f["levels"][0])
    N = phi.size
    half = N // 2 + 1
    frequencies = np.arange(half) / N
    for row, (label, psis, Q) in enumerate(layers):
        ax = fig.add_subplot(len(layers), 1, row + 1, label=label)
        psi = np.abs(np.array([p["levels"][0] for p in psis]))
        mirrored = np.roll(psi[:, ::-1], 1, axis=1)   # psi(-w) on the same bins
        littlewood_paley = phi**2 + 0.5 * np.sum(psi**2 + mirrored**2, axis=0)
        for response in psi:
            ax.plot(frequencies, response[:half], linewidth=0.8)
        ax.plot(frequencies, phi[:half], "k--", linewidth=1.0, label="phi")
        ax.plot(frequencies, littlewood_paley[:half], "k", linewidth=2.0,
                label="Littlewood-Paley sum")
        ax.set_xlim(0, 0.5)
        ax.set_ylim(0, 1.1 * max(1.0, float(littlewood_paley.max())))
        ax.set_title(f"{label}: {len(psis)} wavelets, Q={Q}, J={scattering.J}")
        ax.set_ylabel("|filter(w)|")
        ax.legend(loc="upper right", fontsize="small")
    ax.set_xlabel("frequency (cycles per sample)")
    return fig


def filter_bank_2d(scattering: Any, *, figsize: tuple[float, float] | None = None) -> Figure:
    """The wavelets of a 2-D transform as images in space (real part), by scale and angle.

    A grid of ``J`` rows (scale ``j``) by ``L`` columns (angle index ``theta``), axes labelled
    ``"psi j=.. theta=.."``, and the low-pass filter (axes ``"phi"``) on the right; each filter
    is centred, and all are cropped to the same window around the centre (four widths of the
    largest wavelet), so that their sizes compare.

    Parameters
    ----------
    scattering : Scattering2D
        A 2-D transform of any frontend (its NumPy float64 filters ``psi`` and ``phi`` are drawn).
    figsize : (float, float), optional
        Size in inches (default: 1.2 per filter).

    Returns
    -------
    matplotlib.figure.Figure
        A new figure: one axes per wavelet and one for ``phi``.

    Raises
    ------
    TypeError
        If ``scattering`` is not a 2-D transform.

    Examples
    --------
    >>> from kymatio.numpy import Scattering2D
    >>> from kymatio.core.plot import filter_bank_2d
    >>> fig = filter_bank_2d(Scattering2D(J=2, shape=(32, 32), L=4))
    >>> len(fig.axes), fig.axes[-1].get_label()
    (9, 'phi')
    """
    _check_transform(scattering, ScatteringBase2D, "filter_bank_2d")
    J, L = scattering.J, scattering.L
    fig = Figure(figsize=figsize or (1.2 * (L + 2), 1.2 * J + 0.6), layout="constrained")
    grid = fig.add_gridspec(J, L + 2)
    # Every panel shows the same window, wide enough for the largest wavelet: the scales compare.
    radius = int(np.ceil(4 * max(psi["sigma"] for psi in scattering.psi)))
    for psi in scattering.psi:
        j, theta = psi["j"], psi["theta"]
        ax = fig.add_subplot(grid[j, theta], label=f"psi j={j} theta={theta}")
        _show_filter(ax, psi["levels"][0], radius, signed=True)
        if j == 0:
            ax.set_title(f"theta={theta}", fontsize="small")
        if theta == 0:
            ax.set_ylabel(f"j={j}", fontsize="small")
    ax = fig.add_subplot(grid[:, L:], label="phi")
    _show_filter(ax, scattering.phi["levels"][0], radius, signed=False)
    ax.set_title(f"phi (scale 2**{J})", fontsize="small")
    fig.suptitle(f"2-D Morlet wavelets, real part (J={J}, L={L})")
    return fig


def scattering_1d(scattering: Any, x: Any, *, sample_rate: float | None = None,
                  log: bool = False, figsize: tuple[float, float] | None = None) -> Figure:
    """A signal, its first-order scalogram and its second-order coefficients.

    Axes ``"signal"``, ``"order 1"`` (one row per first-order wavelet, highest frequency at the
    top, time along the columns) and, when ``max_order`` is 2, ``"order 2"`` (the second-order
    channels in the order of ``meta()``, grouped by their first wavelet ``n1``), each with a colour
    bar. Rows are placed by ``meta()``, so the figure reads the same for every frontend.

    Parameters
    ----------
    scattering : Scattering1D
        A 1-D transform of any frontend with local or global averaging (``T != 0``).
    x : array-like of shape (N,)
        One real signal, ``N = scattering.shape[0]``.
    sample_rate : float, optional
        Samples per second: time in seconds and frequencies in Hz instead of samples and cycles
        per sample.
    log : bool, default False
        Draw ``log10`` of the coefficients (plus a small floor), which shows weak paths.
    figsize : (float, float), optional
        Size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure: the signal, then the coefficients of each order.

    Raises
    ------
    TypeError
        If ``scattering`` is not a 1-D transform.
    ValueError
        If ``x`` is not one signal of the transform's length.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.numpy import Scattering1D
    >>> from kymatio.core.plot import scattering_1d
    >>> t = np.arange(2048) / 2048
    >>> fig = scattering_1d(Scattering1D(J=6, shape=2048, Q=8), np.sin(2 * np.pi * 300 * t**2))
    >>> [ax.get_label() for ax in fig.axes if ax.get_label() != "<colorbar>"]
    ['signal', 'order 1', 'order 2']
    """
    _check_transform(scattering, ScatteringBase1D, "scattering_1d",
                     exclude=(TimeFrequencyScatteringBase,))
    signal = _one_signal(scattering, x)
    coefficients = scatter_numpy(scattering, signal[None])[0].astype(np.float64)
    meta = scattering.meta()
    rate = 1.0 if sample_rate is None else float(sample_rate)
    duration = signal.size / rate
    time_unit = "s" if sample_rate is not None else "samples"
    frequency_unit = "Hz" if sample_rate is not None else "cycles/sample"
    orders = [1, 2] if scattering.max_order >= 2 else [1]
    fig = Figure(figsize=figsize or (9.0, 2.2 + 2.8 * len(orders)), layout="constrained")
    axes = fig.subplots(1 + len(orders), 1, sharex=True,
                        gridspec_kw={"height_ratios": [1] + [2] * len(orders)})
    axes[0].set_label("signal")
    axes[0].plot(np.arange(signal.size) / rate, signal, linewidth=0.6)
    axes[0].set_ylabel("x")
    axes[0].set_title(f"{type(scattering).__name__}(J={scattering.J}, Q={scattering.Q}, "
                      f"T={scattering.T}): {coefficients.shape[0]} channels x "
                      f"{coefficients.shape[1]} samples")
    for ax, order in zip(axes[1:], orders):
        ax.set_label(f"order {order}")
        rows = np.flatnonzero(meta["order"] == order)
        if order == 1:
            # Highest frequency on top, as in a spectrogram.
            rows = rows[np.argsort(-meta["xi"][rows, 0])]
        values = coefficients[rows]
        if log:
            values = np.log10(values + 1e-6 * max(float(values.max()), np.finfo(float).tiny))
        image = ax.imshow(values, aspect="auto", origin="upper", interpolation="nearest",
                          extent=(0.0, duration, len(rows) - 0.5, -0.5))
        fig.colorbar(image, ax=ax, label="log10 |S|" if log else "|S|")
        if order == 1:
            ticks = np.linspace(0, len(rows) - 1, min(6, len(rows))).round().astype(int)
            ax.set_yticks(ticks, [f"{meta['xi'][rows[t], 0] * rate:.3g}" for t in ticks])
            ax.set_ylabel(f"xi1 ({frequency_unit})")
        else:
            n1 = meta["n"][rows, 0]
            for boundary in np.flatnonzero(np.diff(n1)) + 0.5:
                ax.axhline(boundary, color="w", linewidth=0.3)
            ax.set_ylabel("(n1, n2) channels")
    axes[-1].set_xlabel(f"time ({time_unit})")
    return fig


def scattering_2d(scattering: Any, image: Any, *, figsize: tuple[float, float] | None = None
                  ) -> Figure:
    """An image, its first-order coefficients laid out by scale and angle, and the second order.

    Axes ``"image"``; ``"order 1"``, a mosaic of the first-order coefficient maps with one tile
    per ``(j, theta)`` (rows: scale ``j``, columns: angle index ``theta``); and, when
    ``max_order`` is 2, ``"order 2"``, the spatial mean of each second-order path as a matrix
    with rows ``(j1, theta1)`` and columns ``(j2, theta2)`` (empty where ``j2 <= j1``: such paths
    are not computed). Tiles and entries are placed by ``meta()``.

    Parameters
    ----------
    scattering : Scattering2D
        A 2-D transform of any frontend.
    image : array-like of shape (M, N)
        One real image, ``(M, N) = scattering.shape``.
    figsize : (float, float), optional
        Size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure: the image, then the coefficients of each order.

    Raises
    ------
    TypeError
        If ``scattering`` is not a 2-D transform.
    ValueError
        If ``image`` is not one image of the transform's shape.

    Examples
    --------
    >>> import numpy as np
    >>> from kymatio.numpy import Scattering2D
    >>> from kymatio.core.plot import scattering_2d
    >>> u, v = np.meshgrid(np.arange(32), np.arange(32), indexing="ij")
    >>> fig = scattering_2d(Scattering2D(J=2, shape=(32, 32), L=4), np.cos(0.8 * u))
    >>> [ax.get_label() for ax in fig.axes if ax.get_label() != "<colorbar>"]
    ['image', 'order 1', 'order 2']
    """
    _check_transform(scattering, ScatteringBase2D, "scattering_2d")
    picture = _one_signal(scattering, image)
    coefficients = scatter_numpy(scattering, picture[None])[0].astype(np.float64)
    meta = scattering.meta()
    J, L = scattering.J, scattering.L
    m, n = coefficients.shape[-2:]
    panels = 3 if scattering.max_order >= 2 else 2
    fig = Figure(figsize=figsize or (4.2 * panels, 4.0), layout="constrained")
    axes = fig.subplots(1, panels)
    axes[0].set_label("image")
    axes[0].imshow(picture, cmap="gray")
    axes[0].set_title(f"image {picture.shape[0]}x{picture.shape[1]}")
    axes[0].set_axis_off()

    # First order: a (J, L) mosaic of (m, n) maps with a one-pixel NaN gap between tiles.
    mosaic = np.full((J * (m + 1) - 1, L * (n + 1) - 1), np.nan)
    for c in np.flatnonzero(meta["order"] == 1):
        j, theta = int(meta["j"][c, 0]), int(meta["theta"][c, 0])
        mosaic[j * (m + 1): j * (m + 1) + m, theta * (n + 1): theta * (n + 1) + n] = coefficients[c]
    ax = axes[1]
    ax.set_label("order 1")
    shown = ax.imshow(mosaic, interpolation="nearest")
    fig.colorbar(shown, ax=ax, shrink=0.8)
    ax.set_xticks(np.arange(L) * (n + 1) + (n - 1) / 2, [str(t) for t in range(L)])
    ax.set_yticks(np.arange(J) * (m + 1) + (m - 1) / 2, [str(j) for j in range(J)])
    ax.set_xlabel("theta (angle index)")
    ax.set_ylabel("j (scale)")
    ax.set_title(f"order 1: {J * L} maps {m}x{n}")

    if panels == 3:
        energy = np.full((J * L, J * L), np.nan)
        for c in np.flatnonzero(meta["order"] == 2):
            j1, j2 = int(meta["j"][c, 0]), int(meta["j"][c, 1])
            t1, t2 = int(meta["theta"][c, 0]), int(meta["theta"][c, 1])
            energy[j1 * L + t1, j2 * L + t2] = coefficients[c].mean()
        ax = axes[2]
        ax.set_label("order 2")
        shown = ax.imshow(energy, interpolation="nearest")
        fig.colorbar(shown, ax=ax, shrink=0.8, label="spatial mean")
        centres = np.arange(J) * L + (L - 1) / 2
        ax.set_xticks(centres, [f"j2={j}" for j in range(J)])
        ax.set_yticks(centres, [f"j1={j}" for j in range(J)])
        for boundary in np.arange(1, J) * L - 0.5:
            ax.axhline(boundary, color="w", linewidth=0.5)
            ax.axvline(boundary, color="w", linewidth=0.5)
        ax.set_title("order 2: (j1, theta1) x (j2, theta2)")
    return fig


# -- helpers ----------------------------------------------------------------------------------------
def _check_transform(scattering: Any, base: type, function: str, exclude: tuple = ()) -> None:
    """Refuse anything but a transform of ``base`` (not of ``exclude``), naming what is accepted."""
    if isinstance(scattering, base) and not isinstance(scattering, exclude):
        return
    accepted = {ScatteringBase1D: "Scattering1D", ScatteringBase2D: "Scattering2D"}[base]
    got = type(scattering).__name__
    raise ScatteringTypeError(
        f"{function} takes a {accepted} of any frontend (such as kymatio.numpy.{accepted}), got "
        f"{'a ' + got if isinstance(scattering, ScatteringBase) else repr(scattering)[:80]}.")


def _one_signal(scattering: Any, x: Any) -> np.ndarray:
    """``x`` as one real float signal of the transform's shape (float32 stays float32)."""
    array = np.asarray(x)
    if np.iscomplexobj(array) or not np.issubdtype(array.dtype, np.number):
        raise ScatteringTypeError(
            f"The signal should be real numbers, got an array of dtype {array.dtype}.")
    if array.dtype != np.float32:
        array = array.astype(np.float64)
    if tuple(array.shape) != tuple(scattering.shape):
        raise ScatteringValueError(
            f"Plot one signal of the transform's shape {tuple(scattering.shape)}, got an array of "
            f"shape {tuple(array.shape)}; for a batch, plot x[i].")
    return array


def _show_filter(ax: Any, filter_f: np.ndarray, radius: int, signed: bool) -> None:
    """Draw a Fourier-domain 2-D filter in space, centred and cropped to ``radius`` pixels around
    its centre; the real part for a wavelet."""
    spatial = np.fft.fftshift(np.fft.ifft2(filter_f)).real
    M, N = spatial.shape
    rows = slice(max(M // 2 - radius, 0), M // 2 + radius + 1)
    cols = slice(max(N // 2 - radius, 0), N // 2 + radius + 1)
    spatial = spatial[rows, cols]
    if signed:
        bound = float(np.abs(spatial).max()) or 1.0
        ax.imshow(spatial, cmap="RdBu_r", vmin=-bound, vmax=bound, interpolation="nearest")
    else:
        ax.imshow(spatial, cmap="viridis", interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
