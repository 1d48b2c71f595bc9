"""A sphinx-gallery image scraper for the figures of :mod:`kymatio.core.plot`.

Those functions build ``matplotlib.figure.Figure`` objects without pyplot (no global state, no
window), so sphinx-gallery's matplotlib scraper, which walks pyplot's figures, does not see them.
This scraper saves every such figure that a code block left in the example's namespace, once.
"""
from __future__ import annotations

from pathlib import PurePosixPath

_SEEN = "kymatio_scraped_figures"


def kymatio_figures(block, block_vars, gallery_conf, **kwargs):
    """Save the pyplot-free figures that are new in the example's globals; return their reST."""
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    seen = block_vars.setdefault(_SEEN, set())
    figures = []
    for value in block_vars["example_globals"].values():
        if not isinstance(value, Figure) or id(value) in seen:
            continue
        seen.add(id(value))
        # A pyplot figure (it has a manager until pyplot closes it) is the matplotlib scraper's,
        # which runs after this one: mark it seen so that it is not taken again once closed.
        if value.canvas.manager is None:
            figures.append(value)
    paths = []
    for figure, image_path in zip(figures, block_vars["image_path_iterator"]):
        image_path = PurePosixPath(image_path)
        figure.savefig(image_path, **kwargs)
        paths.append(image_path)
    return figure_rst(paths, gallery_conf["src_dir"]) if paths else ""
