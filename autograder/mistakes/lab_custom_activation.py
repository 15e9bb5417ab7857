"""Known mistakes for Lab 3, a custom activation as a ``torch.autograd.Function``.

Each entry is a whole wrong answer to an exercise, written as a student writes it: the
``torch.autograd.Function`` subclass (under the name the exercise gives it, so that PyTorch's
error messages match) and the function that applies it. Everything the answer needs is inside
the function, because the grader runs its source on its own with the notebook's imports
(which include torch and ``labkit.models.prelu_weight_view``).
"""
import torch
from labkit.models import prelu_weight_view

from autograder.mistakes import Mistake

_RELU_MASK_HINT = (
    "backward multiplies grad_output by the ReLU mask (x > 0): for negative inputs the derivative "
    "is the slope, not 0, so those inputs get no gradient. Use "
    "torch.where(x > 0, grad_output, slope * grad_output)."
)


def relu_mask(x, negative_slope=0.01):
    class LeakyReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, negative_slope):
            ctx.save_for_backward(x)
            return torch.where(x > 0, x, negative_slope * x)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * (x > 0), None

    return LeakyReLUFunction.apply(x, negative_slope)


def forgets_grad_output(x, negative_slope=0.01):
    class LeakyReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, negative_slope):
            ctx.save_for_backward(x)
            ctx.negative_slope = negative_slope
            return torch.where(x > 0, x, negative_slope * x)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return torch.where(x > 0, torch.ones_like(x), torch.full_like(x, ctx.negative_slope)), None

    return LeakyReLUFunction.apply(x, negative_slope)


def one_gradient_only(x, negative_slope=0.01):
    class LeakyReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, negative_slope):
            ctx.save_for_backward(x)
            ctx.negative_slope = negative_slope
            return torch.where(x > 0, x, negative_slope * x)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return torch.where(x > 0, grad_output, ctx.negative_slope * grad_output)

    return LeakyReLUFunction.apply(x, negative_slope)


def writes_into_input(x, negative_slope=0.01):
    class LeakyReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, negative_slope):
            ctx.negative_slope = negative_slope
            x[x < 0] *= negative_slope
            ctx.save_for_backward(x)
            return x

        @staticmethod
        def backward(ctx, grad_output):
            (y,) = ctx.saved_tensors
            return torch.where(y > 0, grad_output, ctx.negative_slope * grad_output), None

    return LeakyReLUFunction.apply(x, negative_slope)


def calls_the_builtin(x, negative_slope=0.01):
    return torch.nn.functional.leaky_relu(x, negative_slope)


def no_weight_gradient(x, weight):
    class PReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight):
            ctx.save_for_backward(x, weight)
            return torch.where(x > 0, x, prelu_weight_view(weight, x) * x)

        @staticmethod
        def backward(ctx, grad_output):
            x, weight = ctx.saved_tensors
            return torch.where(x > 0, grad_output, prelu_weight_view(weight, x) * grad_output), None

    return PReLUFunction.apply(x, weight)


def prelu_relu_mask(x, weight):
    class PReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight):
            ctx.save_for_backward(x, weight)
            return torch.where(x > 0, x, prelu_weight_view(weight, x) * x)

        @staticmethod
        def backward(ctx, grad_output):
            x, weight = ctx.saved_tensors
            w = prelu_weight_view(weight, x)
            grad_weight = torch.where(x > 0, 0.0, grad_output * x).sum_to_size(w.shape)
            return grad_output * (x > 0), grad_weight.reshape(weight.shape)

    return PReLUFunction.apply(x, weight)


def batch_sum_only(x, weight):
    class PReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight):
            ctx.save_for_backward(x, weight)
            return torch.where(x > 0, x, prelu_weight_view(weight, x) * x)

        @staticmethod
        def backward(ctx, grad_output):
            x, weight = ctx.saved_tensors
            grad_weight = torch.where(x > 0, 0.0, grad_output * x).sum(dim=0)
            return torch.where(x > 0, grad_output, prelu_weight_view(weight, x) * grad_output), grad_weight

    return PReLUFunction.apply(x, weight)


def weight_gradient_from_output(x, weight):
    class PReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight):
            y = torch.where(x > 0, x, prelu_weight_view(weight, x) * x)
            ctx.save_for_backward(y, weight)
            return y

        @staticmethod
        def backward(ctx, grad_output):
            y, weight = ctx.saved_tensors
            w = prelu_weight_view(weight, y)
            grad_weight = torch.where(y > 0, 0.0, grad_output * y).sum_to_size(w.shape)
            return torch.where(y > 0, grad_output, w * grad_output), grad_weight.reshape(weight.shape)

    return PReLUFunction.apply(x, weight)


MISTAKES = [
    Mistake("leaky_relu_autograd", "relu_mask", _RELU_MASK_HINT, relu_mask),
    Mistake("leaky_relu_autograd", "forgets_grad_output",
            "backward returns the local slope (1 or negative_slope) only. It must return dL/dx, which "
            "by the chain rule is grad_output (dL/dy) times that slope, element by element.",
            forgets_grad_output),
    Mistake("leaky_relu_autograd", "one_gradient_only",
            "backward must return one gradient per argument of forward, in order: here (grad_x, None). "
            "negative_slope is a plain number, so its gradient is None, but the slot must be there.",
            one_gradient_only),
    Mistake("leaky_relu_autograd", "writes_into_input",
            "forward writes into its input (x[x < 0] *= slope) and returns it: the caller's tensor is "
            "changed, and backward then sees the output where it expects the input. Build a new tensor "
            "(torch.where returns one) and save the unmodified input for backward.", writes_into_input),
    Mistake("leaky_relu_autograd", "calls_the_builtin",
            "the function calls torch.nn.functional.leaky_relu, so autograd differentiates the built-in "
            "and your backward never runs. Apply your Function: LeakyReLUFunction.apply(x, negative_slope).",
            calls_the_builtin),
    Mistake("prelu_autograd", "no_weight_gradient",
            "backward returns None for the weight, so the slope never learns: it is a tensor that "
            "requires grad, and dL/dweight = sum of grad_output * x over the inputs where x <= 0 "
            "(0 where x > 0).", no_weight_gradient),
    Mistake("prelu_autograd", "prelu_relu_mask", _RELU_MASK_HINT.replace("slope * grad_output", "weight * grad_output"),
            prelu_relu_mask),
    Mistake("prelu_autograd", "batch_sum_only",
            "the weight gradient is summed over the batch dimension only. Each slope is used at every "
            "position of its channel, so its gradient sums over every dimension except the channel "
            "dimension 1 (over everything for one shared slope); its shape must be the weight's shape. "
            "tensor.sum_to_size(shape) does it.", batch_sum_only),
    Mistake("prelu_autograd", "weight_gradient_from_output",
            "backward uses the saved output y where it needs the input x: dL/dweight is grad_output * x "
            "on the negative side, and y = weight * x there, so the result is off by a factor weight; with "
            "a negative slope, y > 0 also picks the wrong side. Save the input: ctx.save_for_backward(x, weight).",
            weight_gradient_from_output),
]
