"""Grading a class: a folder of submissions to a gradebook, a class report and a similarity
report, on the same engine as the terminal grader, without touching a submission."""
from __future__ import annotations

import csv
import hashlib

import nbformat
import pytest

from submissions import solution_sources, submission

from autograder import batch, similarity

NEAR_COPY = '''import numpy as np
def leaky_relu({x}, alpha=0.01):
    """Leaky ReLU."""
    {x} = np.asarray({x})
    {out} = np.empty_like({x}, dtype=np.result_type({x}, 1.0))
    {pos} = {x} > 0
    {out}[{pos}] = {x}[{pos}]
    {out}[~{pos}] = alpha * {x}[~{pos}]   # {comment}
    return {out}
'''


def _class(root):
    answers = solution_sources("leaky_relu")
    layout = {
        "alice": dict(answers),
        "bob": {**answers, "leaky_relu_grad": "def leaky_relu_grad(x, alpha=0.01):\n"
                                               "    return (x > 0).astype(x.dtype)"},
        "carol": {**answers, "leaky_relu": "import os\ndef leaky_relu(x, alpha=0.01):\n    os._exit(3)"},
        "frank": {**answers, "leaky_relu": NEAR_COPY.format(x="x", out="out", pos="mask", comment="negative side")},
        "grace": {**answers, "leaky_relu": NEAR_COPY.format(x="z", out="result", pos="positive", comment="scale")},
    }
    for student, cells in layout.items():
        folder = root / student
        folder.mkdir(parents=True)
        submission(folder, "leaky_relu", **cells)
    renamed = root / "dave" / "week3"
    renamed.mkdir(parents=True)
    submission(renamed, "leaky_relu", **answers).rename(renamed / "smith_week3.ipynb")
    (root / "erin").mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")]),
                   root / "erin" / "notes.ipynb")
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*.ipynb")}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    before = _class(root / "submissions")
    gradebook = root / "grades.csv"
    reports = batch.run(root / "submissions", gradebook, jobs=2, progress=False)
    return root, before, gradebook, reports


def _rows(gradebook):
    with open(gradebook, newline="") as source:
        return list(csv.DictReader(source))


def test_the_gradebook_has_a_row_per_student_and_chapter_with_points_per_exercise(graded_class):
    _, _, gradebook, _ = graded_class
    rows = _rows(gradebook)
    possible, by_student = rows[0], {r["student"]: r for r in rows[1:]}
    assert possible["student"] == "(points possible)" and int(possible["leaky_relu"]) > 0
    full = sum(int(possible[e]) for e in ("leaky_relu", "leaky_relu_grad", "leaky_relu_backward"))
    for student in ("alice", "dave", "frank", "grace"):
        assert by_student[student]["status"] == "graded" and int(by_student[student]["total"]) == full, student
    assert by_student["dave"]["chapter"] == "leaky_relu" and by_student["dave"]["notebook"].endswith("smith_week3.ipynb")
    assert int(by_student["bob"]["leaky_relu"]) == int(possible["leaky_relu"])
    assert int(by_student["bob"]["leaky_relu_grad"]) < int(possible["leaky_relu_grad"])
    assert by_student["carol"]["status"] == "graded" and by_student["carol"]["leaky_relu"] == "0"
    assert by_student["erin"]["status"] == "not a course notebook" and by_student["erin"]["total"] == ""


def test_no_submission_is_modified(graded_class):
    root, before, _, _ = graded_class
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "submissions").rglob("*.ipynb")} == before


def test_the_class_report_names_the_failed_check_and_the_recognised_mistake(graded_class):
    root, _, _, _ = graded_class
    report = (root / "grades_class_report.md").read_text()
    assert (root / "grades_class_report.png").stat().st_size > 0
    assert "leaky_relu_grad" in report and "Mistakes the grader recognised" in report
    assert "ReLU's derivative" in report   # bob's mask is the catalogued relu_mask


def test_the_near_copies_top_the_similarity_report_which_accuses_no_one(graded_class):
    root, _, _, _ = graded_class
    text = (root / "grades_similarity.md").read_text()
    assert similarity.DISCLAIMER in text
    first_row = next(line for line in text.splitlines() if line.startswith("| 1") or line.startswith("| 9"))
    assert "frank" in first_row and "grace" in first_row
    assert "alice" not in first_row


def test_a_second_run_regrades_nothing_that_did_not_change(graded_class, capsys):
    root, _, gradebook, reports = graded_class
    again = batch.run(root / "submissions", gradebook, jobs=2, progress=False)
    assert all(r.get("cached") for r in again if r["status"] != "grader-error")
    assert "unchanged since the last run" in capsys.readouterr().out
    assert _rows(gradebook)[1:] == sorted(_rows(gradebook)[1:], key=lambda r: (r["student"], r["chapter"], r["notebook"]))


def test_renamed_variables_and_comments_do_not_hide_a_copy_but_a_common_one_liner_is_no_evidence():
    copy_a = NEAR_COPY.format(x="x", out="out", pos="mask", comment="a")
    copy_b = NEAR_COPY.format(x="values", out="y", pos="m", comment="completely different words")
    assert similarity.normalise(copy_a) == similarity.normalise(copy_b)
    one_liner = "import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    return np.where(x > 0, x, alpha * x)"
    answers = {f"s{i}": {"leaky_relu": one_liner} for i in range(5)}
    assert similarity.similar_pairs(answers) == []


def test_reports_written_by_a_run_over_one_student_are_reused_by_the_class_run(tmp_path):
    submissions, feedback = tmp_path / "submissions", tmp_path / "shared_feedback"
    (submissions / "alice").mkdir(parents=True)
    submission(submissions / "alice", "leaky_relu", **solution_sources("leaky_relu"))
    (alone,) = batch.run(submissions / "alice", tmp_path / "one.csv", jobs=1, feedback_dir=feedback, progress=False)
    assert alone["status"] == "graded" and not alone.get("cached")
    (again,) = batch.run(submissions, tmp_path / "grades.csv", jobs=1, feedback_dir=feedback, progress=False)
    assert again["cached"] and again["student"] == "alice" and again["score"] == alone["score"]
