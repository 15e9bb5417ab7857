"""``python -m autograder NOTEBOOK|FOLDER [--json PATH]`` and ``python -m autograder batch ...``.

* A notebook: grade it, print a table of points per exercise and feedback for every failure.
  The chapter comes from the notebook's metadata (so copies and renamed files grade like the
  original), or from its file name for a notebook made without it.
* A folder (e.g. ``chapters/``): grade every chapter notebook in it and print the course
  progress table (points, exercises done, the next exercise to do, the course total).
* ``batch SUBMISSIONS/ --gradebook grades.csv [--jobs N]``: an instructor's whole class (see
  :mod:`autograder.batch`).

Exit codes: 0 full marks, 1 points missing, 2 nothing graded: either it cannot be (no such
file, not a notebook, no chapter: "cannot grade: ..."), or the grading machinery failed rather
than the student's code (pytest or nbval missing, reference outputs missing or stale, the kernel
not starting, a crash inside the grader: "grading failed: ..."; the JSON report then has
``"status": "grader-error"`` and no score). Notebooks are only read, never written.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.engine import Status, grade_notebook


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["batch"]:
        from autograder import batch   # only instructors need it (and it loads matplotlib)
        return batch.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, help="a chapter notebook (chapters/leaky_relu.ipynb) or a folder of them")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the report as JSON to PATH")
    args = parser.parse_args(argv)
    if args.notebook.is_dir():
        from autograder import progress
        return progress.main(args.notebook, args.json)
    report = grade_notebook(args.notebook)
    if report.status is Status.GRADED:
        print(report.text())
    else:
        print(report.text(), file=sys.stderr)
    if args.json and report.status in (Status.GRADED, Status.GRADER_ERROR):
        report.write_json(args.json)
    if report.status is not Status.GRADED:
        return 2
    return 0 if report.full_marks else 1


if __name__ == "__main__":
    sys.exit(main())
