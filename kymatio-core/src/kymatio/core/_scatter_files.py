"""``kymatio scatter``: read files, scatter them batch by batch, write the features.

One run has one transform, built from the first input that reads (its dimension and signal shape,
unless ``--dim`` / ``--shape`` set them). Every input then has to fit it: same signal shape (or
``--fit pad-crop``), same channel axes. An input that does not, or that cannot be read, becomes a
per-file error; the others go on. Row ``i`` of the features is ``inputs[i]`` of the metadata.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .cli import FITS, UsageError, require, transform_parameters

__all__ = ["run", "FITS", "AUDIO_SUFFIXES", "IMAGE_SUFFIXES"]

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".aif", ".aiff", ".aifc", ".au", ".mp3", ".w64")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")
ARRAY_SUFFIXES = (".npy",)
_TRANSFORMS = {1: "Scattering1D", 2: "Scattering2D", 3: "HarmonicScattering3D"}
_KIND_DIM = {"audio": 1, "image": 2}


class FileError(Exception):
    """One input could not be read or scattered; the run goes on without it."""


@dataclass
class Item:
    """One input read: its signal(s) as a float array, and what to record about it."""

    path: str
    array: np.ndarray
    kind: str
    sample_rate: int | None = None


@dataclass
class Run:
    """The state of one ``kymatio scatter``: the transform, the batch, the results."""

    args: Any
    transform: Any = None
    dim: int | None = None
    item_shape: tuple | None = None    # channel axes + signal shape, fixed by the first input
    shape_source: str = ""
    done: list = field(default_factory=list)        # (path, sample_rate) of the rows written
    failed: dict = field(default_factory=dict)      # path -> message


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in AUDIO_SUFFIXES:
        return "audio"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in ARRAY_SUFFIXES:
        return "array"
    return None


def expand(inputs: list[str]) -> list[Path]:
    """The files to scatter: each file as given, each directory's supported files (recursively,
    sorted)."""
    files = []
    for text in inputs:
        path = Path(text)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and kind_of(p)))
        else:
            files.append(path)
    return files


# -- reading ----------------------------------------------------------------------------------------
def read(path: Path, keep_channels: bool, dtype: str) -> Item:
    kind = kind_of(path)
    if kind is None:
        accepted = " ".join(AUDIO_SUFFIXES + IMAGE_SUFFIXES + ARRAY_SUFFIXES)
        raise FileError(f"unsupported file type {path.suffix or '(none)'!r}; accepted: {accepted}")
    if not path.is_file():
        raise FileError("no such file")
    try:
        if kind == "audio":
            return _read_audio(path, keep_channels, dtype)
        if kind == "image":
            return _read_image(path, keep_channels, dtype)
        return _read_array(path, dtype)
    except FileError:
        raise
    except Exception as error:  # any reader failure is this file's error, not the run's
        raise FileError(f"cannot read as {kind}: {error}") from error


def _read_audio(path: Path, keep_channels: bool, dtype: str) -> Item:
    import soundfile

    frames, sample_rate = soundfile.read(str(path), dtype=dtype, always_2d=True)
    signal = frames.T if keep_channels else frames.mean(axis=1, dtype=dtype)
    return Item(str(path), np.ascontiguousarray(signal, dtype=dtype), "audio", int(sample_rate))


def _read_image(path: Path, keep_channels: bool, dtype: str) -> Item:
    from PIL import Image

    with Image.open(path) as image:
        if image.mode in ("I;16", "I;16B", "I;16L"):
            pixels = np.asarray(image, dtype=dtype) / 65535.0
        elif image.mode in ("I", "F"):
            pixels = np.asarray(image, dtype=dtype)
        elif keep_channels:
            pixels = np.moveaxis(np.asarray(image.convert("RGB"), dtype=dtype) / 255.0, -1, 0)
        else:
            pixels = np.asarray(image.convert("L"), dtype=dtype) / 255.0
    return Item(str(path), np.ascontiguousarray(pixels, dtype=dtype), "image")


def _read_array(path: Path, dtype: str) -> Item:
    array = np.load(path, allow_pickle=False)
    if not isinstance(array, np.ndarray):
        raise FileError("a .npz archive, not one .npy array")
    if array.dtype.kind not in "fiub":
        raise FileError(f"holds {array.dtype} values; accepted: real numbers (float, int)")
    if array.ndim == 0 or array.size == 0:
        raise FileError(f"holds no signal (shape {array.shape})")
    return Item(str(path), np.ascontiguousarray(array, dtype=dtype), "array")


# -- fitting the transform ----------------------------------------------------------------------
def _fit(run: Run, item: Item) -> np.ndarray:
    """``item``'s array, checked against (or defining) the run's transform and shape."""
    args = run.args
    array = item.array
    if run.transform is None:
        dim = args.dim or _KIND_DIM.get(item.kind) or array.ndim
        if dim not in _TRANSFORMS:
            raise FileError(f"holds an array of {array.ndim} axes {array.shape}; pass --dim 1, 2 "
                            "or 3 (the last axes are the signal, the others channels)")
        _check_dims(item, dim)
        shape = tuple(args.shape) if args.shape else array.shape[array.ndim - dim:]
        if len(shape) != dim:
            raise UsageError(f"--shape has {len(shape)} axes, but the signals are {dim}-D.")
        run.dim = dim
        run.item_shape = array.shape[: array.ndim - dim] + shape
        run.shape_source = "--shape" if args.shape else item.path
        run.transform = _build_transform(args, dim, shape)
    dim = run.dim
    _check_dims(item, dim)
    channels, expected_channels = array.shape[: array.ndim - dim], run.item_shape[:-dim]
    if channels != expected_channels:
        raise FileError(
            f"has shape {array.shape}: channel axes {channels}, but this run's inputs have "
            f"{expected_channels} (from {run.shape_source}){_channel_hint(item)}")
    signal_shape, expected = array.shape[array.ndim - dim:], run.item_shape[-dim:]
    if signal_shape != expected:
        if run.args.fit == "exact":
            raise FileError(
                f"has signal shape {signal_shape}, but this run's is {expected} (from "
                f"{run.shape_source}); pass --fit pad-crop to zero-pad or crop inputs to it, or "
                "scatter inputs of each shape in their own run")
        array = _pad_crop(array, expected)
    return array


def _check_dims(item: Item, dim: int) -> None:
    """Refuse audio in a 2-D run, an image in a 1-D one, an array of fewer than ``dim`` axes."""
    kind_dim = _KIND_DIM.get(item.kind)
    if kind_dim is not None and kind_dim != dim:
        raise FileError(f"is {'an image' if item.kind == 'image' else 'audio'} ({kind_dim}-D), "
                        f"but this run scatters {dim}-D signals")
    if item.array.ndim < dim:
        raise FileError(f"has {item.array.ndim} axes {item.array.shape}, but this run scatters "
                        f"{dim}-D signals")


def _channel_hint(item: Item) -> str:
    if item.kind in _KIND_DIM:
        return "; without --keep-channels every file is mixed to one channel"
    return ""


def _pad_crop(array: np.ndarray, shape: tuple) -> np.ndarray:
    """Crop or zero-pad the last ``len(shape)`` axes of ``array`` to ``shape``, at their end."""
    lead = array.ndim - len(shape)
    array = array[(Ellipsis,) + tuple(slice(0, n) for n in shape)]
    widths = [(0, 0)] * lead + [(0, n - m) for n, m in zip(shape, array.shape[lead:])]
    return np.pad(array, widths)


def _build_transform(args: Any, dim: int, shape: tuple) -> Any:
    import kymatio.core
    from ._registry import frontend_serving

    parameters = transform_parameters(args, dim)
    try:
        return getattr(kymatio.core, _TRANSFORMS[dim])(
            shape=shape[0] if dim == 1 else shape, frontend=frontend_serving(args.backend),
            backend=args.backend, **parameters)
    except (ValueError, TypeError, ImportError) as error:
        raise UsageError(f"cannot build {_TRANSFORMS[dim]} for signals of shape {shape}: "
                         f"{error}") from error


def _check_backend(backend: str) -> None:
    """Resolve ``--backend`` before reading any file: a wrong name fails the run at once."""
    from ._registry import frontend_serving, resolve_backend

    try:
        resolve_backend(backend, frontend_serving(backend))
    except ImportError as error:   # the registry's errors: not found, framework missing
        raise UsageError(f"--backend {backend}: {error}") from error


# -- writing ----------------------------------------------------------------------------------------
class NpyWriter:
    """Collects the batches; writes ``features.npy`` and the sidecar ``features.json`` at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sidecar = path.with_suffix(".json")
        self.batches: list[np.ndarray] = []

    def append(self, coefficients: np.ndarray) -> None:
        self.batches.append(coefficients)

    def finish(self, metadata: dict) -> str:
        features = np.concatenate(self.batches)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        np.save(self.path, features)
        # One line per field: readable, and the long per-channel lists stay on one line each.
        lines = ",\n".join(f" {json.dumps(key)}: {json.dumps(value)}"
                            for key, value in metadata.items())
        self.sidecar.write_text("{\n" + lines + "\n}\n")
        return (f"{self.path}: array {features.shape} {features.dtype}; inputs and parameters in "
                f"{self.sidecar}")


