"""Everything generated from solutions/: the student notebooks and the grader's expected outputs.

``python -m autograder.generate students`` (``make student``) writes ``chapters/<chapter>.ipynb``
from each ``solutions/<chapter>.ipynb``: answers replaced by stubs, outputs cleared, cells
tagged ``solution-only`` dropped. A chapter notebook that a student has edited is never
overwritten: the generator records a hash of what it wrote and refuses to replace a file whose
content no longer matches it.

``python -m autograder.generate reference`` (``make regrade-reference``) runs every grading
notebook against the solutions in a fresh kernel, stores the outputs as the expected ones, and
stores each catalogued mistake's outputs as its fingerprint.

``--check`` regenerates in memory and exits 1 if anything on disk is stale; tests use it.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

from autograder import identity
from autograder.compare import judge
from autograder.mistakes import catalogue
from autograder.notebooks import (CHAPTERS, EXERCISE_TAG, GRADING, POINTS_TAG, ROOT, SETUP_TAG, SOLUTIONS,
                                  NotebookError, checks, has_tag, read, stub, tag_value)
from autograder.spec import Chapter, SpecError, spec_names
from autograder.spec import load as load_spec
from autograder.results import GraderError
from autograder.runner import EXPECTED_FOR, check_fingerprint, load_notebook, run_in_process, run_with_nbval

SOLUTION_ONLY_TAG = "solution-only"
_NOTE = re.compile(r"^note: .*$", re.MULTILINE)


def _content_hash(notebook) -> str:
    cells = [{"type": c.cell_type, "source": c.source, "metadata": c.metadata} for c in notebook.cells]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()[:16]


def student_notebook(solution: nbformat.NotebookNode, source_name: str) -> nbformat.NotebookNode:
    """The student's version of a solution notebook."""
    student = copy.deepcopy(solution)
    student.cells = [c for c in student.cells if not has_tag(c, SOLUTION_ONLY_TAG)]
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        name = tag_value(cell, EXERCISE_TAG)
        if name:
            cell.source = stub(cell.source, name)
        cell.outputs, cell.execution_count = [], None
    student.metadata["autograder"] = {**identity.metadata(Path(source_name).stem), "generated_from": source_name,
                                      "content_hash": _content_hash(student)}
    return student


def _untouched(path: Path) -> bool:
    """Whether ``path`` is still exactly as the generator wrote it (no student work in it)."""
    try:
        existing = nbformat.read(path, as_version=4)
    except Exception:  # an unreadable file may still be someone's work: leave it alone
        return False
    recorded = existing.metadata.get("autograder", {}).get("content_hash")
    return recorded == _content_hash(existing) and not any(c.get("outputs") for c in existing.cells)


def _text(notebook) -> str:
    return nbformat.writes(notebook) + "\n"


def students(check_only: bool, force: bool, chapter: str = "*") -> int:
    stale, refused = [], []
    for source in sorted(SOLUTIONS.glob(f"{chapter}.ipynb")):
        target = CHAPTERS / source.name
        text = _text(student_notebook(read(source), f"solutions/{source.name}"))
        if target.exists() and target.read_text() == text:
            continue
        stale.append(target)
        if check_only:
            continue
        if target.exists() and not force and not _untouched(target):
            refused.append(target)
            continue
        target.parent.mkdir(exist_ok=True)
        target.write_text(text)
        print(f"wrote {target.relative_to(ROOT)}")
    for target in refused:
        print(f"NOT overwritten: {target.relative_to(ROOT)} has changes (your work?). Move it aside "
              f"and run `make student` again, or pass --force to discard them.", file=sys.stderr)
    if check_only and stale:
        print("stale student notebooks (run `make student`): "
              + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
        return 1
    return 1 if refused else 0


def _sanitize(text: str) -> str:
    return _NOTE.sub("note: (measured when graded)", text)


_HEADER = """# Grading notebook: {title}

Generated from `autograder/specs/{name}.py` by `make regrade-reference`: never edit it by hand.
Each code cell tagged `exercise:<name>` and `points:<n>` is one check; the cell tagged `setup`
builds the inputs from fixed values and seeded generators. The stored outputs are the
solution's outputs, the expected ones; a cell's `fingerprints` are the outputs of catalogued
mistakes that fail it.
"""


def grading_notebook(chapter: Chapter) -> nbformat.NotebookNode:
    """The grading notebook's cells, without outputs, from the chapter's declaration."""
    header = _HEADER.format(title=chapter.title, name=chapter.name)
    cells = [nbformat.v4.new_markdown_cell(header + (f"\n{chapter.notes}\n" if chapter.notes else ""))]
    cells.append(nbformat.v4.new_code_cell(chapter.setup_source(), metadata={"tags": [SETUP_TAG]}))
    for exercise in chapter.exercises:
        cells.append(nbformat.v4.new_markdown_cell(f"## `{exercise.signature}`"))
        for check, source in exercise.cell_sources():
            tags = [f"{EXERCISE_TAG}{exercise.name}", f"{POINTS_TAG}{check.points}"]
            cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags}))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}}
    for index, cell in enumerate(notebook.cells):
        cell.id = f"{chapter.name[:40]}-{index}"
    return notebook


