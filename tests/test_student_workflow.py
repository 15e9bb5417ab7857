"""Where students work: a notebook is graded whatever its name or folder, a missing exercise cell
is named, and a folder of chapter notebooks gives the progress over the whole course."""
from __future__ import annotations

import json
import shutil

import nbformat

from submissions import grade, solution_sources, submission

from autograder.notebooks import CHAPTERS, EXERCISE_TAG, tag_value


def _table(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("  ") and "/" in line]


def test_a_copy_and_a_renamed_notebook_in_another_folder_grade_exactly_like_the_original(tmp_path):
    original = submission(tmp_path, "leaky_relu", leaky_relu=solution_sources("leaky_relu")["leaky_relu"])
    elsewhere = tmp_path / "week3" / "smith"
    elsewhere.mkdir(parents=True)
    copies = [shutil.copy(original, tmp_path / "leaky_relu-Copy1.ipynb"),
              shutil.copy(original, elsewhere / "smith_week3.ipynb")]
    reports = []
    for path in [original, *copies]:
        report = tmp_path / f"{len(reports)}.json"
        result = grade(path, "--json", str(report))
        assert result.returncode == 1, result.stdout + result.stderr
        data = json.loads(report.read_text())
        reports.append(({k: v for k, v in data.items() if k not in ("notebook", "seconds")}, _table(result.stdout)))
    assert reports[0][0]["chapter"] == "leaky_relu" and 0 < reports[0][0]["score"] < reports[0][0]["max_score"]
    assert all(r == reports[0] for r in reports[1:])


def test_a_deleted_exercise_cell_is_named_in_the_feedback(tmp_path):
    path = submission(tmp_path, "leaky_relu")
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [c for c in notebook.cells if tag_value(c, EXERCISE_TAG) != "leaky_relu_grad"]
    nbformat.write(notebook, path)
    report = tmp_path / "report.json"
    grade(path, "--json", str(report))
    (grad,) = [e for e in json.loads(report.read_text())["exercises"] if e["name"] == "leaky_relu_grad"]
    assert "the exercise cell for leaky_relu_grad is missing" in grad["feedback"]


def test_a_notebook_of_an_older_course_version_is_graded_with_a_warning(tmp_path):
    path = submission(tmp_path, "relu")
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["autograder"] = {"generated_from": "solutions/relu.ipynb"}
    nbformat.write(notebook, path)
    result = grade(path)
    assert result.returncode == 1 and "warning: this notebook was made for course version 1" in result.stdout


def test_a_notebook_of_no_chapter_is_refused_with_the_known_chapters(tmp_path):
    path = tmp_path / "notes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    result = grade(path)
    assert result.returncode == 2 and "leaky_relu" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_gives_the_progress_table_over_the_course(tmp_path):
    folder = tmp_path / "chapters"
    folder.mkdir()
    shutil.copy(submission(tmp_path, "leaky_relu", **solution_sources("leaky_relu")), folder / "mine.ipynb")
    shutil.copy(CHAPTERS / "relu.ipynb", folder / "relu.ipynb")
    (folder / "scratch.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    report = tmp_path / "progress.json"
    result = grade(folder, "--json", str(report))
    assert result.returncode == 1, result.stdout + result.stderr
    rows = {row["chapter"]: row for row in json.loads(report.read_text())["chapters"]}
    assert rows["leaky_relu"]["points"] == rows["leaky_relu"]["max_points"] > 0
    assert rows["leaky_relu"]["done"] == rows["leaky_relu"]["exercises"] == 3
    assert rows["relu"]["points"] == 0 and rows["relu"]["next_exercise"] == "relu"
    assert rows["sigmoid"]["status"] == "not started"
    assert "course" in result.stdout and "skipped" in result.stdout and "scratch.ipynb" in result.stdout
