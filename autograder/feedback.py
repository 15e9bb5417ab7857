"""Scores and feedback: from check verdicts to what a student reads.

Both the terminal grader and the inline ``check()`` end here, so a student sees the same
words in either place. Feedback avoids cascades: an unimplemented exercise gets one line, an
exercise whose cell does not run gets one line, and an exercise that calls another one which
fails is told to fix that one first, above its own failures (which may have causes of their own).
A catalogued mistake's hint is shown only when that mistake explains the student's results: it
fails exactly the checks the student failed, printing what the student printed, and the code it
names is in the student's cell.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from autograder.compare import fingerprint_matches, judge
from autograder.notebooks import Check
from autograder.results import (Array, Failure, GraderError, Kind, Mapping, NoneValue, Number, Other, Outcome,
                                Sequence, Unreadable, Verdict)

NOT_IMPLEMENTED = "not implemented yet"
WIDTH = 96                   # hints are wrapped to fit a terminal
DETAILED = 2                 # failures shown with input, expected and actual; the rest by title
DETAILED_WHEN_EXPLAINED = 1  # once a catalogued mistake explains them, one example is enough


@dataclass(frozen=True)
class CheckOutcome:
    """One check of an exercise as a gradebook records it: its title, points and whether it passed."""

    title: str
    points: int
    passed: bool


@dataclass
class ExerciseResult:
    name: str
    score: int
    max_score: int
    summary: str = ""
    dependency: str = ""
    mistakes: list[str] = field(default_factory=list)
    failures: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checks: list[CheckOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.score == self.max_score

    def feedback(self) -> str:
        if self.passed:
            return "all checks pass" + "".join(f"\n  note: {n}" for n in self.notes)
        lines = [line for line in (self.summary, self.dependency) if line]
        lines += [textwrap.fill(f"likely mistake: {hint}", WIDTH, subsequent_indent="  ") for hint in self.mistakes]
        detailed = DETAILED_WHEN_EXPLAINED if self.mistakes else DETAILED
        for verdict in self.failures[:detailed]:
            lines.append(f"failed: {verdict.title}")
            lines += _details(verdict)
        lines += [f"also failed: {verdict.title}" for verdict in self.failures[detailed:]]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _numbers(values, limit: int) -> str:
    return ", ".join(str(v) for v in values[:limit]) + (", ..." if len(values) > limit else "")


def short(result, limit: int = 8) -> str:
    """A one-line description of a typed result or value, for "expected:" and "actual:" lines."""
    if result is None:
        return "(nothing)"
    if isinstance(result, Failure):
        if result.exception:
            return f"raised {result.exception}: {result.message}"
        return f"{result.message} is not defined"
    if isinstance(result, Unreadable):
        return result.text[:200]
    if isinstance(result, Outcome):
        parts = [short(result.value, limit)] if result.value is not None else []
        parts += [f"{name}: {short(value, 4)}" for name, value in result.parts.items()]
        parts += [f"{key}={value}" for key, value in result.flags.items()]
        text = "; ".join(parts) or "(nothing)"
        return text + (f" with warnings {list(result.warnings)}" if result.warnings else "")
    if isinstance(result, Array):
        head = f"{result.dtype} {result.shape}" if result.dtype else "array"
        return f"{head} [{_numbers(result.values, limit)}]" if result.values is not None else head
    if isinstance(result, Number):
        return f"{result.type} {result.value}"
    if isinstance(result, Sequence):
        if result.items is None:
            return f"{result.type} of {result.length} items"
        return f"{result.type} of " + "; ".join(short(item, 4) for item in result.items)
    if isinstance(result, Mapping):
        return "dict with " + "; ".join(f"{k}: {short(v, 4)}" for k, v in result.entries.items())
    if isinstance(result, (NoneValue, Other)):
        return "None" if isinstance(result, NoneValue) else result.type
    return str(result)


def _details(verdict: Verdict) -> list[str]:
    lines = [f"    call:     {verdict.call}"]
    lines += [f"    {key + ':':<9} {short(value)}" for key, value in verdict.inputs.items()]
    lines += [f"    expected: {short(verdict.expected)}",
              f"    actual:   {short(verdict.actual)}",
              f"    problem:  {verdict.problem}"]
    lines += [f"    measured: {note}" for note in verdict.notes]
    return lines


def _load_summary(name: str, status: dict | None) -> str | None:
    if not isinstance(status, dict) or status.get("status") in ("ok", None):
        return None
    kind, message = status["status"], status.get("message", "")
    if kind == "syntax error":
        return f"your cell for {name} has a syntax error at {message}: fix it first; nothing in it could run"
    if kind == "killed":
        return f"your code for {name} {message}; the other exercises were graded without it"
    if kind == "missing":
        return f"{name}: {message}"
    return f"your cell for {name} does not run ({message}): fix it first"


@dataclass(frozen=True)
class Hint:
    """A catalogued mistake as feedback uses it: its name, its hint, and the code it needs to see."""

    name: str
    text: str
    requires: str | None = None


def _hints(catalogue) -> list[Hint]:
    """Hints from ``{name: hint}`` or from catalogued mistakes (with their optional ``requires``)."""
    if isinstance(catalogue, dict):
        return [Hint(name, text) for name, text in catalogue.items()]
    return [Hint(m.name, m.hint, getattr(m, "requires", None)) for m in catalogue]


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def grade(checks: list[Check], actual: dict[int, str | None], loads: dict[str, dict], hints,
          sources: dict[str, str | None] | None = None) -> list[ExerciseResult]:
    """Score every exercise from its checks' outputs, in the grading notebook's order.

    ``hints`` is ``{mistake name: hint}`` or the chapter's catalogued mistakes; ``sources`` holds
    each exercise's cell source, which a mistake's ``requires`` pattern must match for its hint
    to be shown (a hint that names code is never shown to a student who did not write it).
    """
    catalogue, sources = _hints(hints), sources or {}
    by_exercise: dict[str, list[tuple[Check, Verdict]]] = {}
    for check in checks:
        verdict = judge(check.expected, actual.get(check.index))
        if verdict.kind is Kind.REFERENCE_MISMATCH:
            raise GraderError(f"check {check.index} ({check.exercise}) has no stored expected result",
                              "regenerate the reference outputs with `make regrade-reference`")
        by_exercise.setdefault(check.exercise, []).append((check, verdict))
    results = {}
    for name, pairs in by_exercise.items():
        failed = [(c, v) for c, v in pairs if not v.passed]
        result = ExerciseResult(name, sum(c.points for c, v in pairs if v.passed), sum(c.points for c, _ in pairs),
                                checks=[CheckOutcome(v.title, c.points, v.passed) for c, v in pairs])
        status = loads.get(name) if isinstance(loads.get(name), dict) else {}
        if status.get("tampered"):
            result.notes.append(f"your code replaced {', '.join(status['tampered'])}; the grader put "
                                f"the original back before checking")
        results[name] = result
        if not failed:
            continue
        result.summary = _load_summary(name, status) or ""
        if not result.summary and all(v.kind is Kind.NOT_IMPLEMENTED for _, v in failed):
            result.summary = f"{NOT_IMPLEMENTED}: replace `raise NotImplementedError` in {name} with your code"
        if result.summary:
            continue
        result.mistakes = [h.text for h in explaining_mistakes(pairs, catalogue, sources.get(name))]
        result.failures = [v for _, v in failed]
        problems = {v.problem for v in result.failures}
        if len(result.failures) > 1 and len(problems) == 1:
            result.summary = f"every failing check stops the same way ({problems.pop()}); the first one:"
            result.failures = result.failures[:1]
    order = list(results)
    for name, result in results.items():
        status = loads.get(name) if isinstance(loads.get(name), dict) else {}
        calls = status.get("calls") or []
        broken = [dep for dep in order if dep != name and dep in calls and not results[dep].passed]
        if broken and not result.passed and not _load_summary(name, status) \
                and not result.summary.startswith(NOT_IMPLEMENTED):
            one = len(broken) == 1
            result.dependency = (f"{name} calls {_names(broken)}, which {'does' if one else 'do'} not pass "
                                 f"{'its' if one else 'their'} own checks yet: fix {broken[0]} first")
    return list(results.values())


def explaining_mistakes(pairs: list[tuple[Check, Verdict]], catalogue: list[Hint], source: str | None) -> list[Hint]:
    """The catalogued mistakes that explain an exercise's results.

    A mistake explains them when it fails exactly the checks the student failed (its
    fingerprints are stored for the checks it fails), prints what the student printed on each,
    and, if it has a ``requires`` pattern, the student's source matches it.
    """
    failed = {c.index for c, v in pairs if not v.passed}
    explaining = []
    for hint in catalogue:
        fails = {c.index for c, _ in pairs if hint.name in c.fingerprints}
        if not failed or fails != failed:
            continue
        if not all(fingerprint_matches(c.fingerprints[hint.name], v.actual_text) for c, v in pairs if not v.passed):
            continue
        if hint.requires and not (source and re.search(hint.requires, source)):
            continue
        explaining.append(hint)
    return explaining


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


def exercise_json(result: ExerciseResult) -> dict:
    """An exercise's entry in the JSON report: score, feedback, and per check whether it passed."""
    return {"name": result.name, "score": result.score, "max_score": result.max_score, "passed": result.passed,
            "feedback": result.feedback(), "mistakes": list(result.mistakes),
            "checks": [{"title": c.title, "points": c.points, "passed": c.passed} for c in result.checks]}
