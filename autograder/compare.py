"""Compare a check's actual output with the expected one, and say in one sentence what differs.

nbval compares outputs as exact text. Canonical rounding (:mod:`autograder.canonical`) makes
exact text the usual case for a correct answer, but a value that sits on a rounding boundary
can still print one digit apart; this module decides such cases with the tolerance policy of
:mod:`autograder.results`, and for a real failure names what differs: the type, length, dict
entries, dtype or shape, an exception, a warning, a probe's measurement, or the worst element of
an array with its input, expected and actual value. Both sides are read into the typed results
of :mod:`autograder.results` first, so any structure at all gets a sentence, never a crash.
"""
from __future__ import annotations

import math
import re

from autograder.canonical import parse
from autograder.results import (FLOAT32_AGREEMENT, Array, Failure, FailureKind, Flag, Kind, Mapping, Number,
                                Outcome, PARTS, Sequence, Unreadable, Verdict, close, is_number, read_result,
                                read_value, tolerance_for)

_FAILURE_KINDS = {FailureKind.MISSING: Kind.MISSING, FailureKind.NOT_IMPLEMENTED: Kind.NOT_IMPLEMENTED,
                  FailureKind.RAISED: Kind.RAISED, FailureKind.TIMEOUT: Kind.TIMEOUT, FailureKind.EXIT: Kind.EXIT}


def _index_text(flat: int, shape: tuple) -> str:
    if not shape:
        return "()"
    index = []
    for size in reversed(shape):
        index.append(flat % size if size else 0)
        flat = flat // size if size else 0
    return "[" + ", ".join(str(i) for i in reversed(index)) + "]"


def _error(expected, actual) -> float:
    if not (is_number(expected) and is_number(actual)):
        return 0.0 if expected == actual else math.inf
    e, a = float(expected), float(actual)
    if math.isnan(e) and math.isnan(a):
        return 0.0
    if math.isnan(e) or math.isnan(a) or math.isinf(e) or math.isinf(a):
        return 0.0 if e == a else math.inf
    return abs(a - e)


def _values_difference(expected: Array, actual: Array, inputs: dict) -> tuple[Kind, dict] | None:
    tolerance = tolerance_for(expected.dtype)
    pairs = list(zip(expected.values, actual.values))
    wrong = [i for i, (e, a) in enumerate(pairs) if not close(e, a, tolerance)]
    if not wrong:
        return None
    errors = [_error(e, a) for e, a in pairs]
    worst = max(wrong, key=errors.__getitem__)
    index = _index_text(worst, expected.shape or ())
    fields = {"index": index, "expected": pairs[worst][0], "actual": pairs[worst][1]}
    if expected.dtype == "float64" and all(close(e, a, FLOAT32_AGREEMENT) for e, a in pairs):
        return Kind.FLOAT32_ROUNDING, fields
    at = ""
    x = inputs.get("input x")
    if isinstance(x, Array) and x.shape == expected.shape and x.values is not None and worst < len(x.values):
        at = f" (input x{index if expected.shape else ''} = {x.values[worst]})"
    return Kind.WRONG_VALUES, {**fields, "wrong": len(wrong), "count": len(pairs), "at": at,
                               "error": f"{errors[worst]:.3g}"}


def _family(value) -> str:
    """Lists and tuples are one family: an answer may return either where a sequence is due."""
    return "sequence" if isinstance(value, Sequence) else type(value).__name__


def value_difference(expected, actual, inputs: dict) -> tuple[Kind, dict, str] | None:
    """How a described value differs from the expected one: (kind, fields, where), or None if alike.

    ``where`` names the item or entry of a nested result ("item 1 of the returned tuple: ").
    """
    if _family(expected) != _family(actual):
        return Kind.WRONG_TYPE, {"actual": actual.text(), "expected": expected.text()}, ""
    if isinstance(expected, Sequence):
        if expected.length != actual.length:
            return Kind.WRONG_LENGTH, {"actual": actual.length, "expected": expected.length}, ""
        for position, (e, a) in enumerate(zip(expected.items or (), actual.items or ())):
            found = value_difference(e, a, {})
            if found:
                kind, fields, where = found
                return kind, fields, f"item {position} of the returned {expected.type}: {where}"
        return None
    if isinstance(expected, Mapping):
        for key in expected.entries:
            if key not in actual.entries:
                return Kind.MISSING_ENTRY, {"key": key}, ""
        for key, e in expected.entries.items():
            found = value_difference(e, actual.entries[key], {})
            if found:
                kind, fields, where = found
                return kind, fields, f"entry {key!r}: {where}"
        extra = [key for key in actual.entries if key not in expected.entries]
        if extra:
            return Kind.EXTRA_ENTRY, {"key": extra[0], "keys": ", ".join(map(repr, expected.entries))}, ""
        return None
    if isinstance(expected, Array):
        return _array_difference(expected, actual, inputs)
    if isinstance(expected, Number):
        if expected.type != actual.type:
            return Kind.WRONG_TYPE, {"actual": actual.text(), "expected": expected.text()}, ""
        if not close(expected.value, actual.value, tolerance_for(None)):
            return Kind.WRONG_NUMBER, {"actual": actual.value, "expected": expected.value}, ""
        return None
    if expected != actual:
        return Kind.WRONG_TYPE, {"actual": actual.text(), "expected": expected.text()}, ""
    return None


