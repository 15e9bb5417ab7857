"""A chapter's checks as data: the one declaration its grading notebook is generated from.

Each chapter has a module ``autograder/specs/<chapter>.py`` with a ``CHAPTER``. Its exercises
are either declared (an elementwise activation's forward, derivative and backward pass come
from one :class:`autograder.elementwise.Activation`) or written as check cells here, one probe
call per check. ``make regrade-reference`` turns the spec into
``autograder/grading/<chapter>.ipynb`` and stores the solution's outputs in it; the notebook is
never edited by hand, and a test fails when it is stale.

In a hand-written check the exercise's function name is not repeated: the source says
``EXERCISE`` where the probe takes the name, and the generator writes the name in.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

EXERCISE = "EXERCISE"   # stands for the exercise's function name (a quoted string) in check sources
_PLACEHOLDER = re.compile(rf"\b{EXERCISE}\b")
SPECS = Path(__file__).resolve().parent / "specs"


class SpecError(Exception):
    """A chapter declaration that cannot produce a grading notebook; the message says why."""


@dataclass(frozen=True)
class CheckCell:
    """One check: a probe call worth ``points``, run against the student's function."""

    title: str
    points: int
    source: str

    def __post_init__(self):
        if not isinstance(self.points, int) or isinstance(self.points, bool) or self.points < 1:
            raise SpecError(f"check {self.title!r}: points must be a positive integer, not {self.points!r}")


def check(points: int, source: str) -> CheckCell:
    """A hand-written check cell; its title is the probe's first (string) argument."""
    title = re.match(r"""\s*[\w.]+\(\s*(["'])(.*?)\1""", source)
    return CheckCell(title.group(2) if title else source.strip().splitlines()[0], points, source.strip())


@dataclass(frozen=True)
class Exercise:
    """A function the student writes, and the checks that grade it."""

    name: str
    signature: str                       # as the lesson gives it, e.g. "leaky_relu(x, alpha=0.01)"
    checks: tuple[CheckCell, ...]
    setup: str = ""                      # inputs these checks need, added to the setup cell
    imports: tuple[str, ...] = ()        # import lines the setup and checks need

    def __post_init__(self):
        if not self.checks:
            raise SpecError(f"exercise {self.name}: no checks")
        if not self.signature.startswith(f"{self.name}("):
            raise SpecError(f"exercise {self.name}: signature {self.signature!r} does not name it")

    @property
    def points(self) -> int:
        return sum(c.points for c in self.checks)

    def cell_sources(self) -> list[tuple[CheckCell, str]]:
        """Each check with its source, the exercise's name written in for ``EXERCISE``."""
        return [(c, _PLACEHOLDER.sub(repr(self.name), c.source)) for c in self.checks]


@dataclass(frozen=True)
class Chapter:
    """Every graded exercise of one chapter, in the order the lesson asks for them."""

    name: str                            # solutions/<name>.ipynb is the lesson
    title: str
    exercises: tuple[Exercise, ...]
    setup: str = ""                      # shared inputs and helpers for hand-written checks
    notes: str = ""                      # what a maintainer reading the grading notebook should know
    imports: tuple[str, ...] = field(default=("import numpy as np", "import autograder.probes as probe"))

    def __post_init__(self):
        names = [e.name for e in self.exercises]
        if len(set(names)) != len(names):
            raise SpecError(f"chapter {self.name}: an exercise is declared twice: {names}")

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)

    def exercise(self, name: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(name)

    def setup_source(self) -> str:
        imports = [line for source in (self.imports, *(e.imports for e in self.exercises)) for line in source]
        parts = ["\n".join(dict.fromkeys(imports))]
        parts += [s.strip() for s in (self.setup, *(e.setup for e in self.exercises)) if s.strip()]
        return "\n\n\n".join(dict.fromkeys(parts))


def spec_names(pattern: str = "*") -> list[str]:
    """The chapters that have a grading spec, matching a glob ``pattern`` ("*" for all)."""
    return sorted(p.stem for p in SPECS.glob(f"{pattern}.py") if p.stem != "__init__")


def load(chapter: str) -> Chapter:
    """The ``CHAPTER`` declared in ``autograder/specs/<chapter>.py``."""
    try:
        module = importlib.import_module(f"autograder.specs.{chapter}")
    except ModuleNotFoundError as error:
        if error.name != f"autograder.specs.{chapter}":
            raise
        raise SpecError(f"no grading spec for chapter '{chapter}': write autograder/specs/{chapter}.py") from None
    spec = getattr(module, "CHAPTER", None)
    if not isinstance(spec, Chapter) or spec.name != chapter:
        raise SpecError(f"autograder/specs/{chapter}.py must define CHAPTER = Chapter(name={chapter!r}, ...)")
    return spec
