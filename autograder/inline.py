"""``check("name")``: grade one exercise inside the student's own notebook.

It runs the same checks as the terminal grader, against the same stored expected outputs, and
prints the same feedback, so a student never has to leave the notebook to learn what is wrong.
The checks run in the live kernel, on the functions as they are defined right now.
"""
from __future__ import annotations

import inspect

from autograder import feedback
from autograder.mistakes import hints
from autograder.notebooks import checks, grading_notebook_with, read
from autograder.runner import run_in_process
from autograder.sandbox import function_status


def _user_namespace(depth: int = 2) -> dict:
    try:
        return get_ipython().user_ns  # noqa: F821 (defined inside IPython only)
    except NameError:
        return inspect.stack()[depth].frame.f_globals


def _status(name: str, namespace: dict) -> dict:
    return function_status(name, namespace, f"{name} is not defined: run the cell that defines it first")


def check(name: str) -> None:
    """Run the grader's checks for exercise ``name`` now and print score and feedback."""
    namespace = _user_namespace()
    path = grading_notebook_with(name)
    grading = read(path)
    status = _status(name, namespace)
    chapter_exercises = {c.exercise for c in checks(grading)}
    names = [name] + [d for d in status.get("calls", []) if d in chapter_exercises and d != name]
    loads = {n: _status(n, namespace) for n in names}
    outcome = run_in_process(grading, names, namespace)
    results = feedback.grade([c for c in checks(grading) if c.exercise in names],
                             outcome.actual, loads, hints(path.stem))
    result = next(r for r in results if r.name == name)
    verdict = "pass" if result.passed else "not yet"
    print(f"{name}: {result.score}/{result.max_score} points, {verdict}")
    print("\n".join("  " + line for line in result.feedback().splitlines()))
