"""The softmax / maxout chapter: held-out answers graded right, the library facts its lesson
states, and its answers agreeing with the reference library and with torch autograd."""
from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from submissions import grade_answer, grade, submission

import activations as reference
from autograder import feedback
from autograder.across_units import AxisInputs
from autograder.notebooks import SOLUTIONS, read
from autograder.runner import load_notebook

CHAPTER = "softmax_maxout"
SIGNATURES = {
    "softmax": "softmax(x, axis=-1)",
    "softmax_backward": "softmax_backward(dout, x, axis=-1)",
    "log_softmax": "log_softmax(x, axis=-1)",
    "log_softmax_backward": "log_softmax_backward(dout, x, axis=-1)",
    "cross_entropy": "cross_entropy(logits, labels)",
    "cross_entropy_grad": "cross_entropy_grad(logits, labels)",
    "maxout": "maxout(x, pieces, axis=-1)",
    "maxout_backward": "maxout_backward(dout, x, pieces, axis=-1)",
}


def _answer(exercise: str, body: str) -> str:
    lines = body.strip("\n").splitlines()
    return "import numpy as np\n\n\ndef " + SIGNATURES[exercise] + ":\n" + "\n".join("    " + line for line in lines)


def _graded(exercise: str, source: str) -> feedback.ExerciseResult:
    """``exercise`` answered by ``source`` beside the solution's other answers, graded in process."""
    return grade_answer(CHAPTER, exercise, source)


# --- held-out answers: written differently from the lesson's, all correct ------------------

CORRECT = {
    ("softmax", "scipy logsumexp"): """
from scipy.special import logsumexp
x = np.asarray(x)
return np.exp(x - logsumexp(x, axis=axis, keepdims=True))
""",
    ("softmax", "moved to the last axis"): """
moved = np.moveaxis(np.asarray(x), axis, -1)
e = np.exp(moved - moved.max(-1)[..., None])
return np.moveaxis(e / e.sum(-1)[..., None], -1, axis)
""",
    ("softmax", "in place on a float copy"): """
e = np.array(x, dtype=np.result_type(x, 1.0))
e -= e.max(axis=axis, keepdims=True)
np.exp(e, out=e)
e /= e.sum(axis=axis, keepdims=True)
return e
""",
    ("softmax_backward", "explicit Jacobian per row, einsum"): """
s = np.moveaxis(softmax(x, axis), axis, -1)
g = np.moveaxis(np.asarray(dout), axis, -1)
jacobian = s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])
return np.moveaxis(np.einsum("...i,...ij->...j", g, jacobian), -1, axis)
""",
    ("softmax_backward", "expanded"): """
s = softmax(x, axis)
return s * dout - s * (s * dout).sum(axis=axis, keepdims=True)
""",
    ("log_softmax", "np.logaddexp.reduce"): """
x = np.asarray(x)
return x - np.logaddexp.reduce(x, axis=axis, keepdims=True)
""",
    ("log_softmax", "scipy logsumexp"): """
from scipy.special import logsumexp
x = np.asarray(x)
return x - logsumexp(x, axis=axis, keepdims=True)
""",
    ("log_softmax_backward", "exp of log-softmax"): """
return dout - np.exp(log_softmax(x, axis)) * np.sum(dout, axis=axis, keepdims=True)
""",
    ("cross_entropy", "one-hot mask, sum over N"): """
log_p = log_softmax(logits)
onehot = np.eye(log_p.shape[-1], dtype=bool)[labels]
return -np.sum(log_p, where=onehot) / len(labels)
""",
    ("cross_entropy", "log-sum-exp minus the picked logit"): """
logits = np.asarray(logits)
m = logits.max(axis=1)
lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
picked = np.take_along_axis(logits, np.asarray(labels)[:, None], axis=1)[:, 0]
return np.mean(lse - picked)
""",
    ("cross_entropy_grad", "one-hot matrix in the logits' dtype"): """
s = softmax(logits)
return (s - np.eye(s.shape[-1], dtype=s.dtype)[labels]) / s.shape[0]
""",
    ("cross_entropy_grad", "put_along_axis on a copy"): """
s = softmax(logits)
picked = np.take_along_axis(s, np.asarray(labels)[:, None], axis=1)
np.put_along_axis(s, np.asarray(labels)[:, None], picked - 1, axis=1)
return s / len(labels)
""",
    ("maxout", "maximum over strided slices of each group"): """
x = np.moveaxis(np.asarray(x, dtype=np.result_type(x, 1.0)), axis, -1)
if x.shape[-1] % pieces:
    raise ValueError("pieces must divide the axis")
grouped = x.reshape(x.shape[:-1] + (-1, pieces))
best = grouped[..., 0]
for j in range(1, pieces):
    best = np.maximum(best, grouped[..., j])
return np.moveaxis(best, -1, axis)
""",
    ("maxout", "np.maximum.reduceat"): """
x = np.asarray(x, dtype=np.result_type(x, 1.0))
starts = np.arange(0, x.shape[axis], pieces)
return np.maximum.reduceat(x, starts, axis=axis)
""",
    ("maxout_backward", "first maximum by a cumulative mask"): """
x = np.moveaxis(np.asarray(x, dtype=np.result_type(x, 1.0)), axis, -1)
grouped = x.reshape(x.shape[:-1] + (-1, pieces))
is_max = grouped == grouped.max(-1, keepdims=True)
first = is_max & (np.cumsum(is_max, axis=-1) == 1)
dx = first * np.moveaxis(np.asarray(dout), axis, -1)[..., None]
return np.moveaxis(dx.reshape(x.shape).astype(x.dtype), -1, axis)
""",
    ("maxout_backward", "split evenly among ties, like torch.amax"): """
x = np.moveaxis(np.asarray(x, dtype=np.result_type(x, 1.0)), axis, -1)
grouped = x.reshape(x.shape[:-1] + (-1, pieces))
is_max = grouped == grouped.max(-1, keepdims=True)
share = is_max / is_max.sum(-1, keepdims=True)
dx = share * np.moveaxis(np.asarray(dout), axis, -1)[..., None]
return np.moveaxis(dx.reshape(x.shape).astype(x.dtype), -1, axis)
""",
}


