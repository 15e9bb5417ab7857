"""The torch probes print canonical, deterministic text that tells right from wrong answers,
and never decide pass or fail themselves."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import autograder.torch_probes as probe
from autograder.canonical import describe, parse
from autograder.probes import looking_up

X = np.random.default_rng(0).standard_normal((2, 3, 4))
DOUT = np.random.default_rng(1).standard_normal(X.shape)
WEIGHT = np.array([0.25, -0.5, 1.5])


class _Leaky(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return torch.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return torch.where(x > 0, grad_output, grad_output * ctx.slope), None


class _ReluMaskBackward(_Leaky):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x > 0), None


def custom(x, negative_slope=0.01):
    return _Leaky.apply(x, negative_slope)


def relu_mask(x, negative_slope=0.01):
    return _ReluMaskBackward.apply(x, negative_slope)


def builtin(x, negative_slope=0.01):
    return F.leaky_relu(x, negative_slope)


def in_place(x, negative_slope=0.01):
    x[x < 0] *= negative_slope
    return x


def prelu_without_weight_gradient(x, weight):
    class NoWeightGradient(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight):
            ctx.save_for_backward(x, weight)
            return F.prelu(x, weight)

        @staticmethod
        def backward(ctx, grad_output):
            x, weight = ctx.saved_tensors
            return torch.where(x > 0, grad_output, weight.reshape(1, -1, 1) * grad_output), None

    return NoWeightGradient.apply(x, weight)


def broken(x, negative_slope=0.01):
    raise ValueError("broken on purpose")


FUNCTIONS = {f.__name__: f for f in (custom, relu_mask, builtin, in_place, prelu_without_weight_gradient, broken)}
FUNCTIONS["prelu"] = F.prelu


def printed(capsys, probe_fn, *args, **kwargs) -> dict:
    with looking_up(FUNCTIONS):
        probe_fn(*args, **kwargs)
    return parse(capsys.readouterr().out)


def test_forward_values_of_a_correct_function_are_the_builtins_values(capsys):
    fields = printed(capsys, probe.forward_values, "t", "custom", {"x": X}, negative_slope=0.2)
    assert fields["result"] == describe(F.leaky_relu(torch.tensor(X), 0.2).numpy())
    assert fields["call"] == "custom(x, negative_slope=0.2)" and fields["input x"] == describe(X)


def test_forward_values_keep_the_inputs_dtype(capsys):
    fields = printed(capsys, probe.forward_values, "t", "custom", {"x": X.astype(np.float32)})
    assert fields["result"]["dtype"] == "float32"


def test_gradient_values_equal_autograd_through_the_builtin(capsys):
    fields = printed(capsys, probe.gradient_values, "t", "custom", {"x": X}, DOUT, negative_slope=0.2)
    leaf = torch.tensor(X, requires_grad=True)
    (expected,) = torch.autograd.grad(F.leaky_relu(leaf, 0.2), leaf, torch.tensor(DOUT))
    assert fields["result"] == {"type": "dict", "entries": {"x": describe(expected.numpy())}}
    assert fields["input dout"] == describe(DOUT) and fields["call"] == "custom(x, negative_slope=0.2)"


def test_gradient_values_expose_a_wrong_backward(capsys):
    right = printed(capsys, probe.gradient_values, "t", "custom", {"x": X}, DOUT)
    wrong = printed(capsys, probe.gradient_values, "t", "relu_mask", {"x": X}, DOUT)
    assert right["result"] != wrong["result"]


def test_gradient_values_show_a_missing_weight_gradient_as_none(capsys):
    inputs = {"x": X, "weight": WEIGHT}
    right = printed(capsys, probe.gradient_values, "t", "prelu", inputs, DOUT, wrt=("x", "weight"))
    wrong = printed(capsys, probe.gradient_values, "t", "prelu_without_weight_gradient", inputs, DOUT, wrt=("x", "weight"))
    assert right["result"]["entries"]["weight"]["shape"] == [3]
    assert wrong["result"]["entries"]["weight"] == {"type": "None"}
    assert wrong["result"]["entries"]["x"] == right["result"]["entries"]["x"]


@pytest.mark.parametrize("name, agrees", [("custom", True), ("builtin", True), ("relu_mask", False)])
def test_gradcheck_tells_a_right_backward_from_a_wrong_one(capsys, name, agrees):
    fields = printed(capsys, probe.passes_gradcheck, "t", name, {"x": X}, negative_slope=0.1)
    assert fields["result"] == {"agrees_with_finite_differences": agrees}
    assert fields["note"].startswith("gradcheck wrt x: ")


def test_gradcheck_runs_in_float64_whatever_the_inputs_dtype(capsys):
    fields = printed(capsys, probe.passes_gradcheck, "t", "custom", {"x": X.astype(np.float32)})
    assert fields["input x"]["dtype"] == "float64"
    assert fields["result"] == {"agrees_with_finite_differences": True}


def test_gradcheck_with_respect_to_a_weight(capsys):
    inputs = {"x": X, "weight": WEIGHT}
    right = printed(capsys, probe.passes_gradcheck, "t", "prelu", inputs, wrt=("x", "weight"))
    wrong = printed(capsys, probe.passes_gradcheck, "t", "prelu_without_weight_gradient", inputs, wrt=("x", "weight"))
    assert right["result"] == {"agrees_with_finite_differences": True}
    assert wrong["result"] == {"agrees_with_finite_differences": False}


@pytest.mark.parametrize("name, changed", [("custom", []), ("in_place", ["x"])])
def test_inputs_unchanged_detects_writes_into_the_callers_tensor(capsys, name, changed):
    assert printed(capsys, probe.inputs_unchanged, "t", name, {"x": X})["result"] == {"inputs_changed": changed}


@pytest.mark.parametrize("name, expected", [("custom", True), ("builtin", False)])
def test_is_custom_function_tells_a_hand_written_backward_from_the_builtin(capsys, name, expected):
    fields = printed(capsys, probe.is_custom_function, "t", name, {"x": X})
    assert fields["result"] == {"custom_autograd_function": expected}


@pytest.mark.parametrize("probe_fn, extra", [(probe.forward_values, ()), (probe.gradient_values, (DOUT,)),
                                             (probe.passes_gradcheck, ()), (probe.inputs_unchanged, ()),
                                             (probe.is_custom_function, ())])
def test_every_probe_reports_missing_and_raising_functions_without_raising(capsys, probe_fn, extra):
    missing = printed(capsys, probe_fn, "t", "no_such_function", {"x": X}, *extra)
    raising = printed(capsys, probe_fn, "t", "broken", {"x": X}, *extra)
    assert missing["result"] == {"missing": "no_such_function"}
    assert raising["result"] == {"raised": "ValueError", "message": "broken on purpose"}


@pytest.mark.parametrize("probe_fn, extra", [(probe.forward_values, ()), (probe.gradient_values, (DOUT,)),
                                             (probe.passes_gradcheck, ()), (probe.inputs_unchanged, ())])
def test_probe_output_is_deterministic(capsys, probe_fn, extra):
    with looking_up(FUNCTIONS):
        probe_fn("t", "custom", {"x": X}, *extra)
        first = capsys.readouterr().out
        probe_fn("t", "custom", {"x": X}, *extra)
        assert capsys.readouterr().out == first
    assert first.startswith("check: t\ncall: custom(x)\n")


def test_probes_print_and_return_nothing_so_only_the_grader_decides(capsys):
    with looking_up(FUNCTIONS):
        assert probe.passes_gradcheck("t", "relu_mask", {"x": X}) is None
    assert capsys.readouterr().out.startswith("check: t\n")