class ZarrWriter:
    """Appends each batch to the array ``features`` of a Zarr group; metadata as its attributes."""

    def __init__(self, path: Path, batch_size: int) -> None:
        self.zarr = require("zarr")
        self.path = path
        self.batch_size = batch_size
        self.array = None

    def append(self, coefficients: np.ndarray) -> None:
        if self.array is None:
            group = self.zarr.open_group(str(self.path), mode="w")
            self.array = group.create_array(
                "features", shape=(0,) + coefficients.shape[1:], dtype=coefficients.dtype,
                chunks=(self.batch_size,) + coefficients.shape[1:])
        self.array.append(coefficients, axis=0)

    def finish(self, metadata: dict) -> str:
        group = self.zarr.open_group(str(self.path), mode="r+")
        group.attrs.update(metadata)
        return (f"{self.path}: Zarr group, array 'features' {self.array.shape} "
                f"{self.array.dtype}; inputs and parameters in its attributes")


def _metadata(run: Run) -> dict:
    from ._version import __version__

    transform = run.transform
    meta = transform.meta()
    parameters = {"J": transform.J, "shape": list(transform.shape), "max_order": transform.max_order}
    if run.dim == 1:
        parameters.update(Q=list(transform.Q), T=transform.T if transform.average == "local"
                          else transform.average)
    else:
        parameters["L"] = transform.L
    rates = [rate for _, rate in run.done]
    return {
        "kymatio_version": __version__,
        "transform": _TRANSFORMS[run.dim],
        "parameters": parameters,
        "backend": run.args.backend,
        "dtype": run.args.dtype,
        "inputs": [path for path, _ in run.done],
        "sample_rates": rates if any(r is not None for r in rates) else None,
        "input_shape": list(run.item_shape),
        "channels": {"order": meta["order"].tolist(), "key": [list(k) for k in meta["key"]]},
        "failed": run.failed,
    }