@pytest.mark.parametrize("exercise, body", [(e, b) for (e, _), b in CORRECT.items()],
                         ids=[f"{e}: {name}" for e, name in CORRECT])
def test_held_out_correct_answers_get_full_marks(exercise, body):
    result = _graded(exercise, _answer(exercise, body))
    assert result.passed, result.feedback()


def test_a_notebook_of_held_out_answers_gets_full_marks_from_the_terminal_grader(tmp_path):
    first_of_each = {}
    for (exercise, _), body in CORRECT.items():
        first_of_each.setdefault(exercise, _answer(exercise, body))
    report = tmp_path / "report.json"
    completed = grade(submission(tmp_path, CHAPTER, **first_of_each), "--json", str(report))
    data = json.loads(report.read_text())
    assert data["score"] == data["max_score"], completed.stdout


# --- real mistakes that are not in the catalogue: they fail, and the message says why --------

UNCATALOGUED = {
    ("softmax", "np.apply_along_axis (a loop over rows)"): ("""
def one(row):
    e = np.exp(row - row.max())
    return e / e.sum()
return np.apply_along_axis(one, axis, np.asarray(x))
""", "not vectorised"),
    ("softmax", "no keepdims"): ("""
e = np.exp(x - np.max(x, axis=axis))
return e / np.sum(e, axis=axis)
""", "raised ValueError"),
    ("softmax_backward", "a float64 identity in the Jacobian"): ("""
s = np.moveaxis(softmax(x, axis), axis, -1)
g = np.moveaxis(np.asarray(dout), axis, -1)
jacobian = s[..., :, None] * (np.eye(s.shape[-1]) - s[..., None, :])
return np.moveaxis(np.einsum("...i,...ij->...j", g, jacobian), -1, axis)
""", "returned dtype float64; expected float32"),
    ("cross_entropy", "the log-likelihood without its minus sign"): ("""
log_p = log_softmax(logits)
return np.mean(log_p[np.arange(len(labels)), labels])
""", "values differ"),
    ("maxout", "flattened before grouping"): ("""
x = np.asarray(x, dtype=np.result_type(x, 1.0))
return x.reshape(-1, pieces).max(axis=1)
""", "returned shape"),
    ("maxout_backward", "the same gradient to the whole group's winner and loser"): ("""
return np.repeat(np.asarray(dout, dtype=np.result_type(x, 1.0)), pieces, axis=axis) / pieces
""", "also failed: agrees with finite differences"),
}


@pytest.mark.parametrize("exercise, body, says", [(e, b, s) for (e, _), (b, s) in UNCATALOGUED.items()],
                         ids=[f"{e}: {name}" for e, name in UNCATALOGUED])
def test_uncatalogued_mistakes_fail_with_a_message_that_names_the_problem(exercise, body, says):
    result = _graded(exercise, _answer(exercise, body))
    assert not result.passed
    assert says in result.feedback()


# --- the answer key: lesson = reference library = torch ---------------------------------------

@pytest.fixture(scope="module")
def lesson():
    namespace, statuses = load_notebook(read(SOLUTIONS / f"{CHAPTER}.ipynb"), list(SIGNATURES))
    assert all(s["status"] == "ok" for s in statuses.values()), statuses
    return namespace


