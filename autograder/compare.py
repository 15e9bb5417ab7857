"""Compare a check's actual output with the expected one, with a numeric tolerance.

nbval compares outputs as exact text. Canonical rounding (:mod:`autograder.canonical`) makes
exact text the usual case for a correct answer, but a value that sits on a rounding boundary
can still print one digit apart; this module decides such cases with a tolerance, and for a
real failure says what differs: the type, dtype or shape, an exception, a warning, or the
worst element of an array with its input, expected and actual value.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from autograder.canonical import parse

# Tolerances are a few units of the printed precision (6 or 10 significant digits).
TOLERANCE = {"float32": (5e-5, 1e-6), "float16": (5e-2, 1e-3)}
DEFAULT_TOLERANCE = (1e-8, 1e-12)   # (relative, absolute), for float64 and Python floats


@dataclass
class Verdict:
    """The outcome of one check."""

    passed: bool
    title: str = ""
    call: str = ""
    inputs: dict = field(default_factory=dict)
    expected: object = None
    actual: object = None
    problem: str = ""
    notes: list = field(default_factory=list)
    actual_text: str | None = None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if value in ("nan", "inf", "-inf"):
        return float(value)
    return None


def _close(expected, actual, dtype: str) -> bool:
    e, a = _number(expected), _number(actual)
    if e is None or a is None:
        return expected == actual
    if math.isnan(e) or math.isnan(a) or math.isinf(e) or math.isinf(a):
        return (math.isnan(e) and math.isnan(a)) or e == a
    rtol, atol = TOLERANCE.get(dtype, DEFAULT_TOLERANCE)
    return abs(a - e) <= atol + rtol * abs(e)


def results_match(expected, actual) -> bool:
    """Equal, except that numbers in ``values`` may differ within the dtype's tolerance.

    Tuples, lists and dicts (``items``, ``entries``) are compared element by element.
    """
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(results_match(e, a) for e, a in zip(expected, actual))
    if not (isinstance(expected, dict) and isinstance(actual, dict)):
        return expected == actual
    if expected.keys() != actual.keys():
        return False
    dtype = str(expected.get("dtype", "float64"))
    for key, e in expected.items():
        a = actual[key]
        if key == "values":
            if not (isinstance(a, list) and len(a) == len(e) and all(_close(x, y, dtype) for x, y in zip(e, a))):
                return False
        elif key == "entries":
            if e.keys() != a.keys() or not all(results_match(e[k], a[k]) for k in e):
                return False
        elif not results_match(e, a):
            return False
    return True


def _worst_element(expected: dict, actual: dict, inputs: dict) -> str:
    pairs = list(zip(expected["values"], actual["values"]))
    errors = []
    for e, a in pairs:
        ne, na = _number(e), _number(a)
        if ne is None or na is None or math.isnan(na) or math.isinf(na) or math.isinf(ne):
            errors.append(math.inf if e != a else 0.0)
        else:
            errors.append(abs(na - ne))
    worst = max(range(len(errors)), key=errors.__getitem__)
    where = _index_text(worst, expected.get("shape", []))
    x = inputs.get("input x")
    at = ""
    if isinstance(x, dict) and x.get("shape") == expected.get("shape") and "values" in x:
        at = f" (input x{where} = {x['values'][worst]})"
    wrong = sum(1 for e, a in pairs if not _close(e, a, str(expected.get("dtype", "float64"))))
    return (f"{wrong} of {len(pairs)} values differ; worst at index {where or '()'}{at}: "
            f"expected {expected['values'][worst]}, actual {actual['values'][worst]}, "
            f"error {errors[worst]:.3g}")


def _index_text(flat: int, shape: list) -> str:
    if not shape:
        return ""
    index = []
    for size in reversed(shape):
        index.append(flat % size)
        flat //= size
    return "[" + ", ".join(str(i) for i in reversed(index)) + "]"


def _type_text(result: dict) -> str:
    if result.get("type") == "ndarray":
        return f"a {result['dtype']} array of shape {tuple(result['shape'])}"
    return {"None": "None (did you forget `return`?)"}.get(result.get("type"), f"a {result.get('type')}")


def describe_difference(expected, actual, inputs: dict) -> str:
    """One sentence that says how ``actual`` differs from ``expected``."""
    if not isinstance(actual, dict):
        return "the check printed nothing comparable"
    if "missing" in actual:
        return f"{actual['missing']} is not defined: run its cell, and keep the function's name"
    if "raised" in actual:
        if actual["raised"] == "NotImplementedError":
            return "not implemented yet"
        if actual["raised"] == "Timeout":
            return f"{actual['message']}: is there an endless loop?"
        if actual["raised"] == "SystemExit":
            return f"{actual['message']}: a function must return its result, never exit"
        return f"raised {actual['raised']}: {actual['message']}"
    if not isinstance(expected, dict):
        return "unexpected result"
    if "comparable" in actual:
        return f"returned {_type_text(actual)}: a derivative must be a numeric array shaped like x"
    for flag, sentence in (("inputs_changed", "it modified its input {} in place; work on a copy or build a new array"),
                           ("vectorised", "not vectorised: about as slow as a per-element Python loop"),
                           ("valid_subgradient", "the value at the kink is not a valid subgradient"),
                           ("agrees_with_finite_differences", "disagrees with centred finite differences")):
        if flag in expected and expected.get(flag) != actual.get(flag):
            changed = actual.get(flag)
            return sentence.format(", ".join(changed) if isinstance(changed, list) else "")
    if actual.get("type") == expected.get("type") and "items" in expected and "items" in actual:
        if len(actual["items"]) != len(expected["items"]):
            return f"returned {len(actual['items'])} items; expected {len(expected['items'])}"
        for position, (e, a) in enumerate(zip(expected["items"], actual["items"])):
            if not results_match(e, a):
                return f"item {position} of the returned {expected['type']}: " + describe_difference(e, a, {})
    if actual.get("type") == "dict" and expected.get("type") == "dict":
        for key in expected["entries"]:
            if key not in actual["entries"]:
                return f"the returned dict has no entry {key!r}"
            if not results_match(expected["entries"][key], actual["entries"][key]):
                return f"entry {key!r}: " + describe_difference(expected["entries"][key], actual["entries"][key], {})
    if actual.get("type") != expected.get("type"):
        return f"returned {_type_text(actual)}; expected {_type_text(expected)}"
    if actual.get("dtype") != expected.get("dtype"):
        return f"returned dtype {actual.get('dtype')}; expected {expected.get('dtype')} (the input's dtype)"
    if actual.get("shape") != expected.get("shape"):
        return f"returned shape {tuple(actual.get('shape', []))}; expected {tuple(expected.get('shape', []))}"
    if actual.get("warnings") and not expected.get("warnings"):
        return ("numerically unstable: it emitted " + "; ".join(actual["warnings"])
                + ". A stable formula avoids overflow (e.g. exp of a large number) altogether")
    if "values" in expected and "values" in actual:
        return _worst_element(expected, actual, inputs)
    return "the result differs from the expected one"


def judge(expected_text: str, actual_text: str | None) -> Verdict:
    """Compare one check's output with the instructor's stored output."""
    expected = parse(expected_text)
    verdict = Verdict(passed=False, title=str(expected.get("check", "")), call=str(expected.get("call", "")),
                      inputs={k: v for k, v in expected.items() if k.startswith("input ")},
                      expected=expected.get("result"), actual_text=actual_text)
    if not actual_text:
        verdict.problem = "the check produced no output (the grader could not run it)"
        return verdict
    actual = parse(actual_text)
    verdict.actual = actual.get("result")
    verdict.notes = [actual["note"]] if "note" in actual else []
    comparable = {k: v for k, v in expected.items() if k != "note"}
    observed = {k: v for k, v in actual.items() if k != "note"}
    if comparable.keys() == observed.keys() and all(
            results_match(comparable[k], observed[k]) for k in comparable):
        verdict.passed = True
        return verdict
    verdict.problem = describe_difference(verdict.expected, verdict.actual, verdict.inputs)
    return verdict


def fingerprint_matches(fingerprint_text: str, actual_text: str | None) -> bool:
    """Whether a student's output equals a catalogued mistake's output for the same check."""
    if not actual_text:
        return False
    return judge(fingerprint_text, actual_text).passed
