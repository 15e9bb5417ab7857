"""Exponential linear units: ELU and its self-normalising scaling, SELU.

The negative piece ``alpha * (exp(x) - 1)`` is computed with ``np.expm1``:
``exp(x) - 1`` loses all relative precision near 0 (at x = -1e-10 it is off by
8e-8). The exponential is evaluated on ``min(x, 0)``, so it cannot overflow
for large positive x, and the pieces are added (one of them is exactly 0)
rather than selected with a mask, which is much slower on random signs.

Kink convention: the positive piece is selected with a strict ``x > 0``, so
the derivative at 0 is the left one, ``alpha`` (times ``scale`` for SELU),
which is what torch's autograd gives.
"""

import numpy as np

from ._arrays import constant_like, elementwise
from .defaults import ELU_ALPHA, SELU_ALPHA, SELU_SCALE


def _elu(x, alpha, scale, out):
    """``scale * (alpha * expm1(min(x, 0)) + max(x, 0))`` into ``out``."""
    y = np.minimum(x, constant_like(x, 0.0))
    np.expm1(y, out=y)
    if alpha != 1.0:  # ELU's default: a pass saved
        y *= alpha
    if scale == 1.0:
        return np.add(y, np.maximum(x, constant_like(x, 0.0)), out=out)
    y += np.maximum(x, constant_like(x, 0.0))
    return np.multiply(y, scale, out=out)


def _elu_grad(x, alpha, scale, out):
    """``scale * alpha * e^min(x,0)`` for x <= 0 and ``scale`` for x > 0, into ``out``.

    With ``c = scale * alpha``, that is ``c e^min(x,0) + (scale - c) [x > 0]``: for x > 0
    the exponential is exactly 1 and the sum is ``scale``, exactly, whenever ``scale - c``
    is exact, which Sterbenz's lemma guarantees for ``c / 2 <= scale <= 2 c`` (ELU's
    alpha = 1 and 2, SELU's constants). For ELU's default, c = scale = 1, it is just
    ``exp(min(x, 0))``, two passes. Other slopes add the pieces separately,
    ``c e^min(x,0) [x <= 0] + scale [x > 0]``.
    """
    g = np.minimum(x, constant_like(x, 0.0))
    c = scale * alpha
    if c == 1.0 and scale == 1.0:
        return np.exp(g, out=out)
    np.exp(g, out=g)
    g *= c
    right = np.greater(x, 0.0, out=np.empty_like(g))
    if c / 2 <= scale <= 2 * c:
        right *= scale - c
    else:
        g *= x <= 0
        right *= scale
    return np.add(g, right, out=out)


@elementwise
def elu(x, alpha=ELU_ALPHA, *, out=None):
    """Exponential linear unit (Clevert et al., 2016).

    ``elu(x) = x`` for x > 0 and ``alpha * (exp(x) - 1)`` otherwise.

    Derivative: 1 for x > 0 and ``alpha * exp(x)`` for x <= 0 (see
    :func:`elu_grad`). For alpha = 1 the two one-sided slopes at 0 agree, so
    there is no kink; for other alpha there is a kink at 0 and the value used
    there is ``alpha``, as in torch.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    alpha : float, optional
        Saturation value of the negative part (the output tends to ``-alpha``).
        Default 1.0, in PyTorch and Keras alike.

    Returns
    -------
    numpy.ndarray
        Values in (-alpha, inf), same shape as ``x``; float32 stays float32,
        else float64.
    """
    return _elu(x, float(alpha), 1.0, out)


@elementwise
def elu_grad(x, alpha=ELU_ALPHA, *, out=None):
    """Derivative of :func:`elu`: 1 for x > 0, ``alpha * exp(x)`` for x <= 0 (``alpha`` at 0).

    Parameters
    ----------
    x : array_like
        Input of any shape.
    alpha : float, optional
        As in :func:`elu`. Default 1.0.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype rules as :func:`elu`.
    """
    return _elu_grad(x, float(alpha), 1.0, out)


@elementwise
def selu(x, *, out=None):
    """Scaled exponential linear unit (Klambauer et al., 2017).

    ``selu(x) = scale * x`` for x > 0 and ``scale * alpha * (exp(x) - 1)`` otherwise.

    ``alpha = SELU_ALPHA = 1.6732632423543772848170429916717`` and
    ``scale = SELU_SCALE = 1.0507009873554804934193349852946`` (the paper's
    eq. 14) make a standard-normal input give an output of mean 0 and
    variance 1.

    Derivative: ``scale`` for x > 0 and ``scale * alpha * exp(x)`` for x <= 0;
    at the kink x = 0 it is ``scale * alpha`` = 1.7581, as in torch.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Values in (-scale * alpha, inf), same shape as ``x``; float32 stays
        float32, else float64.
    """
    return _elu(x, SELU_ALPHA, SELU_SCALE, out)


@elementwise
def selu_grad(x, *, out=None):
    """Derivative of :func:`selu`: ``scale`` for x > 0, ``scale * alpha * exp(x)`` for x <= 0.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype rules as :func:`selu`.
    """
    return _elu_grad(x, SELU_ALPHA, SELU_SCALE, out)
