"""The ELU and SELU chapter: answers the team has not seen are graded right, and the lesson's
library facts stay true.

Held-out submissions are written differently from the lesson's answers (other formulas,
np.piecewise, in-place work on a copy, other quadratures, a root finder) and must get full
marks; mistakes that are *not* in the chapter's catalogue must fail, with feedback that names
what is wrong. Grading runs in this process against the committed grading notebook.
"""
from __future__ import annotations

import importlib.util
import inspect
import math
import os
import pathlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from submissions import grade_answer, solution_sources

import activations
from autograder import feedback
from autograder.mistakes import catalogue
from autograder.spec import load

CHAPTER = "elu_selu"


def _grade(exercise: str, source: str) -> feedback.ExerciseResult:
    """Grade one exercise answered by ``source``, the lesson's answers standing in for the others."""
    return grade_answer(CHAPTER, exercise, source)


def _function(signature: str, body: str) -> str:
    return f"import numpy as np\n\ndef {signature}:\n" + "".join(f"    {line}\n" for line in body.splitlines())


# --- answers the lesson does not give, each correct ----------------------------------------------

VALID = {
    "elu: maximum plus clipped expm1": ("elu", "elu(x, alpha=1.0)",
        "x = np.asarray(x)\nreturn np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0))"),
    "elu: np.piecewise on a float copy": ("elu", "elu(x, alpha=1.0)",
        "x = np.asarray(x)\nx = x.astype(np.result_type(x, 1.0))\n"
        "return np.piecewise(x, [x > 0], [lambda v: v, lambda v: alpha * np.expm1(v)])"),
    "elu: in place on a copy, x >= 0": ("elu", "elu(x, alpha=1.0)",
        "y = np.array(x, dtype=np.result_type(np.asarray(x), 1.0), copy=True)\nnegative = y < 0\n"
        "y[negative] = alpha * np.expm1(y[negative])\nreturn y"),
    "elu: tanh identity, 0-d handled by atleast_1d": ("elu", "elu(x, alpha=1.0)",
        "x = np.asarray(x)\nflat = np.atleast_1d(x)\nm = np.minimum(flat, 0)\n"
        "neg = alpha * np.tanh(m / 2) * (np.exp(m) + 1)\n"
        "return np.where(flat > 0, flat, neg).reshape(x.shape)"),
    "elu_grad: x >= 0 (1 at the kink, a valid choice)": ("elu_grad", "elu_grad(x, alpha=1.0)",
        "x = np.asarray(x)\nreturn np.where(x >= 0, np.ones_like(x, dtype=np.result_type(x, 1.0)), "
        "alpha * np.exp(np.minimum(x, 0)))"),
    "elu_grad: f(x) + alpha from the forward pass": ("elu_grad", "elu_grad(x, alpha=1.0)",
        "x = np.asarray(x)\nf = alpha * np.expm1(np.minimum(x, 0))\nreturn np.where(x > 0, np.ones_like(f), f + alpha)"),
    "elu_grad: mask arithmetic": ("elu_grad", "elu_grad(x, alpha=1.0)",
        "x = np.asarray(x)\nright = (x > 0).astype(np.result_type(x, 1.0))\n"
        "return right + (1 - right) * alpha * np.exp(np.minimum(x, 0))"),
    "selu: its own formula with the library's constants": ("selu", "selu(x)",
        "import activations\nx = np.asarray(x)\na, s = activations.SELU_ALPHA, activations.SELU_SCALE\n"
        "return s * (np.maximum(x, 0) + a * np.expm1(np.minimum(x, 0)))"),
    "selu: np.piecewise": ("selu", "selu(x)",
        "x = np.asarray(x)\nx = x.astype(np.result_type(x, 1.0))\ns, a = 1.0507009873554805, 1.6732632423543772\n"
        "return np.piecewise(x, [x > 0], [lambda v: s * v, lambda v: s * a * np.expm1(v)])"),
    "selu_grad: x >= 0 (scale at the kink, a valid choice)": ("selu_grad", "selu_grad(x)",
        "x = np.asarray(x)\ns, a = 1.0507009873554805, 1.6732632423543772\n"
        "g = s * a * np.exp(np.minimum(x, 0))\nreturn np.where(x >= 0, s * np.ones_like(g), g)"),
    "selu_constants: trapezoid rule on a fine grid, both sides": ("selu_constants", "selu_constants(var=1.0)",
        "sd = np.sqrt(var)\nz = np.linspace(-14 * sd, 14 * sd, 400_001)\n"
        "pdf = np.exp(-z**2 / (2 * var)) / np.sqrt(2 * np.pi * var)\n"
        "pos, neg = np.maximum(z, 0), np.expm1(np.minimum(z, 0))\n"
        "alpha = np.trapezoid(pos * pdf, z) / -np.trapezoid(neg * pdf, z)\n"
        "scale = np.sqrt(var / np.trapezoid((pos + alpha * neg) ** 2 * pdf, z))\n"
        "return alpha, scale"),
    "selu_constants: bisection on the mean, Simpson's rule, array result": ("selu_constants", "selu_constants(var=1.0)",
        "sd = np.sqrt(var)\nt, h = np.linspace(0, 12 * sd, 2001, retstep=True)\n"
        "w = np.ones_like(t)\nw[1:-1:2], w[2:-1:2] = 4, 2\nw *= h / 3 * np.exp(-t**2 / (2 * var)) / np.sqrt(2 * np.pi * var)\n"
        "def mean(a):\n    return np.sum(w * t) + a * np.sum(w * np.expm1(-t))\n"
        "low, high = 0.0, 100.0\nfor _ in range(200):\n    mid = (low + high) / 2\n"
        "    low, high = (mid, high) if mean(mid) > 0 else (low, mid)\n"
        "alpha = (low + high) / 2\n"
        "second = np.sum(w * t**2) + alpha**2 * np.sum(w * np.expm1(-t) ** 2)\n"
        "return np.array([alpha, np.sqrt(var / second)])"),
}


