"""Known mistakes for the Leaky ReLU chapter, several straight from the source articles.

Each function is a wrong answer written the way students (and the articles in
``shared/seeds``) write it. Its outputs on the grading checks are stored as fingerprints.
"""
import numpy as np

from autograder.mistakes import Mistake

_RELU_MASK_HINT = (
    "this is ReLU's derivative, the mask (x > 0): it is 0 for negative inputs, where Leaky ReLU's "
    "derivative is alpha. Source article 004 makes exactly this mistake in its backward pass, so "
    "its hidden layers get no gradient wherever a pre-activation is negative."
)


def python_max(x, alpha=0.01):
    return max(alpha * x, x)


def max_form(x, alpha=0.01):
    return np.maximum(alpha * x, x)


def hardcoded_slope(x, alpha=0.01):
    return np.where(x > 0, x, 0.01 * x)


def writes_into_input(x, alpha=0.01):
    x[x < 0] *= alpha
    return x


def float64_copy(x, alpha=0.01):
    x = np.array(x, dtype=float)
    return np.where(x > 0, x, alpha * x)


def plain_relu(x, alpha=0.01):
    return np.maximum(x, 0)


def relu_mask(x, alpha=0.01):
    return (x > 0).astype(x.dtype)


def boolean_mask(x, alpha=0.01):
    return x > 0


def zero_at_kink(x, alpha=0.01):
    return np.where(x > 0, 1.0, np.where(x < 0, alpha, 0.0)).astype(x.dtype)


def hardcoded_slope_grad(x, alpha=0.01):
    return np.where(x > 0, 1.0, 0.01).astype(x.dtype)


def python_float_where(x, alpha=0.01):
    return np.where(x > 0, 1.0, alpha)


def forgets_upstream(dout, x, alpha=0.01):
    return np.where(x > 0, 1.0, alpha).astype(x.dtype)


def mask_on_dout(dout, x, alpha=0.01):
    return dout * np.where(dout > 0, 1.0, alpha).astype(dout.dtype)


def relu_mask_backward(dout, x, alpha=0.01):
    return dout * (x > 0)


MISTAKES = [
    Mistake("leaky_relu", "python_max",
            "Python's built-in max (like `if x > 0:`) compares one number at a time. On an array, "
            "`alpha * x > x` is an array of booleans and Python cannot say whether it is true "
            "(ValueError: the truth value of an array is ambiguous). Source article 003 uses "
            "max(0.0, x) and then loops over every point to plot it. Use np.where or np.maximum, "
            "which work element by element.", python_max),
    Mistake("leaky_relu", "max_form",
            "np.maximum(alpha * x, x) equals Leaky ReLU only when alpha <= 1 (source article 004 writes "
            "it this way). For alpha > 1 it returns alpha * x for positive x. Use "
            "np.where(x > 0, x, alpha * x), or np.maximum(x, 0) + alpha * np.minimum(x, 0), which "
            "hold for every alpha.", max_form),
    Mistake("leaky_relu", "hardcoded_slope",
            "the slope 0.01 is hard-coded, so the `alpha` argument is ignored: use alpha.", hardcoded_slope),
    Mistake("leaky_relu", "writes_into_input",
            "it writes into the caller's array (x[x < 0] *= alpha): after the call the caller's data "
            "has changed, which silently corrupts a network's stored pre-activations. Build a new "
            "array (np.where returns one) instead of modifying x.", writes_into_input),
    Mistake("leaky_relu", "float64_copy",
            "np.array(x, dtype=float) converts to float64: float32 inputs come back as float64, "
            "doubling memory and breaking mixed-precision code. np.asarray(x) keeps the dtype.", float64_copy),
    Mistake("leaky_relu", "plain_relu",
            "this is ReLU: negative inputs must come out as alpha * x, not 0.", plain_relu),
    Mistake("leaky_relu_grad", "relu_mask", _RELU_MASK_HINT, relu_mask),
    Mistake("leaky_relu_grad", "boolean_mask",
            "it returns the boolean array x > 0: a mask, not a derivative. The derivative is a float "
            "array with 1 for positive inputs and alpha for negative ones.", boolean_mask),
    Mistake("leaky_relu_grad", "zero_at_kink",
            "at x = 0 Leaky ReLU has a kink; any value between alpha and 1 is a valid subgradient "
            "(PyTorch uses alpha), but 0 is not one.", zero_at_kink),
    Mistake("leaky_relu_grad", "hardcoded_slope_grad",
            "the slope 0.01 is hard-coded, so the `alpha` argument is ignored: use alpha.", hardcoded_slope_grad),
    Mistake("leaky_relu_grad", "python_float_where",
            "np.where(x > 0, 1.0, alpha) builds its result from two Python floats, so it is float64 "
            "whatever x is. Cast to the input's floating dtype, e.g. .astype(np.result_type(x, 1.0)).",
            python_float_where),
    Mistake("leaky_relu_backward", "forgets_upstream",
            "it returns the local derivative only. The chain rule multiplies it by the upstream "
            "gradient: dL/dx = dL/dy * dy/dx, i.e. dout * leaky_relu_grad(x).", forgets_upstream),
    Mistake("leaky_relu_backward", "mask_on_dout",
            "the derivative is applied to the wrong quantity: the slope depends on the layer's input "
            "x (was it negative?), not on the sign of the incoming gradient dout.", mask_on_dout),
    Mistake("leaky_relu_backward", "relu_mask_backward", _RELU_MASK_HINT, relu_mask_backward),
]
