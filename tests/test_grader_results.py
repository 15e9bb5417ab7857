"""The grader's typed results: every verdict kind and every probe flag has its own sentence, and
any result structure at all, however unexpected, is described instead of crashing the grader."""
from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder import feedback
from autograder.canonical import describe, line, parse
from autograder.compare import judge
from autograder.notebooks import GRADING, Check, checks, read
from autograder.results import PARTS, Flag, GraderError, Kind, read_result


def _text(result, call: str = "f(x)", inputs: dict | None = None) -> str:
    lines = [line("check", "t"), line("call", call)]
    lines += [line(f"input {k}", describe(v)) for k, v in (inputs or {}).items()]
    return "\n".join(lines + [line("result", result)]) + "\n"


ARRAY = describe(np.array([1.0, 2.0, 3.0]))
X = {"x": np.array([-1.0, 0.0, 1.0])}

# One submission per verdict kind: (expected result, actual result or a raw text, inputs).
KIND_EXAMPLES = {
    Kind.PASSED: (ARRAY, ARRAY),
    Kind.NO_OUTPUT: (ARRAY, None),
    Kind.MISSING: (ARRAY, {"missing": "f"}),
    Kind.NOT_IMPLEMENTED: (ARRAY, {"raised": "NotImplementedError", "message": "f: your code here"}),
    Kind.RAISED: (ARRAY, {"raised": "ValueError", "message": "bad"}),
    Kind.TIMEOUT: (ARRAY, {"raised": "Timeout", "message": "did not finish within 5 s"}),
    Kind.EXIT: (ARRAY, {"raised": "SystemExit", "message": "sys.exit(1) was called"}),
    Kind.WRONG_TYPE: (ARRAY, describe([1.0, 2.0, 3.0])),
    Kind.WRONG_LENGTH: (describe((np.eye(2), np.zeros(2))), describe((np.eye(2), np.zeros(2), 1.0))),
    Kind.MISSING_ENTRY: (describe({"W": np.eye(2), "b": np.zeros(2)}), describe({"W": np.eye(2)})),
    Kind.EXTRA_ENTRY: (describe({"W": np.eye(2)}), describe({"W": np.eye(2), "dX": np.ones(2)})),
    Kind.WRONG_DTYPE: (describe(np.ones(3, np.float32)), describe(np.ones(3))),
    Kind.FLOAT32_DTYPE: (describe(np.array([1 / 3])), describe(np.array([1 / 3], np.float32))),
    Kind.WRONG_SHAPE: (ARRAY, describe(np.array([[1.0, 2.0, 3.0]]))),
    Kind.WRONG_NUMBER: (describe(0.5), describe(0.25)),
    Kind.UNSTABLE: (ARRAY, describe(np.array([1.0, np.nan, 3.0])) | {"warnings": ["RuntimeWarning: overflow"]}),
    Kind.WRONG_VALUES: (ARRAY, describe(np.array([1.0, 2.5, 3.0]))),
    Kind.FLOAT32_ROUNDING: (describe(np.array([1 / 3, 2.0, 3.0])),
                            describe(np.array([1 / 3, 2.0, 3.0], np.float32).astype(np.float64))),
    Kind.FLAG: ({"vectorised": True}, {"vectorised": False}),
    Kind.UNREADABLE: (ARRAY, "not a description"),
    Kind.REFERENCE_MISMATCH: (None, ARRAY),
    Kind.DIFFERENT: (ARRAY, {"vectorised": True}),
}


def _judge(expected, actual):
    expected_text = _text(expected, inputs=X) if expected is not None else "check: t\ncall: f(x)\n"
    return judge(expected_text, None if actual is None else _text(actual, inputs=X))


def test_every_verdict_kind_has_an_example_here():
    assert set(KIND_EXAMPLES) == set(Kind)


