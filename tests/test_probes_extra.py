"""Probes for nested inputs and random initialisers: inputs_unchanged on lists of arrays, random_init_statistics.

Each probe prints canonical lines; these tests read them back and check that a correct answer
and a wrong one print what they should, and that the output is the same on every run.
"""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from autograder import probes
from autograder.canonical import parse


def _run(probe, *args, namespace: dict, **kwargs) -> dict:
    printed = io.StringIO()
    with probes.looking_up(namespace), contextlib.redirect_stdout(printed):
        probe(*args, **kwargs)
    return parse(printed.getvalue())


def _layers():
    rng = np.random.default_rng(0)
    return [(rng.standard_normal((3, 2)), rng.standard_normal(3)), (rng.standard_normal((1, 3)), rng.standard_normal(1))]


def test_inputs_unchanged_passes_a_function_that_only_reads():
    def compose(layers):
        return layers[-1][0] @ layers[0][0], layers[-1][1]

    out = _run(probes.inputs_unchanged, "t", "compose", {"layers": _layers()}, namespace={"compose": compose})
    assert out["result"] == {"inputs_changed": []}


def test_inputs_unchanged_names_the_array_written_inside_a_list():
    def compose(layers):
        layers[0][1][:] = 0.0
        return layers[0]

    layers = _layers()
    before = layers[0][1].copy()
    out = _run(probes.inputs_unchanged, "t", "compose", {"layers": layers}, namespace={"compose": compose})
    assert out["result"] == {"inputs_changed": ["layers[0][1]"]}
    assert np.array_equal(layers[0][1], before)  # the probe passed copies: the grader's inputs survive


def test_inputs_unchanged_reports_a_missing_function_and_an_exception():
    assert _run(probes.inputs_unchanged, "t", "absent", {"x": np.ones(2)}, namespace={})["result"] == {"missing": "absent"}

    def broken(x):
        raise ValueError("nope")

    out = _run(probes.inputs_unchanged, "t", "broken", {"x": np.ones(2)}, namespace={"broken": broken})
    assert out["result"] == {"raised": "ValueError", "message": "nope"}


def he(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)


def he_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(6.0 / fan_in)  # the same variance, 2 / fan_in, from a uniform distribution
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))


def lecun(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in)) / np.sqrt(fan_in)


def global_state(fan_in, fan_out, rng):
    return np.random.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)


def _statistics(fn, fan_in=512, fan_out=128):
    return _run(probes.random_init_statistics, "t", "init", fan_in, fan_out, target_std=np.sqrt(2 / fan_in),
                seed=0, std_text="sqrt(2 / fan_in)", namespace={"init": fn})["result"]


@pytest.mark.parametrize("fn", [he, he_uniform], ids=["normal", "uniform"])
def test_random_init_statistics_accepts_every_distribution_with_the_right_variance(fn):
    result = _statistics(fn)
    assert result["shape"] == [128, 512] and result["dtype"] == "float64"
    assert result["std / sqrt(2 / fan_in), to 1 decimal"] == 1.0
    assert all(result[key] for key in ("mean within 5 standard errors of 0", "std within 5% of sqrt(2 / fan_in)",
                                       "same seed, same weights", "another seed, other weights"))


def test_random_init_statistics_tells_a_wrong_scale_by_its_ratio():
    result = _statistics(lecun)
    assert result["std within 5% of sqrt(2 / fan_in)"] is False
    assert result["std / sqrt(2 / fan_in), to 1 decimal"] == 0.7


def test_random_init_statistics_catches_an_initialiser_that_ignores_its_generator():
    result = _statistics(global_state)
    assert result["same seed, same weights"] is False


def test_random_init_statistics_prints_the_same_text_on_every_run_and_notes_the_measurement():
    def text():
        printed = io.StringIO()
        with probes.looking_up({"init": he}), contextlib.redirect_stdout(printed):
            probes.random_init_statistics("t", "init", 64, 32, target_std=0.25, seed=3)
        return printed.getvalue()

    first = text()
    assert first == text()
    assert "input rng: np.random.default_rng(3)" in first and "note: mean " in first


def test_random_init_statistics_reports_an_exception_and_a_non_array():
    def broken(fan_in, fan_out, rng):
        raise NotImplementedError("init: your code here")

    assert _statistics(broken)["raised"] == "NotImplementedError"
    assert _statistics(lambda fan_in, fan_out, rng: None)["comparable"] is False


def test_returns_new_arrays_names_the_callers_arrays_handed_back():
    def own_arrays(layers):
        W, b = layers[0]
        for W_next, b_next in layers[1:]:
            W, b = W_next @ W, W_next @ b + b_next
        return W, b

    def copies(layers):
        W, b = own_arrays(layers)
        return W.copy(), b.copy()

    single = _layers()[:1]
    out = _run(probes.returns_new_arrays, "t", "compose", {"layers": single}, namespace={"compose": own_arrays})
    assert out["result"] == {"shares_memory_with_input": ["layers[0][0]", "layers[0][1]"]}
    out = _run(probes.returns_new_arrays, "t", "compose", {"layers": single}, namespace={"compose": copies})
    assert out["result"] == {"shares_memory_with_input": []}


def test_returns_new_arrays_sees_a_view_and_reports_an_exception():
    out = _run(probes.returns_new_arrays, "t", "f", {"x": np.arange(6.0)}, namespace={"f": lambda x: x[::2]})
    assert out["result"] == {"shares_memory_with_input": ["x"]}

    def broken(x):
        raise ValueError("nope")

    assert _run(probes.returns_new_arrays, "t", "f", {"x": np.ones(2)}, namespace={"f": broken})["result"] == {
        "raised": "ValueError", "message": "nope"}
