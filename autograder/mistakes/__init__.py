"""Catalogues of known mistakes: small wrong implementations whose outputs are fingerprints.

Each chapter has a module here (named after the chapter) with a ``MISTAKES`` list. When the
grader's reference outputs are regenerated, every mistake is run through its exercise's
checks and its outputs are stored beside the expected ones. A student whose failing checks
all print what a catalogued mistake prints is told which mistake that is, and why it is one.
"""
from __future__ import annotations

import importlib
import inspect
import textwrap
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Mistake:
    """A wrong answer that students (or the source articles) really write."""

    exercise: str
    name: str
    hint: str
    implementation: Callable

    def source(self) -> str:
        """The wrong answer as a student's cell would hold it: renamed to the exercise's function.

        Loaded into a notebook's namespace (beside the solution's other answers), it runs
        exactly as a student's cell with this mistake would.
        """
        source = textwrap.dedent(inspect.getsource(self.implementation))
        return source.replace(f"def {self.implementation.__name__}(", f"def {self.exercise}(", 1)


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
