"""The PReLU chapter: held-out answers are graded right, and the library facts its lesson states
are what PyTorch and Keras 3 (on its torch backend) actually do.

The answers below were written for this test and are in no catalogue: valid ones written
differently from the lesson's must get full marks, and real mistakes must fail on a check that
names what is wrong.
"""
from __future__ import annotations

import inspect
import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from submissions import grade_answer

import activations
from autograder import feedback

CHAPTER = "prelu"


def _grade(exercise: str, source: str) -> feedback.ExerciseResult:
    """Grade one replaced answer in process, beside the lesson's other answers."""
    return grade_answer(CHAPTER, exercise, source)


def _answer(signature: str, body: str) -> str:
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return f"import numpy as np\n\ndef {signature}:\n{lines}\n"


# --- valid answers, written differently from the lesson's ------------------------------------

VALID = {
    ("prelu", "maximum plus minimum, alpha expanded with None"): """
x = np.asarray(x)
a = np.asarray(alpha, dtype=np.result_type(x, 1.0))
if a.size > 1:
    a = a[(slice(None),) + (None,) * (x.ndim - 2)]
else:
    a = a.reshape(())
return np.maximum(x, 0) + a * np.minimum(x, 0)
""",
    ("prelu", "channel axis moved last and back"): """
x = np.asarray(x)
a = np.asarray(alpha, dtype=np.result_type(x, 1.0)).ravel()
if a.size == 1:
    return np.where(x > 0, x, a[0] * x)
moved = np.moveaxis(x, 1, -1)
return np.moveaxis(np.where(moved > 0, moved, a * moved), -1, 1)
""",
    ("prelu", "masks times x (gives -0.0)"): """
x = np.asarray(x)
dtype = np.result_type(x, 1.0)
a = np.asarray(alpha, dtype=dtype)
shape = (1,) * x.ndim if a.size == 1 else (1, a.size) + (1,) * (x.ndim - 2)
a = a.reshape(shape) if x.ndim else a.reshape(())
return (x * (x > 0) + a * x * (x <= 0)).astype(dtype)
""",
    ("prelu", "in place on a float copy"): """
x = np.asarray(x)
y = np.array(x, dtype=np.result_type(x, 1.0), copy=True)
a = np.asarray(alpha, dtype=y.dtype)
a = a.reshape(()) if a.size == 1 else a.reshape((-1,) + (1,) * (y.ndim - 2))
y *= np.where(y > 0, 1, a).astype(y.dtype)
return y
""",
    ("prelu", "np.piecewise with a broadcast slope array"): """
x = np.asarray(x)
dtype = np.result_type(x, 1.0)
a = np.asarray(alpha, dtype=dtype)
a = a.reshape(()) if a.size == 1 else a.reshape((-1,) + (1,) * (x.ndim - 2))
slopes = np.broadcast_to(a, x.shape)
return np.piecewise(x.astype(dtype), [x > 0], [lambda v: v, lambda v: v * slopes[x <= 0]])
""",
    ("prelu_grad", "ones plus (alpha - 1) on the negative side"): """
x = np.asarray(x)
dtype = np.result_type(x, 1.0)
a = np.asarray(alpha, dtype=dtype)
a = a.reshape(()) if a.size == 1 else a.reshape((-1,) + (1,) * (x.ndim - 2))
return np.ones_like(x, dtype=dtype) + (a - 1) * (x <= 0)
""",
    ("prelu_grad", "x >= 0 (1 at the kink, a valid subgradient)"): """
x = np.asarray(x)
dtype = np.result_type(x, 1.0)
a = np.asarray(alpha, dtype=dtype)
a = a.reshape(()) if a.size == 1 else a.reshape((-1,) + (1,) * (x.ndim - 2))
return np.where(x >= 0, np.ones((), dtype), a).astype(dtype) * np.ones_like(x, dtype=dtype)
""",
    ("prelu_backward", "sum over every axis but 1, listed by a comprehension"): """
dout, x = np.asarray(dout), np.asarray(x)
a = np.asarray(alpha, dtype=np.result_type(x, 1.0))
shaped = a.reshape(()) if a.size == 1 else a.reshape((-1,) + (1,) * (x.ndim - 2))
dx = dout * np.where(x > 0, 1, shaped).astype(dout.dtype)
part = np.where(x > 0, 0, x) * dout
if a.size == 1:
    return dx, np.asarray(part.sum(), dtype=dx.dtype).reshape(np.shape(alpha))
return dx, part.sum(axis=tuple(axis for axis in range(x.ndim) if axis != 1))
""",
    ("prelu_backward", "channels first, then reshape to (C, -1)"): """
dout, x = np.asarray(dout), np.asarray(x)
dx = dout * prelu_grad(x, alpha)
part = dout * np.minimum(x, 0)
if np.size(alpha) == 1:
    return dx, np.full(np.shape(alpha), part.sum(), dtype=part.dtype)
return dx, np.moveaxis(part, 1, 0).reshape(part.shape[1], -1).sum(axis=1)
""",
    ("prelu_backward", "einsum over the channel axis"): """
dout, x = np.asarray(dout), np.asarray(x)
dx = dout * prelu_grad(x, alpha)
negative = np.minimum(x, 0)
if np.size(alpha) == 1:
    return dx, np.asarray(np.vdot(dout, negative), dtype=dx.dtype).reshape(np.shape(alpha))
flat_dout = np.moveaxis(dout, 1, -1).reshape(-1, x.shape[1])
flat_neg = np.moveaxis(negative, 1, -1).reshape(-1, x.shape[1])
return dx, np.einsum("ic,ic->c", flat_dout, flat_neg)
""",
    ("prelu_backward", "keepdims, then back to alpha's shape"): """
dout, x = np.asarray(dout), np.asarray(x)
dx = dout * prelu_grad(x, alpha)
axes = None if np.size(alpha) == 1 else (0,) + tuple(range(2, x.ndim))
dalpha = np.sum(dout * np.minimum(x, 0), axis=axes, keepdims=True)
return dx, dalpha.reshape(np.shape(alpha))
""",
    ("numerical_dalpha", "basis vectors from np.eye"): """
alpha = np.asarray(alpha, dtype=float)
shape = alpha.shape
flat = alpha.reshape(-1)
basis = np.eye(flat.size)
loss = lambda a: float(np.sum(dout * prelu(x, a.reshape(shape))))
return np.array([(loss(flat + h * e) - loss(flat - h * e)) / (2 * h) for e in basis]).reshape(shape)
""",
    ("numerical_dalpha", "one-sided difference (exact here: L is linear in alpha)"): """
base = np.array(alpha, dtype=np.float64)
reference_loss = np.sum(dout * prelu(x, base))
estimate = np.zeros(base.shape)
for index in np.ndindex(base.shape):
    moved = base.copy()
    moved[index] += h
    estimate[index] = (np.sum(dout * prelu(x, moved)) - reference_loss) / h
return estimate
""",
    ("numerical_dalpha", "a Python list of slopes, rebuilt per channel"): """
values = np.atleast_1d(np.array(alpha, dtype=float))
out = []
for c in range(values.size):
    up, down = values.copy(), values.copy()
    up[c] += h
    down[c] -= h
    up_a = up.reshape(np.shape(alpha))
    down_a = down.reshape(np.shape(alpha))
    out.append((np.sum(dout * prelu(x, up_a)) - np.sum(dout * prelu(x, down_a))) / (2 * h))
return np.array(out).reshape(np.shape(alpha))
""",
    ("thresholded_relu", "x times the mask, in x's dtype"): """
x = np.asarray(x)
return (x * (x > theta)).astype(np.result_type(x, 1.0))
""",
    ("thresholded_relu", "np.piecewise"): """
x = np.asarray(x).astype(np.result_type(x, 1.0))
return np.piecewise(x, [x > theta], [lambda v: v, 0])
""",
    ("thresholded_relu", "zero the rest of a copy"): """
y = np.array(x, dtype=np.result_type(x, 1.0), copy=True)
y[~(y > theta)] = 0
return y
""",
    ("thresholded_relu_grad", "np.heaviside of x - theta, 0 at the jump"): """
x = np.asarray(x)
dtype = np.result_type(x, 1.0)
return np.heaviside(x.astype(dtype) - dtype.type(theta), 0).astype(dtype)
""",
    ("thresholded_relu_grad", "np.greater into a float array"): """
x = np.asarray(x)
return np.greater(x, theta).astype(np.result_type(x, 1.0))
""",
}

