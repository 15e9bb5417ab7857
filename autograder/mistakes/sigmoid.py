"""Known mistakes for the Sigmoid chapter, several straight from the source articles.

Each function is a wrong answer written the way students (and the articles in
``shared/seeds``) write it. Its outputs on the grading checks are stored as fingerprints.
"""
import numpy as np

from autograder.mistakes import Mistake, common
from autograder.specs.sigmoid import SIGMOID


def sigmoid(x):
    """A correct sigmoid, so that a later exercise's mistake can call it as a student's would."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x):
    """A correct derivative, for the same reason."""
    s = sigmoid(x)
    return s * (1 - s)


def exp_ratio(x):
    return np.exp(x) / (1 + np.exp(x))


def math_exp(x):
    import math  # as in source article 003, which imports math for its scalar functions

    return 1 / (1 + math.exp(-x))


def s_times_one_minus_x(x):
    s = sigmoid(x)
    return s * (1 - x)


def x_times_one_minus_x(x):
    return x * (1 - x)


def naive_derivative(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


def forgets_weights(x, weights):
    y, slope, rows = np.asarray(x), 1.0, []
    for w in weights:
        slope = slope * sigmoid_grad(w * y)
        y = sigmoid(w * y)
        rows.append(slope)
    return np.stack(rows)


def slope_at_output(x, weights):
    y, slope, rows = np.asarray(x), 1.0, []
    for w in weights:
        y = sigmoid(w * y)
        slope = slope * w * sigmoid_grad(y)
        rows.append(slope)
    return np.stack(rows)


def slope_at_start(x, weights):
    x, slope, rows = np.asarray(x), 1.0, []
    for w in weights:
        slope = slope * w * sigmoid_grad(w * x)
        rows.append(slope)
    return np.stack(rows)


def last_layer_only(x, weights):
    y, slope = np.asarray(x), 1.0
    for w in weights:
        slope = slope * w * sigmoid_grad(w * y)
        y = sigmoid(w * y)
    return slope


MISTAKES = [
    common.naive_exponential(SIGMOID, "forward", "1 / (1 + np.exp(-x))",
                             note="Source article 003 writes the sigmoid this way. For the sigmoid: with "
                                  "e = np.exp(-np.abs(x)), it is 1 / (1 + e) where x >= 0 and e / (1 + e) where x < 0."),
    common.float64_upcast(SIGMOID, "forward"),
    common.scalar_branch(SIGMOID, "forward"),
    common.returns_forward(SIGMOID),
    common.per_element_loop(SIGMOID, "grad"),
    Mistake("sigmoid", "exp_ratio",
            "np.exp(x) / (1 + np.exp(x)) computes inf / inf = NaN for large positive x (and warns). "
            "Exponentiate only non-positive numbers: with e = np.exp(-np.abs(x)), sigmoid is "
            "1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0.", exp_ratio),
    Mistake("sigmoid", "math_exp",
            "math.exp takes one number; on an array it raises TypeError, so the function only works "
            "in a Python loop. np.exp works on whole arrays.", math_exp),
    Mistake("sigmoid_grad", "s_times_one_minus_x",
            "s * (1 - x) mixes the output and the input: the derivative is s * (1 - s), both factors "
            "being the sigmoid's output s = sigmoid(x).", s_times_one_minus_x),
    Mistake("sigmoid_grad", "x_times_one_minus_x",
            "x * (1 - x) applies the formula to the input. sigmoid'(x) = s * (1 - s) is written in "
            "terms of the output s = sigmoid(x): compute s first. (Backprop code that caches the "
            "layer's output may write out * (1 - out); here you are given the input x.)",
            x_times_one_minus_x),
    Mistake("sigmoid_grad", "naive_derivative",
            "np.exp(-x) / (1 + np.exp(-x))**2 overflows for very negative x: inf / inf gives NaN. "
            "Use s * (1 - s) with the stable sigmoid, or e / (1 + e)**2 with e = np.exp(-np.abs(x)).",
            naive_derivative),
    Mistake("sigmoid_chain_grad", "forgets_weights",
            "the weight is missing from the chain rule: d/dx sigmoid(w * y) = sigmoid'(w * y) * w * dy/dx. "
            "Each layer contributes w_j * sigmoid'(w_j * y_{j-1}).", forgets_weights),
    Mistake("sigmoid_chain_grad", "slope_at_output",
            "sigmoid' is evaluated at the layer's output. It belongs at the layer's input, the "
            "pre-activation z = w_j * y_{j-1}: compute the slope before overwriting y.", slope_at_output),
    Mistake("sigmoid_chain_grad", "slope_at_start",
            "every layer's slope is evaluated at w_j * x, the chain's starting point. Layer j sees "
            "y_{j-1}, the previous layer's output: carry the forward values along (y = sigmoid(w * y)).",
            slope_at_start),
    Mistake("sigmoid_chain_grad", "last_layer_only",
            "only dy_k/dx after the last layer is returned. Return every layer's derivative, "
            "stacked: shape (k,) + x.shape, row j - 1 holding dy_j/dx.", last_layer_only),
]
