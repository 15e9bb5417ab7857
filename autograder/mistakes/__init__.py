"""Catalogues of known mistakes: small wrong implementations whose outputs are fingerprints.

Each chapter has a module here (named after the chapter) with a ``MISTAKES`` list. When the
grader's reference outputs are regenerated, every mistake is run through its exercise's
checks and its outputs are stored beside the expected ones. A student whose failing checks
all print what a catalogued mistake prints is told which mistake that is, and why it is one.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Mistake:
    """A wrong answer that students (or the source articles) really write."""

    exercise: str
    name: str
    hint: str
    implementation: Callable


def catalogue(chapter: str) -> list[Mistake]:
    """The chapter's catalogued mistakes (an empty list for a chapter without one)."""
    try:
        module = importlib.import_module(f"{__name__}.{chapter}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{chapter}":
            raise
        return []
    return list(module.MISTAKES)


def hints(chapter: str) -> dict[str, str]:
    return {mistake.name: mistake.hint for mistake in catalogue(chapter)}