@pytest.mark.parametrize("kind", list(Kind), ids=[k.name for k in Kind])
def test_each_verdict_kind_is_reached_and_says_a_sentence(kind):
    verdict = _judge(*KIND_EXAMPLES[kind])
    assert verdict.kind is kind
    assert verdict.passed == (kind is Kind.PASSED)
    if kind is not Kind.PASSED:
        assert verdict.problem and "{" not in verdict.problem, verdict.problem


def test_every_verdict_kind_has_its_own_sentence():
    problems = {kind: _judge(*example).problem for kind, example in KIND_EXAMPLES.items() if kind is not Kind.PASSED}
    assert len(set(problems.values())) == len(problems), problems


def _flag_pair(flag: Flag) -> tuple[str, object, object]:
    """A printed key for ``flag`` and an expected and an actual value that differ."""
    key = flag.key_for(*("x" for _ in range(flag.key.count("{}"))))
    if flag in (Flag.INPUTS_CHANGED, Flag.DISAGREEING, Flag.SHARES_MEMORY, Flag.TAMPERED):
        return key, [], ["x"]
    if flag is Flag.HE_STD:
        return key, {"W1": True}, {"W1": 0.7}
    if flag is Flag.PARAMETER_LAYOUT:
        return key, {"W1": ["float64", [2, 10]]}, {"W1": ["float64", [10, 2]]}
    if flag is Flag.INIT_STD_RATIO:
        return key, 1.0, 0.7
    return key, True, False


@pytest.mark.parametrize("flag", list(Flag), ids=[f.name for f in Flag])
def test_each_flag_a_probe_can_raise_has_its_own_sentence(flag):
    key, expected, actual = _flag_pair(flag)
    expected_result = {} if flag is Flag.TAMPERED else {key: expected}
    actual_result = {"tampered": actual} if flag is Flag.TAMPERED else {key: actual}
    verdict = judge(_text(expected_result), _text(actual_result))
    assert verdict.kind is Kind.FLAG and "{" not in verdict.problem
    others = [f for f in Flag if f is not flag]
    assert all(verdict.problem != judge(_text({_flag_pair(o)[0]: _flag_pair(o)[1]}),
                                        _text({_flag_pair(o)[0]: _flag_pair(o)[2]})).problem
               for o in others if o is not Flag.TAMPERED)


def test_every_key_in_the_stored_outputs_is_a_known_value_failure_part_or_flag():
    known = {"type", "dtype", "shape", "values", "items", "length", "entries", "warnings", "tampered",
             "missing", "raised", "message"} | set(PARTS)
    unknown = set()
    for path in sorted(GRADING.glob("*.ipynb")):
        for check in checks(read(path)):
            for text in (check.expected, *check.fingerprints.values()):
                result = parse(text).get("result")
                if isinstance(result, dict):
                    unknown |= {key for key in result if key not in known and Flag.of(key) is None}
    assert not unknown


def test_a_contract_the_reference_meets_silently_is_named():
    verdict = judge(_text(ARRAY, call="forward(X, params)"),
                    _text({"returns_out_and_cache": False, "type": "ndarray"}, call="forward(X, params)"))
    assert verdict.problem == "forward must return (out, cache), a pair; it returned an array"


def test_the_expected_side_is_never_described_as_none():
    verdict = judge(_text({"one_loss_per_step": True, "losses_finite": True}, call="train(X, Y)"),
                    _text({"returns_params_and_losses": False, "type": "list"}, call="train(X, Y)"))
    assert verdict.problem == "train must return (params, losses), a pair; it returned a list of 0 items"
    flags_only = judge(_text({"vectorised": True}), _text(describe([1.0, 2.0])))
    assert "None" not in flags_only.problem


def test_lists_and_tuples_are_alike():
    assert judge(_text(describe((np.eye(2), np.ones(2)))), _text(describe([np.eye(2), np.ones(2)]))).passed
    assert judge(_text(describe([1.0, 2.0])), _text(describe((1.0, 2.0)))).passed


