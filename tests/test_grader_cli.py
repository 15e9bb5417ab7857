"""The terminal grader, end to end: real kernels, real notebooks, the README's command; and when
the grading machinery breaks, a grader error (exit 2, no score), never a student's 0."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from submissions import CHAPTER_NAMES, grade, solution_sources, submission

import autograder.__main__ as cli
from autograder import engine
from autograder.canonical import parse
from autograder.notebooks import CHAPTERS, EXERCISE_TAG, GRADING, ROOT, SOLUTIONS, cell_text, read, tag_value


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
    assert set(data) == {"notebook", "status", "chapter", "warnings", "score", "max_score", "seconds", "exercises"}
    names = [e["name"] for e in data["exercises"]]
    assert names == list(solution_sources("leaky_relu"))  # an exercise is named for its function
    for exercise in data["exercises"]:
        assert set(exercise) == {"name", "score", "max_score", "passed", "feedback", "mistakes", "checks"}
        assert sum(c["points"] for c in exercise["checks"]) == exercise["max_score"]


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


def test_a_notebook_of_a_chapter_with_no_grading_notebook_is_refused_naming_the_graded_ones(tmp_path):
    path = submission(tmp_path, "leaky_relu")
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["autograder"]["chapter"] = "atlas"
    nbformat.write(notebook, path)
    result = grade(path)
    assert result.returncode == 2 and "cannot grade" in result.stderr and "'atlas'" in result.stderr
    assert "leaky_relu" in result.stderr and "Traceback" not in result.stderr


# --- grader faults are not student faults ------------------------------------------------------

BROKEN_MODULES = {
    "pytest cannot be imported": ("pytest/__init__.py", "raise ImportError('pytest broken on purpose')",
                                  "pytest with nbval could not run the grading notebook"),
    "the nbval plugin cannot be imported": ("nbval/__init__.py", "raise ImportError('nbval broken on purpose')",
                                            "pytest with nbval could not run the grading notebook"),
    "the kernel cannot start": ("ipykernel_launcher.py", "import sys\nsys.exit(3)", "the Python kernel could not start"),
}


def _assert_grader_error(result, report, cause: str):
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"grading failed: {cause}" in result.stderr.replace("\n", " ") or cause in result.stderr
    assert "grading failed: " in result.stderr
    data = json.loads(report.read_text())
    assert data["status"] == "grader-error" and cause in data["error"]
    assert "score" not in data and "exercises" not in data


@pytest.mark.parametrize("broken", list(BROKEN_MODULES))
def test_a_broken_grading_dependency_is_a_grader_error_never_a_score(broken, tmp_path):
    relative, source, cause = BROKEN_MODULES[broken]
    module = tmp_path / "shadow" / relative
    module.parent.mkdir(parents=True)
    module.write_text(source)
    report = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "shadow")}
    result = subprocess.run([sys.executable, "-m", "autograder", str(SOLUTIONS / "relu.ipynb"), "--json", str(report)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    _assert_grader_error(result, report, cause)


def _grading_copy(tmp_path, edit) -> Path:
    grading = read(GRADING / "relu.ipynb")
    edit(next(cell for cell in grading.cells if tag_value(cell, EXERCISE_TAG) == "relu"))
    path = tmp_path / "grading" / "relu.ipynb"
    path.parent.mkdir()
    nbformat.write(grading, path)
    return path


def _without_outputs(cell):
    cell.outputs = []


def _edited_after_its_outputs(cell):
    title = parse(cell_text(cell))["check"]
    cell.source = cell.source.replace(title, "a check rewritten after its outputs were stored")


@pytest.mark.parametrize("edit, cause", [(_without_outputs, "has no stored expected output"),
                                         (_edited_after_its_outputs, "was made for another version of the check")],
                         ids=["missing reference outputs", "stale reference outputs"])
def test_missing_or_stale_reference_outputs_are_a_grader_error(edit, cause, tmp_path, monkeypatch, capsys):
    grading = _grading_copy(tmp_path, edit)
    monkeypatch.setattr(engine, "GRADING", grading.parent)
    report = tmp_path / "report.json"
    assert cli.main([str(SOLUTIONS / "relu.ipynb"), "--json", str(report)]) == 2
    assert "grading failed: " in capsys.readouterr().err
    data = json.loads(report.read_text())
    assert data["status"] == "grader-error" and cause in data["error"] and "score" not in data


def test_a_crash_inside_the_grader_is_a_grader_error(tmp_path, monkeypatch, capsys):
    def crash(*args, **kwargs):
        raise KeyError("dtype")

    monkeypatch.setattr(engine.feedback, "grade", crash)
    report = tmp_path / "report.json"
    assert cli.main([str(SOLUTIONS / "leaky_relu.ipynb"), "--json", str(report)]) == 2
    err = capsys.readouterr().err
    assert "grading failed: the grader crashed (KeyError: 'dtype')" in err
    assert json.loads(report.read_text())["status"] == "grader-error"


def test_a_graded_report_says_so(tmp_path):
    report = tmp_path / "report.json"
    grade(CHAPTERS / "relu.ipynb", "--json", str(report))
    assert json.loads(report.read_text())["status"] == "graded"


def test_a_forward_that_returns_only_out_is_told_to_return_out_and_cache(tmp_path):
    answers = solution_sources("backprop_lab")
    answers["forward"] = ("import numpy as np\ndef forward(X, params, alpha=0.01):\n"
                          "    h = X\n    for layer in (1, 2):\n"
                          "        z = h @ params[f'W{layer}'] + params[f'b{layer}']\n"
                          "        h = np.where(z > 0, z, alpha * z)\n"
                          "    return h @ params['W3'] + params['b3']")
    report = tmp_path / "report.json"
    result = grade(submission(tmp_path, "backprop_lab", **answers), "--json", str(report))
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    exercises = {e["name"]: e for e in json.loads(report.read_text())["exercises"]}
    for name in ("forward", "backward"):
        assert "forward must return (out, cache), a pair; it returned an array" in exercises[name]["feedback"]