@pytest.mark.parametrize("exercise, signature, body", VALID.values(), ids=list(VALID))
def test_an_unseen_correct_answer_gets_full_marks(exercise, signature, body):
    result = _grade(exercise, _function(signature, body))
    assert result.passed, result.feedback()


# --- mistakes that are not in the catalogue ------------------------------------------------------

UNSEEN_MISTAKES = {
    "elu as max(x, alpha * expm1(x)), right only for alpha <= 1": ("elu", "elu(x, alpha=1.0)",
        "x = np.asarray(x)\nreturn np.maximum(x, alpha * np.expm1(np.minimum(x, 0)))",
        "alpha = 1.7"),
    "elu with np.vectorize and math": ("elu", "elu(x, alpha=1.0)",
        "import math\nf = np.vectorize(lambda v: v if v > 0 else alpha * math.expm1(v))\nreturn f(x)",
        "vectorised: no per-element Python loop"),
    "elu_grad with alpha on the positive side too": ("elu_grad", "elu_grad(x, alpha=1.0)",
        "x = np.asarray(x)\nreturn alpha * np.exp(np.minimum(x, 0))",
        "uses the alpha argument"),
    "selu with the negative side's sign flipped": ("selu", "selu(x)",
        "x = np.asarray(x)\ns, a = 1.0507009873554805, 1.6732632423543772\n"
        "return s * np.where(x > 0, x, a * -np.expm1(np.minimum(x, 0)))",
        "values on a grid"),
    "selu_constants with z ~ N(0, 1) whatever var is": ("selu_constants", "selu_constants(var=1.0)",
        "z = np.linspace(-12, 12, 200_001)\npdf = np.exp(-z**2 / 2) / np.sqrt(2 * np.pi)\n"
        "pos, neg = np.maximum(z, 0), np.expm1(np.minimum(z, 0))\n"
        "alpha = np.trapezoid(pos * pdf, z) / -np.trapezoid(neg * pdf, z)\n"
        "return alpha, np.sqrt(var / np.trapezoid((pos + alpha * neg) ** 2 * pdf, z))",
        "alpha within 1e-06"),
    "selu_constants returning a dict": ("selu_constants", "selu_constants(var=1.0)",
        'return {"alpha": 1.6732632423543772, "scale": 1.0507009873554805}',
        "returns 2 finite numbers"),
}


@pytest.mark.parametrize("exercise, signature, body, named", UNSEEN_MISTAKES.values(), ids=list(UNSEEN_MISTAKES))
def test_an_unseen_mistake_fails_with_feedback_that_names_the_failing_check(exercise, signature, body, named):
    result = _grade(exercise, _function(signature, body))
    assert not result.passed
    assert named in result.feedback(), result.feedback()


def test_the_catalogue_covers_the_mistakes_the_issue_lists():
    names = {m.name for m in catalogue(CHAPTER)}
    assert {"exp_minus_one", "grad_is_forward_value", "alpha_on_both_sides", "selu_scale_positive_only",
            "selu_scale_negative_only", "selu_three_digits", "where_expm1", "published_constants"} <= names


# --- the numbers behind the grading of selu_constants --------------------------------------------

def _spec_setup() -> dict:
    namespace: dict = {}
    exec(load(CHAPTER).setup_source(), namespace)
    return namespace


