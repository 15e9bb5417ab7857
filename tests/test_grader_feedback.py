"""Feedback that teaches: catalogued mistakes are named, correct variants get full marks, and
the inline check() prints what the terminal grader prints."""
from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

from submissions import CHAPTER_NAMES, grade, solution_sources, submission

from autograder import check, feedback
from autograder.mistakes import catalogue, hints
from autograder.notebooks import GRADING, SOLUTIONS, checks, read
from autograder.runner import load_notebook, run_in_process

MISTAKES = [(chapter, mistake) for chapter in CHAPTER_NAMES for mistake in catalogue(chapter)]


def _namespace(chapter: str, **replaced: str) -> dict:
    namespace, statuses = load_notebook(read(SOLUTIONS / f"{chapter}.ipynb"), list(solution_sources(chapter)), replaced)
    assert all(status["status"] == "ok" for status in statuses.values()), statuses
    return namespace


def _grade_in_process(chapter: str, exercise: str, namespace: dict) -> feedback.ExerciseResult:
    grading = read(GRADING / f"{chapter}.ipynb")
    outcome = run_in_process(grading, [exercise], namespace)
    own = [c for c in checks(grading) if c.exercise == exercise]
    return feedback.grade(own, outcome.actual, {}, hints(chapter))[0]


@pytest.mark.parametrize("chapter, mistake", MISTAKES, ids=[m.name for _, m in MISTAKES])
def test_every_catalogued_mistake_gets_its_hint(chapter, mistake):
    namespace = _namespace(chapter, **{mistake.exercise: mistake.source()})
    result = _grade_in_process(chapter, mistake.exercise, namespace)
    assert not result.passed
    assert mistake.hint in result.mistakes


def test_a_catalogued_mistake_is_named_by_the_terminal_grader_too(tmp_path):
    mistake = next(m for m in catalogue("leaky_relu") if m.name == "relu_mask")
    answers = {**solution_sources("leaky_relu"), "leaky_relu_grad": mistake.source()}
    report = tmp_path / "report.json"
    grade(submission(tmp_path, "leaky_relu", **answers), "--json", str(report))
    exercises = {e["name"]: e for e in json.loads(report.read_text())["exercises"]}
    assert "likely mistake: " + mistake.hint in " ".join(exercises["leaky_relu_grad"]["feedback"].split())
    assert "fix leaky_relu_grad first" in exercises["leaky_relu_backward"]["feedback"]


CORRECT_LEAKY_RELU = {
    "np.where": "return np.where(x > 0, x, alpha * x)",
    "maximum plus minimum": "return np.maximum(x, 0) + alpha * np.minimum(x, 0)",
    "boolean masks (gives -0.0)": "return x * (x > 0) + alpha * x * (x <= 0)",
    "copy then scale": "y = np.array(x, copy=True)\n    y[y < 0] *= alpha\n    return y",
    "piecewise": "return np.piecewise(x, [x > 0], [lambda v: v, lambda v: alpha * v])",
}
CORRECT_LEAKY_RELU_GRAD = {
    "np.where with ones_like": "return np.where(x > 0, np.ones_like(x), alpha * np.ones_like(x))",
    "x >= 0 (a valid subgradient at 0)": "return np.where(x >= 0, 1.0, alpha).astype(x.dtype)",
    "mask arithmetic": "return (x > 0).astype(x.dtype) * (1 - alpha) + alpha",
}


@pytest.mark.parametrize("body", CORRECT_LEAKY_RELU.values(), ids=list(CORRECT_LEAKY_RELU))
def test_correct_variants_of_leaky_relu_get_full_marks(body):
    source = f"import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    x = np.asarray(x)\n    {body}"
    result = _grade_in_process("leaky_relu", "leaky_relu", _namespace("leaky_relu", leaky_relu=source))
    assert result.passed, result.feedback()


@pytest.mark.parametrize("body", CORRECT_LEAKY_RELU_GRAD.values(), ids=list(CORRECT_LEAKY_RELU_GRAD))
def test_correct_variants_of_leaky_relu_grad_get_full_marks(body):
    source = f"import numpy as np\ndef leaky_relu_grad(x, alpha=0.01):\n    x = np.asarray(x)\n    {body}"
    result = _grade_in_process("leaky_relu", "leaky_relu_grad", _namespace("leaky_relu", leaky_relu_grad=source))
    assert result.passed, result.feedback()


def test_inline_check_prints_the_terminal_graders_feedback(tmp_path):
    wrong = "import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    return np.maximum(alpha * x, x)"
    namespace = _namespace("leaky_relu", leaky_relu=wrong)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec('check("leaky_relu")', {**namespace, "check": check})
    report = tmp_path / "report.json"
    grade(submission(tmp_path, "leaky_relu", **{**solution_sources("leaky_relu"), "leaky_relu": wrong}),
          "--json", str(report))
    cli = next(e for e in json.loads(report.read_text())["exercises"] if e["name"] == "leaky_relu")
    inline_lines = [line.strip() for line in printed.getvalue().splitlines()]
    assert inline_lines[0] == f"leaky_relu: {cli['score']}/{cli['max_score']} points, not yet"
    assert inline_lines[1:] == [line.strip() for line in cli["feedback"].splitlines()]
    assert "max(alpha*x, x)" in printed.getvalue()


def test_inline_check_says_how_to_define_a_function_that_is_not_defined_yet():
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec('check("leaky_relu")', {"check": check, "np": np})
    assert "run the cell that defines it first" in printed.getvalue()
