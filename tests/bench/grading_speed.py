"""How long does grading one chapter take, end to end? A benchmark, not a test.

Usage (from the repository root)::

    make bench                                   # activations_speed.py, then this script
    .venv/bin/python tests/bench/grading_speed.py [--repeats 3] [--chapters leaky_relu] [--out _build/bench]

For every chapter with a grading notebook (``autograder/grading/<chapter>.ipynb``) and a
solution notebook, it runs the README's command ``python -m autograder
solutions/<chapter>.ipynb`` in a fresh process ``--repeats`` times and reports the median
wall time of the whole process (interpreter and kernel start included) next to the time the
CLI prints itself ("graded in X s"), against the target of 5 s per chapter. Writes
``<out>/grading_speed.json``. On a shared machine the numbers are noisy; the median damps
that but does not remove it. A run that does not score full marks is reported, not timed
as a success.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GRADING = REPO_ROOT / "autograder" / "grading"
SOLUTIONS = REPO_ROOT / "solutions"
DEFAULT_OUT = REPO_ROOT / "_build" / "bench"
DEFAULT_REPEATS = 3
TARGET_SECONDS = 5.0
CLI_ELAPSED = re.compile(r"^graded in ([0-9.]+) s$", re.MULTILINE)


def gradable_chapters() -> list[str]:
    """Chapters that have both a grading notebook and a solution notebook."""
    return sorted(p.stem for p in GRADING.glob("*.ipynb") if (SOLUTIONS / p.name).is_file())


def grade_once(chapter: str) -> dict:
    """One end-to-end run of the grader CLI on the chapter's solution notebook."""
    command = [sys.executable, "-m", "autograder", f"solutions/{chapter}.ipynb"]
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    printed = CLI_ELAPSED.search(proc.stdout)
    return {"wall_s": wall, "cli_s": float(printed.group(1)) if printed else None,
            "returncode": proc.returncode, "output_tail": (proc.stdout + proc.stderr)[-2000:]}


def bench_chapter(chapter: str, repeats: int) -> dict:
    runs = [grade_once(chapter) for _ in range(repeats)]
    full_marks = all(r["returncode"] == 0 for r in runs)
    cli = [r["cli_s"] for r in runs if r["cli_s"] is not None]
    wall = statistics.median(r["wall_s"] for r in runs)
    return {"chapter": chapter, "runs": runs, "full_marks": full_marks,
            "wall_median_s": wall, "cli_median_s": statistics.median(cli) if cli else None,
            "target_s": TARGET_SECONDS, "target_met": full_marks and wall <= TARGET_SECONDS}


def report_lines(results: list[dict], repeats: int, load: float) -> list[str]:
    lines = [f"Grading speed: `python -m autograder solutions/<chapter>.ipynb`, median of {repeats} "
             f"runs, wall time of the whole process (kernel start included); target <= "
             f"{TARGET_SECONDS:g} s; 1-min load average at start {load:.2f} (shared machine)"]
    if not results:
        lines.append("  no chapter has both autograder/grading/<chapter>.ipynb and solutions/<chapter>.ipynb")
    width = max([len(r["chapter"]) for r in results], default=0)
    for r in results:
        cli = f"{r['cli_median_s']:.2f} s" if r["cli_median_s"] is not None else "not printed"
        if not r["full_marks"]:
            verdict = "NOT GRADED CLEANLY: the solution did not score full marks (exit code "
            verdict += ", ".join(str(run["returncode"]) for run in r["runs"]) + ")"
        else:
            verdict = "target met" if r["target_met"] else f"MISSES the {TARGET_SECONDS:g} s target"
        lines.append(f"  {r['chapter']:<{width}}  wall {r['wall_median_s']:5.2f} s   CLI says {cli:>11}   {verdict}")
    return lines


def main(repeats: int = DEFAULT_REPEATS, chapters=None, out_dir: Path = DEFAULT_OUT) -> dict:
    """Time every (or the given) chapter's grading, print the lines, write the JSON; return it."""
    chapters = list(chapters) if chapters else gradable_chapters()
    load = os.getloadavg()[0]
    results = [bench_chapter(c, repeats) for c in chapters]
    report = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
              "cpu_count": os.cpu_count(), "load_average_at_start": load, "repeats": repeats, "target_s": TARGET_SECONDS,
              "chapters": results}
    print("\n".join(report_lines(results, repeats, load)))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "grading_speed.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {path}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--chapters", nargs="+", help="chapter names (default: every gradable chapter)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory for the JSON")
    args = parser.parse_args()
    main(args.repeats, args.chapters, args.out)