def _array_difference(expected: Array, actual: Array, inputs: dict) -> tuple[Kind, dict, str] | None:
    if expected.dtype != actual.dtype:
        if (expected.dtype == "float64" and actual.dtype == "float32" and expected.shape == actual.shape
                and expected.values is not None and actual.values is not None
                and all(close(e, a, FLOAT32_AGREEMENT) for e, a in zip(expected.values, actual.values))):
            return Kind.FLOAT32_DTYPE, {}, ""
        same_as_input = any(isinstance(x, Array) and x.dtype == expected.dtype for x in inputs.values())
        return Kind.WRONG_DTYPE, {"actual": actual.dtype, "expected": expected.dtype,
                                  "why": " (the input's dtype)" if same_as_input else ""}, ""
    if expected.shape != actual.shape:
        return Kind.WRONG_SHAPE, {"actual": actual.shape, "expected": expected.shape}, ""
    if expected.values is None and actual.values is None:
        return None
    if expected.values is None or actual.values is None or len(expected.values) != len(actual.values):
        return Kind.DIFFERENT, {"expected": expected.text(), "actual": actual.text()}, ""
    found = _values_difference(expected, actual, inputs)
    return (found[0], found[1], "") if found else None


def _same(expected, actual) -> bool:
    """Measured values alike: numbers within the float64 tolerance, containers item by item."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(_same(expected[k], actual[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(_same(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if is_number(expected) and is_number(actual):
        return close(expected, actual, tolerance_for(None))
    return expected == actual


def _listed(value) -> str:
    if isinstance(value, dict):
        value = [key for key, item in value.items() if item is not True] or list(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value)


def _plain(value) -> str:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], list):   # [dtype, shape]
        return f"{value[0]} of shape {tuple(value[1])}"
    return str(value)


def _changes(expected, actual) -> str:
    """How a measured dict differs from the expected one, key by key, in words."""
    if not (isinstance(expected, dict) and isinstance(actual, dict)):
        return f"got {_plain(actual)}"
    parts = [f"no {key}" for key in expected if key not in actual]
    parts += [f"an extra {key}" for key in actual if key not in expected]
    parts += [f"{key} is {_plain(actual[key])}, expected {_plain(expected[key])}"
              for key in expected if key in actual and not _same(expected[key], actual[key])]
    return "; ".join(parts) or "they differ"


def called_functions(call: str) -> list[str]:
    """The functions a check's call text calls, in order (``forward``, then ``backward``)."""
    return re.findall(r"([A-Za-z_]\w*)\(", call)


def _flag_sentence(key: str, expected, actual: Outcome, call: str, notes: list) -> str:
    flag = Flag.of(key)
    value = actual.flags.get(key)
    if flag is None:
        return f"the measurement {key!r} is {value!r}; expected {expected!r}"
    called = called_functions(call) or ["the function"]
    disagreeing = actual.flags.get(Flag.DISAGREEING.key)
    fields = {"value": value, "expected": expected, "listed": _listed(value),
              "returned": actual.value.text() if actual.value is not None else "something else",
              "for_listed": f" for {_listed(disagreeing)}" if isinstance(disagreeing, list) and disagreeing else "",
              "function": called[0], "last": called[-1], "key": key, "changes": _changes(expected, value),
              "ratios": ", ".join(f"{k} {v}" for k, v in value.items() if v is not True) if isinstance(value, dict)
              else str(value)}
    sentence = flag.sentence.format(**fields)
    if flag is Flag.VECTORISED:
        how = next((n.split("; ")[0] for n in notes if "once per element" in n), "")
        sentence += f" ({how})" if how else " (about as slow as a per-element Python loop)"
    return sentence


def _priority(key: str) -> int:
    flag = Flag.of(key)
    return list(Flag).index(flag) if flag is not None else len(Flag)


