"""Feedback that teaches: catalogued mistakes are named, correct variants get full marks, and
the inline check() prints what the terminal grader prints."""
from __future__ import annotations

import contextlib
import io
import json
from types import SimpleNamespace

import numpy as np
import pytest

from submissions import CHAPTER_NAMES, grade, solution_sources, submission

import autograder.inline as inline
from autograder import check, feedback
from autograder.canonical import describe, line
from autograder.mistakes import catalogue, hints
from autograder.notebooks import GRADING, SOLUTIONS, Check, checks, read
from autograder.results import GraderError
from autograder.runner import load_notebook, run_in_process
from autograder.sandbox import function_status

MISTAKES = [(chapter, mistake) for chapter in CHAPTER_NAMES for mistake in catalogue(chapter)]


def _namespace(chapter: str, **replaced: str) -> dict:
    namespace, statuses = load_notebook(read(SOLUTIONS / f"{chapter}.ipynb"), list(solution_sources(chapter)), replaced)
    assert all(status["status"] == "ok" for status in statuses.values()), statuses
    return namespace


def _grade_in_process(chapter: str, exercise: str, namespace: dict) -> feedback.ExerciseResult:
    grading = read(GRADING / f"{chapter}.ipynb")
    outcome = run_in_process(grading, [exercise], namespace)
    own = [c for c in checks(grading) if c.exercise == exercise]
    return feedback.grade(own, outcome.actual, {}, hints(chapter))[0]


@pytest.mark.parametrize("chapter, mistake", MISTAKES, ids=[m.name for _, m in MISTAKES])
def test_every_catalogued_mistake_gets_its_hint(chapter, mistake):
    namespace = _namespace(chapter, **{mistake.exercise: mistake.source()})
    result = _grade_in_process(chapter, mistake.exercise, namespace)
    assert not result.passed
    assert mistake.hint in result.mistakes


def test_a_catalogued_mistake_is_named_by_the_terminal_grader_too(tmp_path):
    mistake = next(m for m in catalogue("leaky_relu") if m.name == "relu_mask")
    answers = {**solution_sources("leaky_relu"), "leaky_relu_grad": mistake.source()}
    report = tmp_path / "report.json"
    grade(submission(tmp_path, "leaky_relu", **answers), "--json", str(report))
    exercises = {e["name"]: e for e in json.loads(report.read_text())["exercises"]}
    assert "likely mistake: " + mistake.hint in " ".join(exercises["leaky_relu_grad"]["feedback"].split())
    assert "fix leaky_relu_grad first" in exercises["leaky_relu_backward"]["feedback"]


CORRECT_LEAKY_RELU = {
    "np.where": "return np.where(x > 0, x, alpha * x)",
    "maximum plus minimum": "return np.maximum(x, 0) + alpha * np.minimum(x, 0)",
    "boolean masks (gives -0.0)": "return x * (x > 0) + alpha * x * (x <= 0)",
    "copy then scale": "y = x.astype(np.result_type(x, 1.0))\n    y[y < 0] *= alpha\n    return y",
    "piecewise": "x = x.astype(np.result_type(x, 1.0))\n    return np.piecewise(x, [x > 0], [lambda v: v, lambda v: alpha * v])",
}
CORRECT_LEAKY_RELU_GRAD = {
    "np.where with ones_like": "return np.where(x > 0, np.ones_like(x), alpha * np.ones_like(x))",
    "x >= 0 (a valid subgradient at 0)": "return np.where(x >= 0, 1.0, alpha).astype(np.result_type(x, 1.0))",
    "mask arithmetic": "return (x > 0).astype(x.dtype) * (1 - alpha) + alpha",
}


@pytest.mark.parametrize("body", CORRECT_LEAKY_RELU.values(), ids=list(CORRECT_LEAKY_RELU))
def test_correct_variants_of_leaky_relu_get_full_marks(body):
    source = f"import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    x = np.asarray(x)\n    {body}"
    result = _grade_in_process("leaky_relu", "leaky_relu", _namespace("leaky_relu", leaky_relu=source))
    assert result.passed, result.feedback()


