"""The plugin registry, the by-name dispatchers of kymatio.core and the NumPy plugin.

Plugins are fed to ``Registry`` as hand-built ``importlib.metadata.EntryPoint`` objects pointing at
the fake plugins of ``tests/plugins/``; the real NumPy plugin is found through the installed entry
points.
"""
from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import numpy as np
import pytest

import kymatio.core
from kymatio.core import (
    BackendError,
    BackendFrontendMismatchError,
    BackendNotFoundError,
    BackendUnavailableError,
    FrontendNotFoundError,
    ScatteringTypeError,
    _registry,
)
from kymatio.core._registry import BackendInfo, FrontendInfo, Registry
from kymatio.core.plugins import BackendSpec, FrontendSpec, PluginWarning

pytestmark = pytest.mark.filterwarnings("error::kymatio.core.plugins.PluginWarning")

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = Path(__file__).resolve().parent / "plugins"
GROUP = "kymatio.plugins"


@pytest.fixture(autouse=True)
def plugin_path(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGINS))


def fake(plugin: str, name: str | None = None) -> EntryPoint:
    return EntryPoint(name=name or plugin, value=f"fake_kymatio_plugins:{plugin}", group=GROUP)


def example() -> EntryPoint:
    return EntryPoint(name="numpy_example", value="kymatio_example_backend", group=GROUP)


def installed() -> list[EntryPoint]:
    return list(importlib.metadata.entry_points(group=GROUP))


@pytest.fixture
def use_registry(monkeypatch):
    """Make the module-level API (and so every frontend) use a registry of the given plugins."""

    def use(*entry_points: EntryPoint) -> Registry:
        registry = Registry([*installed(), *entry_points])
        monkeypatch.setattr(_registry, "default_registry", registry)
        return registry

    return use


def numpy_transform(name: str):
    """``kymatio.numpy.<name>``, or a skip while that frontend is not written yet."""
    import kymatio.numpy

    try:
        return getattr(kymatio.numpy, name)
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("kymatio."):
            pytest.skip(f"kymatio.numpy.{name} does not exist yet ({error.name} is missing)")
        raise


def messages(record) -> str:
    return "\n".join(str(w.message) for w in record)


# -- scanning -------------------------------------------------------------------------------------
def test_scan_is_lazy_cached_and_refreshed():
    from fake_kymatio_plugins import HOOK_CALLS

    registry = Registry([fake("good")])
    calls = len(HOOK_CALLS)
    assert not registry.scanned and len(HOOK_CALLS) == calls
    assert registry.list_backends() == ["fakefw", "fakefw_missing", "fakefw_noattr"]
    assert registry.scanned and len(HOOK_CALLS) == calls + 1
    registry.list_frontends()
    registry.resolve_backend("fakefw", "fakefw")
    assert len(HOOK_CALLS) == calls + 1
    registry.refresh()
    assert not registry.scanned and len(HOOK_CALLS) == calls + 1
    registry.list_backends()
    assert len(HOOK_CALLS) == calls + 2


