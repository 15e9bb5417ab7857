"""Ground truth independent of any framework.

Symbolic: each elementwise activation is written as a sympy formula, sympy
differentiates it, and both are lambdified to mpmath and evaluated with 400
significant digits, enough to resolve any cancellation whose result is still
representable in float64 (the deepest is ~340 digits, for subnormals). The
implementation must match to 1e-12 relative on a grid from -1e4 to 1e4,
including the tails where torch is inaccurate. Atol is the smallest normal
float64, below which float64 has no relative precision.

Numerical: centred finite differences of the forward passes must match the
derivatives and the backward passes.
"""

import mpmath
import numpy as np
import pytest
import sympy as sp

import activations as A
from activations import defaults as D

pytestmark = pytest.mark.filterwarnings("error")

RTOL = 1e-12
TINY = np.finfo(np.float64).smallest_normal
DIGITS = 400

x = sp.Symbol("x", real=True)


def _piecewise(right, left, at=0):
    """``right`` for x > at, else ``left``: the strict inequality puts kinks in the left piece."""
    return sp.Piecewise((right, x > at), (left, True))


def _f(value):
    """A float constant exactly as the implementation stores it (its binary value)."""
    return sp.Float(value, 60)


_SELU = _f(D.SELU_SCALE) * _piecewise(x, _f(D.SELU_ALPHA) * (sp.exp(x) - 1))
_GELU_TANH_U = sp.sqrt(2 / sp.pi) * (x + _f(D.GELU_TANH_COEFFICIENT) * x**3)

# name -> (sympy formula at the registry's default parameters, function, grad, kwargs, kinks)
FORMULAS = {
    "sigmoid": 1 / (1 + sp.exp(-x)),
    "tanh": sp.tanh(x),
    "relu": _piecewise(x, 0),
    "leaky_relu": _piecewise(x, _f(D.LEAKY_RELU_ALPHA) * x),
    "prelu": _piecewise(x, _f(D.PRELU_ALPHA) * x),
    "thresholded_relu": _piecewise(x, 0, at=_f(D.THRESHOLDED_RELU_THETA)),
    "elu": _piecewise(x, _f(D.ELU_ALPHA) * (sp.exp(x) - 1)),
    "selu": _SELU,
    "softplus": sp.log(1 + sp.exp(x)),
    "gelu": x * sp.erfc(-x / sp.sqrt(2)) / 2,
    "gelu_tanh": x / 2 * (1 + sp.tanh(_GELU_TANH_U)),
    "silu": x / (1 + sp.exp(-x)),
    "mish": x * sp.tanh(sp.log(1 + sp.exp(x))),
}
CASES = {name: (FORMULAS[name], e.forward, e.grad, dict(e.kwargs)) for name, e in A.ELEMENTWISE.items()}
CASES["log_sigmoid"] = (-sp.log(1 + sp.exp(-x)), A.log_sigmoid, A.log_sigmoid_grad, {})
CASES["softplus_beta3"] = (sp.log(1 + sp.exp(3 * x)) / 3, A.softplus, A.softplus_grad, {"beta": 3.0})
CASES["elu_alpha2"] = (_piecewise(x, 2 * (sp.exp(x) - 1)), A.elu, A.elu_grad, {"alpha": 2.0})
CASES["leaky_relu_alpha0.3"] = (_piecewise(x, _f(0.3) * x), A.leaky_relu, A.leaky_relu_grad,
                                {"alpha": 0.3})
KINKS = {"relu": 0.0, "leaky_relu": 0.0, "prelu": 0.0, "thresholded_relu": 1.0, "elu": 0.0,
         "selu": 0.0, "elu_alpha2": 0.0, "leaky_relu_alpha0.3": 0.0}

_TAILS = np.concatenate([np.logspace(-300, -1, 12), np.logspace(1, 4, 16),
                         [20.0, 36.0, 37.5, 100.0, 700.0, 709.5, 745.0, 1e4]])
GRID = np.unique(np.concatenate([np.linspace(-12, 12, 97), _TAILS, -_TAILS,
                                 [0.0, 1.0, 5e-324, -5e-324]]))


def _exact(expr, points):
    function = sp.lambdify(x, expr, modules="mpmath")
    with mpmath.workdps(DIGITS):
        return np.array([float(function(mpmath.mpf(float(p)))) for p in points])


