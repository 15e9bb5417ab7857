"""Known mistakes for the Softplus, GELU, SiLU/Swish and Mish chapter.

Each function is a wrong answer written the way students (and many tutorials) write it. Its
outputs on the grading checks are stored as fingerprints. The source articles do not cover
these functions, so none of these comes from them.
"""
import math

import numpy as np
from scipy import special

from autograder.mistakes import Mistake, common
from autograder.specs.gelu_silu_mish import GELU, MISH, SILU, SOFTPLUS

_NAIVE_SOFTPLUS_HINT = (
    "the softplus inside Mish is computed as log(1 + exp(x)) (or log1p(exp(x))): exp(x) overflows "
    "for large x (NumPy warns, and the result only survives because tanh(inf) = 1), and in float32 "
    "1 + exp(x) rounds to 1 for x < -17, so Mish's small negative values become 0. Use the stable "
    "softplus, np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x))), or np.logaddexp(0, x)."
)

_VECTORIZE_HINT = (
    "np.vectorize(math.erf) is a Python loop that calls math.erf once per element (NumPy's documentation: "
    "'provided primarily for convenience, not for performance'). scipy.special.erf / erfc are real "
    "ufuncs: one call on the whole array, float32 kept."
)


def beta_outside_log(x, beta=1.0):
    return np.logaddexp(0, x) / beta


def beta_only_inside(x, beta=1.0):
    return np.logaddexp(0, beta * x)


def beta_times_sigmoid(x, beta=1.0):
    return beta * special.expit(beta * np.asarray(x))


def tanh_without_sqrt(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(2 / math.pi * (x + 0.044715 * x**3)))
    return 0.5 * x * special.erfc(-x / math.sqrt(2))


def tanh_without_cube(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x)))
    return 0.5 * x * special.erfc(-x / math.sqrt(2))


