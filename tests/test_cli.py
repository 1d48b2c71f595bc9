"""The ``kymatio`` command line, run as a subprocess on files the tests write (WAV, FLAC, PNG,
.npy, broken ones): outputs equal the NumPy frontend's coefficients, per-file errors do not stop
the others, the progress bar and summary are printed, usage errors exit with 2; ``info``,
``filters`` and ``--help`` on every command."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

soundfile = pytest.importorskip("soundfile")
PIL = pytest.importorskip("PIL")
pytest.importorskip("tqdm")
zarr = pytest.importorskip("zarr")
pytest.importorskip("matplotlib")

from PIL import Image  # noqa: E402

import kymatio.core  # noqa: E402
import kymatio.numpy  # noqa: E402
from kymatio.core import cli  # noqa: E402

RATE = 8000
N = 4000


def run_cli(*args, cwd):
    """``kymatio ARGS`` in a subprocess (``python -m kymatio.core``, the console script's code)."""
    return subprocess.run([sys.executable, "-m", "kymatio.core", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    t = np.arange(N) / RATE
    rng = np.random.default_rng(0)
    soundfile.write(folder / "a.wav", 0.5 * np.sin(2 * np.pi * 440 * t), RATE)
    stereo = np.stack([np.sin(2 * np.pi * 880 * t), 0.1 * rng.standard_normal(N)], axis=1)
    soundfile.write(folder / "b.flac", 0.5 * stereo, RATE)
    soundfile.write(folder / "short.wav", 0.5 * np.sin(2 * np.pi * 300 * t[: N // 2]), RATE)
    (folder / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot audio at all")
    pixels = (255 * rng.random((32, 32))).astype(np.uint8)
    Image.fromarray(pixels).save(folder / "img.png")
    (folder / "notes.txt").write_text("not a signal")
    np.save(folder / "x.npy", rng.standard_normal(N))
    return folder


def read_mono(path):
    frames, _ = soundfile.read(path, dtype="float32", always_2d=True)
    return frames.mean(axis=1, dtype=np.float32)


def test_scatter_to_npy_reports_bad_files_and_scatters_the_others(files, tmp_path):
    out = tmp_path / "features.npy"
    result = run_cli("scatter", "a.wav", "broken.wav", "b.flac", "x.npy", "short.wav",
                     "notes.txt", "gone.wav", "-o", out, "--J", 6, "--Q", 8, "--batch-size", 2,
                     cwd=files)
    assert result.returncode == 1, result.stderr
    assert "scattered 3 of 7 files" in result.stdout and str(out) in result.stdout
    # The progress bar counts every file; each failure is reported, then summarised.
    assert "scattering" in result.stderr and "7/7" in result.stderr
    assert "4 of 7 files failed:" in result.stderr
    assert "broken.wav: cannot read as audio" in result.stderr
    assert "short.wav: has signal shape (2000,), but this run's is (4000,)" in result.stderr
    assert "--fit pad-crop" in result.stderr
    assert "notes.txt: unsupported file type '.txt'" in result.stderr
    assert "gone.wav: no such file" in result.stderr

    features = np.load(out)
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["inputs"] == ["a.wav", "b.flac", "x.npy"]
    assert set(sidecar["failed"]) == {"broken.wav", "short.wav", "notes.txt", "gone.wav"}
    assert sidecar["sample_rates"] == [RATE, RATE, None]
    assert sidecar["transform"] == "Scattering1D" and sidecar["parameters"]["Q"] == [8, 1]
    S = kymatio.numpy.Scattering1D(J=6, shape=N, Q=8)
    assert sidecar["channels"]["order"] == S.meta()["order"].tolist()
    signals = np.stack([read_mono(files / "a.wav"), read_mono(files / "b.flac"),
                        np.load(files / "x.npy").astype(np.float32)])
    assert features.dtype == np.float32
    np.testing.assert_array_equal(features, S(signals))


def test_scatter_to_zarr_with_pad_crop_and_channels(files, tmp_path):
    out = tmp_path / "features.zarr"
    result = run_cli("scatter", "b.flac", "short.wav", "a.wav", "-o", out, "--J", 5, "--Q", "4,2",
                     "--T", "global", "--fit", "pad-crop", "--keep-channels", "--dtype",
                     "float64", "--no-progress", cwd=files)
    # Mono files have one channel, b.flac two: with --keep-channels they cannot share an array.
    assert result.returncode == 1
    assert "short.wav: has shape (1, 2000): channel axes (1,), but this run's inputs have (2,)" \
        in result.stderr
    assert "scattering" not in result.stderr   # --no-progress
    group = zarr.open_group(str(out), mode="r")
    assert group.attrs["inputs"] == ["b.flac"]
    stereo = soundfile.read(files / "b.flac", dtype="float64", always_2d=True)[0].T
    S = kymatio.numpy.Scattering1D(J=5, shape=N, Q=(4, 2), T="global")
    np.testing.assert_array_equal(group["features"][:], S(stereo[None]))

    result = run_cli("scatter", files, "-o", out, "--J", 5, "--fit", "pad-crop", "--dim", 1,
                     "--no-progress", cwd=tmp_path)
    # The folder's audio and .npy files are found; the image is 2-D, refused in a 1-D run.
    assert result.returncode == 1
    assert "img.png: is an image (2-D), but this run scatters 1-D signals" in result.stderr
    group = zarr.open_group(str(out), mode="r")
    names = [Path(p).name for p in group.attrs["inputs"]]
    assert names == ["a.wav", "b.flac", "short.wav", "x.npy"]
    short = np.zeros(N, dtype=np.float32)
    short[: N // 2] = read_mono(files / "short.wav")
    np.testing.assert_array_equal(group["features"][2],
                                  kymatio.numpy.Scattering1D(J=5, shape=N)(short))


def test_scatter_images(files, tmp_path):
    out = tmp_path / "images.npy"
    result = run_cli("scatter", "img.png", "-o", out, "--J", 2, "--L", 4, cwd=files)
    assert result.returncode == 0, result.stderr
    assert "scattered 1 of 1 files" in result.stdout and "1/1" in result.stderr
    grey = np.asarray(Image.open(files / "img.png"), dtype=np.float32) / 255.0
    expected = kymatio.numpy.Scattering2D(J=2, shape=(32, 32), L=4)(grey[None])
    np.testing.assert_allclose(np.load(out), expected, rtol=1e-6)
    assert json.loads(out.with_suffix(".json").read_text())["parameters"]["L"] == 4


def test_when_every_file_fails_nothing_is_written(files, tmp_path):
    out = tmp_path / "none.npy"
    result = run_cli("scatter", "broken.wav", "-o", out, "--J", 4, cwd=files)
    assert result.returncode == 1
    assert "scattered none of 1 files: nothing written" in result.stdout
    assert not out.exists() and not out.with_suffix(".json").exists()


@pytest.mark.parametrize("args, message", [
    (["a.wav", "-o", "f.h5", "--J", "4"], "should end with .npy or .zarr, got 'f.h5'"),
    (["img.png", "-o", "f.npy", "--J", "2", "--Q", "4"], "--Q applies to 1-D signals only"),
    (["a.wav", "-o", "f.npy", "--J", "4", "--L", "4"], "--L applies to 2-D and 3-D"),
    (["a.wav", "-o", "f.npy", "--J", "20"], "J=20 is too large for shape=(4000,)"),
    (["a.wav", "-o", "f.npy", "--J", "4", "--backend", "nunpy"], "Did you mean 'numpy'"),
    (["a.wav", "-o", "f.npy", "--J", "4", "--shape", "4000x2"], "--shape has 2 axes"),
])
def test_usage_errors_exit_with_2_and_say_what_is_wrong(files, capsys, args, message):
    # In-process: the same main() as the console script, without a new interpreter per case.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(files)
        code = cli.main(["scatter", "--no-progress", *args])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert message in captured.err and captured.err.startswith("kymatio scatter: error:")


def test_argument_errors_exit_with_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["scatter", "a.wav", "-o", "f.npy", "--J", "x"])
    assert exit_info.value.code == 2 and "expected an integer, got 'x'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["scatter", "a.wav", "--J", "4"])
    assert "the following arguments are required: -o/--output" in capsys.readouterr().err
    assert cli.main([]) == 2 and "usage: kymatio" in capsys.readouterr().err


def test_a_missing_optional_package_names_the_pip_install(files, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "soundfile", None)   # makes `import soundfile` fail
    monkeypatch.chdir(files)
    assert cli.main(["scatter", "a.wav", "-o", "f.npy", "--J", "4"]) == 2
    assert 'pip install "kymatio-core[cli]" (or pip install soundfile)' in capsys.readouterr().err


def test_backend_by_name_computes_with_its_frontend(files, tmp_path, capsys, monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.chdir(files)
    out = tmp_path / "torch.npy"
    assert cli.main(["scatter", "a.wav", "-o", str(out), "--J", "5", "--backend", "torch",
                     "--no-progress"]) == 0
    assert json.loads(out.with_suffix(".json").read_text())["backend"] == "torch"
    expected = kymatio.numpy.Scattering1D(J=5, shape=N)(read_mono("a.wav")[None])
    np.testing.assert_allclose(np.load(out), expected, rtol=1e-4, atol=1e-7)


def test_info_lists_frontends_backends_and_optional_packages(tmp_path):
    result = run_cli("info", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("kymatio 0.5")
    listed = {tuple(line.split()[:2]) for line in lines}
    for info in kymatio.core.list_frontends(detail=True) + kymatio.core.list_backends(detail=True):
        assert (info.name, "ok" if info.available else "MISSING") in listed, info.name
    assert ("numpy", "ok") in listed and ("dask", "ok") in listed
    for package in ("soundfile", "pillow", "tqdm", "zarr", "matplotlib"):
        assert any(line.split()[:2] == [package, "ok"] for line in lines), package


def test_filters_draws_a_png(tmp_path):
    out = tmp_path / "bank.png"
    result = run_cli("filters", "--dim", 1, "--J", 8, "--Q", 12, "-o", out, "--dpi", 50,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out} (1-D filter bank: J=8, ")
    with Image.open(out) as image:
        assert image.format == "PNG" and min(image.size) > 100


def test_filters_2d_and_its_errors(tmp_path, capsys):
    out = tmp_path / "bank2d.svg"
    assert cli.main(["filters", "--dim", "2", "--J", "2", "--L", "4", "-o", str(out)]) == 0
    assert out.read_text().lstrip().startswith("<?xml") and "8 wavelets, L=4" in \
        capsys.readouterr().out
    assert cli.main(["filters", "--J", "3", "-o", str(tmp_path / "bank.xyz")]) == 2
    assert "should end with one of" in capsys.readouterr().err
    assert cli.main(["filters", "--dim", "2", "--J", "2", "--Q", "4", "-o", str(out)]) == 2
    assert "--Q applies to 1-D signals only" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["scatter"], ["info"], ["filters"]])
def test_help_on_every_command(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(command + ["--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: kymatio " + " ".join(command))


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("kymatio")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.strip().startswith("kymatio 0.5")
