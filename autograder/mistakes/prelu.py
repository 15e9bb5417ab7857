"""Known mistakes for the PReLU, randomized and thresholded ReLU chapter.

Each function is a wrong answer written the way students (and source article 001) write it.
Its outputs on the grading checks are stored as fingerprints.
"""
import numpy as np

from autograder.mistakes import Mistake, common
from autograder.specs.prelu import THRESHOLDED_RELU

_LAST_AXIS_HINT = (
    "alpha is broadcast against the *last* axis of x (NumPy aligns shapes from the right), but the "
    "channel axis is axis 1, PyTorch's (N, C, ...) layout. On an (N, C, H, W) input the shapes do not "
    "even broadcast; on an (N, C, L) input with L == C they do, silently, and every slope lands on the "
    "wrong elements. Reshape a per-channel alpha to (C, 1, 1, ...), one 1 per axis after axis 1."
)
_RELU_MASK_HINT = (
    "this is ReLU's mask (x > 0) used as PReLU's derivative: it is 0 for negative inputs, where "
    "PReLU's derivative dy/dx is alpha. Negative pre-activations then pass no gradient back, which is "
    "the very dead-unit problem PReLU exists to avoid."
)
_THRESHOLD_GE_HINT = (
    "`x >= theta` includes x = theta itself, but the thresholded ReLU keeps x only for x > theta "
    "(Keras 3's ReLU(threshold=theta) and torch's F.threshold both give 0 at x = theta, as the lesson "
    "shows by running them; Keras 2 defined ThresholdedReLU the same way). The function jumps from 0 to "
    "theta there, so the value at the jump is a convention, and this course's is PyTorch's: strictly "
    "greater."
)


def last_axis(x, alpha):
    x = np.asarray(x)
    return np.where(x > 0, x, np.asarray(alpha) * x)


def max_form(x, alpha):
    x = np.asarray(x)
    alpha = np.asarray(alpha, dtype=np.result_type(x, 1.0))
    if alpha.size > 1:
        alpha = alpha.reshape((-1,) + (1,) * (x.ndim - 2))
    return np.maximum(alpha * x, x)


def shared_only(x, alpha):
    x = np.asarray(x)
    alpha = float(np.asarray(alpha).ravel()[0])
    return np.where(x > 0, x, alpha * x)


def negated_negative_part(x, alpha):
    import activations as _reference
    x = np.asarray(x)
    return _reference.prelu(x, alpha) - 2 * _reference.prelu(x, alpha) * (x < 0)


def mutates_input(x, alpha):
    import activations as _reference
    x[...] = _reference.prelu(x, alpha)
    return x


def grad_last_axis(x, alpha):
    x = np.asarray(x)
    return np.where(x > 0, 1.0, np.asarray(alpha) * np.ones_like(x)).astype(np.result_type(x, 1.0))


def relu_mask(x, alpha):
    x = np.asarray(x)
    return (x > 0).astype(np.result_type(x, 1.0))


def grad_of_alpha(x, alpha):
    x = np.asarray(x)
    return np.minimum(x, 0).astype(np.result_type(x, 1.0))


def zero_at_kink(x, alpha):
    import activations as _reference
    x = np.asarray(x)
    return _reference.prelu_grad(x, alpha) * (x != 0)


def dalpha_not_summed(dout, x, alpha):
    import activations as _reference
    dout, x = np.asarray(dout), np.asarray(x)
    return _reference.prelu_backward(dout, x, alpha)[0], dout * np.minimum(x, 0)


def dalpha_batch_axis_only(dout, x, alpha):
    import activations as _reference
    dout, x = np.asarray(dout), np.asarray(x)
    dx, dalpha = _reference.prelu_backward(dout, x, alpha)
    if np.size(alpha) > 1:
        dalpha = (dout * np.minimum(x, 0)).sum(axis=0)
    return dx, dalpha


