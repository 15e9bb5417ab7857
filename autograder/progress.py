"""A student's progress over the whole course: every chapter notebook in a folder, graded.

``python -m autograder chapters/`` (``make grade`` without ``NB``) grades each notebook in the
folder with the same engine as a single notebook and prints one table: per chapter the points,
the exercises done out of the total and the next exercise to do, then the course total over
every graded chapter (a chapter without a notebook counts as not started). When a folder holds
several notebooks of one chapter (a copy, an older attempt), each gets a row and the best
counts toward the total.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from tqdm import tqdm

from autograder.engine import Report, Status, grade_notebook
from autograder.notebooks import ROOT
from autograder.spec import load, spec_names


@dataclass(frozen=True)
class ChapterRow:
    chapter: str
    notebook: str
    points: int
    max_points: int
    done: int
    exercises: int
    next_exercise: str
    status: str


def _row(chapter: str, report: Report | None) -> ChapterRow:
    spec = load(chapter)
    if report is None:
        return ChapterRow(chapter, "", 0, spec.points, 0, len(spec.exercises), spec.exercises[0].name, "not started")
    if report.status is not Status.GRADED:
        return ChapterRow(chapter, report.notebook, 0, spec.points, 0, len(spec.exercises), "",
                          report.status.value)
    todo = [r.name for r in report.results if not r.passed]
    return ChapterRow(chapter, report.notebook, report.score, report.max_score,
                      len(report.results) - len(todo), len(report.results), todo[0] if todo else "", "graded")


def notebooks_in(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def course_progress(folder: Path, progress: bool = True) -> tuple[list[ChapterRow], list[Report]]:
    """One row per chapter notebook found (and per chapter not started), in course order."""
    reports = [grade_notebook(path) for path in tqdm(notebooks_in(folder), desc="grading", unit="notebook",
                                                     disable=not progress, file=sys.stderr)]
    rows = []
    for chapter in spec_names_in_course_order():
        mine = [r for r in reports if r.chapter == chapter]
        rows += [_row(chapter, r) for r in mine] or [_row(chapter, None)]
    return rows, reports


def spec_names_in_course_order() -> list[str]:
    """Graded chapters in the order of the book's table of contents."""
    toc = (ROOT / "_toc.yml").read_text()
    order = [Path(str(entry)).stem for entry in _files(yaml.safe_load(toc))]
    graded = spec_names()
    return [c for c in order if c in graded] + [c for c in graded if c not in order]


def _files(node) -> list[str]:
    if isinstance(node, list):
        return [f for item in node for f in _files(item)]
    if isinstance(node, dict):
        return ([node["file"]] if "file" in node else []) + [f for key in ("parts", "chapters", "sections")
                                                              for f in _files(node.get(key))]
    return []


def totals(rows: list[ChapterRow]) -> tuple[int, int]:
    """The course total: each chapter's best notebook."""
    best: dict[str, ChapterRow] = {}
    for row in rows:
        if row.chapter not in best or row.points > best[row.chapter].points:
            best[row.chapter] = row
    return sum(r.points for r in best.values()), sum(r.max_points for r in best.values())


def table(rows: list[ChapterRow], unknown: list[Report]) -> str:
    width = max([len(r.chapter) for r in rows] + [7])
    lines = [f"  {'chapter':<{width}}  {'points':>7}  {'done':>5}  next exercise / status"]
    for r in rows:
        where = f"  ({Path(r.notebook).name})" if r.notebook and Path(r.notebook).stem != r.chapter else ""
        todo = r.next_exercise if r.status == "graded" else (f"{r.status}" + (f": start with {r.next_exercise}"
                                                                             if r.next_exercise else ""))
        lines.append(f"  {r.chapter:<{width}}  {f'{r.points}/{r.max_points}':>7}  {f'{r.done}/{r.exercises}':>5}  "
                     f"{todo or 'all done'}{where}")
    score, best = totals(rows)
    lines.append(f"  {'course':<{width}}  {f'{score}/{best}':>7}")
    for report in unknown:
        why = ("the grader failed on it" if report.status is Status.GRADER_ERROR
               else "not a notebook of a graded chapter")
        lines.append(f"  skipped {Path(report.notebook).name}: {why} (`python -m autograder {report.notebook}` says more)")
    return "\n".join(lines)


def main(folder: Path, json_path: Path | None) -> int:
    rows, reports = course_progress(folder)
    unknown = [r for r in reports if r.status in (Status.NOT_GRADABLE, Status.GRADER_ERROR)]
    print(f"{folder}: progress over the course")
    print(table(rows, unknown))
    if json_path:
        score, best = totals(rows)
        Path(json_path).write_text(json.dumps({
            "folder": str(folder), "score": score, "max_score": best,
            "chapters": [r.__dict__ for r in rows],
            "skipped": [{"notebook": r.notebook, "status": r.status.value, "error": r.error} for r in unknown],
        }, indent=2) + "\n")
    if any(r.status is Status.GRADER_ERROR for r in reports):
        return 2
    score, best = totals(rows)
    return 0 if score == best else 1