def sigmoid_form_for_tanh(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        return x * special.expit(1.702 * x)
    return 0.5 * x * special.erfc(-x / math.sqrt(2))


def vectorized_math_erf(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def vectorized_math_erf_dtype_kept(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    erf = np.vectorize(math.erf, otypes=[np.result_type(x, 1.0)])
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def numpy_sqrt_two(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + special.erf(x / np.sqrt(2)))


def cdf_only(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        return 0.5 * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return 0.5 * special.erfc(-x / math.sqrt(2))


def density_without_normalisation(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        t = np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x * x)
    return 0.5 * special.erfc(-x / math.sqrt(2)) + x * np.exp(-0.5 * x * x)


def tanh_grad_without_inner_derivative(x, approximate="none"):
    x = np.asarray(x)
    if approximate == "tanh":
        t = np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t)
    return 0.5 * special.erfc(-x / math.sqrt(2)) + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def sigmoid_slope(x):
    s = special.expit(np.asarray(x))
    return s * (1 - s)


def sigmoid_only(x):
    return special.expit(np.asarray(x))


def naive_mish(x):
    x = np.asarray(x)
    return x * np.tanh(np.log1p(np.exp(x)))


def naive_mish_grad(x):
    x = np.asarray(x)
    t = np.tanh(np.log(1 + np.exp(x)))
    return t + x * special.expit(x) * (1 - t * t)


def mish_grad_without_sigmoid(x):
    x = np.asarray(x)
    t = np.tanh(np.logaddexp(0, x))
    return t + x * (1 - t * t)


def minimiser_twice():
    x = -1.0
    for _ in range(50):
        x -= (x + 1 + math.exp(x)) / (1 + math.exp(x))
    return x, x


def root_of_silu():
    x = -1.0
    for _ in range(50):
        x -= (x / (1 + math.exp(-x))) / 0.5
    return x, x / (1 + math.exp(-x))


def grid_search():
    xs = np.linspace(-2, -1, 1001)
    values = xs / (1 + np.exp(-xs))
    return float(xs[values.argmin()]), float(values.min())


def rounded_from_the_text():
    return -1.278, -0.278


MISTAKES = [
    # Softplus
    common.naive_exponential(SOFTPLUS, "forward", "np.log(1 + np.exp(beta * x)) / beta"),
    common.ignores_parameter(SOFTPLUS, "forward", "beta"),
    Mistake("softplus", "beta_outside_log",
            "beta divides the logarithm but does not scale x inside the exponential: softplus_beta(x) "
            "= log(1 + exp(beta * x)) / beta, so that the function is sharper for larger beta, not "
            "just smaller.", beta_outside_log),
    Mistake("softplus", "beta_only_inside",
            "beta scales x inside the exponential but the logarithm is not divided by beta: for large "
            "x this grows like beta * x instead of x. softplus_beta(x) = log(1 + exp(beta * x)) / beta.",
            beta_only_inside),
    common.per_element_loop(SOFTPLUS, "forward"),
    common.mutates_input(SOFTPLUS, "forward"),
    common.float64_upcast(SOFTPLUS, "forward"),
    common.naive_exponential(SOFTPLUS, "grad", "1 / (1 + np.exp(-beta * x))"),
    common.ignores_parameter(SOFTPLUS, "grad", "beta"),
    Mistake("softplus_grad", "beta_times_sigmoid",
            "the chain rule's factor beta from exp(beta * x) is cancelled by the 1 / beta in front of "
            "the logarithm: the derivative is sigmoid(beta * x), not beta * sigmoid(beta * x).",
            beta_times_sigmoid),
    common.returns_forward(SOFTPLUS),
    # GELU
    common.ignores_parameter(GELU, "forward", "approximate"),
    Mistake("gelu", "tanh_without_sqrt",
            "the tanh form's constant is sqrt(2 / pi), about 0.798 (it makes the slope at 0 equal to "
            "Phi'(0) = 1 / sqrt(2 pi)); 2 / pi, about 0.637, is missing the square root.",
            tanh_without_sqrt),
    Mistake("gelu", "tanh_without_cube",
            "the tanh form's argument is sqrt(2/pi) * (x + 0.044715 * x**3): the correction term is a "
            "cube of x, not x itself.", tanh_without_cube),
    Mistake("gelu", "sigmoid_form_for_tanh",
            "x * sigmoid(1.702 x) is a different approximation of GELU (about ten times less accurate); "
            "approximate='tanh' asks for x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).",
            sigmoid_form_for_tanh),
    Mistake("gelu", "vectorized_math_erf",
            _VECTORIZE_HINT + " Without otypes it also returns float64 whatever the input.", vectorized_math_erf),
    Mistake("gelu", "vectorized_math_erf_dtype_kept", _VECTORIZE_HINT, vectorized_math_erf_dtype_kept),
    Mistake("gelu", "numpy_sqrt_two",
            "np.sqrt(2) (and np.pi) are NumPy float64 scalars: under NumPy 2's promotion rules "
            "x / np.sqrt(2) turns a float32 array into float64. Write the constants as Python floats "
            "(math.sqrt(2), math.pi), which adapt to the array's dtype.", numpy_sqrt_two,
            requires=r"np\.sqrt\(\s*2|np\.pi"),
    common.per_element_loop(GELU, "forward"),
    common.mutates_input(GELU, "forward"),
    common.float64_upcast(GELU, "forward"),
    common.ignores_parameter(GELU, "grad", "approximate"),
    Mistake("gelu_grad", "cdf_only",
            "this is Phi(x), the gate alone. gelu(x) = x * Phi(x) is a product, so its derivative is "
            "Phi(x) + x * phi(x), with phi(x) = exp(-x**2 / 2) / sqrt(2 pi) the normal density (and, "
            "for the tanh form, the same two terms).", cdf_only),
    Mistake("gelu_grad", "density_without_normalisation",
            "the normal density is phi(x) = exp(-x**2 / 2) / sqrt(2 pi): the factor 1 / sqrt(2 pi), "
            "about 0.399, is missing.", density_without_normalisation),
    Mistake("gelu_grad", "tanh_grad_without_inner_derivative",
            "the tanh form's derivative needs the chain rule through u = sqrt(2/pi) (x + 0.044715 x^3): "
            "d tanh(u)/dx = (1 - tanh(u)**2) * sqrt(2/pi) * (1 + 3 * 0.044715 x**2).",
            tanh_grad_without_inner_derivative),
    common.returns_forward(GELU),
    common.per_element_loop(GELU, "grad"),
    # SiLU
    common.naive_exponential(SILU, "forward", "x / (1 + np.exp(-x))"),
    common.per_element_loop(SILU, "forward"),
    common.mutates_input(SILU, "forward"),
    common.float64_upcast(SILU, "forward"),
    Mistake("silu_grad", "sigmoid_slope",
            "sigmoid(x) * (1 - sigmoid(x)) is the sigmoid's derivative. SiLU is x * sigmoid(x), a product: "
            "its derivative is sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x)) "
            "= sigmoid(x) * (1 + x * (1 - sigmoid(x))).", sigmoid_slope),
    Mistake("silu_grad", "sigmoid_only",
            "this is sigmoid(x), the derivative of x times a constant gate: the gate depends on x too, "
            "so the product rule adds x * sigmoid'(x) = x * sigmoid(x) * (1 - sigmoid(x)).", sigmoid_only),
    common.naive_exponential(SILU, "grad", "(1 + x * np.exp(-x) / (1 + np.exp(-x))) / (1 + np.exp(-x))"),
    common.returns_forward(SILU),
    Mistake("silu_minimum", "minimiser_twice",
            "the second number must be the minimum, silu(x*) = x* * sigmoid(x*) (which equals 1 + x* "
            "at the stationary point), not the minimiser again.", minimiser_twice),
    Mistake("silu_minimum", "root_of_silu",
            "Newton's method here finds where silu itself is 0 (x = 0), not where its derivative is 0. "
            "Apply it to the stationary-point equation: silu'(x) = 0, i.e. g(x) = x + 1 + exp(x) = 0.",
            root_of_silu),
    Mistake("silu_minimum", "grid_search",
            "a grid search is only as accurate as its spacing (here 1e-3 in x). Newton's method on "
            "g(x) = x + 1 + exp(x) reaches 1e-10 in a handful of steps.", grid_search),
    Mistake("silu_minimum", "rounded_from_the_text",
            "these are the rounded values from the text, not a computation: run Newton's method until "
            "a step is below 1e-10 and return what it finds.", rounded_from_the_text),
    # Mish
    Mistake("mish", "mish_naive_softplus", _NAIVE_SOFTPLUS_HINT, naive_mish),
    common.per_element_loop(MISH, "forward"),
    common.mutates_input(MISH, "forward"),
    common.float64_upcast(MISH, "forward"),
    Mistake("mish_grad", "mish_grad_naive_softplus", _NAIVE_SOFTPLUS_HINT, naive_mish_grad),
    Mistake("mish_grad", "without_sigmoid",
            "the chain rule through softplus is missing: d tanh(softplus(x))/dx = (1 - tanh(s)**2) * "
            "softplus'(x), and softplus'(x) = sigmoid(x).", mish_grad_without_sigmoid),
    common.returns_forward(MISH),
]