def dalpha_all_but_last_axis(dout, x, alpha):
    import activations as _reference
    dout, x = np.asarray(dout), np.asarray(x)
    dx, dalpha = _reference.prelu_backward(dout, x, alpha)
    if np.size(alpha) > 1:
        dalpha = (dout * np.minimum(x, 0)).sum(axis=tuple(range(x.ndim - 1)))
    return dx, dalpha


def dalpha_always_total(dout, x, alpha):
    import activations as _reference
    dout, x = np.asarray(dout), np.asarray(x)
    return _reference.prelu_backward(dout, x, alpha)[0], (dout * np.minimum(x, 0)).sum()


def dalpha_from_positive(dout, x, alpha):
    import activations as _reference
    dout, x = np.asarray(dout), np.asarray(x)
    dx, _ = _reference.prelu_backward(dout, x, alpha)
    return dx, _reference.prelu_backward(dout, -x, alpha)[1] * -1


def dalpha_mean(dout, x, alpha):
    import activations as _reference
    dout, x = np.asarray(dout), np.asarray(x)
    dx, dalpha = _reference.prelu_backward(dout, x, alpha)
    per_slope = x.size if np.size(alpha) == 1 else x.size // x.shape[1]
    return dx, dalpha / per_slope


def relu_mask_dx(dout, x, alpha):
    import activations as _reference
    dout, x = np.asarray(dout), np.asarray(x)
    return dout * (x > 0), _reference.prelu_backward(dout, x, alpha)[1]


def fd_all_channels_at_once(dout, x, alpha, h=1e-3):
    alpha = np.array(alpha, dtype=np.float64)
    plus = np.sum(dout * prelu(x, alpha + h))  # noqa: F821 (the student's own prelu)
    minus = np.sum(dout * prelu(x, alpha - h))  # noqa: F821
    return np.full(alpha.shape, (plus - minus) / (2 * h))


def fd_forgets_dout(dout, x, alpha, h=1e-3):
    alpha = np.array(alpha, dtype=np.float64)
    flat = alpha.reshape(-1)
    estimate = np.zeros(flat.shape)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        plus = np.sum(prelu(x, alpha))  # noqa: F821
        flat[i] = saved - h
        minus = np.sum(prelu(x, alpha))  # noqa: F821
        flat[i] = saved
        estimate[i] = (plus - minus) / (2 * h)
    return estimate.reshape(alpha.shape)


def fd_divides_by_h(dout, x, alpha, h=1e-3):
    alpha = np.array(alpha, dtype=np.float64)
    flat = alpha.reshape(-1)
    estimate = np.zeros(flat.shape)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        plus = np.sum(dout * prelu(x, alpha))  # noqa: F821
        flat[i] = saved - h
        minus = np.sum(dout * prelu(x, alpha))  # noqa: F821
        flat[i] = saved
        estimate[i] = (plus - minus) / h
    return estimate.reshape(alpha.shape)


def fd_perturbs_callers_alpha(dout, x, alpha, h=1e-3):
    alpha = np.asarray(alpha, dtype=np.float64)
    flat = alpha.reshape(-1)
    estimate = np.zeros(flat.shape)
    for i in range(flat.size):
        flat[i] += h
        plus = np.sum(dout * prelu(x, alpha))  # noqa: F821
        flat[i] -= 2 * h
        minus = np.sum(dout * prelu(x, alpha))  # noqa: F821
        estimate[i] = (plus - minus) / (2 * h)
    return estimate.reshape(alpha.shape)


def threshold_ge(x, theta=1.0):
    x = np.asarray(x)
    return np.where(x >= theta, x, 0.0).astype(np.result_type(x, 1.0))


def shifted_relu(x, theta=1.0):
    x = np.asarray(x)
    return np.maximum(x - theta, 0.0).astype(np.result_type(x, 1.0))


