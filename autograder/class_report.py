"""What a class got wrong: pass rates per exercise and per check, and the mistakes recognised.

Written from the graded submissions' reports (see :mod:`autograder.batch`): a Markdown page
and, beside it, a plot of the pass rate of every exercise. An instructor reads it to see which
idea to teach again: a check most of the class fails, or a catalogued mistake many students
make, names it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen first: no display needed)

SHOWN_CHECKS = 10   # the checks with the lowest pass rates, per chapter


def _graded(reports: list[dict]) -> list[dict]:
    return [r for r in reports if r.get("status") == "graded"]


def exercise_pass_rates(reports: list[dict]) -> dict[tuple[str, str], tuple[int, int]]:
    """``(chapter, exercise) -> (passed, attempted)`` over graded submissions."""
    rates: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in _graded(reports):
        for e in r.get("exercises", []):
            rate = rates[(r["chapter"], e["name"])]
            rate[0] += bool(e.get("passed"))
            rate[1] += 1
    return {key: (p, n) for key, (p, n) in rates.items()}


def check_pass_rates(reports: list[dict]) -> dict[tuple[str, str, str], tuple[int, int]]:
    """``(chapter, exercise, check title) -> (passed, attempted)``."""
    rates: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in _graded(reports):
        for e in r.get("exercises", []):
            for c in e.get("checks", []):
                rate = rates[(r["chapter"], e["name"], c["title"])]
                rate[0] += bool(c.get("passed"))
                rate[1] += 1
    return {key: (p, n) for key, (p, n) in rates.items()}


def mistakes_recognised(reports: list[dict]) -> Counter:
    """``(chapter, exercise, hint) -> number of submissions`` in which the mistake was recognised."""
    found: Counter = Counter()
    for r in _graded(reports):
        for e in r.get("exercises", []):
            for hint in e.get("mistakes", []):
                found[(r["chapter"], e["name"], hint)] += 1
    return found


def _plot(path: Path, rates: dict[tuple[str, str], tuple[int, int]]) -> None:
    labels = [f"{chapter}: {exercise}" for chapter, exercise in rates]
    values = [100 * p / n for p, n in rates.values()]
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(labels) + 1.2))
    axes.barh(labels[::-1], values[::-1], color="tab:blue")
    axes.set_xlim(0, 100)
    axes.set_xlabel("submissions that pass every check of the exercise (%)")
    axes.set_title("Pass rate per exercise")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write(path: Path, reports: list[dict]) -> None:
    """Write the Markdown report to ``path`` and its plot beside it (``<stem>.png``)."""
    graded = _graded(reports)
    lines = ["# Class report", ""]
    statuses = Counter(r.get("status") for r in reports)
    lines += [f"{len(reports)} submissions: " + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) + ".", ""]
    if not graded:
        path.write_text("\n".join(lines + ["No submission could be graded, so there is nothing to report yet.", ""]))
        return
    exercises = exercise_pass_rates(reports)
    picture = path.with_suffix(".png")
    _plot(picture, exercises)
    lines += [f"![Pass rate per exercise]({picture.name})", "", "## Exercises", "",
              "| chapter | exercise | passed | pass rate |", "| --- | --- | --- | --- |"]
    lines += [f"| {c} | {e} | {p}/{n} | {p / n:.0%} |" for (c, e), (p, n) in exercises.items()]
    checks = check_pass_rates(reports)
    lines += ["", f"## The checks most often failed (up to {SHOWN_CHECKS} per chapter)", "",
              "| chapter | exercise | check | passed | pass rate |", "| --- | --- | --- | --- | --- |"]
    for chapter in dict.fromkeys(c for c, _, _ in checks):
        worst = sorted(((k, v) for k, v in checks.items() if k[0] == chapter), key=lambda kv: kv[1][0] / kv[1][1])
        lines += [f"| {c} | {e} | {t} | {p}/{n} | {p / n:.0%} |" for (c, e, t), (p, n) in worst[:SHOWN_CHECKS]
                  if p < n]
    mistakes = mistakes_recognised(reports)
    lines += ["", "## Mistakes the grader recognised", ""]
    if mistakes:
        lines += ["| chapter | exercise | submissions | the mistake, as the students were told |", "| --- | --- | --- | --- |"]
        lines += [f"| {c} | {e} | {n} | {hint} |" for (c, e, hint), n in mistakes.most_common()]
    else:
        lines.append("None: no failing answer matched a catalogued mistake.")
    path.write_text("\n".join(lines) + "\n")