@pytest.mark.parametrize("name", CASES)
def test_forward_matches_sympy_formula_in_400_digit_arithmetic(name):
    formula, forward, _, kwargs = CASES[name]
    np.testing.assert_allclose(forward(GRID, **kwargs), _exact(formula, GRID), rtol=RTOL, atol=TINY)


@pytest.mark.parametrize("name", CASES)
def test_grad_matches_sympy_derivative_on_a_grid_away_from_kinks(name):
    formula, _, grad, kwargs = CASES[name]
    points = GRID[GRID != KINKS.get(name)]
    derivative = sp.diff(formula, x)
    np.testing.assert_allclose(grad(points, **kwargs), _exact(derivative, points), rtol=RTOL, atol=TINY)


def test_sympy_derivatives_are_the_ones_stated_in_the_docstrings():
    """Spot-check the closed forms quoted in the docstrings against sympy."""
    s = FORMULAS["sigmoid"]
    assert sp.simplify(sp.diff(s, x) - s * (1 - s)) == 0
    assert sp.simplify(sp.diff(sp.tanh(x), x) - (1 - sp.tanh(x) ** 2)) == 0
    phi = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    assert sp.simplify(sp.diff(FORMULAS["gelu"], x) - (sp.erfc(-x / sp.sqrt(2)) / 2 + x * phi)) == 0
    assert sp.simplify(sp.diff(FORMULAS["silu"], x) - (s + x * s * (1 - s))) == 0
    assert sp.simplify(sp.diff(FORMULAS["softplus"], x) - s) == 0


# --- finite differences ---------------------------------------------------------------

FD_POINTS = np.linspace(-8, 8, 161) + 0.013  # offset keeps every point off the kinks


def _centred_difference(function, points, **kwargs):
    h = 1e-6 * np.maximum(1.0, np.abs(points))
    return (function(points + h, **kwargs) - function(points - h, **kwargs)) / (2 * h)


@pytest.mark.parametrize("name", CASES)
def test_grad_matches_centred_finite_differences_away_from_kinks(name):
    _, forward, grad, kwargs = CASES[name]
    points = FD_POINTS[np.abs(FD_POINTS - KINKS.get(name, np.inf)) > 1e-3]
    np.testing.assert_allclose(grad(points, **kwargs), _centred_difference(forward, points, **kwargs),
                               rtol=1e-7, atol=1e-9)


def _directional_difference(loss, point, direction, h=1e-6):
    return (loss(point + h * direction) - loss(point - h * direction)) / (2 * h)


BACKWARDS = {
    "softmax": (A.softmax, A.softmax_backward),
    "log_softmax": (A.log_softmax, A.log_softmax_backward),
    "leaky_relu": (A.leaky_relu, A.leaky_relu_backward),
}


@pytest.mark.parametrize("name", BACKWARDS)
@pytest.mark.parametrize("axis", [0, 1])
def test_backward_matches_finite_differences_of_a_random_linear_loss(name, axis):
    forward, backward = BACKWARDS[name]
    rng = np.random.default_rng(1)
    point, dout, direction = (rng.standard_normal((4, 5)) * 2 for _ in range(3))
    kwargs = {} if name == "leaky_relu" else {"axis": axis}

    def loss(z):
        return np.sum(dout * forward(z, **kwargs))

    expected = _directional_difference(loss, point, direction)
    assert np.sum(backward(dout, point, **kwargs) * direction) == pytest.approx(expected, rel=1e-7)


def test_prelu_backward_dalpha_matches_finite_differences_in_alpha():
    rng = np.random.default_rng(2)
    point, dout = rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 4, 5))
    alpha, direction = np.array([0.1, 0.2, 0.3, 0.4]), rng.standard_normal(4)
    _, dalpha = A.prelu_backward(dout, point, alpha)
    expected = _directional_difference(lambda a: np.sum(dout * A.prelu(point, a)), alpha, direction)
    assert np.dot(dalpha, direction) == pytest.approx(expected, rel=1e-7)


def test_maxout_backward_matches_finite_differences_without_ties():
    rng = np.random.default_rng(3)
    point, direction = rng.standard_normal((3, 12)), rng.standard_normal((3, 12))
    dout = rng.standard_normal((3, 4))
    expected = _directional_difference(lambda z: np.sum(dout * A.maxout(z, 3)), point, direction)
    assert np.sum(A.maxout_backward(dout, point, 3) * direction) == pytest.approx(expected, rel=1e-7)
