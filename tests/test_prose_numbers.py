"""Figures a page quotes from its own outputs come from those outputs (myst-nb ``glue``).

The fact-check of issue 17 found prose that disagreed with the executed output beside it
("separates all three" next to 98.5 %, "most activations tie" next to five of nine behind,
"between 1e-11 and 1e-8" next to 2.1e-8, ...). Each such sentence now inserts its figures with
``{glue:text}`` / ``{glue:md}``. These tests fail when

* a page refers to a glue key that none of its code cells glues (the build would show an
  empty value or fail), or
* one of those sentences goes back to a hard-coded figure or to the claim the outputs
  contradicted, or stops using the glued figure.

They read the notebooks' sources only, so they run in a second; the values themselves are
computed when the book is built, and the cells that compute them assert the claims the prose
makes in words (for example, that no first-layer unit killed on purpose came back).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
GLUE_REFERENCE = re.compile(r"\{glue(?::(?:text|md|any|figure|math))?\}`([^`]+?)(?::[^`:]*)?`")


def _notebook(page: str) -> nbformat.NotebookNode:
    return nbformat.read(SOLUTIONS / f"{page}.ipynb", as_version=4)


def _prose(page: str) -> str:
    return "\n".join(c.source for c in _notebook(page).cells if c.cell_type == "markdown")


def _glued_keys(page: str) -> list[re.Pattern]:
    """A pattern per glue(...) call in the page's code: f-string keys match any value in their fields."""
    patterns = []
    for cell in _notebook(page).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "glue" and node.args:
                key = node.args[0]
                if isinstance(key, ast.Constant):
                    patterns.append(re.compile(re.escape(key.value)))
                elif isinstance(key, ast.JoinedStr):
                    parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in key.values]
                    patterns.append(re.compile("".join(parts)))
    return patterns


def _pages_using_glue() -> list[str]:
    return sorted(p.stem for p in SOLUTIONS.glob("*.ipynb") if GLUE_REFERENCE.search(_prose(p.stem)))


@pytest.mark.parametrize("page", _pages_using_glue())
def test_every_glued_figure_in_the_prose_is_glued_by_the_page(page):
    defined = _glued_keys(page)
    missing = [key for key in GLUE_REFERENCE.findall(_prose(page))
               if not any(pattern.fullmatch(key) for pattern in defined)]
    assert not missing, f"{page}: the prose uses glue keys no code cell glues: {missing}"


CROSS_PAGE_REFERENCE = re.compile(r"\{glue(?::text)?\}`([^`]*::[^`]*)`")


def _cross_page_references() -> list[tuple[str, str]]:
    return [(page.name, text) for page in sorted(SOLUTIONS.glob("*.md"))
            for text in CROSS_PAGE_REFERENCE.findall(page.read_text())]


@pytest.mark.parametrize("page, text", _cross_page_references())
def test_figure_pasted_from_another_page_is_glued_there(page, text):
    # myst-nb splits the format off at the last colon first, so "doc::key" needs ":fmt" too.
    key_and_doc, _, fmt = text.rpartition(":")
    assert "::" in key_and_doc and fmt, f"{page}: {text!r} needs a format spec, e.g. {text}:s or {text}:.2f"
    doc, key = key_and_doc.split("::", 1)
    assert (SOLUTIONS / doc).is_file(), f"{page}: {doc} does not exist"
    assert any(pattern.fullmatch(key) for pattern in _glued_keys(Path(doc).stem)), (
        f"{page}: {doc} glues no {key!r}")


# (page, glue keys the sentence must use, phrases that must not come back), one per finding
FINDINGS = {
    "moons accuracy is 98.5 %, not 'separated'": (
        "why_nonlinearity", ["accuracy two moons, one hidden layer, tanh"], [r"separates all three"]),
    "how many activations tie, from the run": (
        "lab_shootout", ["digits tied", "moons tied", "moons behind"], [r"Most activations tie"]),
    "time per epoch spread, from the run": (
        "lab_shootout", ["digits time spread", "digits fastest ms", "digits slowest ms"],
        [r"differences of a few\s+percent", r"Lab 3 measures elementwise speed"]),
    "gradient-check errors after the fixes": (
        "backprop_lab", ["fixed others min", "fixed others max", "fixed W2"],
        [r"between \$10\^\{-11\}\$ and \$10\^\{-8\}\$"]),
    "how the errors change with h": (
        "backprop_lab", ["h shrink min", "h shrink max"], [r"tenfold increase", r"divides every error"]),
    "entries of dL/dz2 that differ": ("backprop_lab", ["z2 entries differ", "z2 negative"], [r"\b604 of 604\b"]),
    "loss figures of bugs 7 and 8": (
        "backprop_lab", ["first loss", "loss of predicting 0", "loss after 300 steps at lr 0.01"],
        [r"first loss is about 78", r"to 0\.79 after"]),
    "Leaky ReLU's exact He factor": ("backprop_lab", [], [r"2 to four decimal places"]),
    "dead units can revive below the first layer": (
        "lab_depth", ["revival_l2_dead", "revival_l2_alive", "revival_killed_alive"],
        [r"no later update can revive", r"lost for good"]),
    "where GELU, SiLU and Mish decrease": (
        "atlas", ["minimum gelu", "minimum silu", "minimum mish"], [r"its derivative is negative there"]),
}


@pytest.mark.parametrize("finding", FINDINGS)
def test_sentence_of_a_finding_uses_its_glued_figures(finding):
    page, keys, forbidden = FINDINGS[finding]
    prose = _prose(page)
    used = set(GLUE_REFERENCE.findall(prose))
    assert set(keys) <= used, f"{page}: {finding}: no longer glues {sorted(set(keys) - used)}"
    for phrase in forbidden:
        assert not re.search(phrase, prose), f"{page}: {finding}: the contradicted text is back: {phrase!r}"


# Claims the fact-check showed false, wherever they might recur in the lessons and the errata.
FALSE_CLAIMS = {
    r"dead for good": "a dead unit below the first layer can revive (lab_depth measures it)",
    r"ReLU (?:never|does not) saturate(?! for positive)": "ReLU's negative side is hard saturation",
    r"does not saturate at all": "ReLU's negative side is hard saturation",
    r"\(Hint: two\.\)": "two ReLU units cannot draw the quadrant-XOR boundary",
    r"must be\s+updated": "Keras 3 still accepts alpha= with a deprecation warning",
    r"compute\s+every gate with": "LSTM's cell gate and GRU's new gate use tanh",
    r"see the later chapters": "link the chapter that exists",
}


def _lesson_texts() -> dict[str, str]:
    texts = {p.stem: _prose(p.stem) for p in SOLUTIONS.glob("*.ipynb")}
    texts.update({p.name: p.read_text() for p in SOLUTIONS.glob("*.md")})
    return texts


@pytest.mark.parametrize("claim", FALSE_CLAIMS)
def test_a_claim_found_false_does_not_recur(claim):
    offenders = [name for name, text in _lesson_texts().items() if re.search(claim, text)]
    assert not offenders, f"{FALSE_CLAIMS[claim]}; found {claim!r} in {offenders}"
