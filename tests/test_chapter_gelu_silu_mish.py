"""The Softplus, GELU, SiLU/Swish and Mish chapter: held-out answers graded right, and the
library facts its page states kept true.

The correct answers below are written differently from the lesson's (other identities, other
SciPy functions, np.piecewise, in place on a copy, other return types) and must get full marks;
the wrong ones are real mistakes that the chapter's catalogue does not list, and must fail with a
message that says what is wrong. All are graded in this process against the stored grading
notebook, exactly as the inline check() grades them.
"""
from __future__ import annotations

import inspect
import math
import os

import numpy as np
import pytest
import torch

from submissions import grade_answer, solution_sources

from autograder import feedback
from autograder.mistakes import catalogue

CHAPTER = "gelu_silu_mish"


def _graded(exercise: str, source: str) -> feedback.ExerciseResult:
    """``source`` as the student's answer to ``exercise`` (the solution's other answers beside it)."""
    return grade_answer(CHAPTER, exercise, source)


HEADER = "import math\nimport numpy as np\nfrom scipy import special\n\n"

CORRECT = {
    "softplus": {
        "logaddexp": "def softplus(x, beta=1.0):\n    return np.logaddexp(0, beta * np.asarray(x)) / beta",
        "piecewise on a float copy": (
            "def softplus(x, beta=1.0):\n"
            "    x = np.asarray(x, dtype=np.result_type(x, 1.0))\n"
            "    return np.piecewise(x, [x > 0], [lambda v: v + np.log1p(np.exp(-beta * v)) / beta,\n"
            "                                     lambda v: np.log1p(np.exp(beta * v)) / beta])"),
        "in place on a new array": (
            "def softplus(x, beta=1.0):\n"
            "    x = np.asarray(x)\n"
            "    y = np.array(np.abs(x) * -beta)  # a new array, also for 0-d x\n"
            "    np.exp(y, out=y)\n"
            "    np.log1p(y, out=y)\n"
            "    y /= beta\n"
            "    y += np.maximum(x, 0)\n"
            "    return y"),
    },
    "softplus_grad": {
        "scipy expit": "def softplus_grad(x, beta=1.0):\n    return special.expit(beta * np.asarray(x))",
        "tanh identity": "def softplus_grad(x, beta=1.0):\n    return 0.5 * (1 + np.tanh(0.5 * beta * np.asarray(x)))",
        "exp of minus softplus": (
            "def softplus_grad(x, beta=1.0):\n    return np.exp(-np.logaddexp(0, -beta * np.asarray(x)))"),
    },
    "gelu": {
        "erf and a sigmoid-form tanh": (
            "def gelu(x, approximate='none'):\n"
            "    x = np.asarray(x)\n"
            "    if approximate == 'tanh':\n"
            "        return x * special.expit(2 * math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x))\n"
            "    if approximate != 'none':\n"
            "        raise ValueError(approximate)\n"
            "    return x * 0.5 * (1 + special.erf(x / math.sqrt(2)))"),
        "ndtr, forms in a dict": (
            "FORMS = {'none': lambda v: v * special.ndtr(v),\n"
            "         'tanh': lambda v: 0.5 * v * (1 + np.tanh(math.sqrt(2 / math.pi) * v * (1 + 0.044715 * v**2)))}\n"
            "def gelu(x, approximate='none'):\n"
            "    return FORMS[approximate](np.asarray(x))"),
    },
    "gelu_grad": {
        "ndtr, sigmoid form of tanh": (
            "def gelu_grad(x, approximate='none'):\n"
            "    x = np.asarray(x)\n"
            "    if approximate == 'none':\n"
            "        return special.ndtr(x) + x * np.exp(-x**2 / 2) / math.sqrt(2 * math.pi)\n"
            "    k = 2 * math.sqrt(2 / math.pi)\n"
            "    s = special.expit(k * (x + 0.044715 * x**3))\n"
            "    return s + x * s * (1 - s) * k * (1 + 0.134145 * x**2)"),
    },
    "silu": {
        "scipy expit": "def silu(x):\n    return np.asarray(x) * special.expit(x)",
        "tanh identity": "def silu(x):\n    x = np.asarray(x)\n    return 0.5 * x * (1 + np.tanh(0.5 * x))",
    },
    "silu_grad": {
        "expanded product rule": (
            "def silu_grad(x):\n    s = special.expit(np.asarray(x))\n    return s + x * s * (1 - s)"),
        "tanh identity": (
            "def silu_grad(x):\n"
            "    x = np.asarray(x)\n"
            "    t = np.tanh(0.5 * x)\n"
            "    return 0.5 * (1 + t) + 0.25 * x * (1 - t * t)"),
    },
    "silu_minimum": {
        "Newton on silu' with its second derivative, numpy scalars": (
            "def silu_minimum():\n"
            "    x = np.float64(-1.5)\n"
            "    for _ in range(100):\n"
            "        s = special.expit(x)\n"
            "        slope = s * (1 + x * (1 - s))\n"
            "        curvature = s * (1 - s) * (2 + x * (1 - 2 * s))\n"
            "        step = slope / curvature\n"
            "        x = x - step\n"
            "        if abs(step) < 1e-12:\n"
            "            break\n"
            "    return x, x * special.expit(x)"),
        "a list of 0-d arrays": (
            "def silu_minimum():\n"
            "    x = -2.0\n"
            "    while True:\n"
            "        step = (x + 1 + math.exp(x)) / (1 + math.exp(x))\n"
            "        x -= step\n"
            "        if abs(step) < 1e-10:\n"
            "            return [np.array(x), np.array(1 + x)]"),
    },
    "mish": {
        "logaddexp": "def mish(x):\n    x = np.asarray(x)\n    return x * np.tanh(np.logaddexp(0, x))",
    },
    "mish_grad": {
        "logaddexp and expit": (
            "def mish_grad(x):\n"
            "    x = np.asarray(x)\n"
            "    t = np.tanh(np.logaddexp(0, x))\n"
            "    return t + x * special.expit(x) * (1 - t**2)"),
    },
}

