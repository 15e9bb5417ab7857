"""Notebooks are committed clean, and build output is never committed.

Checked: every notebook under solutions/ and chapters/ that git tracks or would track (not
ignored), or, outside a git checkout, every notebook found there. Notebooks under autograder/
are exempt: they store the grader's reference outputs on purpose.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("solutions", "chapters")


def _git(*args: str) -> subprocess.CompletedProcess | None:
    """Run git in the repository, or return None when git or the repository is missing."""
    if shutil.which("git") is None:
        return None
    proc = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True)
    return proc if proc.returncode == 0 else None


def _in_git_checkout() -> bool:
    inside = _git("rev-parse", "--is-inside-work-tree")
    return inside is not None and inside.stdout.strip() == "true"


def notebooks() -> list[str]:
    """Notebook paths relative to the repository root, sorted."""
    if _in_git_checkout():
        # --cached: tracked; --others --exclude-standard: new but not ignored, so that the
        # check also covers a repository with no commits yet and notebooks about to be added.
        listed = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *NOTEBOOK_DIRS)
        paths = [p for p in listed.stdout.split("\0") if p.endswith(".ipynb")]
    else:
        paths = [p.relative_to(REPO_ROOT).as_posix()
                 for d in NOTEBOOK_DIRS for p in (REPO_ROOT / d).rglob("*.ipynb")
                 if ".ipynb_checkpoints" not in p.parts]
    return sorted(p for p in paths if (REPO_ROOT / p).is_file())


def _read(path: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO_ROOT / path, as_version=nbformat.NO_CONVERT)


def _code_cells(nb: nbformat.NotebookNode):
    return [(i, cell) for i, cell in enumerate(nb.cells) if cell.get("cell_type") == "code"]


@pytest.mark.parametrize("path", notebooks())
def test_notebook_is_valid_nbformat_v4(path):
    nb = _read(path)
    assert nb.get("nbformat") == 4, f"{path} is nbformat {nb.get('nbformat')}, not 4"
    nbformat.validate(nb)  # raises ValidationError with the offending field


@pytest.mark.parametrize("path", notebooks())
def test_code_cells_have_no_outputs(path):
    dirty = [i for i, cell in _code_cells(_read(path)) if cell.get("outputs")]
    assert not dirty, (f"{path}: code cells {dirty} (0-based) have outputs; clear them before "
                       "committing (Jupyter: Edit > Clear Outputs of All Cells)")


@pytest.mark.parametrize("path", notebooks())
def test_code_cells_have_no_execution_count(path):
    dirty = [i for i, cell in _code_cells(_read(path)) if cell.get("execution_count") is not None]
    assert not dirty, f"{path}: code cells {dirty} (0-based) have an execution_count; clear outputs"


def test_no_file_under_build_is_tracked_by_git():
    if not _in_git_checkout():
        pytest.skip("not a git checkout")
    tracked = _git("ls-files", "--cached", "-z", "--", "_build").stdout.split("\0")
    tracked = [p for p in tracked if p]
    assert not tracked, "build output is tracked by git (git rm -r --cached _build):\n" + "\n".join(tracked[:20])


def test_build_directory_is_ignored_by_git():
    if not _in_git_checkout():
        pytest.skip("not a git checkout")
    assert _git("check-ignore", "-q", "--no-index", "_build/html/index.html") is not None, (
        "_build/ is not in .gitignore, so build output could be committed by accident"
    )
