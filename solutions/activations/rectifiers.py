"""Piecewise-linear rectifiers: ReLU, leaky ReLU, PReLU and the thresholded ReLU.

Kink convention, the same as PyTorch's autograd (checked by the tests at
exactly the kink): the derivative at the kink is the slope of the *left*
piece, because every rectifier selects its right piece with a strict ``x > 0``
(``x > theta``). So relu'(0) = 0, leaky_relu'(0) = alpha, prelu'(0) = alpha
and thresholded_relu'(theta) = 0.

The pieces are combined arithmetically, e.g. ``max(x, 0) + alpha * min(x, 0)``,
never with ``np.where``, ``np.copyto(where=)`` or boolean indexing: on inputs
of random sign those masked operations cost many plain ufunc passes (``make
bench`` measures them; on the 2-core benchmark machine on 2026-12-04,
``np.where`` computing the leaky ReLU took 12 times one ``np.multiply`` pass at
10^7 float32 elements and 27 times at 10^6), and the arithmetic forms are exact
(one term is always an exact zero), so the results are bit-identical to torch's
``x > 0 ? x : alpha * x``.
"""

import numpy as np

from ._arrays import (
    as_float_array,
    backward_input,
    constant_like,
    elementwise,
    evaluate_in_blocks,
    float_input,
    gradient_inputs,
)
from .defaults import LEAKY_RELU_ALPHA, THRESHOLDED_RELU_THETA


@elementwise
def relu(x, *, out=None):
    """Rectified linear unit, ``relu(x) = max(x, 0)``.

    Derivative: 1 for x > 0, 0 for x < 0; at the kink x = 0 this package (like
    torch) uses 0. NaN propagates.

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Values in [0, inf), same shape as ``x``; float32 stays float32, else float64.
    """
    return np.maximum(x, constant_like(x, 0.0), out=out)


@elementwise
def relu_grad(x, *, out=None):
    """Derivative of ReLU: the Heaviside step, with ``relu'(0) = 0`` (torch's choice).

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        1.0 where x > 0, else 0.0; same shape and dtype rules as :func:`relu`.
    """
    return np.greater(x, 0.0, out=out)  # out: the float block the caller provides


def _two_slopes(x, negative_slope, out=None):
    """``max(x, 0) + negative_slope * min(x, 0)``: exactly ``x`` or ``negative_slope * x``.

    A single slope takes two passes over memory instead of four: for a slope <= 1 the result
    is the larger of ``x`` and ``slope * x`` (the identity the Leaky ReLU chapter derives), for
    a slope > 1 the smaller; both give the same bits as the sum. Per-channel slopes use the sum.
    """
    if np.ndim(negative_slope) == 0:
        y = np.multiply(x, negative_slope, dtype=x.dtype)
        pick = np.maximum if negative_slope <= 1 else np.minimum
        return pick(y, x, out=out)
    y = np.minimum(x, constant_like(x, 0.0))
    y *= negative_slope
    return np.add(y, np.maximum(x, constant_like(x, 0.0)), out=out)


def _two_slopes_grad(x, negative_slope, out=None):
    """1 for x > 0, ``negative_slope`` for x <= 0 (the left slope at the kink, as torch)."""
    # Comparisons write 0.0/1.0 straight into float arrays: no boolean temporaries to convert.
    g = np.less_equal(x, 0.0, out=np.empty_like(x))
    g *= negative_slope
    right = np.greater(x, 0.0, out=np.empty_like(x))
    return np.add(g, right, out=out)


@elementwise
def leaky_relu(x, alpha=LEAKY_RELU_ALPHA, *, out=None):
    """Leaky ReLU, ``x`` for x > 0 and ``alpha * x`` otherwise.

    Equals ``max(0, x) + alpha * min(0, x)`` for any alpha (also alpha > 1,
    where ``max(x, alpha * x)`` would be wrong). Default slope 0.01 as in
    PyTorch; Keras uses 0.3 (layer) or 0.2 (function), see :mod:`activations.defaults`.

    Derivative: 1 for x > 0, ``alpha`` for x < 0; at the kink x = 0 it is
    ``alpha`` (torch's autograd gives the negative slope there).

    Parameters
    ----------
    x : array_like
        Input of any shape.
    alpha : float, optional
        Slope of the negative part (PyTorch's ``negative_slope``). Default 0.01.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; float32 stays float32, else float64.
    """
    return _two_slopes(x, float(alpha), out)