SIGNATURES = {
    "prelu": "prelu(x, alpha)",
    "prelu_grad": "prelu_grad(x, alpha)",
    "prelu_backward": "prelu_backward(dout, x, alpha)",
    "numerical_dalpha": "numerical_dalpha(dout, x, alpha, h=1e-3)",
    "thresholded_relu": "thresholded_relu(x, theta=1.0)",
    "thresholded_relu_grad": "thresholded_relu_grad(x, theta=1.0)",
}


@pytest.mark.parametrize("exercise, how", list(VALID), ids=[f"{e}: {h}" for e, h in VALID])
def test_a_valid_answer_written_differently_gets_full_marks(exercise, how):
    result = _grade(exercise, _answer(SIGNATURES[exercise], VALID[exercise, how]))
    assert result.passed, result.feedback()


# --- real mistakes that no catalogue entry describes -----------------------------------------

WRONG = {
    ("prelu", "a fixed Leaky ReLU slope instead of alpha"): ("""
x = np.asarray(x)
return np.where(x > 0, x, 0.01 * x)
""", "shared slope alpha=0.25"),
    ("prelu_backward", "dalpha without the upstream gradient"): ("""
dout, x = np.asarray(dout), np.asarray(x)
dx = dout * prelu_grad(x, alpha)
axes = None if np.size(alpha) == 1 else (0,) + tuple(range(2, x.ndim))
return dx, np.asarray(np.minimum(x, 0).sum(axis=axes)).reshape(np.shape(alpha))
""", "dalpha sums over every element"),
    ("prelu_backward", "dalpha keeps the summed axes (shape (1, C, 1, 1))"): ("""
dout, x = np.asarray(dout), np.asarray(x)
dx = dout * prelu_grad(x, alpha)
if np.size(alpha) == 1:
    return dx, np.asarray((dout * np.minimum(x, 0)).sum()).reshape(np.shape(alpha))
return dx, (dout * np.minimum(x, 0)).sum(axis=(0,) + tuple(range(2, x.ndim)), keepdims=True)
""", "shape"),
    ("prelu_backward", "dx from the slope's derivative min(x, 0)"): ("""
dout, x = np.asarray(dout), np.asarray(x)
dalpha = (dout * np.minimum(x, 0)).sum(axis=None if np.size(alpha) == 1 else (0,) + tuple(range(2, x.ndim)))
return dout * np.minimum(x, 0), np.asarray(dalpha).reshape(np.shape(alpha))
""", "item 0 of the returned tuple"),
    ("numerical_dalpha", "perturbs x instead of alpha"): ("""
alpha = np.array(alpha, dtype=float)
plus = np.sum(dout * prelu(x + h, alpha))
minus = np.sum(dout * prelu(x - h, alpha))
return np.full(alpha.shape, (plus - minus) / (2 * h))
""", "each channel perturbed on its own"),
    ("thresholded_relu", "outputs x - theta above the threshold"): ("""
x = np.asarray(x)
return np.where(x > theta, x - theta, 0).astype(np.result_type(x, 1.0))
""", "values on a grid through the kink"),
    ("thresholded_relu_grad", "integer 0/1 derivative"): ("""
x = np.asarray(x)
return np.where(x > theta, 1, 0)
""", "int64"),
}


