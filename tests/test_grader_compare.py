"""The canonical output format and the tolerant comparison the grader's verdicts rest on."""
from __future__ import annotations

import numpy as np

from autograder.canonical import describe, dumps, line, parse
from autograder.compare import judge, results_match


def _check_text(value) -> str:
    return "\n".join([line("check", "t"), line("call", "f(x)"), line("result", describe(value))]) + "\n"


def test_negative_zero_prints_as_zero():
    assert describe(np.array([-0.0, 0.0]))["values"] == [0.0, 0.0]
    assert dumps(describe(np.array([-0.0]))) == dumps(describe(np.array([0.0])))


def test_a_numpy_scalar_and_a_0d_array_are_described_alike():
    assert describe(np.float64(-0.2)) == describe(np.array(-0.2))


def test_numpy2_scalar_reprs_never_reach_the_output():
    text = dumps(describe(np.float32(1.5)))
    assert "np.float32" not in text and "float32" in text


def test_floats_are_rounded_to_the_precision_of_their_dtype():
    assert describe(np.array([1 / 3], dtype=np.float32))["values"] == [0.333333]
    assert describe(np.array([1 / 3]))["values"] == [0.3333333333]


def test_nan_and_infinities_are_json_strings():
    assert describe(np.array([np.nan, np.inf, -np.inf]))["values"] == ["nan", "inf", "-inf"]


def test_parse_reads_back_what_line_writes():
    value = describe(np.arange(3.0))
    assert parse(line("result", value) + "\n" + line("call", "f(x)")) == {"result": value, "call": "f(x)"}


def test_last_bit_differences_pass():
    x = np.linspace(-3, 3, 50)
    assert judge(_check_text(np.tanh(x)), _check_text(2 / (1 + np.exp(-2 * x)) - 1)).passed


def test_a_value_on_a_rounding_boundary_passes_within_tolerance():
    on_boundary = np.array([1.0000000005])      # exactly between two 10-digit roundings
    one_ulp_below = np.nextafter(on_boundary, 0)
    expected, actual = _check_text(on_boundary), _check_text(one_ulp_below)
    assert expected != actual                   # the printed texts differ in the last digit ...
    assert judge(expected, actual).passed       # ... and the tolerance accepts it


def test_a_real_difference_fails_and_names_the_worst_element():
    verdict = judge(_check_text(np.array([1.0, 2.0, 3.0])), _check_text(np.array([1.0, 2.5, 3.0])))
    assert not verdict.passed
    assert "1 of 3 values differ; worst at index [1]" in verdict.problem


def test_dtype_shape_and_type_differences_are_named():
    expected = _check_text(np.zeros(3, dtype=np.float32))
    assert "returned dtype float64; expected float32" in judge(expected, _check_text(np.zeros(3))).problem
    assert "returned shape (1, 3)" in judge(expected, _check_text(np.zeros((1, 3), np.float32))).problem
    assert "returned a list" in judge(expected, _check_text([0.0, 0.0, 0.0])).problem


def test_tuples_are_compared_item_by_item():
    a = describe((np.eye(2), np.zeros(2)))
    assert results_match(a, describe((np.eye(2), np.zeros(2) + 1e-15)))
    verdict = judge(_check_text((np.eye(2), np.zeros(2))), _check_text((np.eye(2), np.ones(2))))
    assert verdict.problem.startswith("item 1 of the returned tuple")


def test_warnings_are_reported_as_a_stability_problem():
    expected = _check_text(np.ones(2))
    unstable = describe(np.ones(2)) | {"warnings": ["RuntimeWarning: overflow encountered in exp"]}
    actual = "\n".join([line("check", "t"), line("call", "f(x)"), line("result", unstable)])
    verdict = judge(expected, actual)
    assert not verdict.passed and verdict.problem.startswith("numerically unstable")


def test_notes_are_shown_but_never_compared():
    expected = _check_text(np.ones(2)) + "note: (measured when graded)\n"
    actual = _check_text(np.ones(2)) + "note: yours 3.1 ms\n"
    verdict = judge(expected, actual)
    assert verdict.passed and verdict.notes == ["yours 3.1 ms"]
