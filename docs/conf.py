"""Sphinx configuration of the kymatio documentation site.

Build it with ``make docs`` (warnings are errors, nitpicky cross-references): the Markdown pages
of ``docs/`` (MyST), the API reference from the numpydoc docstrings of every member, and the
gallery of ``examples/gallery``, whose examples sphinx-gallery runs during the build.
"""
from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

# Keras computes on TensorFlow in the API pages (its backend is read when keras is first imported).
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

import kymatio.core  # noqa: E402

# -- project ---------------------------------------------------------------------------------------
project = "kymatio"
author = "the kymatio developers"
copyright = "the kymatio developers"
release = kymatio.core.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "_ext", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.json"]
nitpicky = True

# Targets outside this site: no intersphinx (the build runs offline), so these references to other
# projects' objects, from the docstrings, stay plain text instead of failing the nitpicky build.
nitpick_ignore = [
    ("py:class", "matplotlib.figure.Figure"),   # kymatio.core.plot
    ("py:func", "joblib.parallel_config"),      # kymatio.sklearn, n_jobs
]

# -- MyST (the Markdown pages) ---------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

# -- autodoc, autosummary, numpydoc ----------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"          # the numpydoc sections carry the types
autodoc_member_order = "groupwise"
autodoc_class_signature = "mixed"
autodoc_inherit_docstrings = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# Every public docstring must be valid numpydoc: all checks but the stylistic ones below.
numpydoc_validation_checks = {
    "all",
    "ES01",   # extended summary: not every function needs one
    "SA01",   # See Also section
    "EX01",   # Examples section: the classes and main functions have them
    "SS05",   # summary starting with an infinitive ("Returns" instead of "Return")
    "GL01", "GL02",   # where the docstring text starts and ends
    "RT02",   # named return values
    "SS03", "PR09", "RT05",   # final full stops
    "SS06",   # one-line summaries
    "PR08", "RT04", "GL03",   # capitalisation, blank lines
    "PR06",   # "string" instead of "str"
}
# These classes take ``*args, **kwargs`` (torch: forwarded to the core base class after
# ``nn.Module.__init__``; dask: the computing frontend's parameters) and document the parameters
# they forward, which the checks of the signature (PR01, PR02) cannot see. Their members and the
# other classes are validated.
numpydoc_validation_exclude = {
    r"^kymatio\.(torch|dask)\.(Scattering1D|Scattering2D|HarmonicScattering3D|TimeFrequencyScattering)$",
}

# The frontends' members that come from their framework's base class (``torch.nn.Module``,
# ``tf.Module``, a Keras ``Layer``, scikit-learn's mixins) are documented by that framework, not here.
def _defining_module(member) -> str:
    target = member.fget if isinstance(member, property) else member
    target = getattr(target, "__func__", target)
    return getattr(target, "__module__", None) or ""


# Methods that users do not call: the construction steps that every constructor runs (``build``,
# ``create_filters``; for a Keras layer, Keras calls ``build``) and ``nn.Module.extra_repr``
# (part of ``repr(S)``).
_NOT_DOCUMENTED = {"build", "create_filters", "extra_repr"}


def skip_framework_members(app, what, name, obj, skip, options):
    """Document a class's own and kymatio-inherited members, not its framework's."""
    if what == "class" and (name in _NOT_DOCUMENTED
                            or not _defining_module(obj).startswith("kymatio")):
        return True
    return None


def concrete_signature(app, what, name, obj, options, signature, return_annotation):
    """Show the parameters a class takes where its ``__init__`` forwards ``*args, **kwargs``.

    The torch frontends' ``__init__`` forwards to the core base class (after
    ``torch.nn.Module.__init__``), and the dask transforms take the parameters of the frontend
    that computes them, plus ``frontend`` and ``backend``.
    """
    if what != "class" or not inspect.isclass(obj) or signature is None:
        return None
    if "*args" not in signature:
        return None
    if obj.__module__ == "kymatio.dask" and getattr(obj, "_transform_name", ""):
        import kymatio.numpy

        reference = inspect.signature(getattr(kymatio.numpy, obj._transform_name))
        params = [p for n, p in reference.parameters.items() if n not in ("out_type", "backend")]
        params += [inspect.Parameter("frontend", inspect.Parameter.KEYWORD_ONLY, default=None),
                   inspect.Parameter("backend", inspect.Parameter.KEYWORD_ONLY, default=None)]
        return str(inspect.Signature(params)), None
    for klass in obj.__mro__[1:]:
        init = vars(klass).get("__init__")
        if init is None or not klass.__module__.startswith("kymatio"):
            continue
        sig = inspect.signature(init)
        if any(p.kind is p.VAR_POSITIONAL for p in sig.parameters.values()):
            continue
        params = list(sig.parameters.values())[1:]
        return str(inspect.Signature([p.replace(annotation=p.empty) for p in params])), None
    return None


# -- the gallery -----------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples" / "gallery"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("gallery_scraper.kymatio_figures", "matplotlib"),   # kymatio's first: see there
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 0,
    "write_computation_times": True,
    "reset_modules_order": "both",
}

# -- HTML ------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"kymatio {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False


def setup(app):
    app.connect("autodoc-skip-member", skip_framework_members)
    app.connect("autodoc-process-signature", concrete_signature)