# -- the run ----------------------------------------------------------------------------------------
def run(args: Any) -> int:
    from ._host import scatter_numpy

    output = Path(args.output)
    suffix = output.suffix.lower()
    if suffix not in (".npy", ".zarr"):
        raise UsageError(f"the output should end with .npy or .zarr, got {str(output)!r}.")
    files = expand(args.inputs)
    if not files:
        raise UsageError(f"no audio, image or .npy file found in {args.inputs}.")
    _check_backend(args.backend)
    kinds = {kind_of(p) for p in files}
    if "audio" in kinds:
        require("soundfile")
    if "image" in kinds:
        require("PIL")
    writer = ZarrWriter(output, args.batch_size) if suffix == ".zarr" else NpyWriter(output)
    progress = _Progress(args, len(files))
    state = Run(args)
    start = time.perf_counter()
    pending: list[tuple[Item, np.ndarray]] = []

    def report(path: str, message: str) -> None:
        state.failed[path] = message
        progress.write(f"error: {path}: {message}")

    def flush() -> None:
        if not pending:
            return
        try:
            batches = [(list(pending),
                        scatter_numpy(state.transform, np.stack([a for _, a in pending])))]
        except Exception:  # find which inputs the transform refuses: one at a time
            batches = []
            for entry in pending:
                try:
                    batches.append(([entry], scatter_numpy(state.transform, entry[1][None])))
                except Exception as error:
                    report(entry[0].path, f"cannot scatter: {error}")
        for entries, coefficients in batches:
            writer.append(np.asarray(coefficients, dtype=args.dtype))
            state.done.extend((item.path, item.sample_rate) for item, _ in entries)
        pending.clear()

    try:
        for path in files:
            try:
                item = read(path, args.keep_channels, args.dtype)
                pending.append((item, _fit(state, item)))
            except FileError as error:
                report(str(path), str(error))
            progress.update(1)
            if len(pending) >= args.batch_size:
                flush()
        flush()
    finally:
        progress.close()
    return _summary(state, writer, len(files), time.perf_counter() - start)


def _summary(state: Run, writer: Any, total: int, seconds: float) -> int:
    failed = len(state.failed)
    if state.done:
        where = writer.finish(_metadata(state))
        print(f"scattered {len(state.done)} of {total} files in {seconds:.1f} s -> {where}")
        rates = {rate for _, rate in state.done if rate is not None}
        if len(rates) > 1:
            print(f"note: the audio files have different sample rates {sorted(rates)} Hz: their "
                  "coefficients at one index are of different frequencies in Hz")
    else:
        print(f"scattered none of {total} files: nothing written to {writer.path}")
    if failed:
        print(f"{failed} of {total} file{'s' if total > 1 else ''} failed:", file=sys.stderr)
        for path, message in state.failed.items():
            print(f"  {path}: {message}", file=sys.stderr)
        return 1
    return 0


class _Progress:
    """A tqdm bar on stderr (or nothing, with ``--no-progress``); messages print above it."""

    def __init__(self, args: Any, total: int) -> None:
        self.tqdm = None if args.no_progress else require("tqdm")
        self.bar = None if self.tqdm is None else self.tqdm.tqdm(
            total=total, unit="file", desc="scattering", file=sys.stderr, mininterval=0.2)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def write(self, text: str) -> None:
        if self.bar is None:
            print(text, file=sys.stderr)
        else:
            self.tqdm.tqdm.write(text, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
