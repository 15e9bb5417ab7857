"""Run a chapter's checks against a student's code, in a fresh kernel (nbval) or in process.

The terminal grader builds a throw-away notebook in a temporary folder: the student's import
lines, one guarded loader cell per exercise (the student's cell source, executed by
:func:`autograder.sandbox.load_exercise`), then the grading notebook's cells with their stored
outputs. pytest runs it with nbval in a fresh kernel; :mod:`autograder.nbval_plugin` records
every cell's actual output. The student's notebook is only read, never written.

If a submission kills the kernel (``os.kill``) or hangs it beyond the in-kernel timer, the
run is repeated without that exercise's code, so the other exercises are still graded.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import probes
from autograder.notebooks import checks, exercise_source, exercises, import_lines, setup_sources
from autograder.sandbox import load_exercise

NBVAL_CELL_TIMEOUT_S = 20   # a backstop: the in-kernel timers (5 s a call, 10 s a load) act first
RUN_TIMEOUT_S = 600         # the whole pytest run, against anything that escapes both
_NOTE_SANITIZER = "[notes]\nregex: note: .*\nreplace: note: (measured)\n"
_IGNORE = {"tags": ["nbval-ignore-output"]}


@dataclass
class Outcome:
    """What a run produced: each check's actual text, and each exercise's load status."""

    actual: dict[int, str | None] = field(default_factory=dict)
    loads: dict[str, dict] = field(default_factory=dict)


def _code(source: str, metadata: dict | None = None, outputs=None, count=None):
    cell = nbformat.v4.new_code_cell(source, metadata=metadata or {})
    if outputs is not None:
        cell.outputs, cell.execution_count = outputs, count
    return cell


def combined_notebook(student: nbformat.NotebookNode, grading: nbformat.NotebookNode,
                      excluded: dict[str, str]) -> nbformat.NotebookNode:
    """The notebook that nbval runs: the student's code, then the grading cells."""
    cells = [_code("from autograder.sandbox import load_exercise as _autograder_load\n"
                   "from autograder.canonical import dumps as _autograder_dumps", dict(_IGNORE))]
    sources = {name: exercise_source(student, name) for name in exercises(grading)}
    imports = import_lines(student, [source for source in sources.values() if source])
    if imports:
        cells.append(_code(f"print(_autograder_dumps(_autograder_load('imports', {imports!r}, globals())))",
                           dict(_IGNORE)))
    for name, source in sources.items():
        if name in excluded:
            load = f"print(_autograder_dumps({{'exercise': {name!r}, 'status': 'killed', 'message': {excluded[name]!r}}}))"
        elif source is None:
            load = (f"print(_autograder_dumps({{'exercise': {name!r}, 'status': 'missing', "
                    f"'message': 'no cell in the notebook defines {name}'}}))")
        else:
            load = f"print(_autograder_dumps(_autograder_load({name!r}, {source!r}, globals())))"
        cells.append(_code(load, {**_IGNORE, "autograder_load": name}))
    for index, cell in enumerate(grading.cells):
        if cell.cell_type == "code":
            cells.append(_code(cell.source, {**cell.metadata, "autograder_cell": index},
                               cell.outputs, cell.execution_count))
    combined = nbformat.v4.new_notebook(cells=cells)
    combined.metadata = grading.metadata
    return combined


def _read_records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _culprit(records: list[dict]) -> str | None:
    """The exercise whose code was running when the kernel died or hung, if any."""
    for position, record in enumerate(records):
        message = record["message"]
        if "Kernel dead" in message or "Timeout of" in message:
            if "Kernel dead" in message and position > 0:
                record = records[position - 1]
            meta = record["metadata"]
            return meta.get("autograder_load") or next(
                (t.split(":", 1)[1] for t in meta.get("tags", []) if t.startswith("exercise:")), None)
    return None