@pytest.mark.parametrize("exercise, how", list(WRONG), ids=[f"{e}: {h}" for e, h in WRONG])
def test_a_real_mistake_fails_with_feedback_that_names_what_is_wrong(exercise, how):
    body, named = WRONG[exercise, how]
    result = _grade(exercise, _answer(SIGNATURES[exercise], body))
    assert not result.passed
    text = result.feedback()
    assert "failed: " in text and "expected" in text and named in text, text


# --- library facts the lesson states -----------------------------------------------------------

@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip(f"Keras runs on {keras.backend.backend()}, not torch, in this session")
    return keras


def _numpy(keras, tensor):
    """A Keras result as NumPy: on the torch backend it is a torch tensor (or a Variable wrapping one)."""
    return keras.ops.convert_to_tensor(tensor).detach().cpu().numpy()


def test_keras_relu_threshold_returns_zero_at_theta_whatever_its_docstring_says(keras):
    x = np.array([0.5, 1.0, 1.001, 2.0], dtype=np.float32)
    expected = np.array([0.0, 0.0, 1.001, 2.0], dtype=np.float32)
    assert np.array_equal(_numpy(keras, keras.layers.ReLU(threshold=1.0)(x)), expected)
    assert np.array_equal(_numpy(keras, keras.activations.relu(x, threshold=1.0)), expected)
    assert "f(x) = x if threshold <= x" in keras.layers.ReLU.__doc__  # the lesson quotes this line