def test_the_graders_closed_form_gives_the_published_constants_at_variance_1():
    closed = _spec_setup()["selu_closed_form"](1.0)
    assert closed["alpha"] == pytest.approx(activations.SELU_ALPHA, rel=1e-14)
    assert closed["scale"] == pytest.approx(activations.SELU_SCALE, rel=1e-14)


@pytest.mark.parametrize("var", [0.1, 0.5, 2.0, 4.0])
def test_the_lessons_quadrature_agrees_with_the_graders_closed_form(var):
    namespace = {"np": np}
    exec(solution_sources(CHAPTER)["selu_constants"], namespace)
    alpha, scale = namespace["selu_constants"](var)
    closed = _spec_setup()["selu_closed_form"](var)
    assert (alpha, scale) == (pytest.approx(closed["alpha"], rel=1e-12), pytest.approx(closed["scale"], rel=1e-12))


@pytest.mark.parametrize("var", [0.5, 2.0])
def test_the_solved_constants_make_mean_zero_and_variance_var_a_fixed_point(var):
    closed = _spec_setup()["selu_closed_form"](var)
    z = np.random.default_rng(0).normal(0.0, math.sqrt(var), 4 * 10**6)
    y = closed["scale"] * activations.elu(z, closed["alpha"])
    standard_error = math.sqrt(var / z.size)
    assert abs(y.mean()) < 5 * standard_error
    assert y.var() == pytest.approx(var, rel=0.01)


# --- library facts the lesson states ---------------------------------------------------------------

def _grad_at_zero(fn, **kwargs) -> float:
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    fn(x, **kwargs).backward()
    return x.grad.item()


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_torch_takes_elus_left_slope_alpha_at_zero_like_the_reference(alpha):
    assert _grad_at_zero(F.elu, alpha=alpha) == alpha == activations.elu_grad(0.0, alpha)


def test_torch_takes_selus_left_slope_scale_times_alpha_at_zero_like_the_reference():
    left = activations.SELU_SCALE * activations.SELU_ALPHA
    assert _grad_at_zero(F.selu) == pytest.approx(left, rel=1e-15) == float(activations.selu_grad(0.0))


def test_celu_has_slope_1_at_zero_for_any_alpha_where_elu_has_alpha():
    assert _grad_at_zero(F.celu, alpha=0.5) == 1.0
    assert _grad_at_zero(F.elu, alpha=0.5) == 0.5


def test_torch_selu_uses_the_published_constants_to_full_precision():
    x = torch.tensor([-1e4, 1.0], dtype=torch.float64)
    y = F.selu(x)
    assert y[1].item() == activations.SELU_SCALE
    assert (y[0] / -y[1]).item() == pytest.approx(activations.SELU_ALPHA, rel=1e-15)


def test_torch_defaults_in_the_lessons_table():
    assert inspect.signature(torch.nn.ELU).parameters["alpha"].default == 1.0
    assert inspect.signature(F.elu).parameters["alpha"].default == 1.0
    assert inspect.signature(torch.nn.CELU).parameters["alpha"].default == 1.0
    assert list(inspect.signature(torch.nn.SELU).parameters) == ["inplace"]
    assert inspect.signature(torch.nn.AlphaDropout).parameters["p"].default == 0.5


def test_keras_3_defaults_in_the_lessons_table():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    assert keras.__version__.startswith("3.")
    assert inspect.signature(keras.layers.ELU).parameters["alpha"].default == 1.0
    assert inspect.signature(keras.activations.elu).parameters["alpha"].default == 1.0
    assert inspect.signature(keras.activations.celu).parameters["alpha"].default == 1.0
    assert list(inspect.signature(keras.activations.selu).parameters) == ["x"]
    rate = inspect.signature(keras.layers.AlphaDropout).parameters["rate"]
    assert rate.default is inspect.Parameter.empty


def _package_source(package: str, *parts: str) -> str:
    return pathlib.Path(importlib.util.find_spec(package).origin).parent.joinpath(*parts).read_text()


def _function_source(source: str, name: str) -> str:
    start = source.index(f"def {name}(")
    return source[start:source.index("\n\n", start)]


def test_keras_numpy_backend_takes_expm1_of_the_whole_input_as_the_lesson_says():
    elu = _function_source(_package_source("keras", "src", "backend", "numpy", "nn.py"), "elu")
    assert "np.where(" in elu and "np.expm1(x)" in elu


def test_torch_elu_backward_uses_the_output_plus_alpha_when_it_only_has_the_result():
    backward = _function_source(_package_source("torch", "_decomp", "decompositions.py"), "elu_backward")
    assert "self_or_result + negcoef" in backward and "torch.exp(self_or_result" in backward