@pytest.mark.parametrize("body", CORRECT_LEAKY_RELU_GRAD.values(), ids=list(CORRECT_LEAKY_RELU_GRAD))
def test_correct_variants_of_leaky_relu_grad_get_full_marks(body):
    source = f"import numpy as np\ndef leaky_relu_grad(x, alpha=0.01):\n    x = np.asarray(x)\n    {body}"
    result = _grade_in_process("leaky_relu", "leaky_relu_grad", _namespace("leaky_relu", leaky_relu_grad=source))
    assert result.passed, result.feedback()


def test_inline_check_prints_the_terminal_graders_feedback(tmp_path):
    wrong = "import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    return np.maximum(alpha * x, x)"
    namespace = _namespace("leaky_relu", leaky_relu=wrong)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec('check("leaky_relu")', {**namespace, "check": check})
    report = tmp_path / "report.json"
    grade(submission(tmp_path, "leaky_relu", **{**solution_sources("leaky_relu"), "leaky_relu": wrong}),
          "--json", str(report))
    cli = next(e for e in json.loads(report.read_text())["exercises"] if e["name"] == "leaky_relu")
    inline_lines = [line.strip() for line in printed.getvalue().splitlines()]
    assert inline_lines[0] == f"leaky_relu: {cli['score']}/{cli['max_score']} points, not yet"
    assert inline_lines[1:] == [line.strip() for line in cli["feedback"].splitlines()]
    assert "max(alpha*x, x)" in printed.getvalue()


def test_inline_check_says_how_to_define_a_function_that_is_not_defined_yet():
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec('check("leaky_relu")', {"check": check, "np": np})
    assert "run the cell that defines it first" in printed.getvalue()


# --- honest hints and messages -------------------------------------------------------------------

def _check_text(title: str, value) -> str:
    return "\n".join([line("check", title), line("call", "f(x)"), line("result", describe(value))]) + "\n"


def _synthetic(fingerprints: dict[int, dict[str, object]]) -> list[Check]:
    """Two checks of exercise f, expecting 1.0 and 2.0, with the given mistakes' outputs."""
    return [Check(i, "f", 1, "", _check_text(f"c{i}", float(i + 1)),
                  {name: _check_text(f"c{i}", value) for name, value in fingerprints.get(i, {}).items()})
            for i in range(2)]


def test_a_hint_is_shown_only_for_a_mistake_that_fails_exactly_what_the_student_failed():
    checks_ = _synthetic({0: {"fails_both": 9.0, "fails_first": 9.0}, 1: {"fails_both": 7.0}})
    student = {0: _check_text("c0", 9.0), 1: _check_text("c1", 2.0)}   # fails c0 as both do, passes c1
    (result,) = feedback.grade(checks_, student, {}, {"fails_both": "hint A", "fails_first": "hint B"})
    assert result.mistakes == ["hint B"]


def test_a_hint_that_names_code_needs_that_code_in_the_students_cell():
    checks_ = _synthetic({0: {"float_copy": 9.0}})
    student = {0: _check_text("c0", 9.0), 1: _check_text("c1", 2.0)}
    catalogue_ = [SimpleNamespace(name="float_copy", hint="np.asarray(x, dtype=float) makes a float64 copy",
                                  requires=r"dtype\s*=\s*float\b")]
    (shown,) = feedback.grade(checks_, student, {}, catalogue_, {"f": "def f(x):\n    return np.asarray(x, dtype=float)"})
    (hidden,) = feedback.grade(checks_, student, {}, catalogue_, {"f": "def f(x):\n    return np.eye(3)"})
    assert shown.mistakes == [catalogue_[0].hint] and hidden.mistakes == []


def test_a_misscaled_init_gets_no_hint_that_blames_another_mistake():
    source = ("import numpy as np\ndef init_params(sizes, rng):\n    params = {}\n"
              "    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):\n"
              "        params[f'W{layer}'] = 0.5 * rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)\n"
              "        params[f'b{layer}'] = np.zeros(fan_out)\n    return params")
    result = _grade_in_process("backprop_lab", "init_params", _namespace("backprop_lab", init_params=source))
    assert not result.passed and result.mistakes == []
    assert "it is W1 0.5, W2 0.5, W3 0.5 times that" in result.feedback()


def _loads(namespace: dict, names: list[str]) -> dict:
    return {name: function_status(name, namespace, "missing") for name in names}


