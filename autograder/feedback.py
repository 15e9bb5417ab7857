"""Scores and feedback: from check verdicts to what a student reads.

Both the terminal grader and the inline ``check()`` end here, so a student sees the same
words in either place. Feedback avoids cascades: an unimplemented exercise gets one line, an
exercise whose cell does not run gets one line, and an exercise that calls another one which
fails gets "fix X first" instead of a wall of failures.
"""
from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from autograder.compare import Verdict, fingerprint_matches, judge
from autograder.notebooks import Check

NOT_IMPLEMENTED = "not implemented yet"
WIDTH = 96                   # hints are wrapped to fit a terminal
DETAILED = 2                 # failures shown with input, expected and actual; the rest by title
DETAILED_WHEN_EXPLAINED = 1  # once a catalogued mistake explains them, one example is enough


@dataclass
class ExerciseResult:
    name: str
    score: int
    max_score: int
    summary: str = ""
    mistakes: list[str] = field(default_factory=list)
    failures: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.score == self.max_score

    def feedback(self) -> str:
        if self.passed:
            return "all checks pass" + "".join(f"\n  note: {n}" for n in self.notes)
        lines = [self.summary] if self.summary else []
        lines += [textwrap.fill(f"likely mistake: {hint}", WIDTH, subsequent_indent="  ") for hint in self.mistakes]
        detailed = DETAILED_WHEN_EXPLAINED if self.mistakes else DETAILED
        for verdict in self.failures[:detailed]:
            lines.append(f"failed: {verdict.title}")
            lines += _details(verdict)
        lines += [f"also failed: {verdict.title}" for verdict in self.failures[detailed:]]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _short(result, limit: int = 8) -> str:
    if not isinstance(result, dict):
        return str(result)
    if "raised" in result:
        return f"raised {result['raised']}: {result['message']}"
    if "missing" in result:
        return f"{result['missing']} is not defined"
    if "values" in result:
        values = result["values"]
        shown = ", ".join(str(v) for v in values[:limit]) + (", ..." if len(values) > limit else "")
        head = f"{result.get('dtype', result.get('type'))} {tuple(result.get('shape', []))}"
        extra = f" with warnings {result['warnings']}" if result.get("warnings") else ""
        return f"{head} [{shown}]{extra}"
    if "items" in result:
        return f"{result['type']} of " + "; ".join(_short(item, 4) for item in result["items"])
    if "entries" in result:
        return "dict with " + "; ".join(f"{k}: {_short(v, 4)}" for k, v in result["entries"].items())
    return ", ".join(f"{k}={v}" for k, v in result.items())


def _details(verdict: Verdict) -> list[str]:
    lines = [f"    call:     {verdict.call}"]
    lines += [f"    {key + ':':<9} {_short(value)}" for key, value in verdict.inputs.items()]
    lines += [f"    expected: {_short(verdict.expected)}",
              f"    actual:   {_short(verdict.actual)}",
              f"    problem:  {verdict.problem}"]
    lines += [f"    measured: {note}" for note in verdict.notes]
    return lines


def _load_summary(name: str, status: dict | None) -> str | None:
    if status is None or status.get("status") == "ok":
        return None
    kind = status["status"]
    if kind == "syntax error":
        return f"your cell for {name} has a syntax error at {status['message']}: fix it first; nothing in it could run"
    if kind == "killed":
        return f"your code for {name} {status['message']}; the other exercises were graded without it"
    if kind == "missing":
        return f"{name}: {status['message']}"
    return f"your cell for {name} does not run ({status['message']}): fix it first"


def grade(checks: list[Check], actual: dict[int, str | None], loads: dict[str, dict],
          hints: dict[str, str]) -> list[ExerciseResult]:
    """Score every exercise from its checks' outputs, in the grading notebook's order."""
    by_exercise: dict[str, list[tuple[Check, Verdict]]] = {}
    for check in checks:
        by_exercise.setdefault(check.exercise, []).append((check, judge(check.expected, actual.get(check.index))))
    results = {}
    for name, pairs in by_exercise.items():
        failed = [(c, v) for c, v in pairs if not v.passed]
        result = ExerciseResult(name, sum(c.points for c, v in pairs if v.passed), sum(c.points for c, _ in pairs))
        status = loads.get(name) or {}
        if status.get("tampered"):
            result.notes.append(f"your code replaced {', '.join(status['tampered'])}; the grader put "
                                f"the original back before checking")
        results[name] = result
        if not failed:
            continue
        result.summary = _load_summary(name, loads.get(name)) or ""
        if not result.summary and all(v.problem == NOT_IMPLEMENTED for _, v in failed):
            result.summary = f"{NOT_IMPLEMENTED}: replace `raise NotImplementedError` in {name} with your code"
        if result.summary:
            continue
        result.mistakes = [hints[m] for m in _explaining_mistakes(failed) if m in hints]
        result.failures = [v for _, v in failed]
        problems = {v.problem for v in result.failures}
        first = result.failures[0].actual
        if len(result.failures) > 1 and len(problems) == 1 and isinstance(first, dict) and "raised" in first:
            result.summary = f"every failing check stops the same way ({problems.pop()}); the first one:"
            result.failures = result.failures[:1]
    for name, result in results.items():
        broken = [dep for dep in (loads.get(name) or {}).get("calls", [])
                  if dep != name and dep in results and not results[dep].passed]
        if broken and not result.passed and not _load_summary(name, loads.get(name)):
            result.summary = (f"{name} calls {', '.join(broken)}, which does not pass its own checks yet: "
                              f"fix {broken[0]} first")
            result.failures, result.mistakes = [], []
    return list(results.values())


def _explaining_mistakes(failed: list[tuple[Check, Verdict]]) -> list[str]:
    """Catalogued mistakes whose fingerprint matches the student's output on every failed check."""
    candidates = set.intersection(*(set(c.fingerprints) for c, _ in failed))
    return sorted(m for m in candidates
                  if all(fingerprint_matches(c.fingerprints[m], v.actual_text) for c, v in failed))


def total(results: list[ExerciseResult]) -> tuple[int, int]:
    return sum(r.score for r in results), sum(r.max_score for r in results)


def table(title: str, results: list[ExerciseResult], elapsed: float | None = None) -> str:
    width = max([len(r.name) for r in results] + [8])
    lines = [title, f"  {'exercise':<{width}}  points  result"]
    for r in results:
        lines.append(f"  {r.name:<{width}}  {f'{r.score}/{r.max_score}':>6}  {'pass' if r.passed else 'FAIL'}")
    score, best = total(results)
    lines.append(f"  {'total':<{width}}  {f'{score}/{best}':>6}")
    for r in results:
        lines += ["", f"{r.name}: {r.score}/{r.max_score}"] + ["  " + s for s in r.feedback().splitlines()]
    if elapsed is not None:
        lines += ["", f"graded in {elapsed:.1f} s"]
    return "\n".join(lines)


def write_json(path: Path, notebook: str, results: list[ExerciseResult]) -> None:
    score, best = total(results)
    report = {"notebook": notebook, "score": score, "max_score": best,
              "exercises": [{"name": r.name, "score": r.score, "max_score": r.max_score,
                             "passed": r.passed, "feedback": r.feedback()} for r in results]}
    Path(path).write_text(json.dumps(report, indent=2) + "\n")
