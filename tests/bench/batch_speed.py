"""How many submissions a minute does batch grading manage, with 1 job and with N? A benchmark.

Usage (from the repository root)::

    make bench                                   # runs this after the other two benchmarks
    .venv/bin/python tests/bench/batch_speed.py [--submissions 20] [--jobs 2] [--chapter leaky_relu]

It generates ``--submissions`` student notebooks of one elementwise chapter (one in four
correct, the others with one or two exercises answered or left as stubs, seeded), grades the
same set with ``python -m autograder batch`` logic at 1 job and at ``--jobs`` jobs (each run on
an empty feedback folder, so nothing is reused from a cache), and reports submissions per minute
and the parallel efficiency (speed-up / jobs). Writes ``_build/bench/batch_speed.json``. The goal
on a 2-core machine is 60 submissions per minute for an elementwise chapter.
"""
from __future__ import annotations

import argparse
import copy
import datetime
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests"))

from submissions import solution_sources  # noqa: E402  (tests/ is not a package)

from autograder import batch  # noqa: E402
from autograder.notebooks import CHAPTERS, EXERCISE_TAG, read, tag_value  # noqa: E402

GOAL_PER_MINUTE = 60


def make_class(folder: Path, chapter: str, count: int, seed: int = 0) -> None:
    """``count`` students, one sub-folder each, with a mix of answered and stub exercises."""
    rng = random.Random(seed)
    answers = solution_sources(chapter)
    student = read(CHAPTERS / f"{chapter}.ipynb")
    for number in range(count):
        answered = set(answers) if number % 4 == 0 else {name for name in answers if rng.random() < 0.5}
        notebook = copy.deepcopy(student)
        for cell in notebook.cells:
            name = tag_value(cell, EXERCISE_TAG)
            if name in answered:
                cell.source = answers[name]
        (folder / f"student{number:02d}").mkdir(parents=True)
        nbformat.write(notebook, folder / f"student{number:02d}" / f"{chapter}.ipynb")


def timed_run(submissions: Path, jobs: int) -> float:
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as out:
        start = time.perf_counter()
        reports = batch.run(submissions, Path(out) / "grades.csv", jobs, progress=False)
        seconds = time.perf_counter() - start
    bad = [r for r in reports if r["status"] != batch.Status.GRADED]
    if bad:
        raise SystemExit(f"{len(bad)} submissions were not graded: {bad[0]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--chapter", default="leaky_relu")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "_build" / "bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-class-") as tmp:
        make_class(Path(tmp), args.chapter, args.submissions)
        serial = timed_run(Path(tmp), 1)
        parallel = timed_run(Path(tmp), args.jobs)
    rates = {1: args.submissions / serial * 60, args.jobs: args.submissions / parallel * 60}
    efficiency = serial / parallel / args.jobs
    print(f"batch grading of {args.submissions} {args.chapter} submissions on {os.cpu_count()} cores:")
    print(f"  1 job:  {serial:6.1f} s, {rates[1]:5.1f} submissions per minute")
    print(f"  {args.jobs} jobs: {parallel:6.1f} s, {rates[args.jobs]:5.1f} submissions per minute; "
          f"parallel efficiency {efficiency:.0%}")
    verdict = "meets" if rates[args.jobs] >= GOAL_PER_MINUTE else "misses"
    print(f"  {verdict} the goal of {GOAL_PER_MINUTE} submissions per minute")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "batch_speed.json").write_text(json.dumps({
        "date": datetime.date.today().isoformat(), "machine": platform.processor() or platform.machine(),
        "cores": os.cpu_count(), "chapter": args.chapter, "submissions": args.submissions,
        "seconds": {"1": serial, str(args.jobs): parallel}, "per_minute": {str(k): v for k, v in rates.items()},
        "parallel_efficiency": efficiency, "goal_per_minute": GOAL_PER_MINUTE}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
