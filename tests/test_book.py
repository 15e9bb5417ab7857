"""The book builds with the README's command, and every page in _toc.yml becomes HTML."""
from __future__ import annotations

import pytest

# A cold build executes every notebook; allow far more than the suite's default timeout.
pytestmark = [pytest.mark.book, pytest.mark.timeout(3600)]


def test_make_book_exits_zero(book_build):
    if book_build.returncode is None:
        pytest.skip(book_build.output)
    exit_code = book_build.returncode
    assert exit_code == 0, f"`make book` exited with {exit_code}; last output:\n{book_build.tail()}"


def test_every_toc_page_has_html(built_book, toc_page):
    html = built_book / f"{toc_page}.html"
    assert html.is_file(), f"_toc.yml lists {toc_page!r}, but the build produced no {html}"
