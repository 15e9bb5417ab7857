"""Build student submissions for grader tests: a chapter notebook with some answers replaced."""
from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.notebooks import CHAPTERS, GRADING, ROOT, SOLUTIONS, EXERCISE_TAG, exercise_source, read, tag_value

CHAPTER_NAMES = sorted(p.stem for p in GRADING.glob("*.ipynb"))


def solution_sources(chapter: str) -> dict[str, str]:
    """Each exercise's answer cell, from the solution notebook."""
    solution = read(SOLUTIONS / f"{chapter}.ipynb")
    names = [tag_value(c, EXERCISE_TAG) for c in solution.cells if tag_value(c, EXERCISE_TAG)]
    return {name: exercise_source(solution, name) for name in names}


def submission(tmp_path: Path, chapter: str, **answers: str) -> Path:
    """The student notebook of ``chapter`` with the given exercise cells replaced.

    Written as ``<tmp_path>/<chapter>.ipynb``: the grader finds the chapter by file name.
    """
    notebook = copy.deepcopy(read(CHAPTERS / f"{chapter}.ipynb"))
    for cell in notebook.cells:
        name = tag_value(cell, EXERCISE_TAG)
        if name in answers:
            cell.source = answers[name]
    path = tmp_path / f"{chapter}.ipynb"
    nbformat.write(notebook, path)
    return path


def grade(path: Path, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the README's grading command on ``path``."""
    return subprocess.run([sys.executable, "-m", "autograder", str(path), *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def grade_answer(chapter: str, exercise: str, source: str):
    """``source`` as the answer to ``exercise``, beside the lesson's other answers, graded in this
    process with the chapter's catalogued mistakes (their ``requires`` patterns see ``source``)."""
    from autograder import feedback
    from autograder.mistakes import catalogue
    from autograder.notebooks import checks
    from autograder.runner import load_notebook, run_in_process

    namespace, statuses = load_notebook(read(SOLUTIONS / f"{chapter}.ipynb"), list(solution_sources(chapter)),
                                        {exercise: source})
    assert statuses[exercise]["status"] == "ok", statuses[exercise]
    grading = read(GRADING / f"{chapter}.ipynb")
    outcome = run_in_process(grading, [exercise], namespace)
    own = [c for c in checks(grading) if c.exercise == exercise]
    return feedback.grade(own, outcome.actual, {}, catalogue(chapter), {exercise: source})[0]
