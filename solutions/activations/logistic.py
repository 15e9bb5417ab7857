"""The logistic family: sigmoid, log-sigmoid and softplus.

Every function here is built on ``e = exp(-|x|)``, which lies in (0, 1]: it can
never overflow, and it underflows to 0 only where the activation has already
reached its limit. Writing each formula in terms of ``e`` (with ``log1p`` where
``1 + e`` would round away ``e``) keeps full *relative* precision in both tails,
where the textbook forms ``1 / (1 + exp(-x))`` (overflow for x < -709) and
``log(1 + exp(x))`` (overflow for x > 709, zero instead of ``exp(x)`` for
x < -37) fail.
"""

import numpy as np

from ._arrays import float_input
from .defaults import SOFTPLUS_BETA


def exp_neg_abs(x):
    """``exp(-|x|)`` in a fresh array (``x``: float ndarray of rank >= 1)."""
    e = np.abs(x)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def logistic_given_denominator(z, denominator):
    """``sigmoid(z) = exp(min(z, 0)) / denominator``, where ``denominator = 1 + exp(-|z|)``.

    The numerator is ``exp(z)`` for z < 0 and 1 otherwise, so this is
    ``1 / (1 + e)`` for z >= 0 and ``e / (1 + e)`` for z < 0 (``e = exp(-|z|)``),
    selected arithmetically: a masked select would cost more than the second
    exponential, because random signs defeat branch prediction.
    ``z``: float ndarray of rank >= 1.
    """
    s = np.minimum(z, 0.0)
    np.exp(s, out=s)
    s /= denominator
    return s


def logistic(z):
    """``sigmoid(z)`` for a float ndarray ``z`` of rank >= 1 (no input coercion)."""
    d = exp_neg_abs(z)
    d += 1.0
    return logistic_given_denominator(z, d)


def sigmoid_and_slope(z):
    """``(sigmoid(z), sigmoid'(z))`` sharing ``e = exp(-|z|)``, both to full relative precision.

    ``sigmoid'(z) = e / (1 + e)**2`` avoids the cancellation in
    ``s * (1 - s)`` once ``s`` rounds to 1. ``z``: float ndarray of rank >= 1.
    """
    e = exp_neg_abs(z)
    d = e + 1.0
    s = logistic_given_denominator(z, d)
    np.square(d, out=d)
    e /= d
    return s, e


@float_input
def sigmoid(x):
    """Logistic sigmoid.

    ``sigmoid(x) = 1 / (1 + exp(-x))``, computed as
    ``exp(min(x, 0)) / (1 + exp(-|x|))``, i.e. ``1 / (1 + e)`` for x >= 0 and
    ``e / (1 + e)`` for x < 0 with ``e = exp(-|x|)``: no overflow, full
    relative precision in both tails, no branch.

    Derivative: ``sigmoid(x) * (1 - sigmoid(x))`` (see :func:`sigmoid_grad`).
    Smooth everywhere: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Values in [0, 1] (exactly 0 or 1 only where the true value rounds
        there), same shape as ``x``; float32 stays float32, else float64.
    """
    return logistic(x)


@float_input
def sigmoid_grad(x):
    """Derivative of the sigmoid, ``d sigmoid / dx``.

    ``sigmoid'(x) = sigmoid(x) * sigmoid(-x) = e / (1 + e)**2`` with
    ``e = exp(-|x|)``. This form is accurate in the tails; the usual
    ``s * (1 - s)`` (what torch's autograd computes) returns 0 once ``s``
    rounds to 1, e.g. for x > 37 in float64. Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Values in [0, 1/4], same shape and dtype rules as :func:`sigmoid`.
    """
    e = exp_neg_abs(x)
    d = e + 1.0
    np.square(d, out=d)
    e /= d
    return e


@float_input
def log_sigmoid(x):
    """Logarithm of the sigmoid (``torch.nn.functional.logsigmoid``).

    ``log_sigmoid(x) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|))``.
    Never ``log(sigmoid(x))``, which gives ``-inf`` once ``sigmoid`` underflows.

    Derivative: ``sigmoid(-x) = 1 - sigmoid(x)`` (see
    :func:`log_sigmoid_grad`). Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Values in (-inf, 0], same shape and dtype rules as :func:`sigmoid`.
    """
    y = np.minimum(x, 0.0)
    e = exp_neg_abs(x)
    np.log1p(e, out=e)
    return np.subtract(y, e, out=y)


@float_input
def log_sigmoid_grad(x):
    """Derivative of :func:`log_sigmoid`: ``sigmoid(-x)``.

    Computed with the same stable formula as :func:`sigmoid`. Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Values in [0, 1], same shape and dtype rules as :func:`sigmoid`.
    """
    return logistic(np.negative(x))


def _check_beta(beta):
    if not beta > 0:
        raise ValueError(f"softplus needs beta > 0, got {beta!r}")
    return float(beta)


@float_input
def softplus(x, beta=SOFTPLUS_BETA):
    """Softplus, a smooth ReLU: ``softplus(x) = log(1 + exp(beta * x)) / beta``.

    Computed as ``max(x, 0) + log1p(exp(-beta * |x|)) / beta``, which is exact
    up to rounding for every x and never overflows.

    Difference from PyTorch: ``torch.nn.functional.softplus`` switches to the
    identity once ``beta * x > threshold`` (default 20), returning ``x`` where
    the true value is ``x + log1p(exp(-beta * x)) / beta`` (at x = 20 that
    drops a relative 1e-10). This function has no threshold; it agrees with
    torch where ``beta * x <= 20`` and is more accurate above.

    Derivative: ``sigmoid(beta * x)`` (see :func:`softplus_grad`). Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    beta : float, optional
        Sharpness, > 0. Default 1 (PyTorch's default; Keras fixes it at 1).

    Returns
    -------
    numpy.ndarray
        Values in (0, inf), same shape and dtype rules as :func:`sigmoid`.

    Raises
    ------
    ValueError
        If ``beta`` is not positive.
    """
    beta = _check_beta(beta)
    t = np.abs(x)
    t *= -beta
    np.exp(t, out=t)
    np.log1p(t, out=t)
    t /= beta
    y = np.maximum(x, 0.0)
    y += t
    return y


@float_input
def softplus_grad(x, beta=SOFTPLUS_BETA):
    """Derivative of :func:`softplus`: ``sigmoid(beta * x)``.

    Exact for every x (torch's autograd returns exactly 1 once
    ``beta * x > 20``, matching its forward cut-off). Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    beta : float, optional
        Sharpness, > 0. Default 1.

    Returns
    -------
    numpy.ndarray
        Values in [0, 1], same shape and dtype rules as :func:`sigmoid`.

    Raises
    ------
    ValueError
        If ``beta`` is not positive.
    """
    return logistic(np.multiply(x, _check_beta(beta)))
