"""Smooth self-gated activations: GELU (exact and tanh form), SiLU/Swish and Mish.

Each is ``x`` times a gate in (0, 1), so for very negative x the result is a
tiny negative number. The gates are computed so they keep full relative
precision there (no ``1 + tanh(...)`` or ``1 + erf(...)`` cancellation), which
makes these functions more accurate than PyTorch's in the negative tail.

The exact GELU needs the normal CDF, and numpy has no ``erf``: rather than
make scipy a runtime dependency or loop over ``math.erf``, it uses Cody's
rational approximations, vectorised in :mod:`activations._gaussian` (which
explains the choice and its accuracy).
"""

import math

import numpy as np

from ._arrays import constant_like, elementwise
from ._gaussian import normal_cdf
from .defaults import GELU_TANH_COEFFICIENT
from .logistic import exp_neg_abs, logistic, logistic_given_denominator, sigmoid_and_slope

# The tanh form is 0.5 x (1 + tanh(u)) = x * sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3),
# so 2u = x (c1 + c3 x^2) and its derivative is c1 + 3 c3 x^2 with these constants
# (folded, so that each costs one pass fewer).
_TWICE_SQRT_2_OVER_PI = 2.0 * math.sqrt(2.0 / math.pi)
_GELU_TANH_C3 = _TWICE_SQRT_2_OVER_PI * GELU_TANH_COEFFICIENT
_GELU_APPROXIMATIONS = ("none", "tanh")


def _check_approximate(approximate):
    if approximate not in _GELU_APPROXIMATIONS:
        raise ValueError(
            f"approximate must be one of {_GELU_APPROXIMATIONS}, got {approximate!r}"
        )
    return approximate == "tanh"


def _gelu_tanh_argument(x):
    """``z = 2 sqrt(2/pi) (x + 0.044715 x^3)`` and its square-term helper ``x**2``."""
    x2 = np.square(x)
    z = x2 * _GELU_TANH_C3
    z += _TWICE_SQRT_2_OVER_PI
    z *= x
    return z, x2


def _gelu_tanh_slope(x2):
    """``dz/dx = 2 sqrt(2/pi) (1 + 0.134145 x^2)``, in place on ``x2 = x**2``."""
    x2 *= 3.0 * _GELU_TANH_C3
    x2 += _TWICE_SQRT_2_OVER_PI
    return x2


@elementwise
def gelu(x, approximate="none", *, out=None):
    """Gaussian error linear unit (Hendrycks & Gimpel, 2016).

    ``approximate="none"`` (default, as in PyTorch and ``keras.activations.gelu``):
    ``gelu(x) = x * Phi(x) = x/2 * (1 + erf(x / sqrt 2))``, Phi the standard
    normal CDF, computed with Cody's rational approximations
    (:mod:`activations._gaussian`) to a few ulp.

    ``approximate="tanh"``: ``x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``,
    computed as the equal ``x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3))``.

    Difference from PyTorch: torch evaluates ``1 + erf(...)`` and
    ``1 + tanh(...)``, which cancel for negative x: their relative error grows
    like ``eps / Phi(x)`` (1e-10 at x = -5) and they return exactly 0 where
    the true value is a tiny negative number: in float64 for every x <= -8.37
    (erf form) and x <= -7.15 (tanh form), measured with torch 2.13 (a test
    keeps these figures true); in float32 already for x <= -5.6.
    These forms are accurate there; elsewhere they agree with torch to ~1e-15.

    Derivative: ``Phi(x) + x phi(x)`` (exact form), see :func:`gelu_grad`.
    Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    approximate : {"none", "tanh"}, optional
        Which form to compute (PyTorch's argument and spelling).

    Returns
    -------
    numpy.ndarray
        Values in [-0.16997, inf) (exact form), same shape as ``x``; float32
        stays float32, else float64.

    Raises
    ------
    ValueError
        For any other ``approximate``.
    """
    if _check_approximate(approximate):
        gate = logistic(_gelu_tanh_argument(x)[0])
    else:
        gate = normal_cdf(x)
    return np.multiply(gate, x, out=out)