def reference_notebook(chapter_name: str) -> nbformat.NotebookNode:
    """The grading notebook with expected outputs and mistake fingerprints computed afresh.

    The checks run against the solution exactly as a student's notebook is graded: the same
    combined notebook, run by pytest and nbval in a fresh kernel of the same interpreter with the
    same options (:func:`autograder.runner.run_with_nbval`). The catalogued mistakes run in
    process, each loaded in place of its exercise, as the inline ``check()`` runs them.
    """
    chapter = load_spec(chapter_name)
    solution = read(SOLUTIONS / f"{chapter.name}.ipynb")
    grading = grading_notebook(chapter)
    try:
        outcome = run_with_nbval(solution, grading)
    except GraderError as error:
        raise NotebookError(f"{chapter.name}: the grading notebook could not be run: {error}") from None
    broken = {name: status for name, status in outcome.loads.items() if status.get("status") != "ok"}
    if broken:
        raise NotebookError(f"{chapter.name}: the solution does not load: {broken}")
    for count, check in enumerate(checks(grading), start=1):
        text = outcome.actual.get(check.index)
        if check.index in outcome.raised or not text or "result: " not in text:
            raise NotebookError(f"{chapter.name}: check {check.index} ({check.exercise}: {check.source!r}) gives no "
                                f"result against the solution ({outcome.raised.get(check.index, 'no output')}); "
                                f"fix autograder/specs/{chapter.name}.py")
        target = grading.cells[check.index]
        target.outputs = [nbformat.v4.new_output("stream", name="stdout", text=_sanitize(text))]
        target.execution_count = count
        target.metadata[EXPECTED_FOR] = check_fingerprint(grading, check.index)
    expected = {c.index: c for c in checks(grading)}
    names = list(dict.fromkeys(c.exercise for c in expected.values()))
    for mistake in catalogue(chapter.name):
        namespace, statuses = load_notebook(solution, names, {mistake.exercise: mistake.source()})
        broken = {name: status for name, status in statuses.items() if status["status"] != "ok"}
        if broken:
            raise NotebookError(f"{chapter.name}: the solution with mistake '{mistake.name}' does not load: {broken}")
        outcome = run_in_process(grading, [mistake.exercise], namespace)
        caught = False
        for index, text in outcome.actual.items():
            if not judge(expected[index].expected, text).passed:
                prints = grading.cells[index].metadata.setdefault("fingerprints", {})
                prints[mistake.name] = _sanitize(text)
                caught = True
        if not caught:
            raise NotebookError(f"{chapter.name}: catalogued mistake '{mistake.name}' passes every check of "
                                f"{mistake.exercise}; add a check that catches it")
    return grading


def reference(check_only: bool, chapter: str = "*") -> int:
    stale = []
    for name in spec_names(chapter):
        path = GRADING / f"{name}.ipynb"
        text = _text(reference_notebook(name))
        if not path.exists() or path.read_text() != text:
            stale.append(path)
            if not check_only:
                path.write_text(text)
                print(f"wrote {path.relative_to(ROOT)}")
    if check_only and stale:
        print("stale expected outputs (run `make regrade-reference`): "
              + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.generate", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["students", "reference"])
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    parser.add_argument("--force", action="store_true", help="overwrite edited student notebooks")
    parser.add_argument("--chapter", default="*", help="only this chapter (default: all)")
    args = parser.parse_args(argv)
    try:
        if args.what == "students":
            return students(args.check, args.force, args.chapter)
        return reference(args.check, args.chapter)
    except (NotebookError, SpecError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
