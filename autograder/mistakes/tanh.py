"""Known mistakes for the Tanh chapter, several straight from the source articles.

Each function is a wrong answer written the way students (and the articles in
``shared/seeds``) write it. Its outputs on the grading checks are stored as fingerprints.
"""
import numpy as np

from autograder.mistakes import Mistake, common
from autograder.specs.tanh import TANH


def tanh(x):
    """A correct tanh, so that a later exercise's mistake can call it as a student's would."""
    x = np.asarray(x)
    m = np.expm1(-2 * np.abs(x))
    return np.copysign(-m / (2 + m), x)


def textbook_formula(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


def identity_with_naive_sigmoid(x):
    return 2 / (1 + np.exp(-2 * x)) - 1


def forgets_the_twos(x):
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return 2 * s - 1


def math_tanh(x):
    import math  # as in source article 003, which imports math for its scalar functions

    return math.tanh(x)


def one_minus_x_squared(x):
    return 1 - x ** 2


def forgets_the_square(x):
    return 1 - tanh(x)


def sigmoid_formula(x):
    t = tanh(x)
    return t * (1 - t)


def cosh_overflow(x):
    return 1 / np.cosh(x) ** 2


def positive_only(x, weights, threshold=0.97):
    h, fractions = np.asarray(x), []
    for W in weights:
        h = tanh(h @ np.asarray(W).T)
        fractions.append(np.mean(h > threshold))
    return np.array(fractions)


def counts_pre_activations(x, weights, threshold=0.97):
    h, fractions = np.asarray(x), []
    for W in weights:
        z = h @ np.asarray(W).T
        fractions.append(np.mean(np.abs(z) > threshold))
        h = tanh(z)
    return np.array(fractions)


def counts_not_fractions(x, weights, threshold=0.97):
    h, counts = np.asarray(x), []
    for W in weights:
        h = tanh(h @ np.asarray(W).T)
        counts.append(np.sum(np.abs(h) > threshold))
    return np.array(counts)


def row_vector_weights(x, weights, threshold=0.97):
    h, fractions = np.asarray(x), []
    for W in weights:
        h = tanh(h @ np.asarray(W))
        fractions.append(np.mean(np.abs(h) > threshold))
    return np.array(fractions)


def hardcoded_threshold(x, weights, threshold=0.97):
    h, fractions = np.asarray(x), []
    for W in weights:
        h = tanh(h @ np.asarray(W).T)
        fractions.append(np.mean(np.abs(h) > 0.97))
    return np.array(fractions)


MISTAKES = [
    common.float64_upcast(TANH, "forward"),
    common.per_element_loop(TANH, "grad"),
    common.returns_forward(TANH),
    Mistake("tanh", "textbook_formula",
            "(exp(x) - exp(-x)) / (exp(x) + exp(-x)) overflows for |x| > 709 (float64) or 88.7 "
            "(float32): exp(x) or exp(-x) becomes inf and the quotient inf / inf is NaN, on both sides. "
            "Exponentiate only -2|x|: with m = np.expm1(-2 * np.abs(x)), tanh(|x|) = -m / (2 + m); "
            "then restore the sign.", textbook_formula),
    Mistake("tanh", "identity_with_naive_sigmoid",
            "2 / (1 + np.exp(-2 * x)) - 1 is the right identity with the naive sigmoid inside: "
            "np.exp(-2 * x) overflows for very negative x and NumPy warns (source article 003's "
            "sigmoid has the same problem). Use a stable sigmoid, or exponentiate only -2|x|.",
            identity_with_naive_sigmoid),
    Mistake("tanh", "forgets_the_twos",
            "2 * sigmoid(x) - 1 is tanh(x / 2), not tanh(x): the identity is tanh(x) = 2 * sigmoid(2 * x) - 1.",
            forgets_the_twos),
    Mistake("tanh", "math_tanh",
            "math.tanh takes one number (source article 003 uses it and loops over the points); on an "
            "array it raises TypeError. Work on whole arrays with NumPy.", math_tanh),
    Mistake("tanh_grad", "one_minus_x_squared",
            "1 - x**2 uses the input where the formula needs the output: tanh'(x) = 1 - tanh(x)**2. "
            "(A backward pass that cached the output t writes 1 - t**2; here you are given x.)",
            one_minus_x_squared),
    Mistake("tanh_grad", "forgets_the_square",
            "1 - tanh(x) is not the derivative: tanh'(x) = 1 - tanh(x)**2, which is even and at most 1.",
            forgets_the_square),
    Mistake("tanh_grad", "sigmoid_formula",
            "t * (1 - t) is the sigmoid's derivative pattern, s * (1 - s). For tanh it is 1 - t**2 "
            "(quotient rule on (e^x - e^-x) / (e^x + e^-x)).", sigmoid_formula),
    Mistake("tanh_grad", "cosh_overflow",
            "1 / np.cosh(x)**2 is mathematically right, but np.cosh(x)**2 overflows once |x| exceeds "
            "about 355 (np.cosh itself at about 710) and NumPy warns. 1 - tanh(x)**2 with a stable tanh never overflows.", cosh_overflow),
    Mistake("tanh_saturation", "positive_only",
            "only h > threshold is counted. Saturation happens on both sides: count |h| > threshold "
            "(np.abs).", positive_only),
    Mistake("tanh_saturation", "counts_pre_activations",
            "the pre-activations z = h @ W.T are compared with the threshold. Saturation is about the "
            "activation tanh(z): count |tanh(z)| > threshold.", counts_pre_activations),
    Mistake("tanh_saturation", "counts_not_fractions",
            "these are counts of saturated units; the exercise asks for fractions (np.mean of the "
            "boolean array, not np.sum).", counts_not_fractions),
    Mistake("tanh_saturation", "row_vector_weights",
            "h @ W treats W as (n_in, n_out). Here W has PyTorch's shape (n_out, n_in): a layer "
            "computes h @ W.T.", row_vector_weights),
    Mistake("tanh_saturation", "hardcoded_threshold",
            "the threshold 0.97 is hard-coded, so the `threshold` argument is ignored: use threshold.",
            hardcoded_threshold),
]