def test_importing_kymatio_core_scans_nothing():
    script = """
        import sys
        import kymatio.core
        from kymatio.core import _registry
        assert not _registry.default_registry.scanned
        assert "kymatio.numpy._plugin" not in sys.modules
        assert "pluggy" not in sys.modules
        print("ok")
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_broken_plugins_warn_and_the_others_load():
    broken = [
        EntryPoint(name="unimportable", value="kymatio_no_such_plugin_module", group=GROUP),
        fake("raising"),
        fake("wrong_argument"),
        fake("wrong_spec"),
        fake("misspelled"),
        fake("no_hooks"),
    ]
    registry = Registry([broken[0], fake("good"), *broken[1:]])
    with pytest.warns(PluginWarning) as record:
        names = registry.list_backends()
    # Whatever a plugin registered before failing is dropped with it.
    assert names == ["fakefw", "fakefw_missing", "fakefw_noattr"]
    assert registry.list_frontends()[0] == "fakefw"
    text = messages(record)
    for entry_point in broken:
        assert f"'{entry_point.name}'" in text
    assert "kymatio_no_such_plugin_module" in text
    assert "boom in the raising plugin" in text
    assert "register() takes a BackendSpec" in text
    assert "kymatio_register_backend" in text and "no kymatio hook" in text
    assert len(record) == len(broken)


def test_duplicate_names_warn_and_keep_the_first():
    registry = Registry([fake("good"), fake("duplicate")])
    with pytest.warns(PluginWarning, match="keeping the first") as record:
        backends = {info.name: info for info in registry.list_backends(detail=True)}
    assert len(record) == 2  # the backend "fakefw" and the frontend "fakefw"
    assert backends["fakefw"].plugin == "good"
    assert backends["fakefw"].module == "fake_kymatio_plugins"
    assert "fakefw_other" in backends  # the plugin's other names still count
    assert registry.list_frontends(detail=True)[0].module == "fake_kymatio_plugins"

    reverse = Registry([fake("duplicate"), fake("good")])
    with pytest.warns(PluginWarning):
        assert reverse.list_backends(detail=True)[0].module == "elsewhere"


def test_entry_points_with_one_name():
    # One distribution found twice on sys.path: the same entry point twice, silently one plugin.
    assert Registry([fake("good"), fake("good")]).list_backends()[0] == "fakefw"
    clash = Registry([fake("good"), fake("duplicate", name="good")])
    with pytest.warns(PluginWarning, match="Two kymatio plugins are named 'good'"):
        assert "fakefw_other" not in clash.list_backends()


# -- resolving backends -----------------------------------------------------------------------------
@pytest.fixture
def registry() -> Registry:
    return Registry([*installed(), fake("good")])


def test_registered_backend_class_is_instantiated_once(registry):
    from fake_kymatio_plugins import FakeBackend

    backend = registry.resolve_backend("fakefw", "fakefw")
    assert isinstance(backend, FakeBackend)
    assert registry.resolve_backend("fakefw", "fakefw") is backend
    registry.refresh()
    assert registry.resolve_backend("fakefw", "fakefw") is not backend


def test_unknown_name_lists_installed_backends_and_the_nearest(registry):
    with pytest.raises(BackendNotFoundError) as info:
        registry.resolve_backend("fakfw", "fakefw")
    message = str(info.value)
    assert isinstance(info.value, ImportError) and isinstance(info.value, ValueError)
    assert "'fakfw' not found" in message
    assert "Installed backends: " in message and "'numpy' (numpy frontend)" in message
    assert "Did you mean 'fakefw'?" in message


def without(name: str) -> list[EntryPoint]:
    """The installed plugins but the one named ``name``: as if its distribution were missing."""
    return [ep for ep in installed() if ep.name != name]


def test_unknown_wellknown_name_says_what_to_install():
    registry = Registry([*without("tensorflow"), fake("good")])
    with pytest.raises(BackendNotFoundError, match=r"pip install kymatio-tensorflow"):
        registry.resolve_backend("tensorflow", "tensorflow")


def test_missing_framework_names_the_pip_install(registry):
    with pytest.raises(BackendUnavailableError) as info:
        registry.resolve_backend("fakefw_missing", "fakefw")
    message = str(info.value)
    assert isinstance(info.value, ImportError)
    assert "kymatio_fake_framework_that_is_not_installed" in message
    assert "pip install kymatio-fakefw[missing]" in message
    # Checked with find_spec before importing: no ImportError of the backend module behind it.
    assert info.value.__cause__ is None


def test_registered_attribute_that_does_not_exist(registry):
    with pytest.raises(BackendError, match=r"fake_kymatio_plugins:Nope"):
        registry.resolve_backend("fakefw_noattr", "fakefw")


def test_name_from_the_wrong_frontend_says_which_serves_it(registry):
    with pytest.raises(BackendFrontendMismatchError) as info:
        registry.resolve_backend("fakefw", "numpy")
    message = str(info.value)
    assert isinstance(info.value, ImportError) and isinstance(info.value, ValueError)
    assert "can not be called from the frontend 'numpy'" in message
    assert "serves the 'fakefw' frontend" in message
    assert "frontend='fakefw'" in message
    assert "Backends of the 'numpy' frontend: 'numpy'" in message


class _Backend:
    def __init__(self, name, frontend=None):
        self.name = name
        if frontend is not None:
            self.frontend = frontend


def test_backend_objects(registry):
    ours = _Backend("mine", frontend="numpy")
    assert registry.resolve_backend(ours, "numpy") is ours
    with pytest.raises(BackendFrontendMismatchError) as info:
        registry.resolve_backend(_Backend("mine", frontend="torch"), "numpy")
    assert "is not supported by the frontend 'numpy'" in str(info.value)
    assert "serves the 'torch' frontend" in str(info.value)
    # Without a ``frontend`` attribute, the reference's rule: the name starts with the frontend's.
    legacy = _Backend("numpy_legacy")
    assert registry.resolve_backend(legacy, "numpy") is legacy
    with pytest.raises(BackendFrontendMismatchError, match="is not supported by the frontend"):
        registry.resolve_backend(_Backend("torch_legacy"), "numpy")


@pytest.mark.parametrize("bad", [3, None, ["numpy"], _Backend(name=7)])
def test_backend_of_a_bad_type(registry, bad):
    with pytest.raises(ScatteringTypeError) as info:
        registry.resolve_backend(bad, "numpy")
    assert isinstance(info.value, TypeError)
    assert repr(bad) in str(info.value)
    assert "backend name (str) or a backend object" in str(info.value)


def test_backend_class_instead_of_instance(registry):
    from kymatio.numpy._backend import NumpyBackend

    with pytest.raises(ScatteringTypeError, match=r"backend=NumpyBackend\(\)"):
        registry.resolve_backend(NumpyBackend, "numpy")


# -- listing ---------------------------------------------------------------------------------------
def test_list_backends_detail(registry):
    assert registry.list_backends("fakefw") == ["fakefw", "fakefw_missing", "fakefw_noattr"]
    assert registry.list_backends("FakeFW") == registry.list_backends("fakefw")
    assert "numpy" in registry.list_backends() and "numpy" not in registry.list_backends("fakefw")
    details = {info.name: info for info in registry.list_backends(detail=True)}
    assert all(isinstance(info, BackendInfo) for info in details.values())
    assert details["fakefw"].available and not details["fakefw_missing"].available
    assert details["fakefw_missing"].install_hint == "pip install kymatio-fakefw[missing]"
    assert details["fakefw"].plugin == "good" and details["fakefw"].distribution is None
    assert details["fakefw"].frontend == "fakefw"
    with pytest.raises(FrontendNotFoundError, match="is not valid"):
        registry.list_backends("fakfw")


def test_list_frontends_detail(registry):
    assert "fakefw" in registry.list_frontends() and "numpy" in registry.list_frontends()
    details = {info.name: info for info in registry.list_frontends(detail=True)}
    assert all(isinstance(info, FrontendInfo) for info in details.values())
    assert details["fakefw"].transforms == ("Scattering1D", "TimeFrequencyScattering")
    assert details["fakefw"].default_backend == "fakefw"
    assert not details["fakefw_absent"].available


def test_the_installed_numpy_plugin():
    registry = Registry()
    [numpy_info] = registry.list_backends("numpy", detail=True)
    assert numpy_info.available and numpy_info.distribution == "kymatio-numpy"
    assert numpy_info.plugin == "numpy" and numpy_info.requires == ("numpy", "scipy")
    assert numpy_info.install_hint == "pip install kymatio-numpy"
    [frontend] = [f for f in registry.list_frontends(detail=True) if f.name == "numpy"]
    assert frontend.default_backend == "numpy" and frontend.module == "kymatio.numpy"
    assert {"Scattering1D", "Scattering2D", "HarmonicScattering3D"} <= set(frontend.transforms)
    from kymatio.numpy._backend import backend

    assert registry.resolve_backend("numpy", "numpy") is backend
    assert "numpy" in kymatio.core.list_backends() and "numpy" in kymatio.core.list_frontends()


_NO_OTHER_FRAMEWORK = """
    import importlib.abc, importlib.util, sys

    BLOCKED = {"torch", "tensorflow", "jax", "jaxlib", "keras"}
    attempts = []

    class Refuse(importlib.abc.Loader):
        def create_module(self, spec):
            return None

        def exec_module(self, module):
            attempts.append(module.__name__)
            raise ImportError(f"this test forbids importing {module.__name__}")

    class Block(importlib.abc.MetaPathFinder):
        # Finding a blocked module succeeds (so find_spec checks see it installed); importing fails.
        def find_spec(self, fullname, path, target=None):
            if fullname.partition(".")[0] in BLOCKED:
                return importlib.util.spec_from_loader(fullname, Refuse())
            return None

    sys.meta_path.insert(0, Block())

    import kymatio.core
    import kymatio.numpy
    from kymatio.core import _registry

    heavy = ("numpy", "scipy", "scipy.fft")
    before = {m for m in heavy if m in sys.modules}
    details = kymatio.core.list_backends(detail=True)
    kymatio.core.list_frontends(detail=True)
    assert any(d.name == "numpy" and d.available for d in details), details
    after = {m for m in heavy if m in sys.modules}
    assert after == before, f"scanning the plugins imported {after - before}"
    backend = _registry.resolve_backend("numpy", "numpy")
    assert backend.name == "numpy" and backend.frontend == "numpy"
    assert not attempts, attempts
    print("ok")