def test_keras_relu_threshold_with_negative_slope_measures_from_theta(keras):
    x = np.array([-1.0, 0.5, 1.0, 2.0], dtype=np.float32)
    got = _numpy(keras, keras.layers.ReLU(threshold=1.0, negative_slope=0.1)(x))
    np.testing.assert_allclose(got, [0.1 * (-1.0 - 1.0), 0.1 * (0.5 - 1.0), 0.0, 2.0], rtol=1e-6)


def test_keras_relu_threshold_gradient_at_theta_is_zero_on_the_torch_backend(keras):
    x = torch.tensor([0.5, 1.0, 1.5], dtype=torch.float64, requires_grad=True)
    keras.activations.relu(x, threshold=1.0).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]


def test_keras_3_has_no_thresholded_relu_layer(keras):
    assert not hasattr(keras.layers, "ThresholdedReLU")


def test_keras_prelu_starts_at_zero_with_one_slope_per_element_unless_axes_are_shared(keras):
    layer = keras.layers.PReLU()
    assert type(layer.alpha_initializer).__name__ == "Zeros" and layer.shared_axes is None
    layer.build((None, 4, 5, 3))
    assert _numpy(keras, layer.alpha).shape == (4, 5, 3) and not _numpy(keras, layer.alpha).any()
    per_channel = keras.layers.PReLU(shared_axes=[1, 2])
    per_channel.build((None, 4, 5, 3))
    assert _numpy(keras, per_channel.alpha).shape == (1, 1, 3)


def test_keras_leaky_relu_layer_and_function_defaults_differ(keras):
    assert keras.layers.LeakyReLU().negative_slope == 0.3
    assert inspect.signature(keras.activations.leaky_relu).parameters["negative_slope"].default == 0.2


def test_keras_relu6_and_relu_layer_defaults(keras):
    layer = keras.layers.ReLU()
    assert (layer.negative_slope, layer.max_value, layer.threshold) == (0.0, None, 0.0)
    np.testing.assert_array_equal(_numpy(keras, keras.activations.relu6(np.array([-1.0, 3.0, 7.0], dtype=np.float32))), [0.0, 3.0, 6.0])


def test_torch_prelu_default_is_one_slope_at_0_25_and_per_channel_slopes_use_axis_1():
    assert torch.nn.PReLU().weight.tolist() == [0.25]
    x = torch.randn(2, 3, 4, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    weight = torch.tensor([0.1, 0.25, 1.5], dtype=torch.float64)
    np.testing.assert_array_equal(F.prelu(x, weight).numpy(), activations.prelu(x.numpy(), weight.numpy()))


def test_torch_rrelu_samples_between_its_bounds_in_training_and_uses_their_mean_in_eval():
    torch.manual_seed(0)
    rrelu = torch.nn.RReLU()
    assert (rrelu.lower, rrelu.upper) == (1 / 8, 1 / 3)
    minus_ones = -torch.ones(10_000, dtype=torch.float64)
    slopes = -rrelu.train()(minus_ones)
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3 and slopes.unique().numel() > 1000
    assert (-rrelu.eval()(minus_ones)).unique().tolist() == [(1 / 8 + 1 / 3) / 2]
    assert inspect.signature(F.rrelu).parameters["training"].default is False
    at_zero = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    rrelu.eval()(at_zero).sum().backward()
    assert at_zero.grad.tolist() == [(1 / 8 + 1 / 3) / 2] * 3   # at the kink: the slope in use


def test_torch_threshold_has_no_defaults_and_its_gradient_at_theta_is_zero():
    parameters = inspect.signature(torch.nn.Threshold).parameters
    assert parameters["threshold"].default is inspect.Parameter.empty
    assert parameters["value"].default is inspect.Parameter.empty
    x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    F.threshold(x, 1.0, 0.0).backward()
    assert x.grad.tolist() == [0.0]


def test_torch_relu6_gradient_is_zero_at_both_kinks():
    x = torch.tensor([0.0, 3.0, 6.0], dtype=torch.float64, requires_grad=True)
    torch.nn.ReLU6()(x).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


def test_torch_adamw_decays_every_parameter_of_a_group_by_default():
    assert inspect.signature(torch.optim.AdamW).parameters["weight_decay"].default == 0.01
    slope = torch.nn.Parameter(torch.tensor([0.25]))
    slope.grad = torch.zeros(1)                  # no gradient from the loss: only the decay can move it
    torch.optim.AdamW([slope], lr=0.1).step()
    assert slope.item() < 0.25
