"""A notebook is recognised by the chapter recorded in it, whatever its file is called."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder import generate, identity
from autograder.notebooks import SOLUTIONS, NotebookError, read


def _student(chapter: str = "leaky_relu") -> nbformat.NotebookNode:
    return generate.student_notebook(read(SOLUTIONS / f"{chapter}.ipynb"), f"solutions/{chapter}.ipynb")


def test_a_generated_student_notebook_records_its_chapter_and_the_course_version():
    recorded = _student().metadata["autograder"]
    assert recorded["chapter"] == "leaky_relu" and recorded["course_version"] == identity.COURSE_VERSION


@pytest.mark.parametrize("path", ["leaky_relu-Copy1.ipynb", "smith_week3.ipynb", "deep/er/folder/x.ipynb"])
def test_copies_and_renamed_files_anywhere_are_the_chapter_they_came_from(path):
    found = identity.identify(_student(), Path(path))
    assert found.chapter == "leaky_relu" and found.from_metadata and found.warnings == ()


def test_a_notebook_without_metadata_falls_back_on_its_file_name_and_says_so():
    notebook = _student()
    del notebook.metadata["autograder"]
    found = identity.identify(notebook, Path("somewhere/relu.ipynb"))
    assert found.chapter == "relu" and not found.from_metadata
    assert any("file name" in w for w in found.warnings)


def test_a_notebook_of_an_older_course_version_is_graded_with_a_warning_saying_what_changed():
    notebook = _student()
    notebook.metadata["autograder"] = {"generated_from": "solutions/leaky_relu.ipynb", "content_hash": "x"}
    found = identity.identify(notebook, Path("leaky_relu.ipynb"))
    assert found.chapter == "leaky_relu" and found.course_version == 1
    (warning,) = found.warnings
    assert "version 1" in warning and identity.CHANGES[2] in warning


@pytest.mark.parametrize("recorded", [None, {"chapter": "not_a_chapter"}, "garbage"])
def test_a_notebook_of_no_chapter_gets_a_message_naming_the_known_chapters(recorded):
    notebook = nbformat.v4.new_notebook()
    if recorded is not None:
        notebook.metadata["autograder"] = recorded
    with pytest.raises(NotebookError) as error:
        identity.identify(notebook, Path("my_notes.ipynb"))
    for chapter in identity.known_chapters():
        assert chapter in str(error.value)