"""


def test_numpy_plugin_imports_no_other_framework():
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_NO_OTHER_FRAMEWORK)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# -- specs -----------------------------------------------------------------------------------------
def test_specs_check_their_fields():
    assert BackendSpec(name="a", frontend="b", module="c", requires="torch").requires == ("torch",)
    with pytest.raises(TypeError, match="BackendSpec.name"):
        BackendSpec(name="", frontend="b", module="c")
    with pytest.raises(TypeError, match="BackendSpec.requires"):
        BackendSpec(name="a", frontend="b", module="c", requires=(1,))
    with pytest.raises(ValueError, match="Scattering4D"):
        FrontendSpec(name="a", module="b", default_backend="c", transforms=("Scattering4D",))


# -- dispatchers -----------------------------------------------------------------------------------
def test_dispatch_to_a_plugin_frontend(use_registry):
    import fake_kymatio_plugins as fake_frontend

    use_registry(fake("good"))
    S = kymatio.core.Scattering1D(2, (16,), frontend="FakeFW")
    assert type(S) is fake_frontend.Scattering1D
    assert (S.J, S.shape) == (2, (16,))
    assert isinstance(S.backend, fake_frontend.FakeBackend)
    jtfs = kymatio.core.TimeFrequencyScattering(J=3, shape=(32,), frontend="fakefw")
    assert isinstance(jtfs, fake_frontend.TimeFrequencyScattering)
    with pytest.raises(BackendFrontendMismatchError, match="can not be called from the frontend"):
        kymatio.core.Scattering1D(2, (16,), frontend="fakefw", backend="numpy")


def test_dispatch_to_an_unknown_frontend(monkeypatch):
    monkeypatch.setattr(_registry, "default_registry", Registry([*without("tensorflow"),
                                                                 fake("good")]))
    with pytest.raises(FrontendNotFoundError) as info:
        kymatio.core.Scattering1D(2, (16,), frontend="fakfw")
    message = str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)
    assert "The frontend 'fakfw' is not valid" in message
    assert "'fakefw'" in message and "'numpy'" in message and "Did you mean 'fakefw'?" in message
    with pytest.raises(FrontendNotFoundError, match="pip install kymatio-tensorflow"):
        kymatio.core.Scattering2D(2, (16, 16), frontend="tensorflow")
    with pytest.raises(ScatteringTypeError, match="frontend must be a frontend name"):
        kymatio.core.Scattering1D(2, (16,), frontend=None)


def test_dispatch_to_a_frontend_without_that_transform(use_registry):
    use_registry(fake("good"))
    with pytest.raises(FrontendNotFoundError) as info:
        kymatio.core.Scattering2D(2, (16, 16), frontend="fakefw")
    message = str(info.value)
    assert "The frontend 'fakefw' does not provide Scattering2D" in message
    assert "Frontends that provide Scattering2D: " in message and "'numpy'" in message
    jtfs = kymatio.core.TimeFrequencyScattering(2, 1, 8, (64,), frontend="numpy")
    assert type(jtfs).__module__ == "kymatio.numpy"


def test_dispatch_to_a_frontend_that_can_not_load(use_registry):
    use_registry(fake("good"))
    with pytest.raises(BackendUnavailableError, match=r"pip install kymatio-fakefw-absent"):
        kymatio.core.Scattering1D(2, (16,), frontend="fakefw_absent")
    with pytest.raises(BackendUnavailableError, match="could not import Scattering1D"):
        kymatio.core.Scattering1D(2, (16,), frontend="fakefw_broken_module")
    with pytest.raises(FrontendNotFoundError, match="has no attribute 'Scattering2D'"):
        kymatio.core.Scattering2D(2, (16, 16), frontend="fakefw_noattr")


def test_dispatch_to_the_numpy_frontend():
    Scattering1D = numpy_transform("Scattering1D")
    S = kymatio.core.Scattering1D(2, shape=(64,))
    assert isinstance(S, Scattering1D)
    assert isinstance(kymatio.core.Scattering1D(2, shape=(64,), frontend="NumPy"), Scattering1D)
    assert S.backend.name == "numpy"


# -- the example plugin of docs/writing-a-backend.md --------------------------------------------------
FIXTURE = PLUGINS / "kymatio_example_backend.py"
DOC = ROOT / "docs" / "writing-a-backend.md"


def test_the_documented_example_is_the_fixture():
    # The page includes the fixture's source when the site is built (no copy to drift).
    text = DOC.read_text()
    match = re.search(r"```\{literalinclude\} (\S+)\n", text)
    assert match is not None, f"{DOC} does not literalinclude the example plugin"
    assert (DOC.parent / match.group(1)).resolve() == FIXTURE.resolve()
    assert "def kymatio_register_backends" not in text, f"{DOC} holds a copy of the fixture"


_EXAMPLE_CASES = {
    "Scattering1D": (dict(J=3, shape=(256,)), (2, 256)),
    "Scattering2D": (dict(J=2, shape=(16, 16), L=4), (2, 16, 16)),
}


@pytest.mark.parametrize("transform", sorted(_EXAMPLE_CASES))
def test_example_backend_by_name_and_as_object(use_registry, transform):
    cls = numpy_transform(transform)
    use_registry(example())
    kwargs, input_shape = _EXAMPLE_CASES[transform]
    x = np.random.default_rng(0).standard_normal(input_shape)
    expected = cls(**kwargs)(x)

    by_name = cls(**kwargs, backend="numpy_example")
    assert by_name.backend.name == "numpy_example"
    assert "numpy_example" in kymatio.core.list_backends("numpy")
    calls = by_name.backend.fft_calls
    np.testing.assert_allclose(by_name(x), expected, rtol=1e-12, atol=1e-12)
    assert by_name.backend.fft_calls > calls

    from kymatio_example_backend import CountingBackend

    as_object = cls(**kwargs, backend=CountingBackend())
    np.testing.assert_allclose(as_object(x), expected, rtol=1e-12, atol=1e-12)
    assert as_object.backend.fft_calls > 0
    with pytest.raises(BackendFrontendMismatchError, match="can not be called from the frontend"):
        use_registry(example(), fake("good")).resolve_backend("numpy_example", "fakefw")