def conclude(expected, actual, inputs: dict | None = None, call: str = "", notes: list | None = None
             ) -> tuple[Kind, str]:
    """The verdict kind and the sentence for ``actual`` against ``expected`` (typed results)."""
    inputs, notes = inputs or {}, notes or []
    if isinstance(actual, Failure):
        if isinstance(expected, Failure) and expected == actual:
            return Kind.PASSED, ""
        kind = _FAILURE_KINDS[actual.kind]
        return kind, kind.sentence(name=actual.message, exception=actual.exception, message=actual.message)
    if isinstance(actual, Unreadable):
        return Kind.UNREADABLE, Kind.UNREADABLE.sentence(text=actual.text[:80])
    if isinstance(expected, Failure):
        return Kind.DIFFERENT, Kind.DIFFERENT.sentence(expected=f"{expected.exception or 'a failure'}",
                                                       actual=_outcome_text(actual))
    if not isinstance(expected, Outcome):
        return Kind.REFERENCE_MISMATCH, Kind.REFERENCE_MISMATCH.sentence()
    if actual.tampered != expected.tampered:
        return Kind.FLAG, Flag.TAMPERED.sentence.format(listed=_listed(list(actual.tampered)))
    unasked = [key for key in actual.flags if key not in expected.flags]
    broken = sorted((key for key in unasked if not actual.flags[key]), key=_priority)
    if broken:   # a contract the reference meets without saying so: (out, cache), a numeric array, ...
        return Kind.FLAG, _flag_sentence(broken[0], None, actual, call, notes)
    if unasked:
        return Kind.DIFFERENT, Kind.DIFFERENT.sentence(expected=_outcome_text(expected), actual=_outcome_text(actual))
    ordered = sorted(expected.flags, key=_priority)
    for key in ordered:
        if key not in actual.flags:
            return Kind.DIFFERENT, Kind.DIFFERENT.sentence(expected=f"a measurement {key!r}",
                                                           actual=_outcome_text(actual))
        if not _same(expected.flags[key], actual.flags[key]):
            return Kind.FLAG, _flag_sentence(key, expected.flags[key], actual, call, notes)
    differences = []
    if expected.value is not None or actual.value is not None:
        if expected.value is None or actual.value is None:
            return Kind.DIFFERENT, Kind.DIFFERENT.sentence(expected=_outcome_text(expected),
                                                           actual=_outcome_text(actual))
        differences.append(("", value_difference(expected.value, actual.value, inputs)))
    for part, label in PARTS.items():
        e, a = expected.parts.get(part), actual.parts.get(part)
        if e is not None or a is not None:
            if e is None or a is None:
                return Kind.DIFFERENT, Kind.DIFFERENT.sentence(expected=_outcome_text(expected),
                                                               actual=_outcome_text(actual))
            differences.append((f"{label}: ", value_difference(e, a, inputs)))
    found = [(label, d) for label, d in differences if d is not None]
    new_warnings = [w for w in actual.warnings if w not in expected.warnings]
    if new_warnings and all(d[0] in (Kind.WRONG_VALUES, Kind.FLOAT32_ROUNDING) for _, d in found):
        return Kind.UNSTABLE, Kind.UNSTABLE.sentence(warnings="; ".join(new_warnings))
    if found:
        label, (kind, fields, where) = found[0]
        return kind, label + where + kind.sentence(**fields)
    if actual.warnings != expected.warnings:
        return Kind.DIFFERENT, Kind.DIFFERENT.sentence(expected=f"warnings {list(expected.warnings) or 'none'}",
                                                       actual=f"warnings {list(actual.warnings) or 'none'}")
    return Kind.PASSED, ""


def _outcome_text(outcome: Outcome) -> str:
    if outcome.value is not None:
        return outcome.value.text()
    return ", ".join(f"{k}={v}" for k, v in outcome.flags.items()) or "nothing"


def results_match(expected, actual) -> bool:
    """Whether two canonical ``result:`` values agree (numbers within the dtype's tolerance)."""
    return conclude(read_result(expected), read_result(actual))[0] is Kind.PASSED


def judge(expected_text: str, actual_text: str | None) -> Verdict:
    """Compare one check's output with the instructor's stored output."""
    expected = parse(expected_text or "")
    verdict = Verdict(passed=False, title=str(expected.get("check", "")), call=str(expected.get("call", "")),
                      inputs={k: read_value(v) if isinstance(v, dict) else v
                              for k, v in expected.items() if k.startswith("input ")},
                      expected=read_result(expected["result"]) if "result" in expected else None,
                      actual_text=actual_text)
    if verdict.expected is None:
        verdict.kind, verdict.problem = Kind.REFERENCE_MISMATCH, Kind.REFERENCE_MISMATCH.sentence()
        return verdict
    if not actual_text:
        verdict.kind, verdict.problem = Kind.NO_OUTPUT, Kind.NO_OUTPUT.sentence()
        return verdict
    actual = parse(actual_text)
    verdict.actual = read_result(actual.get("result"))
    verdict.notes = [str(actual["note"])] if "note" in actual else []
    verdict.kind, verdict.problem = conclude(verdict.expected, verdict.actual, verdict.inputs, verdict.call,
                                             verdict.notes)
    verdict.passed = verdict.kind is Kind.PASSED
    return verdict


def fingerprint_matches(fingerprint_text: str, actual_text: str | None) -> bool:
    """Whether a student's output equals a catalogued mistake's output for the same check."""
    if not actual_text:
        return False
    return judge(fingerprint_text, actual_text).passed
