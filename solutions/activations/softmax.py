"""Softmax and log-softmax along one axis, with their vector-Jacobian products.

Both subtract the maximum along the axis before exponentiating: the result is
mathematically unchanged (softmax is shift-invariant) and the largest exponent
becomes exp(0) = 1, so nothing overflows and the sum is at least 1.

A 0-d input is treated as a single-element vector, as torch does for
``dim=-1``: its softmax is 1 and its log-softmax 0.
"""

import numpy as np

from ._arrays import backward_input, float_input


def _shifted(x, axis):
    """``x - max(x, axis)`` in a fresh array (an empty axis is allowed)."""
    return x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)


@float_input
def softmax(x, axis=-1):
    """Softmax, ``softmax(x)_i = exp(x_i) / sum_j exp(x_j)`` along ``axis``.

    Computed as ``exp(x - m) / sum exp(x - m)`` with ``m = max(x)``.

    Derivative: the Jacobian ``ds_i/dx_j = s_i (delta_ij - s_j)``; use
    :func:`softmax_backward` for its product with an upstream gradient.
    Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape (0-d counts as one element).
    axis : int, optional
        Axis to normalise over. Default -1, Keras' default. PyTorch's ``dim``
        defaults to None, which is deprecated: torch warns, then normalises over
        dim 0 for 0-, 1- and 3-d input and over dim 1 otherwise, so pass ``dim``.

    Returns
    -------
    numpy.ndarray
        Non-negative values summing to 1 along ``axis``, same shape as ``x``;
        float32 stays float32, else float64.
    """
    e = _shifted(x, axis)
    np.exp(e, out=e)
    e /= e.sum(axis=axis, keepdims=True)
    return e


@backward_input
def softmax_backward(dout, x, axis=-1):
    """Vector-Jacobian product of :func:`softmax`: ``dL/dx = s * (dout - sum(dout * s, axis))``.

    Follows from ``ds_i/dx_j = s_i (delta_ij - s_j)``; the n-by-n Jacobian is
    never formed, so the cost is linear in the size of ``x``.

    Parameters
    ----------
    dout : array_like
        Upstream gradient dL/ds, same shape as ``x``; cast to ``x``'s dtype.
    x : array_like
        The forward input.
    axis : int, optional
        The axis the forward pass normalised over. Default -1.

    Returns
    -------
    numpy.ndarray
        dL/dx, same shape and dtype as ``x`` (after coercion). Sums to 0 along ``axis``.

    Raises
    ------
    ValueError
        If ``dout`` and ``x`` have different shapes.
    """
    s = softmax(x, axis)
    dx = np.multiply(dout, s)
    inner = dx.sum(axis=axis, keepdims=True)
    np.subtract(dout, inner, out=dx)
    dx *= s
    return dx


@float_input
def log_softmax(x, axis=-1):
    """Log-softmax, ``log_softmax(x)_i = x_i - log sum_j exp(x_j)`` along ``axis``.

    Computed as ``(x - m) - log sum exp(x - m)`` with ``m = max(x)``; never as
    ``log(softmax(x))``, which gives ``-inf`` once a probability underflows.

    Derivative: ``d y_i / d x_j = delta_ij - softmax(x)_j``; see
    :func:`log_softmax_backward`. Smooth: no kink.

    Parameters
    ----------
    x : array_like
        Input of any shape (0-d counts as one element).
    axis : int, optional
        Axis to normalise over. Default -1.

    Returns
    -------
    numpy.ndarray
        Non-positive values whose exponentials sum to 1 along ``axis``, same
        shape as ``x``; float32 stays float32, else float64.
    """
    y = _shifted(x, axis)
    total = np.exp(y).sum(axis=axis, keepdims=True)
    # total >= 1 (the maximum contributes exp(0)) unless the axis is empty;
    # then log(0) = -inf is broadcast over no elements at all.
    with np.errstate(divide="ignore"):
        y -= np.log(total)
    return y


@backward_input
def log_softmax_backward(dout, x, axis=-1):
    """Vector-Jacobian product of :func:`log_softmax`: ``dout - softmax(x) * sum(dout, axis)``.

    Parameters
    ----------
    dout : array_like
        Upstream gradient dL/dy, same shape as ``x``; cast to ``x``'s dtype.
    x : array_like
        The forward input.
    axis : int, optional
        The axis the forward pass normalised over. Default -1.

    Returns
    -------
    numpy.ndarray
        dL/dx, same shape and dtype as ``x`` (after coercion).

    Raises
    ------
    ValueError
        If ``dout`` and ``x`` have different shapes.
    """
    s = softmax(x, axis)
    s *= dout.sum(axis=axis, keepdims=True)
    return np.subtract(dout, s, out=s)
