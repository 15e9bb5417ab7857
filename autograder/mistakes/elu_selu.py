"""Known mistakes for the ELU and SELU chapter.

Each function is a wrong answer written the way students (and tutorials) write it; its outputs on
the grading checks are stored as fingerprints. The shared ones come from
:mod:`autograder.mistakes.common`, built on the declared activations.
"""
import numpy as np

from autograder.mistakes import Mistake, common
from autograder.specs.elu_selu import ELU, SELU

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946

_CANCELLATION_HINT = (
    "near 0, exp(x) is within a few rounding steps of 1, so exp(x) - 1 keeps only the digits that "
    "differ from 1: at x = -1e-12 it is off by 2e-5 (relative), at x = -1e-15 by 8e-4. "
    "np.expm1(x) computes exp(x) - 1 without forming exp(x) first and is accurate to the last digit."
)
_OVERFLOW_HINT = (
    "np.where evaluates both branches on every element before choosing, so np.exp(x) is computed for "
    "large positive x too: exp(1000) overflows to inf and NumPy warns, even though that value is then "
    "thrown away (and float32 overflows already at x = 89). Take the exponential of np.minimum(x, 0), "
    "which is never positive."
)


def exp_minus_one(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))


def where_exp_minus_one(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def where_expm1(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(x))


def alpha_on_both_sides(x, alpha=1.0):
    return alpha * np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def celu_formula(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))


def grad_is_forward_value(x, alpha=1.0):
    x = np.asarray(x)
    return np.where(x > 0, np.ones_like(x), alpha * np.expm1(np.minimum(x, 0)))


def grad_where_exp(x, alpha=1.0):
    x = np.asarray(x)
    return np.where(x > 0, np.ones_like(x), alpha * np.exp(x))


def grad_without_alpha(x, alpha=1.0):
    x = np.asarray(x)
    return np.where(x > 0, np.ones_like(x), np.exp(np.minimum(x, 0)))


def selu_scale_positive_only(x):
    return np.where(x > 0, 1.0507009873554805 * x, 1.6732632423543772 * np.expm1(np.minimum(x, 0)))


def selu_scale_negative_only(x):
    return np.where(x > 0, x, 1.0507009873554805 * 1.6732632423543772 * np.expm1(np.minimum(x, 0)))


def selu_three_digits(x):
    return 1.051 * np.where(x > 0, x, 1.673 * np.expm1(np.minimum(x, 0)))


def selu_where_exp_minus_one(x):
    return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))


def selu_grad_forgets_scale(x):
    x = np.asarray(x)
    return np.where(x > 0, np.ones_like(x), 1.0507009873554805 * 1.6732632423543772 * np.exp(np.minimum(x, 0)))


def selu_grad_is_forward_value(x):
    x = np.asarray(x)
    return 1.0507009873554805 * np.where(x > 0, np.ones_like(x), 1.6732632423543772 * np.expm1(np.minimum(x, 0)))


def selu_grad_three_digits(x):
    x = np.asarray(x)
    return 1.051 * np.where(x > 0, np.ones_like(x), 1.673 * np.exp(np.minimum(x, 0)))


def published_constants(var=1.0):
    return 1.6732632423543772, 1.0507009873554805


def monte_carlo(var=1.0):
    z = np.random.default_rng(0).normal(0.0, np.sqrt(var), 10**6)
    negative = np.expm1(np.minimum(z, 0))
    alpha = -np.mean(np.maximum(z, 0)) / np.mean(negative)
    scale = np.sqrt(var / np.mean((np.maximum(z, 0) + alpha * negative) ** 2))
    return float(alpha), float(scale)


def scale_without_square_root(var=1.0):
    z, step = np.linspace(-12 * np.sqrt(var), 12 * np.sqrt(var), 200_001, retstep=True)
    density = np.exp(-z**2 / (2 * var)) / np.sqrt(2 * np.pi * var) * step
    negative = np.expm1(np.minimum(z, 0))
    alpha = -np.sum(np.maximum(z, 0) * density) / np.sum(negative * density)
    scale = var / np.sum((np.maximum(z, 0) + alpha * negative) ** 2 * density)
    return float(alpha), float(scale)


