"""The monorepo's distributions: PEP 420 namespace, meta-distribution, version."""
from __future__ import annotations

import importlib.metadata
from pathlib import Path

import kymatio
import kymatio.core

ROOT = Path(__file__).resolve().parents[1]


def test_no_member_ships_kymatio_init():
    assert getattr(kymatio, "__file__", None) is None  # a namespace package
    assert not list(ROOT.glob("kymatio-*/src/kymatio/__init__.py"))
    assert {Path(p).parts[-3] for p in kymatio.__path__} >= {"kymatio-core", "kymatio-numpy"}


def test_meta_distribution_requires_core_and_numpy():
    requires = importlib.metadata.requires("kymatio")
    names = {r.split("=")[0].split(">")[0].strip() for r in requires if "extra" not in r}
    assert names == {"kymatio-core", "kymatio-numpy"}
    assert importlib.metadata.version("kymatio-core") == kymatio.core.__version__


def test_every_member_is_typed():
    members = sorted(p for p in ROOT.glob("kymatio-*") if p.name != "kymatio-meta")
    assert len(members) >= 4
    for member in members:
        package = ROOT / member / "src" / "kymatio" / member.name.removeprefix("kymatio-")
        assert (package / "py.typed").exists(), member.name
        assert not (ROOT / member / "src" / "kymatio" / "__init__.py").exists(), member.name
