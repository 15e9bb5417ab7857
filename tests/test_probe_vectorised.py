"""The vectorisation check counts interpreted steps, so its verdict never depends on machine load."""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import autograder.probes as probes
from autograder.canonical import parse


def _loop(v, alpha=0.01):
    return v if v > 0 else alpha * v


VECTORISED = {
    "np.where": lambda x, alpha=0.01: np.where(x > 0, x, alpha * x),
    "np.piecewise": lambda x, alpha=0.01: np.piecewise(x, [x > 0], [lambda v: v, lambda v: alpha * v]),
    "masks": lambda x, alpha=0.01: x * (x > 0) + alpha * x * (x <= 0),
}
PER_ELEMENT = {
    "list comprehension": lambda x, alpha=0.01: np.array([_loop(v, alpha) for v in x]),
    "np.vectorize": lambda x, alpha=0.01: np.vectorize(_loop)(x, alpha),
    "np.frompyfunc": lambda x, alpha=0.01: np.frompyfunc(_loop, 2, 1)(x, alpha).astype(float),
    "map": lambda x, alpha=0.01: np.fromiter(map(_loop, x), float),
}


def _verdict(function) -> dict:
    printed = io.StringIO()
    with probes.looking_up({"f": function}), contextlib.redirect_stdout(printed):
        probes.is_vectorised("t", "f", _loop)
    return parse(printed.getvalue())["result"]


@pytest.mark.parametrize("function", VECTORISED.values(), ids=list(VECTORISED))
def test_vectorised_code_is_recognised_whatever_its_speed(function):
    assert _verdict(function) == {"vectorised": True}


@pytest.mark.parametrize("function", PER_ELEMENT.values(), ids=list(PER_ELEMENT))
def test_every_kind_of_per_element_loop_is_recognised(function):
    assert _verdict(function) == {"vectorised": False}


def test_a_function_that_raises_is_reported_not_judged():
    def broken(x, alpha=0.01):
        raise ValueError("nope")

    assert _verdict(broken) == {"raised": "ValueError", "message": "nope"}
