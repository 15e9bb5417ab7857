"""Shared fixtures. The book: ``book_build`` (runs `make book` once per session),
``built_book`` (the HTML directory of a successful build), ``book_pages`` (the docnames in
_toc.yml, root first) and ``toc_page`` (each of them in turn, as a test parameter).

Set BOOK_HTML=/path/to/_build/html to test an existing build of this checkout instead of
running `make book`.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = (".md", ".ipynb", ".rst")


# --- the book's pages ------------------------------------------------------------------

def toc_pages(toc_file: Path = REPO_ROOT / "_toc.yml") -> list[str]:
    """Every page in the table of contents, as a docname ("solutions/intro"), in toc order."""
    toc = yaml.safe_load(toc_file.read_text())
    pages: list[str] = []

    def strip_suffix(name: str) -> str:
        return next((name[: -len(s)] for s in SOURCE_SUFFIXES if name.endswith(s)), name)

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "file" in node:
                pages.append(strip_suffix(str(node["file"])))
            if "glob" in node:
                matches = sorted(p for p in REPO_ROOT.glob(str(node["glob"])) if p.suffix in SOURCE_SUFFIXES)
                pages.extend(strip_suffix(p.relative_to(REPO_ROOT).as_posix()) for p in matches)
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key))

    pages.append(strip_suffix(str(toc["root"])))
    walk(toc)
    return list(dict.fromkeys(pages))  # drop duplicates, keep order


@pytest.fixture(scope="session")
def book_pages() -> list[str]:
    """All pages in _toc.yml, the root (landing page) first."""
    return toc_pages()


def pytest_generate_tests(metafunc):
    if "toc_page" in metafunc.fixturenames:
        metafunc.parametrize("toc_page", toc_pages())


# --- the build -------------------------------------------------------------------------

@dataclass
class BookBuild:
    html: Path             # the HTML output directory
    returncode: int | None  # None when BOOK_HTML was given and nothing was built
    output: str            # stdout and stderr of `make book`, interleaved

    def tail(self, n_chars: int = 6000) -> str:
        """The end of the output, without terminal colour codes."""
        return re.sub(r"\x1b\[[0-9;]*m", "", self.output)[-n_chars:]


@pytest.fixture(scope="session")
def book_build() -> BookBuild:
    """Run the README's build command, `make book`, once per session (cached executions
    make repeat runs fast). With BOOK_HTML set, build nothing and use that directory."""
    prebuilt = os.environ.get("BOOK_HTML")
    if prebuilt:
        return BookBuild(Path(prebuilt).resolve(), None, f"BOOK_HTML={prebuilt}: build skipped")
    proc = subprocess.run(["make", "book"], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")
    return BookBuild(REPO_ROOT / "_build" / "html", proc.returncode, proc.stdout)


@pytest.fixture(scope="session")
def built_book(book_build: BookBuild) -> Path:
    """The HTML directory of a book that built without errors."""
    if book_build.returncode not in (None, 0):
        pytest.fail(f"`make book` failed with exit code {book_build.returncode} (more output in "
                    f"tests/test_book.py::test_make_book_exits_zero); last output:\n"
                    f"{book_build.tail(1500)}", pytrace=False)
    if not book_build.html.is_dir():
        pytest.fail(f"no HTML output at {book_build.html}", pytrace=False)
    return book_build.html
