"""Run a chapter's checks against a student's code, in a fresh kernel (nbval) or in process.

The terminal grader builds a throw-away notebook in a temporary folder: the student's import
lines, one guarded loader cell per exercise (the student's cell source, executed by
:func:`autograder.sandbox.load_exercise`), then the grading notebook's cells with their stored
outputs. pytest runs it with nbval in a fresh kernel; :mod:`autograder.nbval_plugin` records
every cell's actual output. The student's notebook is only read, never written.

If a submission kills the kernel (``os.kill``) or hangs it beyond the in-kernel timer, the
run is repeated without that exercise's code, so the other exercises are still graded. If the
machinery fails before any student code runs (pytest or nbval cannot be imported, the kernel
does not start), :class:`autograder.results.GraderError` is raised: nothing is scored.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import probes
from autograder.canonical import parse
from autograder.notebooks import checks, exercise_source, exercises, import_lines, setup_sources
from autograder.results import Flag, GraderError
from autograder.sandbox import load_exercise

# A backstop: the in-kernel timers (5 s a call, 10 s a load) act first. A cell may make several
# calls, and on a loaded 2-core machine the grader's own first cell (importing numpy) has taken
# over 20 s, so the backstop leaves room for both.
NBVAL_CELL_TIMEOUT_S = 60
RUN_TIMEOUT_S = 600         # the whole pytest run, against anything that escapes both
_NOTE_SANITIZER = "[notes]\nregex: note: .*\nreplace: note: (measured)\n"
_IGNORE = {"tags": ["nbval-ignore-output"]}


@dataclass
class Outcome:
    """What a run produced: each check's actual text, each exercise's load status, and the
    checks whose cell raised (a probe never lets a student's exception escape, so this is a fault
    of the check itself)."""

    actual: dict[int, str | None] = field(default_factory=dict)
    loads: dict[str, dict] = field(default_factory=dict)
    raised: dict[int, str] = field(default_factory=dict)   # check cells that raised, and what


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
            missing = (f"the exercise cell for {name} is missing: no cell in the notebook defines `def {name}(`. "
                       f"It was deleted, or its function renamed; copy the cell back from the book page or a "
                       f"fresh copy of the chapter notebook, keeping the name and signature")
            load = (f"print(_autograder_dumps({{'exercise': {name!r}, 'status': 'missing', "
                    f"'message': {missing!r}}}))")
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
        completed = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True,
                                   timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return _read_records(results)  # whatever was recorded before the hang still counts; the rest fails
    records = _read_records(results)
    _check_machinery(records, completed)
    return [record for record in records if record["outcome"] != "error"]


def _last_line(text: str) -> str:
    lines = [line.strip() for line in _ANSI.sub("", text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _check_machinery(records: list[dict], completed: subprocess.CompletedProcess) -> None:
    """Raise GraderError if pytest, nbval or the kernel failed before any student code ran.

    The combined notebook's first cell is the grader's own (it imports the sandbox): it runs
    before any student code, so if it has no record, or did not pass, the machinery is at fault.
    """
    first = records[0] if records else None
    if first is None:
        raise GraderError(f"pytest with nbval could not run the grading notebook (exit code "
                          f"{completed.returncode}: {_last_line(completed.stderr) if completed.stderr.strip() else _last_line(completed.stdout)})",
                          _REINSTALL)
    if first["outcome"] != "passed":
        message = first.get("message", "")
        if "KeyboardInterrupt" in message or "Timeout" in message or first["outcome"] in ("xfailed", "xpassed"):
            raise GraderError(f"the grader's own setup did not finish within {NBVAL_CELL_TIMEOUT_S} s",
                              "the machine may be overloaded: try again when it is less busy")
        if "Kernel died" in message or first["outcome"] == "error":
            raise GraderError(f"the Python kernel could not start ({_last_line(message)})", _REINSTALL)
        raise GraderError(f"the grader's own setup failed inside the kernel ({_last_line(message)})", _REINSTALL)


_REINSTALL = ("check that the course's environment is complete (`make` sets up .venv; without make, "
              "`pip install -c constraints.txt -e \".[test]\"`) and run the grader with that environment's Python")


def check_reference(grading: nbformat.NotebookNode) -> None:
    """Raise GraderError unless every check has a stored expected output that belongs to it.

    Each stored output must hold a ``check:`` and a ``result:`` line, and the title it prints
    must be the one in the cell's source (a cell edited after the outputs were stored no longer
    matches them).
    """
    for check in checks(grading):
        expected = parse(check.expected)
        if "result" not in expected or "check" not in expected:
            raise GraderError(f"check {check.index} ({check.exercise}) has no stored expected output",
                              _REGENERATE)
        if isinstance(expected["result"], dict) and Flag.EXAMINABLE.key in expected["result"]:
            raise GraderError(f"the stored expected output of check {check.index} ({check.exercise}) records that "
                              f"the probe itself failed on the solution ({expected.get('note', 'no detail')})",
                              _REGENERATE)
        recorded = grading.cells[check.index].metadata.get(EXPECTED_FOR)
        if recorded is not None and recorded != check_fingerprint(grading, check.index):
            raise GraderError(f"the stored expected output of check {check.index} ({check.exercise}) was made "
                              f"for another version of the check or of its setup", _REGENERATE)
        if str(expected["check"]) not in check.source:
            raise GraderError(f"the stored expected output of check {check.index} ({check.exercise}) was made "
                              f"for another version of the check", _REGENERATE)


_REGENERATE = "regenerate the reference outputs with `make regrade-reference`"
EXPECTED_FOR = "expected_for"   # cell metadata: the fingerprint of the setup and source its output was made for


def check_fingerprint(grading: nbformat.NotebookNode, index: int) -> str:
    """A hash of everything a check's expected output depends on in the grading notebook: the
    setup cells and the check's own source."""
    text = "\0".join([*setup_sources(grading), grading.cells[index].source])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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
            if record.get("raised"):
                outcome.raised[meta["autograder_cell"]] = record["raised"]
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
