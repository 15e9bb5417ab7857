"""Serve MathJax 3 from the build itself, so the book makes no network request.

Sphinx loads MathJax from a CDN by default. This extension copies the ES5 bundle that the
``django-static-mathjax`` wheel ships (no Django needed; it is only a file carrier) into the
HTML output and points ``mathjax_path`` at it.
"""
from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

MATHJAX_ENTRY = "mathjax/tex-chtml.js"


def _bundle() -> Path:
    path = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    if not (path / "tex-chtml.js").is_file():
        raise RuntimeError(
            f"MathJax bundle not found at {path}; reinstall with `make book` "
            "(it installs django-static-mathjax from constraints.txt)."
        )
    return path


def _point_at_local_copy(app, config) -> None:
    config.mathjax_path = MATHJAX_ENTRY


def _copy_bundle(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        shutil.copytree(_bundle(), Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    _bundle()  # fail at start-up, not after a long build, when the bundle is missing
    app.connect("config-inited", _point_at_local_copy)
    app.connect("build-finished", _copy_bundle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
