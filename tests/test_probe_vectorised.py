"""The vectorisation check counts interpreted steps and sees loops driven from C, so its verdict never
depends on machine load, and a loop over a C function is still a loop."""
from __future__ import annotations

import builtins
import contextlib
import io
import math

import numpy as np
import pytest
import scipy.special
from numpy import frompyfunc

import autograder.probes as probes
from autograder.canonical import parse
from autograder.compare import judge


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


ERF_UFUNC = np.frompyfunc(math.erf, 1, 1)
ERF_VECTORIZE = np.vectorize(math.erf)
# A loop driven from C over a C function runs no interpreted step per element, yet is ~10x slower
# than scipy.special.erf: each is judged a loop by what drives it, however it was reached.
C_LEVEL_LOOPS = {
    "np.vectorize(math.erf) as the function": ERF_VECTORIZE,
    "np.vectorize made inside": lambda x: np.vectorize(math.erf)(x),
    "np.vectorize made outside": lambda x: ERF_VECTORIZE(x),
    "np.frompyfunc made inside": lambda x: np.frompyfunc(math.erf, 1, 1)(x).astype(float),
    "np.frompyfunc made outside": lambda x: ERF_UFUNC(x).astype(float),
    "np.frompyfunc imported by name": lambda x: frompyfunc(math.erf, 1, 1)(x).astype(float),
    "map over a C function": lambda x: np.fromiter(map(math.erf, x), float),
    "comprehension over a C function": lambda x: np.array([math.erf(v) for v in x]),
}
WHOLE_ARRAY = {
    "scipy.special.erf": scipy.special.erf,
    "a generator over 10 Taylor terms": lambda x: sum(x ** k / math.factorial(k) for k in range(10)),
    "map over two halves": lambda x: np.concatenate(list(map(np.tanh, np.array_split(x, 2)))),
}


def _printed(function, scalar=math.erf) -> str:
    printed = io.StringIO()
    with probes.looking_up({"f": function}), contextlib.redirect_stdout(printed):
        probes.is_vectorised("t", "f", scalar)
    return printed.getvalue()


@pytest.mark.parametrize("function", C_LEVEL_LOOPS.values(), ids=list(C_LEVEL_LOOPS))
def test_a_loop_driven_from_c_is_a_loop(function):
    assert parse(_printed(function))["result"] == {"vectorised": False}


@pytest.mark.parametrize("function", WHOLE_ARRAY.values(), ids=list(WHOLE_ARRAY))
def test_whole_array_code_stays_vectorised_even_with_a_short_python_loop(function):
    assert parse(_printed(function))["result"] == {"vectorised": True}


@pytest.mark.parametrize("kind", ["np.vectorize made inside", "np.frompyfunc made outside", "map over a C function"])
def test_the_verdict_names_the_whole_array_alternative(kind):
    verdict = judge(_printed(scipy.special.erf), _printed(C_LEVEL_LOOPS[kind]))
    assert not verdict.passed
    assert verdict.problem.startswith("not vectorised") and "use scipy.special.erf on the whole array" in verdict.problem


def test_the_verdict_is_the_same_on_every_run():
    assert [parse(_printed(ERF_VECTORIZE))["result"] for _ in range(3)] == [{"vectorised": False}] * 3


def test_the_probe_leaves_map_and_frompyfunc_as_they_were():
    _printed(C_LEVEL_LOOPS["map over a C function"])
    assert map is builtins.map and builtins.map.__name__ == "map" and np.frompyfunc is frompyfunc
