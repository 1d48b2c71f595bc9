"""kymatio-dask: lazy chunked scattering equal to the in-process NumPy result, on the threaded
scheduler and on LocalClusters of threads and of processes (which pickle every task), filters built
once per worker process, graphs that carry parameters and not filters, other frontends by name,
errors, and the Zarr example."""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402
import dask  # noqa: E402

import kymatio.core  # noqa: E402
import kymatio.dask  # noqa: E402
import kymatio.numpy  # noqa: E402
from kymatio.core._errors import (  # noqa: E402
    FrontendNotFoundError, ScatteringTypeError, ScatteringValueError)
from kymatio.core._frontend import _map_arrays  # noqa: E402
from kymatio.dask import scattering  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _signals(shape, chunks, dtype=np.float32, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return x, da.from_array(x, chunks=chunks)


def _filter_bytes(transform) -> int:
    sizes = []
    _map_arrays(transform._filters_np, lambda a: sizes.append(a.nbytes))
    return sum(sizes)


# -- the graph: lazy, chunked, typed ------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_1d_equals_numpy_with_batch_chunks_kept_and_signal_axis_whole(dtype):
    x, dx = _signals((3, 5, 512), chunks=(2, 3, 100), dtype=dtype)
    S = kymatio.dask.Scattering1D(J=5, shape=512, Q=8)
    Sx = S(dx)
    expected = kymatio.numpy.Scattering1D(J=5, shape=512, Q=8)(x)
    assert Sx.shape == expected.shape
    assert Sx.chunks == ((2, 1), (3, 2)) + tuple((n,) for n in expected.shape[2:])
    assert Sx.dtype == dtype and type(Sx._meta) is np.ndarray and Sx._meta.dtype == dtype
    computed = Sx.compute(scheduler="sync")
    assert computed.dtype == dtype
    np.testing.assert_array_equal(computed, expected)


def test_2d_3d_and_jtfs_equal_numpy():
    images, d_images = _signals((5, 32, 32), chunks=(2, 32, 32))
    S2 = kymatio.dask.Scattering2D(J=2, shape=(32, 32), L=4)
    np.testing.assert_array_equal(S2(d_images).compute(),
                                  kymatio.numpy.Scattering2D(J=2, shape=(32, 32), L=4)(images))
    volumes, d_volumes = _signals((3, 12, 12, 12), chunks=(1, 12, 12, 12), dtype=np.float64)
    S3 = kymatio.dask.HarmonicScattering3D(J=1, shape=(12, 12, 12), L=1)
    np.testing.assert_allclose(
        S3(d_volumes).compute(),
        kymatio.numpy.HarmonicScattering3D(J=1, shape=(12, 12, 12), L=1)(volumes), rtol=1e-12)
    x, dx = _signals((4, 256), chunks=(3, 256))
    parameters = dict(J=4, J_fr=2, Q=4, shape=256, format="joint")
    Sx = kymatio.dask.TimeFrequencyScattering(**parameters)(dx)
    expected = kymatio.numpy.TimeFrequencyScattering(**parameters)(x)
    assert Sx.chunks[1:] == tuple((n,) for n in expected.shape[1:])
    np.testing.assert_array_equal(Sx.compute(), expected)


def test_nothing_is_computed_before_compute():
    calls = []

    def load():
        calls.append(1)
        return np.zeros((4, 256))

    dx = da.from_delayed(dask.delayed(load)(), shape=(4, 256), dtype=np.float64)
    Sx = kymatio.dask.Scattering1D(J=4, shape=256)(dx)
    assert Sx.shape == (4, 13, 16) and not calls
    Sx.compute(scheduler="sync")
    assert calls == [1]


def test_graph_carries_parameters_not_filters():
    S = kymatio.dask.Scattering1D(J=8, shape=2**13, Q=12)
    assert _filter_bytes(S.transform) > 10**6
    _, dx = _signals((16, 2**13), chunks=(2, 2**13))
    graph = dict(S(dx).__dask_graph__())
    scatter_tasks = [k for k in graph if isinstance(k, tuple) and k[0].startswith("scattering1d")]
    assert len(scatter_tasks) == 8
    # The graph holds the input chunks (16 signals of 2**13 float32: 0.5 MB) and small recipes.
    size = len(cloudpickle.dumps(graph))
    assert size < 16 * 2**13 * 4 + 50_000, size
    assert len(pickle.dumps(S)) < 1_000


def test_equal_transforms_share_graph_names_and_different_ones_do_not():
    _, dx = _signals((4, 512), chunks=(2, 512))
    by_position = kymatio.dask.Scattering1D(6, 512)(dx)
    by_keyword = kymatio.dask.Scattering1D(J=6, shape=512)(dx)
    other = kymatio.dask.Scattering1D(J=5, shape=512)(dx)
    assert by_position.name == by_keyword.name != other.name
    assert by_position.name.startswith("scattering1d-")


def test_empty_batch_and_unbatched_signal():
    S = kymatio.dask.Scattering1D(J=4, shape=256)
    empty = S(da.zeros((0, 256), chunks=(1, 256))).compute()
    assert empty.shape == (0,) + S.output_shape()
    x = np.random.default_rng(1).standard_normal(256)
    one = S(da.from_array(x, chunks=64))
    assert one.shape == S.output_shape() and one.numblocks == (1, 1)
    np.testing.assert_array_equal(one.compute(), kymatio.numpy.Scattering1D(J=4, shape=256)(x))


def test_scattering_function_infers_shape_and_matches_the_class():
    x, dx = _signals((6, 2, 32, 32), chunks=(3, 2, 32, 32))
    Sx = scattering(dx, "Scattering2D", J=2, L=2)
    assert Sx.shape == (6, 2, 9, 8, 8)
    np.testing.assert_array_equal(Sx.compute(), kymatio.numpy.Scattering2D(2, (32, 32), L=2)(x))


def test_pickled_transform_keeps_parameters_only_and_works():
    S = kymatio.dask.Scattering1D(J=4, shape=256, Q=2)
    clone = pickle.loads(pickle.dumps(S))
    assert "_local" not in S.__getstate__()
    assert clone.parameters == {"J": 4, "shape": 256, "Q": 2} and clone.frontend == "numpy"
    assert clone.output_shape() == S.output_shape() and clone.meta()["key"] == S.meta()["key"]
    x, dx = _signals((2, 256), chunks=(1, 256))
    np.testing.assert_array_equal(clone(dx).compute(), S(dx).compute())


def test_worker_cache_builds_once_under_concurrency_and_stays_bounded():
    import threading

    from kymatio.dask import _worker

    recipe = kymatio.dask.Scattering1D(J=3, shape=128, Q=3)._recipe("float64")
    before = kymatio.dask.cache_info()["builds"]
    threads = [threading.Thread(target=_worker.transform_for, args=(recipe,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert kymatio.dask.cache_info()["builds"] == before + 1
    for J in range(1, _worker.MAX_CACHED + 3):
        kymatio.dask.Scattering1D(J=J, shape=2**12)
    info = kymatio.dask.cache_info()
    assert info["cached"] == _worker.MAX_CACHED and recipe.token not in info["tokens"]
    kymatio.dask.clear_cache()
    assert kymatio.dask.cache_info()["cached"] == 0


# -- other frontends and the registry -----------------------------------------------------------
@pytest.mark.parametrize("frontend", ["torch", "jax", "tensorflow"])
def test_any_installed_array_frontend_by_name(frontend):
    pytest.importorskip(frontend)   # present whenever KYMATIO_TEST_BACKENDS requests it
    pytest.importorskip(f"kymatio.{frontend}")
    x, dx = _signals((5, 512), chunks=(2, 512))
    S = kymatio.dask.Scattering1D(J=5, shape=512, Q=4, frontend=frontend)
    assert S.frontend == frontend and type(S.transform).__module__ == f"kymatio.{frontend}"
    Sx = S(dx).compute(scheduler="threads")
    assert Sx.dtype == np.float32
    expected = kymatio.numpy.Scattering1D(J=5, shape=512, Q=4)(x)
    np.testing.assert_allclose(Sx, expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max())


def test_dispatcher_builds_dask_transforms_and_backend_picks_the_frontend():
    pytest.importorskip("torch")
    assert "dask" in kymatio.core.list_frontends()
    S = kymatio.core.Scattering1D(J=4, shape=256, frontend="dask", backend="torch")
    assert isinstance(S, kymatio.dask.Scattering1D) and S.frontend == "torch"
    assert kymatio.core.Scattering2D(J=2, shape=(16, 16), frontend="DASK").frontend == "numpy"


def test_registry_scan_imports_no_dask():
    code = ("import sys, kymatio.core; assert 'dask' in kymatio.core.list_frontends(); "
            "assert 'dask' not in sys.modules and 'dask.array' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- errors ---------------------------------------------------------------------------------------
def test_bad_input_is_refused_when_the_graph_is_built():
    S = kymatio.dask.Scattering1D(J=4, shape=256)
    with pytest.raises(ScatteringTypeError, match="dask.array.from_array"):
        S(np.zeros((2, 256)))
    with pytest.raises(ScatteringTypeError, match="int64"):
        S(da.zeros((2, 256), dtype=np.int64))
    with pytest.raises(ScatteringTypeError, match="complex"):
        S(da.zeros((2, 256), dtype=np.complex64))
    with pytest.raises(ScatteringValueError, match=r"\(256,\).*\(2, 128\)"):
        S(da.zeros((2, 128)))


def test_bad_parameters_are_refused_with_what_is_accepted():
    with pytest.raises(ScatteringValueError, match="out_type must be 'array', got 'dict'"):
        kymatio.dask.Scattering1D(J=4, shape=256, out_type="dict")
    with pytest.raises(ScatteringValueError, match="frontend='dask'"):
        kymatio.dask.Scattering1D(J=4, shape=256, frontend="dask")
    with pytest.raises(FrontendNotFoundError, match="numpy"):
        kymatio.dask.Scattering1D(J=4, shape=256, frontend="nunpy")
    with pytest.raises(ScatteringTypeError, match="backend by name"):
        kymatio.dask.Scattering1D(J=4, shape=256, backend=object())
    with pytest.raises(ScatteringTypeError, match="both by position and by keyword"):
        kymatio.dask.Scattering1D(4, 256, J=4)
    with pytest.raises(ScatteringValueError, match="Q must always be >= 1"):
        kymatio.dask.Scattering1D(J=4, shape=256, Q=0)
    with pytest.raises(ScatteringValueError, match="Did you mean 'Scattering2D'"):
        scattering(da.zeros((2, 16, 16)), "Scatering2D", J=2)


def test_frontends_that_are_not_array_transforms_are_refused():
    pytest.importorskip("kymatio.sklearn")
    with pytest.raises(ScatteringValueError, match="'sklearn' does not compute on arrays.*'numpy'"):
        kymatio.dask.Scattering1D(J=4, shape=256, frontend="sklearn")


# -- clusters -------------------------------------------------------------------------------------
def test_threads_cluster_shares_the_client_transform():
    x, dx = _signals((8, 1024), chunks=(2, 1024))
    S = kymatio.dask.Scattering1D(J=6, shape=1024, Q=8)
    builds = kymatio.dask.cache_info()["builds"]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        Sx = client.compute(S(dx)).result()
    np.testing.assert_array_equal(Sx, kymatio.numpy.Scattering1D(J=6, shape=1024, Q=8)(x))
    assert kymatio.dask.cache_info()["builds"] == builds


def test_process_cluster_builds_filters_once_per_worker_and_equals_numpy():
    x, dx = _signals((12, 1024), chunks=(2, 1024))
    S = kymatio.dask.Scattering1D(J=6, shape=1024, Q=8)
    token = S._recipe("float32").token
    expected = kymatio.numpy.Scattering1D(J=6, shape=1024, Q=8)(x)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        np.testing.assert_array_equal(client.compute(S(dx)).result(), expected)
        # A second graph with the same transform (a new input) reuses the workers' filters.
        np.testing.assert_array_equal(client.compute(S(dx[::-1])).result(), expected[::-1])
        info = client.run(kymatio.dask.cache_info)
        # float64 input is another recipe: built once more per worker that runs it.
        x64 = x.astype(np.float64)
        np.testing.assert_allclose(client.compute(S(da.from_array(x64, chunks=(3, 1024)))).result(),
                                   kymatio.numpy.Scattering1D(J=6, shape=1024, Q=8)(x64))
        after = client.run(kymatio.dask.cache_info)
    assert len(info) == 2
    assert all(worker["builds"] <= 1 and worker["tokens"] in ([], [token])
               for worker in info.values()), info
    assert sum(worker["builds"] for worker in info.values()) <= 2 < dx.numblocks[0]
    assert all(after[w]["builds"] <= info[w]["builds"] + 1 for w in info), after


def test_example_scatters_a_folder_of_wavs_into_zarr_through_a_process_cluster(tmp_path):
    soundfile = pytest.importorskip("soundfile")
    zarr = pytest.importorskip("zarr")
    folder, store = tmp_path / "audio", tmp_path / "features.zarr"
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dask_audio_to_zarr.py"), "--folder",
         str(folder), "--out", str(store), "--files", "5", "--seconds", "0.25",
         "--files-per-chunk", "2", "--workers", "2", "--J", "6", "--Q", "8"],
        capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert "wrote 5 synthetic WAV files" in result.stdout and f"wrote {store}" in result.stdout
    group = zarr.open_group(str(store), mode="r")
    features = group["features"]
    paths = group.attrs["inputs"]
    assert [Path(p).name for p in paths] == [f"chirp_{i:03d}.wav" for i in range(5)]
    assert features.shape[0] == 5 and features.chunks[0] == 2
    signals = np.stack([soundfile.read(p, dtype="float32")[0] for p in paths])
    expected = kymatio.numpy.Scattering1D(J=6, shape=signals.shape[1], Q=8)(signals)
    np.testing.assert_array_equal(features[:], expected)