def _run_nbval(notebook: nbformat.NotebookNode, workdir: Path) -> list[dict]:
    path, results = workdir / "graded.ipynb", workdir / "results.jsonl"
    results.unlink(missing_ok=True)
    nbformat.write(notebook, path)
    (workdir / "sanitize.cfg").write_text(_NOTE_SANITIZER)
    (workdir / "pytest.ini").write_text("[pytest]\n")
    command = [sys.executable, "-m", "pytest", "-p", "nbval.plugin", "--nbval", str(path), "--nbval-current-env",
               "--nbval-sanitize-with", str(workdir / "sanitize.cfg"),
               "--nbval-cell-timeout", str(NBVAL_CELL_TIMEOUT_S), "-p", "autograder.nbval_plugin",
               "-p", "no:cacheprovider", "--color=no", "-q", "-c", str(workdir / "pytest.ini"),
               "--rootdir", str(workdir)]
    # Only nbval and our recorder: whatever other pytest plugins are installed stay out of grading.
    env = {**os.environ, "AUTOGRADER_RESULTS": str(results), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    try:
        subprocess.run(command, cwd=workdir, env=env, capture_output=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pass  # whatever was recorded before the hang still counts; the rest fails
    return _read_records(results)


def run_with_nbval(student: nbformat.NotebookNode, grading: nbformat.NotebookNode) -> Outcome:
    """Grade ``student`` in a fresh kernel; rerun without any exercise that kills the kernel."""
    excluded: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        while True:
            records = _run_nbval(combined_notebook(student, grading, excluded), Path(tmp))
            culprit = _culprit(records)
            if culprit is None or culprit in excluded:
                break
            excluded[culprit] = "stopped or hung the Python kernel (os.kill, a blocked signal, ...)"
    outcome = Outcome()
    for record in records:
        meta = record["metadata"]
        if "autograder_load" in meta:
            try:
                outcome.loads[meta["autograder_load"]] = json.loads(record["actual"].strip().splitlines()[-1])
            except (json.JSONDecodeError, IndexError):
                outcome.loads[meta["autograder_load"]] = {"status": "error", "message": "its cell could not be run"}
        elif "autograder_cell" in meta:
            trusted = record["outcome"] in ("passed", "failed")  # xfail/xpass: ran after a timeout
            outcome.actual[meta["autograder_cell"]] = record["actual"] if trusted else None
    for name, reason in excluded.items():
        outcome.loads[name] = {"exercise": name, "status": "killed", "message": reason}
    return outcome


def load_notebook(notebook: nbformat.NotebookNode, names: list[str], replaced: dict[str, str] | None = None
                  ) -> tuple[dict, dict[str, dict]]:
    """A namespace with the notebook's imports and its answers to ``names`` (some ``replaced``).

    Returns the namespace and each exercise's load status, as the terminal grader would load
    them, but in this process.
    """
    namespace: dict = {}
    sources = {name: exercise_source(notebook, name) for name in names}
    needed = [source for source in [*sources.values(), *(replaced or {}).values()] if source]
    load_exercise("imports", import_lines(notebook, needed), namespace)
    statuses = {name: load_exercise(name, source or "", namespace)
                for name, source in {**sources, **(replaced or {})}.items()}
    return namespace, statuses


def run_in_process(grading: nbformat.NotebookNode, names: list[str], namespace: dict) -> Outcome:
    """Run the checks of exercises ``names`` here, against the functions in ``namespace``.

    Used by the inline ``check()`` (the namespace is the student's live kernel) and to record
    the fingerprints of catalogued mistakes.
    """
    env = {"__name__": "autograder_checks"}
    outcome = Outcome()
    with probes.looking_up(namespace):
        with contextlib.redirect_stdout(io.StringIO()):
            for source in setup_sources(grading):
                exec(source, env)
        for check in checks(grading):
            if check.exercise not in names:
                continue
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(check.source, env)
            outcome.actual[check.index] = printed.getvalue()
    return outcome
