"""Known mistakes for the softmax, log-softmax, cross-entropy and maxout chapter.

Each function is a wrong answer written the way students (and many tutorials) write it. The
backward passes and the losses call the chapter's own ``softmax`` and ``log_softmax``, as a
student's would: those are the solution's when the fingerprints are made.
"""
import numpy as np

from autograder.mistakes import Mistake, common
from autograder.specs.softmax_maxout import LOG_SOFTMAX, SOFTMAX

_NO_SHIFT_HINT = (
    "exp(x) is computed on the logits as they are: exp(1000) overflows to inf (and a row whose "
    "logits are all about -1000 underflows to 0/0), so the result is NaN with an overflow warning. "
    "Softmax does not change when a constant is added to a row, so subtract the row's maximum "
    "first, x - x.max(axis=axis, keepdims=True): the largest exponent is then exp(0) = 1."
)
_DIAGONAL_HINT = (
    "this is only the diagonal of the Jacobian. Each output s_i depends on every input x_j "
    "(through the shared sum), ds_i/dx_j = s_i (delta_ij - s_j), so the backward pass is "
    "s * (dout - sum(dout * s, axis)) and not an elementwise product with s (1 - s)."
)
_AXIS_SUM_HINT = (
    "the sum in the backward pass runs over the whole array (or the wrong axis). It must run over "
    "the axis the forward pass normalised, one sum per row: np.sum(..., axis=axis, keepdims=True)."
)


def no_max_shift(x, axis=-1):
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)


def normalises_axis_0(x, axis=-1):
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def whole_array(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def shift_in_place(x, axis=-1):
    x -= np.max(x, axis=axis, keepdims=True)
    np.exp(x, out=x)
    x /= np.sum(x, axis=axis, keepdims=True)
    return x


def row_loop(x, axis=-1):
    x = np.moveaxis(np.asarray(x), axis, -1)
    out = np.empty(x.shape, dtype=np.result_type(x, 1.0))
    for index in np.ndindex(x.shape[:-1]):
        e = np.exp(x[index] - np.max(x[index]))
        out[index] = e / np.sum(e)
    return np.moveaxis(out, -1, axis)


def diagonal_only(dout, x, axis=-1):
    s = softmax(x, axis)
    return dout * s * (1 - s)


def sum_over_everything(dout, x, axis=-1):
    s = softmax(x, axis)
    return s * (dout - np.sum(dout * s))


def unweighted_sum(dout, x, axis=-1):
    s = softmax(x, axis)
    return s * (dout - np.sum(dout, axis=axis, keepdims=True))


def sums_last_axis(dout, x, axis=-1):
    s = softmax(x, axis)
    return s * (dout - np.sum(dout * s, axis=-1, keepdims=True))


def log_of_softmax(x, axis=-1):
    return np.log(softmax(x, axis))


def log_sum_exp_unshifted(x, axis=-1):
    return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))


def softmax_vjp_for_log_softmax(dout, x, axis=-1):
    s = softmax(x, axis)
    return s * (dout - np.sum(dout * s, axis=axis, keepdims=True))


def log_softmax_diagonal(dout, x, axis=-1):
    return dout * (1 - softmax(x, axis))


def log_softmax_sum_everything(dout, x, axis=-1):
    return dout - softmax(x, axis) * np.sum(dout)


def summed_loss(logits, labels):
    return -np.sum(log_softmax(logits)[np.arange(len(labels)), labels])


def unfused_loss(logits, labels):
    return -np.mean(np.log(softmax(logits)[np.arange(len(labels)), labels]))


def all_pairs(logits, labels):
    return -np.mean(log_softmax(logits)[:, labels])


def mean_over_classes(logits, labels):
    onehot = np.eye(logits.shape[-1])[labels]
    return -np.mean(onehot * log_softmax(logits))


def loss_row_loop(logits, labels):
    total = 0.0
    for row, label in zip(logits, labels):
        total -= log_softmax(row)[label]
    return total / len(labels)


def not_divided_by_n(logits, labels):
    grad = softmax(logits)
    grad[np.arange(len(labels)), labels] -= 1
    return grad


def forgets_onehot(logits, labels):
    return softmax(logits) / len(labels)


def onehot_minus_softmax(logits, labels):
    grad = -softmax(logits)
    grad[np.arange(len(labels)), labels] += 1
    return grad / len(labels)