def test_a_dependency_is_named_from_real_calls_in_chapter_order_above_the_own_failures():
    tanh_wrong = "import numpy as np\ndef tanh(x):\n    return x"
    overflowing_grad = ("import numpy as np\ndef tanh_grad(x):\n    t = tanh(x)\n"
                        "    return 4 * np.exp(2 * x) / (np.exp(2 * x) + 1) ** 2")
    namespace = _namespace("tanh", tanh=tanh_wrong, tanh_grad=overflowing_grad)
    grading = read(GRADING / "tanh.ipynb")
    outcome = run_in_process(grading, ["tanh", "tanh_grad"], namespace)
    own = [c for c in checks(grading) if c.exercise in ("tanh", "tanh_grad")]
    results = {r.name: r for r in feedback.grade(own, outcome.actual, _loads(namespace, ["tanh", "tanh_grad"]),
                                                 hints("tanh"))}
    text = results["tanh_grad"].feedback()
    assert text.splitlines()[0] == "tanh_grad calls tanh, which does not pass its own checks yet: fix tanh first"
    assert "numerically unstable" in text   # its own overflow is still told


def test_several_broken_dependencies_are_named_with_grammar_first_in_chapter_order():
    checks_ = [Check(i, name, 1, "", _check_text(name, 1.0), {}) for i, name in enumerate(["a", "b", "c"])]
    wrong = {i: _check_text(name, 2.0) for i, name in enumerate(["a", "b", "c"])}
    loads = {"c": {"status": "ok", "calls": ["np", "b", "a"]}}
    result = feedback.grade(checks_, wrong, loads, {})[2]
    assert result.dependency == "c calls a and b, which do not pass their own checks yet: fix a first"
    assert result.failures   # its own failure is still shown


def test_an_attribute_named_like_an_exercise_is_not_a_call_of_it():
    source = "def train_step(model, loss):\n    loss.backward()\n    return model.forward(1)"
    namespace: dict = {}
    exec(source, namespace)
    assert function_status("train_step", namespace, "")["calls"] == []


COMPOSE_AFFINE = ("import numpy as np\ndef compose_affine(layers):\n    W, b = {first}\n"
                  "    for W_next, b_next in layers[1:]:\n        W, b = W_next @ W, W_next @ b + b_next\n"
                  "    return {returned}")


def test_a_list_answer_scores_like_a_tuple():
    source = COMPOSE_AFFINE.format(first="(np.array(a) for a in layers[0])", returned="[W, b]")
    result = _grade_in_process("why_nonlinearity", "compose_affine", _namespace("why_nonlinearity", compose_affine=source))
    assert result.passed, result.feedback()


def test_handing_back_the_callers_own_arrays_for_one_layer_is_caught():
    source = COMPOSE_AFFINE.format(first="layers[0]", returned="W, b")
    result = _grade_in_process("why_nonlinearity", "compose_affine", _namespace("why_nonlinearity", compose_affine=source))
    assert [v.title for v in result.failures] == ["a single layer: new arrays, not the caller's own"]
    assert "it returns the caller's own array layers[0][0], layers[0][1]" in result.feedback()


def test_inline_check_says_grading_failed_when_the_grader_breaks(monkeypatch):
    def missing_reference(grading):
        raise GraderError("check 3 (leaky_relu) has no stored expected output", "regenerate the reference outputs")

    monkeypatch.setattr(inline, "check_reference", missing_reference)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec('check("leaky_relu")', {**_namespace("leaky_relu"), "check": check})
    assert printed.getvalue().startswith("grading failed: check 3 (leaky_relu) has no stored expected output")
    assert "points" not in printed.getvalue()


def test_a_hint_that_names_code_is_never_shown_to_a_student_who_wrote_other_code(tmp_path):
    identity_start = ("import numpy as np\ndef compose_affine(layers):\n    n = layers[0][0].shape[1]\n"
                      "    W, b = np.eye(n), np.zeros(n)\n    for W_next, b_next in layers:\n"
                      "        W, b = W_next @ W, W_next @ b + b_next\n    return W, b")
    report = tmp_path / "report.json"
    grade(submission(tmp_path, "why_nonlinearity", compose_affine=identity_start), "--json", str(report))
    (exercise,) = json.loads(report.read_text())["exercises"]
    assert not exercise["passed"] and "float32" in exercise["feedback"]
    assert "dtype=float" not in exercise["feedback"] and exercise["mistakes"] == []