SAMPLES = [("batch", -1), ("tall", 0), ("vector", -1), ("cube", 1), ("batch32", -1), ("integers", -1),
           ("extremes", -1), ("ties", -1)]


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "maxout"])
@pytest.mark.parametrize("sample, axis", SAMPLES)
def test_lesson_answers_agree_with_the_reference_library(lesson, name, sample, axis):
    params = {"pieces": 2} if name == "maxout" else {}
    inputs = AxisInputs(name, **params)
    x = getattr(inputs, sample)
    dout = inputs.dout_for(x, axis=axis)
    for suffix, args in (("", (x,)), ("_backward", (dout, x))):
        ours = lesson[name + suffix](*args, axis=axis, **params)
        theirs = getattr(reference, name + suffix)(*args, axis=axis, **params)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=1e-6 if x.dtype == np.float32 else 1e-12, atol=1e-15)


@pytest.mark.parametrize("name, torch_forward", [
    ("softmax", lambda t, dim: F.softmax(t, dim=dim)),
    ("log_softmax", lambda t, dim: F.log_softmax(t, dim=dim)),
    ("maxout", lambda t, dim: t.movedim(dim, -1).unflatten(-1, (-1, 2)).amax(-1).movedim(-1, dim)),
])
@pytest.mark.parametrize("sample, axis", [("batch", -1), ("tall", 0), ("cube", 1)])
def test_lesson_backward_passes_agree_with_torch_autograd(lesson, name, torch_forward, sample, axis):
    params = {"pieces": 2} if name == "maxout" else {}
    inputs = AxisInputs(name, **params)
    x, dout = getattr(inputs, sample), inputs.dout_for(getattr(inputs, sample), axis=axis)
    x_t = torch.tensor(x, requires_grad=True)
    y_t = torch_forward(x_t, axis)
    y_t.backward(torch.tensor(dout))
    np.testing.assert_allclose(lesson[name](x, axis=axis, **params), y_t.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(lesson[name + "_backward"](dout, x, axis=axis, **params), x_t.grad.numpy(),
                               rtol=1e-10, atol=1e-15)


def test_cross_entropy_and_its_gradient_agree_with_torch(lesson):
    logits = 2 * np.random.default_rng(21).standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    logits_t = torch.tensor(logits, requires_grad=True)
    loss_t = F.cross_entropy(logits_t, torch.tensor(labels))
    loss_t.backward()
    assert lesson["cross_entropy"](logits, labels) == pytest.approx(loss_t.item(), rel=1e-12)
    np.testing.assert_allclose(lesson["cross_entropy_grad"](logits, labels), logits_t.grad.numpy(), rtol=1e-10,
                               atol=1e-15)


# --- library facts the lesson states ------------------------------------------------------------

@pytest.mark.parametrize("shape, chosen", [((), 0), ((4,), 0), ((2, 5), 1), ((2, 3, 5), 0), ((2, 3, 4, 5), 1)])
def test_torch_softmax_without_dim_warns_and_picks_a_dim_by_rank(shape, chosen):
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = F.softmax(x)
    assert any("Implicit dimension choice for softmax" in str(w.message) for w in caught)
    torch.testing.assert_close(y, F.softmax(x, dim=chosen))


def test_torch_softmax_module_without_dim_warns_too():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.nn.Softmax()(torch.randn(2, 3))
    assert any("Implicit dimension choice for softmax" in str(w.message) for w in caught)


def test_torch_max_dim_routes_a_tie_to_one_piece_and_amax_and_max_split_it():
    tied = torch.tensor([[1.0, 1.0, 0.0, 0.5]], dtype=torch.float64, requires_grad=True)
    tied.unflatten(-1, (2, 2)).max(dim=-1).values.sum().backward()
    assert tied.grad.tolist() == [[1.0, 0.0, 0.0, 1.0]]
    assert reference.maxout_backward(np.ones((1, 2)), tied.detach().numpy(), pieces=2).tolist() == tied.grad.tolist()
    tied.grad = None
    tied.unflatten(-1, (2, 2)).amax(dim=-1).sum().backward()
    assert tied.grad.tolist() == [[0.5, 0.5, 0.0, 1.0]]
    tied.grad = None
    tied.max().backward()   # the full reduction shares the gradient among the tied maxima too
    assert tied.grad.tolist() == [[0.5, 0.5, 0.0, 0.0]]


def test_torch_has_no_maxout_layer_and_cross_entropy_takes_logits():
    assert not hasattr(torch.nn, "Maxout")
    logits, labels = torch.randn(3, 10, dtype=torch.float64), torch.tensor([0, 1, 2])
    torch.testing.assert_close(F.cross_entropy(logits, labels), F.nll_loss(F.log_softmax(logits, dim=1), labels))


def test_keras_softmax_defaults_to_the_last_axis():
    import inspect
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    assert inspect.signature(keras.activations.softmax).parameters["axis"].default == -1
    assert inspect.signature(keras.layers.Softmax.__init__).parameters["axis"].default == -1
