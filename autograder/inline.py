"""``check("name")``: grade one exercise inside the student's own notebook.

It runs the same checks as the terminal grader, against the same stored expected outputs, and
prints the same feedback, so a student never has to leave the notebook to learn what is wrong.
The checks run in the live kernel, on the functions as they are defined right now. When the
grading machinery itself fails, it says "grading failed" and what to do, and scores nothing.
"""
from __future__ import annotations

import inspect
import linecache

from autograder import feedback
from autograder.mistakes import catalogue
from autograder.notebooks import NotebookError, checks, grading_notebook_with, read
from autograder.results import GraderError
from autograder.runner import check_reference, run_in_process
from autograder.sandbox import function_status


def _user_namespace(depth: int = 2) -> dict:
    try:
        return get_ipython().user_ns  # noqa: F821 (defined inside IPython only)
    except NameError:
        return inspect.stack()[depth].frame.f_globals


def _status(name: str, namespace: dict) -> dict:
    return function_status(name, namespace, f"{name} is not defined: run the cell that defines it first")


def _source(name: str, namespace: dict) -> str | None:
    """The whole cell that defined the student's live function (IPython keeps each cell's text in
    linecache, as the grader's loader does), or None if it cannot be found."""
    code = getattr(namespace.get(name), "__code__", None)
    return "".join(linecache.getlines(code.co_filename)) or None if code is not None else None


def _result(name: str, namespace: dict) -> feedback.ExerciseResult:
    path = grading_notebook_with(name)
    grading = read(path)
    check_reference(grading)
    status = _status(name, namespace)
    chapter_exercises = {c.exercise for c in checks(grading)}
    names = [name] + [d for d in status.get("calls", []) if d in chapter_exercises and d != name]
    loads = {n: _status(n, namespace) for n in names}
    outcome = run_in_process(grading, names, namespace)
    results = feedback.grade([c for c in checks(grading) if c.exercise in names], outcome.actual, loads,
                             catalogue(path.stem), {n: _source(n, namespace) for n in names})
    return next(r for r in results if r.name == name)


def check(name: str) -> None:
    """Run the grader's checks for exercise ``name`` now and print score and feedback."""
    namespace = _user_namespace()
    try:
        result = _result(name, namespace)
    except NotebookError as error:
        print(f"cannot check {name}: {error}")
        return
    except GraderError as error:
        print(f"grading failed: {error}\nNothing was scored: this is a fault of the grader, not of your code.")
        return
    except Exception as error:  # student code runs guarded, so anything else is a bug of the grader
        print(f"grading failed: the grader crashed ({type(error).__name__}: {error}); please report it.\n"
              f"Nothing was scored: this is a fault of the grader, not of your code.")
        return
    verdict = "pass" if result.passed else "not yet"
    print(f"{name}: {result.score}/{result.max_score} points, {verdict}")
    print("\n".join("  " + line for line in result.feedback().splitlines()))
