"""Maxout (Goodfellow et al., 2013): the maximum over groups of features.

Grouping convention: the feature axis of size ``K * pieces`` is split into
``K`` groups of ``pieces`` *consecutive* features, so output feature ``k`` is
``max(x[..., k*pieces : (k+1)*pieces])``. This is ``x.reshape(..., K, pieces)
.max(-1)``, the usual PyTorch idiom, and the tests compare with exactly that.
(Interleaved grouping, feature ``k + K*j``, would be an equally valid layer
but gives different numbers.)

Ties: the gradient goes to the *first* maximum of the group only, which is
what ``np.argmax`` returns and what torch's autograd does for
``torch.max(x, dim)`` (its index is the first maximal value; verified by the
tests). ``torch.amax`` differs: it splits the gradient evenly among ties.
"""

import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from ._arrays import as_float_array, float_input


def _grouped(x, pieces, axis):
    """``x`` reshaped so ``axis`` becomes (groups, pieces), and the index of the pieces axis."""
    pieces = operator.index(pieces)
    axis = normalize_axis_index(axis, x.ndim)
    if pieces < 1 or x.shape[axis] % pieces:
        raise ValueError(
            f"pieces must be a positive divisor of the axis length {x.shape[axis]}, got {pieces}"
        )
    shape = x.shape[:axis] + (x.shape[axis] // pieces, pieces) + x.shape[axis + 1:]
    return x.reshape(shape), axis + 1


@float_input
def maxout(x, pieces, axis=-1):
    """Maxout: the maximum of each group of ``pieces`` consecutive features along ``axis``.

    ``maxout(x)_k = max_{j < pieces} x_{k * pieces + j}``.

    Derivative: 1 for the winning (first maximal) element of each group, 0 for
    the others; see :func:`maxout_backward`. Where a group has a tie there is
    a kink; the first maximum takes the gradient there.

    Parameters
    ----------
    x : array_like
        Input with the feature axis (0-d counts as one feature).
    pieces : int
        Group size, a positive divisor of ``x.shape[axis]``.
    axis : int, optional
        Feature axis. Default -1.

    Returns
    -------
    numpy.ndarray
        ``x``'s shape with ``axis`` divided by ``pieces``; float32 stays float32,
        else float64.

    Raises
    ------
    ValueError
        If ``pieces`` does not divide the axis length.
    numpy.exceptions.AxisError
        If ``axis`` is out of range.
    """
    grouped, piece_axis = _grouped(x, pieces, axis)
    return grouped.max(axis=piece_axis)


def maxout_backward(dout, x, pieces, axis=-1):
    """Backward pass of :func:`maxout`: route each ``dout`` entry to its group's first maximum.

    Parameters
    ----------
    dout : array_like
        Upstream gradient, the shape of ``maxout(x, pieces, axis)``; cast to ``x``'s dtype.
    x : array_like
        The forward input.
    pieces : int
        Group size used in the forward pass.
    axis : int, optional
        Feature axis. Default -1.

    Returns
    -------
    numpy.ndarray
        dL/dx, same shape and dtype as ``x`` (after coercion): ``dout`` at each
        group's first maximum, 0 elsewhere.

    Raises
    ------
    ValueError
        If ``pieces`` does not divide the axis length or ``dout`` has the wrong shape.
    """
    x = as_float_array(x)
    dout = as_float_array(dout).astype(x.dtype, copy=False)
    grouped, piece_axis = _grouped(x.reshape(x.shape or (1,)), pieces, axis)
    out_shape = grouped.shape[:piece_axis] + grouped.shape[piece_axis + 1:]
    expected = out_shape if x.ndim else ()
    if dout.shape != expected:
        raise ValueError(f"dout has shape {dout.shape}, expected {expected}")
    winners = np.argmax(grouped, axis=piece_axis, keepdims=True)
    dx = np.zeros_like(grouped)
    routed = np.expand_dims(dout.reshape(out_shape), piece_axis)
    np.put_along_axis(dx, winners, routed, axis=piece_axis)
    return dx.reshape(x.shape)
