"""Which submissions have answers so alike that a person should look at them side by side.

Only the answers are compared: each exercise cell, with the starter code (signature, docstring,
comments) removed and the rest normalised through its syntax tree, so that renamed variables,
other whitespace and reworded comments do not hide a copy. Answers that many students share
(the textbook one-liner ``np.where(x > 0, x, alpha * x)``) are no evidence of anything and are
left out; so are answers still unimplemented. Two submissions' similarity is the mean over the
exercises both answered of the similarity of their normalised token streams (1.0: identical
after normalisation).

This finds resemblance, not misconduct: two students may write the same code independently,
work together as allowed, or start from the same hint. The report says so and names pairs for a
person to review, ordered by similarity; it draws no conclusion.
"""
from __future__ import annotations

import ast
import builtins
import difflib
import io
import itertools
import keyword
import tokenize
from collections import Counter
from dataclasses import dataclass

THRESHOLD = 0.85          # pairs at least this similar are listed
COMMON_SHARE = 0.2        # an answer shared (after normalisation) by more than this share of the class...
COMMON_MINIMUM = 3        # ... and by at least this many students is common, not evidence
MIN_TOKENS = 12           # shorter answers carry too little to compare


class _Canonical(ast.NodeTransformer):
    """Rename the function's parameters and local names to v0, v1, ... in order of appearance;
    drop docstrings. Module, builtin and attribute names (np.where, alpha's role) are kept."""

    def __init__(self, keep: set[str]):
        self.keep = keep
        self.names: dict[str, str] = {}

    def _rename(self, name: str) -> str:
        if name in self.keep:
            return name
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_FunctionDef(self, node: ast.FunctionDef):
        node.name = "f"
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        node.decorator_list = []
        return self.generic_visit(node)

    def visit_arg(self, node: ast.arg):
        node.arg = self._rename(node.arg)
        node.annotation = None
        return node

    def visit_Name(self, node: ast.Name):
        node.id = self._rename(node.id)
        return node


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
    return names


def normalise(source: str) -> list[str] | None:
    """The answer's token stream after normalisation, or None if it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    keep = _imported(tree) | set(dir(builtins)) | {"np", "numpy", "math", "torch", "F", "scipy"}
    tree = _Canonical(keep).visit(tree)
    text = ast.unparse(ast.fix_missing_locations(tree))
    tokens = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER):
            continue
        tokens.append(token.string if token.type != tokenize.INDENT else "<indent>")
    return tokens


def is_unanswered(tokens: list[str]) -> bool:
    return "NotImplementedError" in tokens or len([t for t in tokens if not keyword.iskeyword(t)]) < MIN_TOKENS


def token_similarity(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True)
class Pair:
    """Two submissions, how alike their answers are, and on which exercises."""

    first: str
    second: str
    similarity: float
    exercises: tuple[str, ...]


def similar_pairs(answers: dict[str, dict[str, str]], threshold: float = THRESHOLD) -> list[Pair]:
    """``answers[submission][exercise]`` is the answer cell's source; the pairs at or above
    ``threshold``, most similar first."""
    normalised = {who: {ex: normalise(src) for ex, src in cells.items() if src} for who, cells in answers.items()}
    normalised = {who: {ex: t for ex, t in cells.items() if t is not None and not is_unanswered(t)}
                  for who, cells in normalised.items()}
    shared = Counter((ex, tuple(t)) for cells in normalised.values() for ex, t in cells.items())
    common_at = max(COMMON_MINIMUM, COMMON_SHARE * len(answers))
    evidence = {who: {ex: t for ex, t in cells.items() if shared[(ex, tuple(t))] < common_at}
                for who, cells in normalised.items()}
    pairs = []
    for first, second in itertools.combinations(sorted(evidence), 2):
        both = sorted(set(evidence[first]) & set(evidence[second]))
        if not both:
            continue
        score = sum(token_similarity(evidence[first][ex], evidence[second][ex]) for ex in both) / len(both)
        if score >= threshold:
            pairs.append(Pair(first, second, round(score, 3), tuple(both)))
    return sorted(pairs, key=lambda p: (-p.similarity, p.first, p.second))


DISCLAIMER = (
    "These pairs of submissions have answers that are alike after renaming variables and removing "
    "comments, docstrings and the starter code; answers that many students share are ignored. "
    "Similar code is not evidence of copying: students may reach the same code independently, work "
    "together where that is allowed, or follow the same hint. This list accuses no one; it only "
    "shows a person where to look, side by side, before drawing any conclusion."
)