# Real mistakes the catalogue does not list, and a phrase the feedback must contain.
WRONG = {
    "erf without the 1/sqrt(2)": ("gelu", (
        "def gelu(x, approximate='none'):\n"
        "    x = np.asarray(x)\n"
        "    if approximate == 'tanh':\n"
        "        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))\n"
        "    return 0.5 * x * (1 + special.erf(x))"), "values differ"),
    "sech squared through cosh, which overflows": ("mish_grad", (
        "def mish_grad(x):\n"
        "    x = np.asarray(x)\n"
        "    s = np.logaddexp(0, x)\n"
        "    return np.tanh(s) + x * special.expit(x) / np.cosh(s)**2"), "overflow"),
    "sigmoid as exp(z) / (1 + exp(z))": ("softplus_grad", (
        "def softplus_grad(x, beta=1.0):\n"
        "    z = beta * np.asarray(x)\n"
        "    return np.exp(z) / (1 + np.exp(z))"), "overflow"),
    "product rule without the (1 - sigmoid) factor": ("silu_grad", (
        "def silu_grad(x):\n    s = special.expit(np.asarray(x))\n    return s + x * s"), "values differ"),
    "density with exp(-x**2) instead of exp(-x**2 / 2)": ("gelu_grad", (
        "def gelu_grad(x, approximate='none'):\n"
        "    x = np.asarray(x)\n"
        "    if approximate == 'tanh':\n"
        "        k = math.sqrt(2 / math.pi)\n"
        "        t = np.tanh(k * (x + 0.044715 * x**3))\n"
        "        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)\n"
        "    return special.ndtr(x) + x * np.exp(-x**2) / math.sqrt(2 * math.pi)"), "values differ"),
    "the maximiser's sign: returns the minimum's absolute value": ("silu_minimum", (
        "def silu_minimum():\n"
        "    x = -1.0\n"
        "    for _ in range(60):\n"
        "        x -= (x + 1 + math.exp(x)) / (1 + math.exp(x))\n"
        "    return x, abs(x / (1 + math.exp(-x)))"), "minimum_is_the_value_at_the_minimiser"),
}

CORRECT_CASES = [(exercise, label, body) for exercise, answers in CORRECT.items() for label, body in answers.items()]


@pytest.mark.parametrize("exercise, label, body", CORRECT_CASES, ids=[f"{e}: {l}" for e, l, _ in CORRECT_CASES])
def test_a_correct_answer_written_differently_gets_full_marks(exercise, label, body):
    result = _graded(exercise, HEADER + body)
    assert result.passed, result.feedback()


