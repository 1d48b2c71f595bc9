"""Test configuration. Imports no framework: each test module imports what it needs.

``KYMATIO_TEST_BACKENDS`` (comma-separated, default ``numpy``) lists the frameworks that must be
present; a listed framework that cannot be imported fails the run instead of skipping its tests.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"

# backend name -> modules that must import for its tests to run
_REQUIREMENTS = {
    "numpy": ("numpy", "scipy", "kymatio.numpy"),
    "torch": ("torch", "kymatio.torch"),
    "sklearn": ("sklearn", "joblib", "pandas", "kymatio.sklearn"),
    "tensorflow": ("tensorflow", "kymatio.tensorflow"),
    "jax": ("jax", "kymatio.jax", "optax"),  # optax: the training example of docs/jax.md
    "keras": ("keras", "kymatio.keras", "tensorflow", "kymatio.tensorflow", "jax", "kymatio.jax",
              "torch", "kymatio.torch"),
    # The dask frontend, its cluster, and the command line's and plots' optional packages.
    "dask": ("dask", "dask.array", "distributed", "kymatio.dask", "zarr", "soundfile", "PIL",
             "tqdm", "matplotlib"),
}


def requested_backends() -> list[str]:
    raw = os.environ.get("KYMATIO_TEST_BACKENDS", "numpy")
    return [b.strip() for b in raw.split(",") if b.strip()]


def pytest_sessionstart(session):
    missing = []
    for name in requested_backends():
        modules = _REQUIREMENTS.get(name)
        if modules is None:
            missing.append(f"{name} (unknown backend name; known: {sorted(_REQUIREMENTS)})")
            continue
        for module in modules:
            if importlib.util.find_spec(module) is None:
                missing.append(f"{name} (module {module} is not installed)")
    if missing:
        raise pytest.UsageError(
            "KYMATIO_TEST_BACKENDS requests frameworks that are missing: " + "; ".join(missing)
        )


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def need_module(module: str):
    """Import ``module``: required (an ImportError fails the test) when ``KYMATIO_TEST_BACKENDS``
    lists its framework (``torch`` for ``torch.fft``, ``jax`` for ``kymatio.jax``), skipped
    otherwise."""
    parts = module.split(".")
    framework = parts[1] if parts[0] == "kymatio" and len(parts) > 1 else parts[0]
    if framework in requested_backends():
        return importlib.import_module(module)
    return pytest.importorskip(module)


@pytest.fixture(scope="session")
def required_module():
    """:func:`need_module`, for tests."""
    return need_module


@pytest.fixture(scope="session")
def frontend_module():
    """``frontend_module(name)`` -> ``kymatio.<name>``, with its framework, as :func:`need_module`."""

    def load(name: str):
        need_module(name)
        return need_module(f"kymatio.{name}")

    return load


# Property-based tests (tests/test_properties.py): reproducible in CI (derandomize: the examples
# depend on the test's name only), no deadline (the first call of a framework compiles), no example
# database in the checkout. `HYPOTHESIS_PROFILE=kymatio-thorough` searches 20x longer, at random.
try:
    from hypothesis import HealthCheck, settings
except ImportError:  # only tests/test_properties.py needs hypothesis (requirements-test.txt)
    pass
else:
    _HYPOTHESIS = dict(deadline=None, database=None, print_blob=True,
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    settings.register_profile("kymatio", max_examples=100, derandomize=True, **_HYPOTHESIS)
    settings.register_profile("kymatio-thorough", max_examples=2000, derandomize=False,
                              **_HYPOTHESIS)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kymatio"))
