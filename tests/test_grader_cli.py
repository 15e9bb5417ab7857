"""The terminal grader, end to end: real kernels, real notebooks, the README's command."""
from __future__ import annotations

import json

import pytest

from submissions import CHAPTER_NAMES, grade, solution_sources, submission

from autograder.notebooks import CHAPTERS, SOLUTIONS


@pytest.mark.parametrize("chapter", CHAPTER_NAMES)
def test_solutions_score_full_marks(chapter, tmp_path):
    report = tmp_path / "report.json"
    result = grade(SOLUTIONS / f"{chapter}.ipynb", "--json", str(report))
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(report.read_text())
    assert data["score"] == data["max_score"] > 0
    assert all(exercise["passed"] for exercise in data["exercises"])


@pytest.mark.parametrize("chapter", CHAPTER_NAMES)
def test_untouched_student_notebook_scores_zero_with_not_implemented_feedback(chapter, tmp_path):
    report = tmp_path / "report.json"
    result = grade(CHAPTERS / f"{chapter}.ipynb", "--json", str(report))
    assert result.returncode == 1
    data = json.loads(report.read_text())
    assert data["score"] == 0 and data["max_score"] > 0
    for exercise in data["exercises"]:
        assert exercise["feedback"].startswith("not implemented yet"), exercise
    assert "Traceback" not in result.stdout + result.stderr


def test_json_report_has_the_documented_fields(tmp_path):
    report = tmp_path / "report.json"
    grade(CHAPTERS / "leaky_relu.ipynb", "--json", str(report))
    data = json.loads(report.read_text())
    assert set(data) == {"notebook", "score", "max_score", "exercises"}
    names = [e["name"] for e in data["exercises"]]
    assert names == list(solution_sources("leaky_relu"))  # an exercise is named for its function
    for exercise in data["exercises"]:
        assert set(exercise) == {"name", "score", "max_score", "passed", "feedback"}


def test_cli_prints_a_table_and_its_own_elapsed_time():
    result = grade(SOLUTIONS / "leaky_relu.ipynb")
    assert "exercise" in result.stdout and "points" in result.stdout
    assert "leaky_relu_backward" in result.stdout and "graded in" in result.stdout


@pytest.mark.parametrize("path, message", [
    ("chapters/no_such_chapter.ipynb", "no such file"),
    ("pyproject.toml", "not a notebook"),
])
def test_cli_rejects_what_it_cannot_grade_with_a_clear_message(path, message):
    result = grade(path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_notebook_that_is_not_json_gets_a_clear_message(tmp_path):
    broken = tmp_path / "leaky_relu.ipynb"
    broken.write_text("{ this is not json")
    result = grade(broken)
    assert result.returncode == 2
    assert "cannot be read as a notebook" in result.stderr and "Traceback" not in result.stderr


def test_a_chapter_with_no_grading_notebook_is_named_in_the_error(tmp_path):
    result = grade(submission(tmp_path, "leaky_relu").rename(tmp_path / "my_copy.ipynb"))
    assert result.returncode == 2 and "graded chapters: " in result.stderr