@elementwise
def leaky_relu_grad(x, alpha=LEAKY_RELU_ALPHA, *, out=None):
    """Derivative of the leaky ReLU: 1 for x > 0, ``alpha`` for x <= 0 (so ``alpha`` at the kink).

    Parameters
    ----------
    x : array_like
        Input of any shape.
    alpha : float, optional
        Slope of the negative part. Default 0.01.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype rules as :func:`leaky_relu`.
    """
    return _two_slopes_grad(x, float(alpha), out)


@backward_input
def leaky_relu_backward(dout, x, alpha=LEAKY_RELU_ALPHA):
    """Backward pass of the leaky ReLU: ``dL/dx = dout * leaky_relu_grad(x, alpha)``.

    Parameters
    ----------
    dout : array_like
        Upstream gradient dL/dy, same shape as ``x``; cast to ``x``'s dtype.
    x : array_like
        The forward input.
    alpha : float, optional
        Slope of the negative part. Default 0.01.

    Returns
    -------
    numpy.ndarray
        dL/dx, same shape and dtype as ``x`` (after coercion).

    Raises
    ------
    ValueError
        If ``dout`` and ``x`` have different shapes.
    """
    dx = leaky_relu_grad(x, alpha)
    dx *= dout
    return dx


def _channel_alpha(alpha, x):
    """``alpha`` in ``x``'s dtype, shaped to broadcast the way torch.nn.functional.prelu does.

    A single value is shared by every element. Otherwise there must be one
    value per channel, and the channel axis is axis 1; an input with fewer than
    two dimensions has no channel axis and counts as a single channel (torch
    raises for a 1-d input with more than one weight, and so do we).
    """
    a = np.asarray(alpha, dtype=x.dtype)
    if a.ndim > 1:
        raise ValueError(f"alpha must be a scalar or 1-d, got shape {a.shape}")
    if a.size == 1:
        return a.reshape(())
    channels = x.shape[1] if x.ndim >= 2 else 1
    if a.size != channels:
        raise ValueError(
            f"alpha has {a.size} values but x of shape {x.shape} has {channels} "
            "channel(s) on axis 1 (inputs with fewer than 2 dims have 1 channel)"
        )
    return a.reshape((channels,) + (1,) * (x.ndim - 2))


def _per_channel_or_blocked(kernel, x, alpha):
    """A shared slope runs in cache-sized blocks like leaky_relu; per-channel slopes
    broadcast over ``x``'s shape, so they run on the whole array."""
    if alpha.ndim == 0:  # as a Python float: the same value, and cheaper per call than 0-d
        return evaluate_in_blocks(kernel, x, None, float(alpha))
    return kernel(x, alpha)


@float_input
def prelu(x, alpha):
    """Parametric ReLU (He et al., 2015): ``x`` for x > 0 and ``alpha * x`` otherwise.

    The slope ``alpha`` is learned. Shapes follow ``torch.nn.functional.prelu``:
    a scalar / one-element ``alpha`` is shared by all elements; an ``alpha`` of
    shape (C,) gives one slope per channel, the channel axis being axis 1 (so
    ``x`` is (N, C, ...)). A 0-d or 1-d ``x`` has no channel axis and accepts
    only a shared slope. PyTorch initialises a single shared slope at 0.25;
    Keras initialises one slope per element at 0 (see :mod:`activations.defaults`).

    Derivative with respect to x: 1 for x > 0, ``alpha`` for x <= 0 (``alpha``
    at the kink, as torch). With respect to alpha: ``min(x, 0)``.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    alpha : float or array_like
        Shared slope (scalar, 0-d or shape (1,)) or per-channel slopes, shape (C,).
        Cast to ``x``'s dtype.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; float32 stays float32, else float64.

    Raises
    ------
    ValueError
        If ``alpha`` is not 0-d/1-d or its length does not match the channel axis.
    """
    return _per_channel_or_blocked(_two_slopes, x, _channel_alpha(alpha, x))