def threshold_grad_ge(x, theta=1.0):
    x = np.asarray(x)
    return (x >= theta).astype(np.result_type(x, 1.0))


def threshold_grad_python_floats(x, theta=1.0):
    x = np.asarray(x)
    return np.where(x > theta, 1.0, 0.0)


MISTAKES = [
    Mistake("prelu", "prelu.last_axis", _LAST_AXIS_HINT, last_axis),
    Mistake("prelu", "prelu.max_form",
            "np.maximum(alpha * x, x) equals PReLU only while every slope is <= 1. A learned slope is not "
            "bounded: nothing stops one passing 1 (the lesson's small network learns several above 1), and "
            "above 1 this returns alpha * x for positive x. Use np.maximum(x, 0) + alpha * "
            "np.minimum(x, 0), or np.where(x > 0, x, alpha * x), which hold for every alpha.", max_form),
    Mistake("prelu", "prelu.shared_only",
            "only the first slope is used, as if alpha were always one shared number. PReLU's alpha is either "
            "one value (shared by every element) or one value per channel, alpha[c] for the elements x[:, c, ...]; "
            "reshape it to (C, 1, 1, ...) so that it broadcasts along axis 1.", shared_only),
    Mistake("prelu", "prelu.negated_negative_part",
            "the negative part has the wrong sign: alpha * max(-x, 0) is positive for negative x. PReLU is "
            "max(x, 0) + alpha * min(x, 0) (Keras writes it as relu(x) - alpha * relu(-x), with a minus).",
            negated_negative_part),
    Mistake("prelu", "prelu.mutates_input",
            "it writes the result into the caller's array `x` (e.g. `x[x < 0] *= alpha`): after the call the "
            "caller's data has changed, and a layer's cached input, which the backward pass needs, is gone. "
            "Build a new array (np.where, or work on x.copy()).", mutates_input),
    Mistake("prelu_grad", "prelu_grad.last_axis", _LAST_AXIS_HINT, grad_last_axis),
    Mistake("prelu_grad", "prelu_grad.relu_mask", _RELU_MASK_HINT, relu_mask),
    Mistake("prelu_grad", "prelu_grad.grad_of_alpha",
            "this is dy/dalpha = min(x, 0), the derivative with respect to the slope. prelu_grad asks for "
            "dy/dx: 1 for x > 0 and alpha for x < 0. Both appear in the backward pass: dy/dx gives dx, "
            "dy/dalpha gives dalpha.", grad_of_alpha),
    Mistake("prelu_grad", "prelu_grad.zero_at_kink",
            "at x = 0 PReLU has a kink; any value between alpha and 1 is a valid subgradient (PyTorch uses "
            "alpha), but 0 is not one: (x > 0) + alpha * (x < 0) leaves x = 0 out of both pieces.",
            zero_at_kink),
    Mistake("prelu_backward", "prelu_backward.dalpha_not_summed",
            "dalpha has the shape of x: it is the per-element contribution dout * min(x, 0), not yet summed. "
            "One slope is used by many elements, so its gradient is the sum of their contributions: over "
            "every element for a shared alpha, over every axis but the channel axis 1 for per-channel alpha. "
            "dalpha must have alpha's shape.", dalpha_not_summed),
    Mistake("prelu_backward", "prelu_backward.dalpha_batch_axis_only",
            "dalpha is summed over the batch axis 0 only. For a (N, C) input that is right, but on (N, C, H, W) "
            "every position (h, w) of channel c uses the same slope too: sum over every axis except the "
            "channel axis 1, e.g. axis=(0, 2, 3).", dalpha_batch_axis_only),
    Mistake("prelu_backward", "prelu_backward.dalpha_all_but_last_axis",
            "dalpha is summed over every axis but the last, the channels-last (Keras) layout. In this course, "
            "as in PyTorch, the channel axis is axis 1: sum over axis 0 and axes 2, 3, ... and keep axis 1.",
            dalpha_all_but_last_axis),
    Mistake("prelu_backward", "prelu_backward.dalpha_always_total",
            "dalpha is summed over everything, also for per-channel slopes, so it has one value where alpha "
            "has C. Sum over everything only for a shared alpha; for alpha of shape (C,) keep the channel "
            "axis 1.", dalpha_always_total),
    Mistake("prelu_backward", "prelu_backward.dalpha_from_positive",
            "dalpha is computed from the positive inputs. The slope multiplies only the negative part, "
            "y = max(x, 0) + alpha * min(x, 0), so dy/dalpha = min(x, 0): zero for x > 0, x for x < 0.",
            dalpha_from_positive),
    Mistake("prelu_backward", "prelu_backward.dalpha_mean",
            "dalpha is averaged instead of summed. The loss depends on alpha through every element that uses "
            "it, and the chain rule adds those contributions; if the loss itself is a mean, the 1/N is already "
            "inside dout.", dalpha_mean),
    Mistake("prelu_backward", "prelu_backward.relu_mask_dx", _RELU_MASK_HINT, relu_mask_dx),
    Mistake("numerical_dalpha", "numerical_dalpha.all_channels_at_once",
            "all slopes are perturbed at once, so every entry is the sum of all channels' gradients (a "
            "directional derivative along (1, 1, ..., 1)). A partial derivative moves one slope and holds the "
            "others: perturb alpha[c] alone, once per channel.", fd_all_channels_at_once),
    Mistake("numerical_dalpha", "numerical_dalpha.forgets_dout",
            "the difference is taken of sum(prelu(x, alpha)), a loss whose upstream gradient is all ones. "
            "The loss whose gradient prelu_backward returns is L = sum(dout * prelu(x, alpha)).",
            fd_forgets_dout),
    Mistake("numerical_dalpha", "numerical_dalpha.divides_by_h",
            "a centred difference spans 2h, from alpha - h to alpha + h: divide by 2 * h, not h (this "
            "estimate is twice the gradient).", fd_divides_by_h),
    Mistake("numerical_dalpha", "numerical_dalpha.perturbs_callers_alpha",
            "np.asarray returns the caller's own array when it is already float64, so perturbing it changes "
            "the caller's alpha (and += h followed by -= 2h does not even restore it). Work on a copy: "
            "np.array(alpha, dtype=float).", fd_perturbs_callers_alpha),
    common.scalar_branch(THRESHOLDED_RELU, "forward"),
    common.per_element_loop(THRESHOLDED_RELU, "forward"),
    common.ignores_parameter(THRESHOLDED_RELU, "forward", "theta"),
    common.mutates_input(THRESHOLDED_RELU, "forward"),
    common.float64_upcast(THRESHOLDED_RELU, "forward"),
    Mistake("thresholded_relu", "thresholded_relu.threshold_ge", _THRESHOLD_GE_HINT, threshold_ge),
    Mistake("thresholded_relu", "thresholded_relu.shifted_relu",
            "max(x - theta, 0) is ReLU moved right by theta: it is continuous and outputs x - theta. The "
            "thresholded ReLU outputs x itself above theta and jumps from 0 to theta there.", shifted_relu),
    common.ignores_parameter(THRESHOLDED_RELU, "grad", "theta"),
    common.boolean_mask(THRESHOLDED_RELU),
    common.returns_forward(THRESHOLDED_RELU),
    Mistake("thresholded_relu_grad", "thresholded_relu_grad.threshold_ge", _THRESHOLD_GE_HINT, threshold_grad_ge),
    Mistake("thresholded_relu_grad", "thresholded_relu_grad.python_floats",
            "np.where(x > theta, 1.0, 0.0) builds its result from two Python floats, so it is float64 whatever "
            "x is. Cast to the input's floating dtype, e.g. .astype(np.result_type(x, 1.0)).",
            threshold_grad_python_floats),
]