def test_a_float32_computation_of_a_float64_result_is_told_so():
    x = np.linspace(-3, 3, 7)
    exact = 1 / (1 + np.exp(-x))
    in_float32 = (1 / (1 + np.exp(-x.astype(np.float32)))).astype(np.float64)
    verdict = judge(_text(describe(exact), inputs={"x": x}), _text(describe(in_float32), inputs={"x": x}))
    assert verdict.kind is Kind.FLOAT32_ROUNDING and "float32 precision" in verdict.problem
    kept32 = judge(_text(describe(exact)), _text(describe(in_float32.astype(np.float32))))
    assert kept32.kind is Kind.FLOAT32_DTYPE


def test_an_extra_entry_beside_correct_ones_is_named_alone():
    grads = {"W1": np.eye(2), "b1": np.zeros(2)}
    verdict = judge(_text(describe(grads)), _text(describe(grads | {"X": np.ones(2)})))
    assert verdict.kind is Kind.EXTRA_ENTRY and "'X'" in verdict.problem


def test_a_wrong_entry_is_named_by_its_key():
    verdict = judge(_text(describe({"W1": np.eye(2)})), _text(describe({"W1": 2 * np.eye(2)})))
    assert verdict.problem.startswith("entry 'W1': 2 of 4 values differ")


def test_a_failure_reads_back_as_a_typed_failure():
    result = read_result({"raised": "Timeout", "message": "did not finish within 5 s"})
    assert result.kind.name == "TIMEOUT" and result.message == "did not finish within 5 s"


# --- any structure at all -----------------------------------------------------------------------

KEYS = ["type", "dtype", "shape", "values", "items", "length", "entries", "missing", "raised", "message",
        "warnings", "tampered", "loss", "dout", "vectorised", "inputs_changed", "comparable", "disagreeing",
        "returns_out_and_cache", "he_std", "std / x, to 1 decimal"]
TYPES = ["ndarray", "list", "tuple", "dict", "None", "int", "float", "bool", "str"]
scalars = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
           | st.sampled_from(["nan", "inf", "-inf", "float64", "float32"] + TYPES) | st.text(string.printable, max_size=6))
json_like = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), children, max_size=5),
                         max_leaves=25)
arrays = st.builds(lambda values, dtype: describe(np.array(values, dtype=dtype)),
                   st.lists(st.floats(-1e6, 1e6), max_size=6), st.sampled_from(["float32", "float64", "int64"]))
described = st.recursive(arrays | st.builds(describe, scalars),
                         lambda children: st.lists(children, max_size=3).map(lambda items: {"type": "tuple", "items": items})
                         | st.dictionaries(st.sampled_from(["W1", "b1", "x"]), children, max_size=3).map(
                             lambda entries: {"type": "dict", "entries": entries}), max_leaves=8)
results = json_like | described | st.builds(lambda value, extra: value | extra, described,
                                            st.dictionaries(st.sampled_from(KEYS), json_like, max_size=2))


@settings(derandomize=True, max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expected=results, actual=results)
def test_any_result_structure_gets_a_sentence_never_a_crash(expected, actual):
    expected_text, actual_text = _text(expected, inputs=X), _text(actual, inputs=X)
    verdict = judge(expected_text, actual_text)
    assert verdict.passed or (isinstance(verdict.problem, str) and verdict.problem.strip())
    if verdict.kind is Kind.REFERENCE_MISMATCH:   # an unreadable expected side is the grader's fault
        with pytest.raises(GraderError, match="has no stored expected result"):
            feedback.grade([Check(0, "f", 1, "", expected_text, {})], {0: actual_text}, {}, {})
        return
    (result,) = feedback.grade([Check(0, "f", 1, "", expected_text, {})], {0: actual_text}, {}, {})
    text = result.feedback()
    assert isinstance(text, str) and text.strip()
    assert verdict.passed or verdict.problem in text