def strided_groups(x, pieces, axis=-1):
    x = np.moveaxis(np.asarray(x, dtype=np.result_type(x, 1.0)), axis, -1)
    out = x.reshape(x.shape[:-1] + (pieces, x.shape[-1] // pieces)).max(axis=-2)
    return np.moveaxis(out, -1, axis)


def two_pieces_always(x, pieces, axis=-1):
    x = np.moveaxis(np.asarray(x, dtype=np.result_type(x, 1.0)), axis, -1)
    out = x.reshape(x.shape[:-1] + (x.shape[-1] // 2, 2)).max(axis=-1)
    return np.moveaxis(out, -1, axis)


def last_axis_always(x, pieces, axis=-1):
    x = np.asarray(x, dtype=np.result_type(x, 1.0))
    return x.reshape(x.shape[:-1] + (x.shape[-1] // pieces, pieces)).max(axis=-1)


def every_piece(dout, x, pieces, axis=-1):
    return np.repeat(np.asarray(dout, dtype=np.result_type(x, 1.0)), pieces, axis=axis)


def strided_routing(dout, x, pieces, axis=-1):
    x = np.moveaxis(np.asarray(x, dtype=np.result_type(x, 1.0)), axis, -1)
    dout = np.moveaxis(dout, axis, -1)
    grouped = x.reshape(x.shape[:-1] + (pieces, x.shape[-1] // pieces))
    dx = (grouped == grouped.max(axis=-2, keepdims=True)) * np.expand_dims(dout, -2)
    return np.moveaxis(dx.reshape(x.shape).astype(x.dtype), -1, axis)


def every_tied_maximum(dout, x, pieces, axis=-1):
    x = np.moveaxis(np.asarray(x, dtype=np.result_type(x, 1.0)), axis, -1)
    dout = np.moveaxis(dout, axis, -1)
    grouped = x.reshape(x.shape[:-1] + (x.shape[-1] // pieces, pieces))
    dx = (grouped == grouped.max(axis=-1, keepdims=True)) * dout[..., None]
    return np.moveaxis(dx.reshape(x.shape).astype(x.dtype), -1, axis)


def winner_mask(dout, x, pieces, axis=-1):
    x = np.moveaxis(np.asarray(x, dtype=np.result_type(x, 1.0)), axis, -1)
    grouped = x.reshape(x.shape[:-1] + (x.shape[-1] // pieces, pieces))
    first = np.argmax(grouped, axis=-1)[..., None] == np.arange(pieces)
    return np.moveaxis(first.reshape(x.shape).astype(x.dtype), -1, axis)


MISTAKES = [
    Mistake("softmax", "no_max_shift", _NO_SHIFT_HINT, no_max_shift),
    Mistake("softmax", "normalises_axis_0",
            "it normalises over axis 0 (the columns of a batch) whatever `axis` says. With logits shaped "
            "(batch, classes) each row is one example and must sum to 1: normalise along `axis` "
            "(default -1, the last).", normalises_axis_0),
    Mistake("softmax", "whole_array",
            "np.max(x) and np.sum(e) without an axis reduce the whole array, so the whole batch sums to 1 "
            "instead of each row. Reduce along `axis` with keepdims=True, so that the result broadcasts "
            "back against x.", whole_array),
    Mistake("softmax", "shift_in_place",
            "`x -= ...` and np.exp(x, out=x) write into the caller's array: after the call the logits are "
            "gone (and an integer array cannot even hold the result). Compute into a new array, e.g. "
            "e = np.exp(x - x.max(axis=axis, keepdims=True)).", shift_in_place),
    Mistake("softmax", "row_loop",
            "it loops over the rows in Python, one softmax per row: correct, but the loop runs once per "
            "row of the batch. Reductions with axis=axis and keepdims=True do every row at once.", row_loop),
    common.float64_upcast(SOFTMAX, "forward"),
    Mistake("softmax_backward", "diagonal_only", _DIAGONAL_HINT, diagonal_only),
    Mistake("softmax_backward", "sum_over_everything", _AXIS_SUM_HINT, sum_over_everything),
    Mistake("softmax_backward", "unweighted_sum",
            "the sum inside the backward pass must be weighted by the probabilities: sum_j dout_j s_j, "
            "i.e. np.sum(dout * s, axis=axis, keepdims=True), the expected upstream gradient under s. "
            "Summing dout alone is the log-softmax's backward formula, not softmax's.", unweighted_sum),
    Mistake("softmax_backward", "sums_last_axis",
            "the sum runs over the last axis whatever `axis` is: pass axis=axis to the sum, the same axis "
            "the forward pass normalised.", sums_last_axis),
    Mistake("log_softmax", "log_of_softmax",
            "log(softmax(x)) takes the log of a probability that underflows to 0 for a logit far below the "
            "row's maximum (1000 below, here): log(0) = -inf, with a divide-by-zero warning. Compute "
            "log-softmax directly, (x - m) - log(sum(exp(x - m))) with m the row's maximum: nothing "
            "underflows before the log.", log_of_softmax),
    Mistake("log_softmax", "log_sum_exp_unshifted",
            "log(sum(exp(x))) overflows for logits of 1000 (exp(1000) = inf). Subtract the row's maximum m "
            "first: log sum exp(x) = m + log sum exp(x - m), the log-sum-exp trick.", log_sum_exp_unshifted),
    common.float64_upcast(LOG_SOFTMAX, "forward"),
    Mistake("log_softmax_backward", "softmax_vjp_for_log_softmax",
            "this is softmax's backward pass. Log-softmax's Jacobian is dy_i/dx_j = delta_ij - s_j, so "
            "its backward pass is dout - s * sum(dout, axis): the sum is of dout alone, multiplied by s.",
            softmax_vjp_for_log_softmax),
    Mistake("log_softmax_backward", "log_softmax_diagonal",
            "this is only the diagonal of the Jacobian, dy_i/dx_i = 1 - s_i. Every output depends on "
            "every input through the log-sum-exp, so dL/dx = dout - s * sum(dout, axis=axis, "
            "keepdims=True).", log_softmax_diagonal),
    Mistake("log_softmax_backward", "log_softmax_sum_everything", _AXIS_SUM_HINT, log_softmax_sum_everything),
    Mistake("cross_entropy", "summed_loss",
            "it returns the sum of the per-example losses; the loss asked for is their mean (PyTorch's "
            "default reduction='mean'), so that the loss and the learning rate do not depend on the "
            "batch size. Divide by N = len(labels).", summed_loss),
    Mistake("cross_entropy", "unfused_loss",
            "log(softmax(logits)) is the unfused form: for a confident wrong prediction the true class's "
            "probability underflows to 0 (at a margin of about 104 in float32, 745 in float64) and the "
            "loss becomes inf. Take the log-softmax directly, x_y - logsumexp(x), as nn.CrossEntropyLoss "
            "does: that is why it takes logits.", unfused_loss),
    Mistake("cross_entropy", "all_pairs",
            "log_softmax(logits)[:, labels] picks every label for every row, an N x N matrix, and averages "
            "it all. Pick one entry per row: log_p[np.arange(N), labels].", all_pairs),
    Mistake("cross_entropy", "mean_over_classes",
            "np.mean over the N x C array (one-hot times log-probabilities) divides by N * C, not N: the "
            "zeros of the one-hot count in the mean. Sum over the classes, then average over the rows.",
            mean_over_classes),
    Mistake("cross_entropy", "loss_row_loop",
            "it loops over the rows in Python. Fancy indexing, log_p[np.arange(N), labels], picks every "
            "row's true-class entry at once.", loss_row_loop),
    Mistake("cross_entropy_grad", "not_divided_by_n",
            "softmax - onehot is the gradient of the summed loss. The loss is the mean over the N rows, so "
            "its gradient is (softmax(logits) - onehot(labels)) / N.", not_divided_by_n),
    Mistake("cross_entropy_grad", "forgets_onehot",
            "the -1 at each row's true class is missing: d(-log s_y)/dx_j = s_j - [j == y], so subtract 1 "
            "at (i, labels[i]) before dividing by N.", forgets_onehot),
    Mistake("cross_entropy_grad", "onehot_minus_softmax",
            "the sign is reversed: onehot - softmax is the direction that lowers the loss (the negative "
            "gradient). The gradient is (softmax - onehot) / N.", onehot_minus_softmax),
    Mistake("maxout", "strided_groups",
            "the pieces are grouped strided (unit k takes features k, k + K, k + 2K, ...). The course's "
            "convention, and the reference library's, is contiguous: unit k takes features "
            "k*pieces ... k*pieces + pieces - 1, i.e. x.reshape(..., K, pieces).max(-1).", strided_groups),
    Mistake("maxout", "two_pieces_always",
            "the group size is hard-coded to 2: use the `pieces` argument.", two_pieces_always),
    Mistake("maxout", "last_axis_always",
            "it always groups the last axis: move `axis` to the end first (np.moveaxis), or build the "
            "reshape around x.shape[axis].", last_axis_always),
    Mistake("maxout_backward", "every_piece",
            "it sends dout to every piece of the group. The maximum depends only on the winning piece "
            "(the others can move a little without changing it), so only the argmax receives dout; "
            "the other pieces get 0.", every_piece),
    Mistake("maxout_backward", "strided_routing",
            "the gradient is routed with strided groups (unit k = features k, k + K, ...); the forward "
            "pass groups contiguous features, unit k = features k*pieces ... k*pieces + pieces - 1, and "
            "the backward pass must use the same groups.", strided_routing),
    Mistake("maxout_backward", "every_tied_maximum",
            "where two pieces tie for the maximum, the mask (x == max) gives dout to both, so the group "
            "passes back 2 * dout. Send it to one of them (np.argmax picks the first, as torch.max(dim) "
            "does) or split it between them (as torch.amax does).", every_tied_maximum),
    Mistake("maxout_backward", "winner_mask",
            "it returns where the maxima are but forgets the upstream gradient: each winner receives its "
            "unit's dout, not 1.", winner_mask),
]
