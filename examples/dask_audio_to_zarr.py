"""Scatter a folder of audio files into a Zarr store through a dask cluster.

    python examples/dask_audio_to_zarr.py                      # synthetic WAVs in a temp folder
    python examples/dask_audio_to_zarr.py --folder my_sounds --out features.zarr --workers 4

A folder without audio files (or a new one) first gets ``--files`` synthetic WAVs (chirps).

Each worker reads its share of the files (soundfile), scatters them with kymatio.dask (the filters
are built once per worker process) and writes its chunk of the features to the Zarr store: the
client only builds the graph. Files are cropped or zero-padded to the length of the first one.
On a real cluster, replace the LocalCluster by the scheduler's address: ``Client("tcp://...")``
(docs/dask.md).

Needs ``pip install "kymatio-dask[distributed,zarr]" soundfile``.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

AUDIO = (".wav", ".flac", ".ogg")


def write_synthetic(folder: Path, n_files: int, seconds: float, sample_rate: int) -> list[Path]:
    """Chirps of different speeds plus noise: one WAV file each."""
    import soundfile

    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    paths = []
    for i in range(n_files):
        speed = 200.0 * (i + 1)
        signal = np.sin(2 * np.pi * (100 * t + speed * t**2)) + 0.05 * rng.standard_normal(t.size)
        path = folder / f"chirp_{i:03d}.wav"
        soundfile.write(path, (0.5 * signal).astype(np.float32), sample_rate)
        paths.append(path)
    return paths


def read_files(paths: list[str], length: int) -> np.ndarray:
    """The files as a (len(paths), length) float32 array, mono, cropped or zero-padded: this runs
    on a worker."""
    import soundfile

    out = np.zeros((len(paths), length), dtype=np.float32)
    for row, path in enumerate(paths):
        frames, _ = soundfile.read(path, dtype="float32", always_2d=True, frames=length)
        out[row, : frames.shape[0]] = frames.mean(axis=1)
    return out


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, help="audio files to scatter; one without any gets "
                        "synthetic WAVs (default: a new temporary folder)")
    parser.add_argument("--out", type=Path, help="Zarr store (default: features.zarr next to the "
                        "audio files)")
    parser.add_argument("--files", type=int, default=16, help="number of synthetic files")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of synthetic files")
    parser.add_argument("--sample-rate", type=int, default=16000)
    parser.add_argument("--files-per-chunk", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", action="store_true",
                        help="workers as threads of this process (quicker to start)")
    parser.add_argument("--J", type=int, default=8)
    parser.add_argument("--Q", type=int, default=12)
    args = parser.parse_args(argv)

    import dask
    import dask.array as da
    import soundfile
    import zarr
    from distributed import Client, LocalCluster

    from kymatio.dask import Scattering1D

    folder = args.folder or Path(tempfile.mkdtemp(prefix="kymatio-audio-"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in AUDIO)
    if not paths:
        write_synthetic(folder, args.files, args.seconds, args.sample_rate)
        print(f"wrote {args.files} synthetic WAV files to {folder}")
        paths = sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in AUDIO)
    length = soundfile.info(paths[0]).frames
    out = args.out or folder / "features.zarr"

    start = time.perf_counter()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1,
                      processes=not args.threads, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        # One task reads each group of files, on the worker that then scatters them.
        groups = [paths[i: i + args.files_per_chunk]
                  for i in range(0, len(paths), args.files_per_chunk)]
        signals = da.concatenate([
            da.from_delayed(dask.delayed(read_files)(group, length), shape=(len(group), length),
                            dtype=np.float32)
            for group in groups])
        S = Scattering1D(J=args.J, shape=length, Q=args.Q)
        features = S(signals)              # lazy: (n_files, channels, time), one chunk per group
        features.to_zarr(str(out), component="features", overwrite=True)
        workers = len(client.scheduler_info()["workers"])
    group = zarr.open_group(str(out), mode="r+")
    group.attrs.update({"inputs": paths, "sample_rate": soundfile.info(paths[0]).samplerate,
                        "transform": repr(S), "order": S.meta()["order"].tolist()})
    stored = group["features"]
    print(f"scattered {len(paths)} files of {length} samples on {workers} dask workers in "
          f"{time.perf_counter() - start:.1f} s")
    print(f"wrote {out}: array 'features' {stored.shape} {stored.dtype}, chunks {stored.chunks}; "
          "the input files are in its attribute 'inputs'")
    return out


if __name__ == "__main__":
    main()