@pytest.mark.parametrize("label", list(WRONG))
def test_an_uncatalogued_mistake_fails_and_the_feedback_says_what_is_wrong(label):
    exercise, body, phrase = WRONG[label]
    result = _graded(exercise, HEADER + body)
    assert not result.passed
    text = " ".join(result.feedback().split())
    assert phrase in text, text
    assert not result.mistakes, "a catalogued hint would be wrong here: " + "; ".join(result.mistakes)


def test_np_vectorize_of_math_erf_is_a_loop_even_with_the_dtype_kept():
    source = HEADER + (
        "def gelu(x, approximate='none'):\n"
        "    x = np.asarray(x)\n"
        "    if approximate == 'tanh':\n"
        "        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))\n"
        "    erf = np.vectorize(math.erf, otypes=[x.dtype if x.dtype.kind == 'f' else np.float64])\n"
        "    return 0.5 * x * (1 + erf(x / math.sqrt(2)))")
    result = _graded("gelu", source)
    assert not result.passed
    assert [f.title for f in result.failures] == [
        "exact form: vectorised, no per-element Python loop (np.vectorize is one)"], result.feedback()
    hint = next(m.hint for m in catalogue(CHAPTER) if m.name == "vectorized_math_erf_dtype_kept")
    assert hint in result.mistakes


def test_every_exercise_has_a_catalogued_mistake_and_the_issue_lists_are_covered():
    names = {m.name for m in catalogue(CHAPTER)}
    exercises = {m.exercise for m in catalogue(CHAPTER)}
    assert exercises == set(solution_sources(CHAPTER))
    required = {"softplus.naive_exponential", "beta_outside_log", "beta_only_inside", "softplus.ignores_beta",
                "tanh_without_sqrt", "tanh_without_cube", "cdf_only", "sigmoid_slope", "mish_naive_softplus",
                "vectorized_math_erf"}
    assert required <= names, required - names


# --- the library facts the page states ----------------------------------------------------------

def test_torch_softplus_is_linear_above_threshold_over_beta():
    assert inspect.signature(torch.nn.Softplus).parameters["threshold"].default == 20.0
    x = torch.tensor([10.0, 10.5], dtype=torch.float64)
    # beta = 2: beta * x = 20 is still computed, beta * x = 21 returns x itself
    out = torch.nn.functional.softplus(x, beta=2.0)
    assert out[0] > x[0] and out[1] == x[1]


def test_torch_gelu_defaults_to_the_exact_form():
    assert inspect.signature(torch.nn.GELU).parameters["approximate"].default == "none"
    x = torch.linspace(-3, 3, 61, dtype=torch.float64)
    exact = x * 0.5 * torch.erfc(-x / math.sqrt(2))
    assert torch.allclose(torch.nn.GELU()(x), exact, rtol=0, atol=1e-15)


def test_torch_silu_has_no_beta():
    assert list(inspect.signature(torch.nn.SiLU).parameters) == ["inplace"]
    assert list(inspect.signature(torch.nn.functional.silu).parameters) == ["input", "inplace"]


def test_keras_gelu_defaults_differ_between_activations_and_ops():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    assert inspect.signature(keras.activations.gelu).parameters["approximate"].default is False
    assert inspect.signature(keras.ops.gelu).parameters["approximate"].default is True


def test_the_tanh_constant_is_the_slope_match_and_the_taylor_cubic_is_not_0_044715():
    sympy = pytest.importorskip("sympy")
    x, k, a = sympy.symbols("x k a", positive=True)
    cdf = (1 + sympy.erf(x / sympy.sqrt(2))) / 2
    tanh_form = (1 + sympy.tanh(k * (x + a * x**3))) / 2
    difference = sympy.series(cdf - tanh_form, x, 0, 4).removeO()
    solution = sympy.solve([difference.coeff(x, 1), difference.coeff(x, 3)], [k, a], dict=True)[0]
    assert sympy.simplify(solution[k] - sympy.sqrt(2 / sympy.pi)) == 0
    assert abs(float(solution[a]) - (2 / (3 * math.pi) - 1 / 6)) < 1e-15
    assert abs(float(solution[a]) - 0.044715) > 5e-4


def test_silus_minimum_is_one_plus_its_minimiser():
    import activations as reference
    from scipy import special
    x_star = -1 - special.lambertw(1 / math.e).real
    assert abs(reference.silu_grad(np.array(x_star))) < 1e-15
    assert abs(reference.silu(np.array(x_star)) - (1 + x_star)) < 1e-15