MISTAKES = [
    common.scalar_branch(ELU, "forward"),
    common.per_element_loop(ELU, "forward"),
    common.mutates_input(ELU, "forward"),
    common.float64_upcast(ELU, "forward"),
    common.ignores_parameter(ELU, "forward", "alpha"),
    common.ignores_parameter(ELU, "grad", "alpha"),
    common.boolean_mask(ELU),
    common.returns_forward(ELU),
    common.scalar_branch(SELU, "forward"),
    common.per_element_loop(SELU, "grad"),
    Mistake("elu", "exp_minus_one",
            f"{_CANCELLATION_HINT} Small pre-activations are the most common ones in a normalised "
            "network, so this is where the digits matter.", exp_minus_one),
    Mistake("elu", "where_exp_minus_one", f"{_OVERFLOW_HINT} And {_CANCELLATION_HINT}", where_exp_minus_one),
    Mistake("elu", "where_expm1", _OVERFLOW_HINT, where_expm1),
    Mistake("elu", "alpha_on_both_sides",
            "alpha multiplies only the negative side: elu(x) = x for x > 0, alpha * (exp(x) - 1) for "
            "x <= 0. Scaling the positive side too changes the slope there from 1 to alpha.",
            alpha_on_both_sides),
    Mistake("elu", "celu_formula",
            "this is CELU (torch.nn.CELU), alpha * (exp(x / alpha) - 1): the same as ELU only at "
            "alpha = 1. ELU takes exp(x) itself; its alpha sets the saturation value -alpha without "
            "changing the exponent.", celu_formula),
    Mistake("elu_grad", "grad_is_forward_value",
            "for x <= 0 the derivative of alpha * (exp(x) - 1) is alpha * exp(x), which is f(x) + alpha, "
            "not f(x): the -1 is a constant and disappears. With f(x) the slope would go to 0 at x = 0 "
            "instead of alpha, and be negative.", grad_is_forward_value),
    Mistake("elu_grad", "grad_where_exp", _OVERFLOW_HINT, grad_where_exp),
    Mistake("elu_grad", "grad_without_alpha",
            "the derivative on the negative side is alpha * exp(x): alpha multiplies the exponential in "
            "the function, so it multiplies its derivative too.", grad_without_alpha),
    Mistake("selu", "selu_scale_positive_only",
            "scale multiplies both sides: selu(x) = scale * x for x > 0 and scale * alpha * (exp(x) - 1) "
            "for x <= 0. Without it on the negative side the mean is no longer 0.", selu_scale_positive_only),
    Mistake("selu", "selu_scale_negative_only",
            "scale multiplies both sides: selu(x) = scale * x for x > 0 too. It is what brings the output "
            "variance back to 1; on one side only, the fixed point is lost.", selu_scale_negative_only),
    Mistake("selu", "selu_three_digits",
            "the constants are truncated (1.673 and 1.051): that changes every output by 1e-4 to 3e-4 "
            "relative, far more than rounding, and moves the fixed point away from mean 0 and variance "
            "1. Use the full digits (reference.SELU_ALPHA and reference.SELU_SCALE, or your "
            "selu_constants()).", selu_three_digits),
    Mistake("selu", "selu_where_exp_minus_one", f"{_OVERFLOW_HINT} And {_CANCELLATION_HINT}",
            selu_where_exp_minus_one),
    Mistake("selu_grad", "selu_grad_forgets_scale",
            "for x > 0 the derivative of scale * x is scale (1.0507), not 1.", selu_grad_forgets_scale),
    Mistake("selu_grad", "selu_grad_is_forward_value",
            "for x <= 0 the derivative of scale * alpha * (exp(x) - 1) is scale * alpha * exp(x), that is "
            "f(x) + scale * alpha, not f(x): the -1 is a constant and disappears.", selu_grad_is_forward_value),
    Mistake("selu_grad", "selu_grad_three_digits",
            "the constants are truncated (1.673 and 1.051): every slope is off by 1e-4 to 3e-4 relative. "
            "Use the full digits.", selu_grad_three_digits),
    Mistake("selu_constants", "published_constants",
            "the constants depend on the variance: solve E[y] = 0 and E[y^2] = var for y = scale * "
            "elu(z, alpha), z ~ N(0, var) (standard deviation sqrt(var)). The published 1.6733 and 1.0507 "
            "are the solution for var = 1 only.", published_constants),
    Mistake("selu_constants", "monte_carlo",
            "the constants are not accurate to 6 digits: a sample mean has an error of about "
            "1/sqrt(n) (1e-3 for a million draws), and a coarse grid is not much better. Integrate "
            "against the Gaussian density with a quadrature rule on each side of the kink at 0.",
            monte_carlo),
    Mistake("selu_constants", "scale_without_square_root",
            "the variance of scale * y is scale**2 times the variance of y, so scale = sqrt(var / E[y^2]), "
            "with a square root.", scale_without_square_root),
]