@elementwise
def gelu_grad(x, approximate="none", *, out=None):
    """Derivative of :func:`gelu`.

    Exact form: ``Phi(x) + x * phi(x)``, phi the standard normal density.
    Tanh form: ``s + x * s' * z'`` with ``z = 2 sqrt(2/pi) (x + 0.044715 x^3)``,
    ``s = sigmoid(z)``, ``s' = sigmoid'(z)``, ``z' = 2 sqrt(2/pi) (1 + 0.134145 x^2)``.
    Smooth: no kink. It crosses zero near x = -0.75, where only an absolute
    error bound is meaningful.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    approximate : {"none", "tanh"}, optional
        As in :func:`gelu`.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype rules as :func:`gelu`.

    Raises
    ------
    ValueError
        For any other ``approximate``.
    """
    if _check_approximate(approximate):
        z, x2 = _gelu_tanh_argument(x)
        gate, slope = sigmoid_and_slope(z)
        slope *= _gelu_tanh_slope(x2)
    else:
        gate, slope = normal_cdf(x, density=True)
    slope *= x
    return np.add(gate, slope, out=out)


@elementwise
def silu(x, *, out=None):
    """Sigmoid-weighted linear unit, or Swish with beta = 1: ``silu(x) = x * sigmoid(x)``.

    Derivative: ``sigmoid(x) * (1 + x * (1 - sigmoid(x)))``, see
    :func:`silu_grad`. Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Values in [-0.27846, inf), same shape as ``x``; float32 stays float32,
        else float64.
    """
    return np.multiply(logistic(x), x, out=out)


@elementwise
def silu_grad(x, *, out=None):
    """Derivative of :func:`silu`: ``sigmoid(x) + x * sigmoid'(x)``.

    ``sigmoid'(x)`` is computed as ``e / (1 + e)**2``, ``e = exp(-|x|)``, which
    is accurate in both tails. Zero near x = -1.278. Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype rules as :func:`silu`.
    """
    gate, slope = sigmoid_and_slope(x)
    slope *= x
    return np.add(gate, slope, out=out)


swish = silu
swish_grad = silu_grad


def _tanh_softplus(x, e):
    """``tanh(softplus(x))`` from ``e = exp(-|x|)``; softplus is ``max(x, 0) + log1p(e)``."""
    t = np.log1p(e)
    t += np.maximum(x, constant_like(x, 0.0))
    return np.tanh(t, out=t)


@elementwise
def mish(x, *, out=None):
    """Mish (Misra, 2019): ``mish(x) = x * tanh(softplus(x))``.

    The softplus is the stable one (no overflow for large x, full relative
    precision for very negative x, where ``tanh(softplus(x)) ~ exp(x)``).

    Derivative: ``tanh(sp) + x * sigmoid(x) * (1 - tanh(sp)**2)`` with
    ``sp = softplus(x)``, see :func:`mish_grad`. Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Values in [-0.30884, inf), same shape as ``x``; float32 stays float32,
        else float64.
    """
    return np.multiply(_tanh_softplus(x, exp_neg_abs(x)), x, out=out)


@elementwise
def mish_grad(x, *, out=None):
    """Derivative of :func:`mish`: ``tanh(sp) + x sigmoid(x) sech(sp)**2``, ``sp = softplus(x)``.

    ``sech(sp)**2`` is formed as ``1 - tanh(sp)**2``; its cancellation for
    large x is harmless because the term it multiplies is then negligible
    next to ``tanh(sp) ~ 1``. Zero near x = -1.192. Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype rules as :func:`mish`.
    """
    e = exp_neg_abs(x)
    t = _tanh_softplus(x, e)
    sigmoid = logistic_given_denominator(x, e, e + 1.0)
    g = np.square(t)
    np.subtract(1.0, g, out=g)
    g *= sigmoid
    g *= x
    return np.add(g, t, out=out)
