"""Known mistakes for the Leaky ReLU chapter, several straight from the source articles.

Each function is a wrong answer written the way students (and the articles in
``shared/seeds``) write it. Its outputs on the grading checks are stored as fingerprints.
"""
import numpy as np

from autograder.mistakes import Mistake, common
from autograder.specs.leaky_relu import LEAKY_RELU

_RELU_MASK_HINT = (
    "this is ReLU's derivative, the mask (x > 0): it is 0 for negative inputs, where Leaky ReLU's "
    "derivative is alpha. Source article 004 makes exactly this mistake in its backward pass, so "
    "its hidden layers get no gradient wherever a pre-activation is negative."
)


def max_form(x, alpha=0.01):
    return np.maximum(alpha * x, x)


def plain_relu(x, alpha=0.01):
    return np.maximum(x, 0)


def relu_mask(x, alpha=0.01):
    return (x > 0).astype(x.dtype)


def zero_at_kink(x, alpha=0.01):
    return np.where(x > 0, 1.0, np.where(x < 0, alpha, 0.0)).astype(x.dtype)


def python_float_where(x, alpha=0.01):
    return np.where(x > 0, 1.0, alpha)


def mask_on_dout(dout, x, alpha=0.01):
    return dout * np.where(dout > 0, 1.0, alpha).astype(dout.dtype)


def relu_mask_backward(dout, x, alpha=0.01):
    return dout * (x > 0)


MISTAKES = [
    common.scalar_branch(LEAKY_RELU, "forward",
                         note="Source article 003 uses max(0.0, x) and then loops over every point to plot it."),
    common.per_element_loop(LEAKY_RELU, "forward"),
    common.ignores_parameter(LEAKY_RELU, "forward", "alpha"),
    common.mutates_input(LEAKY_RELU, "forward"),
    common.float64_upcast(LEAKY_RELU, "forward"),
    common.ignores_parameter(LEAKY_RELU, "grad", "alpha"),
    common.boolean_mask(LEAKY_RELU),
    common.forgets_upstream(LEAKY_RELU),
    Mistake("leaky_relu", "max_form",
            "np.maximum(alpha * x, x) equals Leaky ReLU only when alpha <= 1 (source article 004 writes "
            "it this way). For alpha > 1 it returns alpha * x for positive x. Use "
            "np.where(x > 0, x, alpha * x), or np.maximum(x, 0) + alpha * np.minimum(x, 0), which "
            "hold for every alpha.", max_form),
    Mistake("leaky_relu", "plain_relu",
            "this is ReLU: negative inputs must come out as alpha * x, not 0.", plain_relu),
    Mistake("leaky_relu_grad", "relu_mask", _RELU_MASK_HINT, relu_mask),
    Mistake("leaky_relu_grad", "zero_at_kink",
            "at x = 0 Leaky ReLU has a kink; any value between alpha and 1 is a valid subgradient "
            "(PyTorch uses alpha), but 0 is not one.", zero_at_kink),
    Mistake("leaky_relu_grad", "python_float_where",
            "np.where(x > 0, 1.0, alpha) builds its result from two Python floats, so it is float64 "
            "whatever x is. Cast to the input's floating dtype, e.g. .astype(np.result_type(x, 1.0)).",
            python_float_where),
    Mistake("leaky_relu_backward", "mask_on_dout",
            "the derivative is applied to the wrong quantity: the slope depends on the layer's input "
            "x (was it negative?), not on the sign of the incoming gradient dout.", mask_on_dout),
    Mistake("leaky_relu_backward", "relu_mask_backward", _RELU_MASK_HINT, relu_mask_backward),
]
