"""Grade one notebook: the one engine behind the terminal grader, the progress table and batches.

:func:`grade_notebook` finds the notebook's chapter (:mod:`autograder.identity`), checks that
the grading notebook and its stored outputs are sound, runs the student's code against the
checks in a fresh kernel (:mod:`autograder.runner`) and turns the outputs into scores and
feedback (:mod:`autograder.feedback`). It never raises for a bad notebook or a broken grader:
the :class:`Report` says which it was, so that a fault of the grader is never scored as the
student's zero.
"""
from __future__ import annotations

import enum
import json
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from autograder import feedback, identity
from autograder.mistakes import catalogue
from autograder.notebooks import GRADING, NotebookError, checks, exercise_source, exercises, read
from autograder.results import GraderError
from autograder.runner import check_reference, run_with_nbval


class Status(enum.Enum):
    GRADED = "graded"
    UNGRADED_PAGE = "no exercises"           # a course page without graded exercises: nothing to do
    NOT_GRADABLE = "not a course notebook"   # unreadable, or of no chapter: the student can fix it
    GRADER_ERROR = "grader-error"            # the grader failed: nothing is scored


@dataclass
class Report:
    """What grading one notebook concluded."""

    notebook: str
    status: Status
    chapter: str | None = None
    results: list[feedback.ExerciseResult] = field(default_factory=list)
    warnings: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0

    @property
    def score(self) -> int:
        return feedback.total(self.results)[0]

    @property
    def max_score(self) -> int:
        return feedback.total(self.results)[1]

    @property
    def full_marks(self) -> bool:
        return self.status is Status.GRADED and self.score == self.max_score

    def text(self) -> str:
        """What the terminal grader prints."""
        if self.status in (Status.NOT_GRADABLE, Status.UNGRADED_PAGE):
            return f"cannot grade: {self.error}"
        if self.status is Status.GRADER_ERROR:
            return (f"grading failed: {self.error}\nYour notebook was not graded and no score was given: "
                    f"this is a fault of the grader, not of your code.")
        warnings = "".join(f"warning: {w}\n" for w in self.warnings)
        return warnings + feedback.table(f"{self.notebook} (chapter {self.chapter})", self.results, self.seconds)

    def to_json(self) -> dict:
        report = {"notebook": self.notebook, "status": self.status.value, "chapter": self.chapter,
                  "warnings": list(self.warnings)}
        if self.status is not Status.GRADED:
            return {**report, "error": self.error}
        return {**report, "score": self.score, "max_score": self.max_score, "seconds": round(self.seconds, 2),
                "exercises": [feedback.exercise_json(r) for r in self.results]}

    def write_json(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n")


def grade_notebook(path: Path) -> Report:
    """Grade the notebook at ``path`` (only read, never written)."""
    start = time.perf_counter()
    path = Path(path)
    try:
        student = read(path)
        found = identity.identify(student, path)
    except identity.UngradedChapter as error:
        return Report(str(path), Status.UNGRADED_PAGE, error=str(error))
    except NotebookError as error:
        return Report(str(path), Status.NOT_GRADABLE, error=str(error))
    report = Report(str(path), Status.GRADED, found.chapter, warnings=found.warnings)
    try:
        try:
            grading = read(GRADING / f"{found.chapter}.ipynb")
        except NotebookError as error:
            raise GraderError(f"the grading notebook of chapter {found.chapter} cannot be read ({error})",
                              "restore it from version control or run `make regrade-reference`") from error
        check_reference(grading)
        outcome = run_with_nbval(student, grading)
        sources = {name: exercise_source(student, name) for name in exercises(grading)}
        report.results = feedback.grade(checks(grading), outcome.actual, outcome.loads, catalogue(found.chapter),
                                        sources)
    except GraderError as error:
        report.status, report.error = Status.GRADER_ERROR, str(error)
    except Exception as error:  # a bug in the grader itself must never read as the student's fault
        report.status = Status.GRADER_ERROR
        report.error = (f"the grader crashed ({type(error).__name__}: {error}); please report it with this "
                        f"trace:\n{traceback.format_exc()}")
    report.seconds = time.perf_counter() - start
    return report
