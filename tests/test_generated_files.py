"""One source of truth: chapters/ and the grader's expected outputs are generated from solutions/,
are up to date, and regenerating never destroys a student's work."""
from __future__ import annotations

import subprocess
import sys

import nbformat

from autograder import generate
from autograder.notebooks import EXERCISE_TAG, ROOT, SOLUTIONS, read, tag_value


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.generate", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_student_notebooks_are_up_to_date_with_solutions():
    result = _run("students", "--check")
    assert result.returncode == 0, result.stderr


def test_expected_outputs_are_up_to_date_with_solutions():
    result = _run("reference", "--check")
    assert result.returncode == 0, result.stderr


def test_student_notebooks_keep_signatures_and_docstrings_but_not_answers():
    for source in sorted(SOLUTIONS.glob("*.ipynb")):
        student = generate.student_notebook(read(source), source.name)
        for cell in student.cells:
            name = tag_value(cell, EXERCISE_TAG)
            if name:
                assert f"def {name}(" in cell.source and '"""' in cell.source
                assert f'raise NotImplementedError("{name}: your code here")' in cell.source
                assert "BEGIN SOLUTION" not in cell.source
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None


def _point_generator_at(tmp_path, monkeypatch):
    monkeypatch.setattr(generate, "CHAPTERS", tmp_path)
    monkeypatch.setattr(generate, "ROOT", tmp_path.parent)
    assert generate.students(check_only=False, force=False) == 0
    return sorted(tmp_path.glob("*.ipynb"))


def test_make_student_never_overwrites_a_students_work(tmp_path, monkeypatch, capsys):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    target = _point_generator_at(chapters, monkeypatch)[0]
    notebook = nbformat.read(target, as_version=4)
    notebook.cells[-1].source += "\n# my own notes"
    nbformat.write(notebook, target)
    worked_on = target.read_bytes()
    monkeypatch.setattr(generate, "_text", lambda nb: nbformat.writes(nb) + "\n# a newer version\n")
    assert generate.students(check_only=False, force=False) == 1
    assert target.read_bytes() == worked_on
    assert "NOT overwritten" in capsys.readouterr().err


def test_make_student_refreshes_an_untouched_generated_notebook(tmp_path, monkeypatch):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    target = _point_generator_at(chapters, monkeypatch)[0]
    monkeypatch.setattr(generate, "_text", lambda nb: nbformat.writes(nb) + "\n")
    before = target.read_text()
    monkeypatch.setattr(generate, "_text", lambda nb: nbformat.writes(nb) + "\n\n")
    assert generate.students(check_only=False, force=False) == 0
    assert target.read_text() == before + "\n"
