"""``python -m autograder chapters/<chapter>.ipynb [--json PATH]``: grade a chapter notebook.

Prints a table of points per exercise and feedback for every failure; exits 0 only with full
marks (1 otherwise, 2 when the notebook cannot be graded at all). The notebook is only read.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autograder import feedback
from autograder.mistakes import hints
from autograder.notebooks import NotebookError, checks, grading_notebook_for, read
from autograder.runner import run_with_nbval


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, help="a chapter notebook, e.g. chapters/leaky_relu.ipynb")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the report as JSON to PATH")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        student = read(args.notebook)
        grading_path = grading_notebook_for(args.notebook)
        grading = read(grading_path)
    except NotebookError as error:
        print(f"cannot grade: {error}", file=sys.stderr)
        return 2
    outcome = run_with_nbval(student, grading)
    results = feedback.grade(checks(grading), outcome.actual, outcome.loads, hints(grading_path.stem))
    print(feedback.table(f"{args.notebook} (chapter {grading_path.stem})", results,
                         time.perf_counter() - start))
    if args.json:
        feedback.write_json(args.json, str(args.notebook), results)
    score, best = feedback.total(results)
    return 0 if score == best else 1


if __name__ == "__main__":
    sys.exit(main())
