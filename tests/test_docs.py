"""The examples of the documentation pages run, and print what the pages say they print.

Every ``pycon`` block of ``docs/**/*.md`` (an interactive session: ``>>>`` prompts and their
output) is a doctest; the blocks of one page run in order, in one namespace. A page whose blocks
import a framework that is not installed is skipped unless ``KYMATIO_TEST_BACKENDS`` requests it
(``conftest.need_module``; CI requests every framework, so there a missing one fails). Keras picks
its backend when it is first imported, so the Keras page runs in a process of its own.

The docstring examples are collected by pytest itself (``--doctest-modules``, ``pytest.ini``) and
the gallery runs in the documentation build (``make docs``).
"""
from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
_SKIPPED_DIRS = {"_build", "auto_examples", "api"}
_BLOCK = re.compile(r"^(?P<indent>[ \t]*)```pycon[ \t]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
_IMPORT = re.compile(r"^>>> (?:import|from) ([A-Za-z_][\w.]*)", re.M)
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _pages() -> list[Path]:
    pages = []
    for path in sorted(DOCS.rglob("*.md")):
        if _SKIPPED_DIRS.intersection(path.relative_to(DOCS).parts):
            continue
        if "```pycon" in path.read_text():
            pages.append(path)
    return pages


def blocks_of(path: Path) -> list[tuple[str, int]]:
    """The page's ``pycon`` blocks, dedented, each with the line of its first prompt."""
    text = path.read_text()
    blocks = [(textwrap.dedent(b.group("body")), text.count("\n", 0, b.start()) + 1)
              for b in _BLOCK.finditer(text)]
    assert blocks, f"{path} has no pycon block"
    return blocks


def run_session(path: Path) -> tuple[int, int, str]:
    """Run the page's blocks in order, in one namespace; return (failed, attempted, report)."""
    name = str(path.relative_to(ROOT))
    globs: dict = {"__name__": "__docs__"}
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    failed = attempted = 0
    for source, line in blocks_of(path):
        test = doctest.DocTestParser().get_doctest(source, globs, name, name, line)
        result = runner.run(test, out=report.append, clear_globs=False)
        globs = test.globs   # a DocTest copies its globals: carry them to the next block
        failed, attempted = failed + result.failed, attempted + result.attempted
    return failed, attempted, "".join(report)


PAGES = _pages()


def test_the_pages_have_examples():
    names = {p.relative_to(DOCS).as_posix() for p in PAGES}
    for framework in ("numpy", "torch", "tensorflow", "keras", "jax", "sklearn", "dask"):
        assert f"getting-started/{framework}.md" in names


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples(path, required_module):
    source = "\n".join(block for block, _ in blocks_of(path))
    imported = sorted(set(_IMPORT.findall(source)))
    # Required where KYMATIO_TEST_BACKENDS lists the framework (CI lists all), skipped elsewhere.
    for module in imported:
        required_module(module)
    modules = {m.split(".")[0] for m in imported}
    if "keras" in modules:
        # A fresh process: keras reads KERAS_BACKEND once, at its first import.
        env = dict(os.environ, KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "tensorflow"))
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from test_docs import run_session; "
                "from pathlib import Path; failed, attempted, report = run_session(Path(sys.argv[2])); "
                "print(report); print('attempted', attempted); sys.exit(1 if failed or not attempted else 0)")
        done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(path)],
                              capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr[-3000:]
        return
    failed, attempted, report = run_session(path)
    assert attempted > 0
    assert failed == 0, report


def test_gallery_examples_are_sphinx_gallery_scripts():
    gallery = ROOT / "examples" / "gallery"
    scripts = sorted(gallery.glob("plot_*.py"))
    assert len(scripts) >= 5
    assert (gallery / "GALLERY_HEADER.rst").is_file()
    for script in scripts:
        text = script.read_text()
        # A module docstring whose first line is the title, underlined with '='.
        match = re.match(r'"""\n(.+)\n(=+)\n', text)
        assert match and len(match.group(2)) >= len(match.group(1)), script.name
        assert "urlopen" not in text and "fetch_" not in text, f"{script.name} downloads data"
