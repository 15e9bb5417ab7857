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
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.compare import judge
from autograder.mistakes import catalogue
from autograder.notebooks import (CHAPTERS, EXERCISE_TAG, GRADING, ROOT, SOLUTIONS, NotebookError, cell_text,
                                  checks, has_tag, read, stub, tag_value)
from autograder.runner import combined_notebook, load_notebook, run_in_process

SOLUTION_ONLY_TAG = "solution-only"
REFERENCE_TIMEOUT_S = 300
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
    student.metadata["autograder"] = {"generated_from": source_name, "content_hash": _content_hash(student)}
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


def reference_notebook(grading_path: Path) -> nbformat.NotebookNode:
    """The grading notebook with expected outputs and mistake fingerprints recomputed."""
    chapter = grading_path.stem
    solution = read(SOLUTIONS / f"{chapter}.ipynb")
    grading = read(grading_path)
    combined = combined_notebook(solution, grading, {})
    with tempfile.TemporaryDirectory(prefix="autograder-reference-") as tmp:
        NotebookClient(combined, timeout=REFERENCE_TIMEOUT_S, kernel_name="python3",
                       resources={"metadata": {"path": tmp}}).execute()
    count = 0
    for cell in combined.cells:
        if "autograder_load" in cell.metadata and '"status": "ok"' not in cell_text(cell):
            raise NotebookError(f"{chapter}: the solution does not load: {cell_text(cell).strip()}")
        if "autograder_cell" not in cell.metadata:
            continue
        if any(out.output_type == "error" or out.get("name") == "stderr" for out in cell.outputs):
            raise NotebookError(f"{chapter}: grading cell {cell.metadata['autograder_cell']} wrote an error or "
                                f"to stderr against the solution:\n{cell.outputs}")
        count += 1
        target = grading.cells[cell.metadata["autograder_cell"]]
        target.outputs = [nbformat.v4.new_output("stream", name="stdout", text=_sanitize(cell_text(cell)))]
        target.execution_count = count
    for cell in grading.cells:
        cell.metadata.pop("fingerprints", None)
    expected = {c.index: c for c in checks(grading)}
    names = list(dict.fromkeys(c.exercise for c in expected.values()))
    for mistake in catalogue(chapter):
        namespace, statuses = load_notebook(solution, names, {mistake.exercise: mistake.source()})
        broken = {name: status for name, status in statuses.items() if status["status"] != "ok"}
        if broken:
            raise NotebookError(f"{chapter}: the solution with mistake '{mistake.name}' does not load: {broken}")
        outcome = run_in_process(grading, [mistake.exercise], namespace)
        caught = False
        for index, text in outcome.actual.items():
            if not judge(expected[index].expected, text).passed:
                prints = grading.cells[index].metadata.setdefault("fingerprints", {})
                prints[mistake.name] = _sanitize(text)
                caught = True
        if not caught:
            raise NotebookError(f"{chapter}: catalogued mistake '{mistake.name}' passes every check of "
                                f"{mistake.exercise}; add a check that catches it")
    return grading


def reference(check_only: bool, chapter: str = "*") -> int:
    stale = []
    for path in sorted(GRADING.glob(f"{chapter}.ipynb")):
        text = _text(reference_notebook(path))
        if path.read_text() != text:
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
    except NotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
