"""The Keras 3 layers under each Keras backend: tensorflow, jax and torch.

Keras fixes its backend when it is imported, so each backend runs ``tests/keras_backend_checks.py``
in its own subprocess (``KERAS_BACKEND=...``); the three run at the same time, once per session,
and each check they report becomes a test here. This module imports no framework itself.

The layers under a backend need keras, the framework and its kymatio plugin; a backend whose
packages are missing is skipped (``KYMATIO_TEST_BACKENDS=...,keras`` makes conftest require all
of them instead).
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SCRIPT = HERE / "keras_backend_checks.py"
BACKENDS = {"tensorflow": ("tensorflow", "kymatio.tensorflow"), "jax": ("jax", "kymatio.jax"),
            "torch": ("torch", "kymatio.torch")}
CHECKS = [
    "check_reference_1d", "check_reference_2d", "check_same_as_numpy_float32",
    "check_same_as_numpy_float64", "check_mixed_precision", "check_compute_output_shape",
    "check_errors", "check_missing_plugin_names_pip_install", "check_config_round_trip",
    "check_save_load_keras_file", "check_fit_one_epoch", "check_backend_specifics",
    "check_docstring_examples", "check_config_dtype_policy", "check_inputs_and_state",
]
TIMEOUT_S = 400


def _missing(backend: str) -> list[str]:
    modules = ("keras", "kymatio.keras") + BACKENDS[backend]
    return [m for m in modules if importlib.util.find_spec(m) is None]


@pytest.fixture(scope="session")
def keras_reports(tmp_path_factory) -> dict:
    """Run the checks under every available Keras backend, concurrently; backend -> report."""
    out = tmp_path_factory.mktemp("keras")
    running = {}
    for backend in BACKENDS:
        if _missing(backend):
            continue
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="2",
                   CUDA_VISIBLE_DEVICES=os.environ.get("CUDA_VISIBLE_DEVICES", ""))
        if backend != "torch":
            env.pop("CUDA_VISIBLE_DEVICES")
        path = out / f"{backend}.json"
        running[backend] = (subprocess.Popen(
            [sys.executable, str(SCRIPT), str(path)], env=env, cwd=HERE.parent,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), path)
    reports = {}
    for backend, (process, path) in running.items():
        try:
            log, _ = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            log, _ = process.communicate()
        report = json.loads(path.read_text()) if path.exists() else None
        reports[backend] = {"report": report, "log": log, "returncode": process.returncode}
    return reports


def _report(keras_reports: dict, backend: str) -> dict:
    missing = _missing(backend)
    if missing:
        pytest.skip(f"Keras backend {backend}: {', '.join(missing)} not installed")
    run = keras_reports[backend]
    if run["report"] is None:
        pytest.fail(f"the checks under KERAS_BACKEND={backend} wrote no report (exit status "
                    f"{run['returncode']}):\n{run['log'][-4000:]}")
    assert run["report"]["backend"] == backend
    return run["report"]


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_every_check_ran(keras_reports, backend):
    report = _report(keras_reports, backend)
    assert sorted(report["results"]) == sorted(CHECKS)


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("backend", list(BACKENDS))
def test_keras_layers(keras_reports, backend, check):
    result = _report(keras_reports, backend)["results"].get(check)
    assert result is not None, f"{check} did not run under {backend}"
    assert result["ok"], f"{check} failed under KERAS_BACKEND={backend}:\n{result['error']}"


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_numbers_match_numpy(keras_reports, backend):
    numbers = _report(keras_reports, backend)["numbers"]
    relative = {k: v for k, v in numbers.items() if k.endswith("_rel")}
    assert len(relative) >= 7, numbers
    assert all(v < 2e-5 for v in relative.values()), relative


def test_plugin_registers_keras_frontend_without_importing_keras():
    """The registry sees the frontend "keras" and imports neither keras nor a framework for it."""
    code = (
        "import sys, kymatio.core\n"
        "assert 'keras' in kymatio.core.list_frontends(), kymatio.core.list_frontends()\n"
        "import kymatio.keras\n"
        "heavy = [m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert set(kymatio.keras.__all__) <= set(dir(kymatio.keras))\n"
    )
    if importlib.util.find_spec("kymatio.keras") is None:
        pytest.skip("kymatio-keras is not installed")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