@float_input
def prelu_grad(x, alpha):
    """Elementwise derivative ``dy/dx`` of :func:`prelu`: 1 for x > 0, the slope for x <= 0.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    alpha : float or array_like
        Shared or per-channel slopes, as in :func:`prelu`.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype rules as :func:`prelu`.
    """
    return _per_channel_or_blocked(_two_slopes_grad, x, _channel_alpha(alpha, x))


def prelu_backward(dout, x, alpha):
    """Backward pass of :func:`prelu`, returning the gradients for both x and alpha.

    ``dL/dx = dout * prelu_grad(x, alpha)`` and
    ``dL/dalpha = sum of dout * min(x, 0)`` over every axis that shares the
    slope: all axes for a shared alpha, all but axis 1 for per-channel slopes.
    At x = 0 both conventions agree with torch (dx uses alpha, dalpha gets 0).

    Parameters
    ----------
    dout : array_like
        Upstream gradient dL/dy, same shape as ``x``; cast to ``x``'s dtype.
    x : array_like
        The forward input.
    alpha : float or array_like
        Shared or per-channel slopes, as in :func:`prelu`.

    Returns
    -------
    dx : numpy.ndarray
        Same shape and dtype as ``x``.
    dalpha : numpy.ndarray
        Same shape as ``alpha`` (``()`` for a Python scalar), in ``x``'s dtype.

    Raises
    ------
    ValueError
        On a shape mismatch between ``dout`` and ``x``, or between ``alpha``
        and the channel axis.
    """
    dout, x = gradient_inputs(dout, x)
    alpha_shape = np.shape(alpha)
    with np.errstate(under="ignore"):
        dx = prelu_grad(x, alpha)
        dx *= dout
        contribution = np.minimum(x, 0.0)
        contribution *= dout
    shared = as_float_array(alpha).size == 1
    summed_axes = None if shared else (0,) + tuple(range(2, x.ndim))
    dalpha = contribution.sum(axis=summed_axes)
    return dx, np.asarray(dalpha).reshape(alpha_shape)


@elementwise
def thresholded_relu(x, theta=THRESHOLDED_RELU_THETA, *, out=None):
    """Thresholded ReLU: ``x`` for x > theta, 0 otherwise.

    Keras 2's ``ThresholdedReLU(theta=1.0)``; Keras 3 removed the layer, and
    ``keras.layers.ReLU(threshold=theta)`` computes the same function;
    ``torch.nn.functional.threshold(x, theta, 0.0)`` too. Discontinuous at
    theta != 0 (it jumps from 0 to theta). NaN propagates, as in torch.

    Derivative: 1 for x > theta, 0 for x < theta; at the kink (a jump)
    x = theta it is 0, which is what torch's autograd of ``F.threshold`` gives.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    theta : float, optional
        Threshold. Default 1.0 (Keras 2's default; PyTorch has none).

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; float32 stays float32, else float64.
    """
    theta = float(theta)
    # max(x, theta) keeps the product finite for x = -inf (x * 0 would be NaN).
    y = np.maximum(x, constant_like(x, theta))
    step = np.greater(x, theta, out=np.empty_like(y))
    return np.multiply(y, step, out=out)


@elementwise
def thresholded_relu_grad(x, theta=THRESHOLDED_RELU_THETA, *, out=None):
    """Derivative of :func:`thresholded_relu`: 1 for x > theta, else 0 (0 at x = theta).

    Parameters
    ----------
    x : array_like
        Input of any shape.
    theta : float, optional
        Threshold. Default 1.0.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype rules as :func:`thresholded_relu`.
    """
    return np.greater(x, float(theta), out=out)  # out: as in relu_grad
