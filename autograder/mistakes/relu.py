"""Known mistakes for the ReLU chapter, several straight from the source articles.

Each function is a wrong answer written the way students (and the articles in
``shared/seeds``) write it. Its outputs on the grading checks are stored as fingerprints.
"""
import numpy as np

from autograder.mistakes import Mistake


def relu(x):
    """A correct ReLU, so that a later exercise's mistake can call it as a student's would."""
    return np.maximum(np.asarray(x), 0)


def python_max(x):
    return max(0.0, x)


def np_max_reduces(x):
    return np.max(x, 0)


def writes_into_input(x):
    x[x < 0] = 0
    return x


def float64_copy(x):
    return np.maximum(np.asarray(x, dtype=float), 0)


def boolean_mask(x):
    return x > 0


def python_float_where(x):
    return np.where(x > 0, 1.0, 0.0)


def returns_relu(x):
    return np.maximum(x, 0)


def sign(x):
    return np.sign(x)


def forgets_upstream(dout, x):
    return (x > 0).astype(x.dtype)


def mask_from_output(dout, x):
    return dout * (relu(x) >= 0)


def zeroes_dout_in_place(dout, x):
    dout[x <= 0] = 0
    return dout


def times_output(dout, x):
    return dout * relu(x)


def mask_on_dout(dout, x):
    return dout * (dout > 0)


def lecun_variance(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in)) / np.sqrt(fan_in)


def glorot_variance(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / (fan_in + fan_out))


def variance_as_std(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in)) * (2.0 / fan_in)


def uses_fan_out(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_out)


def global_random_state(fan_in, fan_out, rng):
    return np.random.randn(fan_out, fan_in) * np.sqrt(2.0 / fan_in)


def unscaled_randn(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in))


def transposed_shape(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


MISTAKES = [
    Mistake("relu", "python_max",
            "Python's built-in max compares one number at a time. On an array, `0.0 < x` is an array of "
            "booleans and Python cannot say whether it is true (ValueError: the truth value of an array "
            "is ambiguous). Source article 003 writes relu as max(0.0, x) and then loops over every "
            "point. Use np.maximum(x, 0), which works element by element.", python_max),
    Mistake("relu", "np_max_reduces",
            "np.max(x, 0) is a reduction: it returns the largest element along axis 0, not an "
            "elementwise maximum. The elementwise function is np.maximum(x, 0).", np_max_reduces),
    Mistake("relu", "writes_into_input",
            "it writes into the caller's array (x[x < 0] = 0): after the call the caller's "
            "pre-activations are gone, and a backward pass that needs them computes the wrong "
            "gradient. Return a new array (np.maximum does).", writes_into_input),
    Mistake("relu", "float64_copy",
            "np.asarray(x, dtype=float) converts to float64: float32 inputs come back as float64. "
            "np.asarray(x) keeps the dtype.", float64_copy),
    Mistake("relu_grad", "boolean_mask",
            "it returns the boolean array x > 0: a mask, not a derivative. Convert it to the input's "
            "floating dtype, e.g. (x > 0).astype(x.dtype), so it can be multiplied and stored like "
            "any gradient.", boolean_mask),
    Mistake("relu_grad", "python_float_where",
            "np.where(x > 0, 1.0, 0.0) builds its result from two Python floats, so it is float64 "
            "whatever x is. Cast to the input's floating dtype, e.g. .astype(np.result_type(x, 1.0)).",
            python_float_where),
    Mistake("relu_grad", "returns_relu",
            "this is ReLU itself, max(0, x), not its derivative: the slope is 1 where x > 0 and 0 "
            "where x < 0.", returns_relu),
    Mistake("relu_grad", "sign",
            "np.sign(x) is -1 for negative inputs, but ReLU is flat there: its slope is 0, not -1.", sign),
    Mistake("relu_backward", "forgets_upstream",
            "it returns the local derivative only. The chain rule multiplies it by the upstream "
            "gradient: dL/dx = dL/dy * dy/dx, i.e. dout * relu_grad(x).", forgets_upstream),
    Mistake("relu_backward", "mask_from_output",
            "relu(x) >= 0 is true everywhere, because a ReLU's output is never negative, so the "
            "gradient passes through unmasked (a well-known NumPy tutorial has exactly this bug). The "
            "mask is x > 0, on the layer's input.", mask_from_output),
    Mistake("relu_backward", "zeroes_dout_in_place",
            "dout[x <= 0] = 0 writes into the caller's gradient array: the values you return are right, "
            "but the caller's dout has changed, and any other branch that reads it gets wrong "
            "gradients. Multiply into a new array: dout * relu_grad(x).", zeroes_dout_in_place),
    Mistake("relu_backward", "times_output",
            "dout is multiplied by relu(x), the layer's output, instead of its slope relu'(x), which "
            "is 0 or 1.", times_output),
    Mistake("relu_backward", "mask_on_dout",
            "the mask is taken from the wrong quantity: whether the gradient flows depends on the "
            "layer's input x (was the unit active?), not on the sign of the incoming gradient dout.",
            mask_on_dout),
    Mistake("he_init", "lecun_variance",
            "variance 1 / fan_in is LeCun's initialisation. ReLU zeroes half of its inputs, which halves "
            "the mean square each layer; He's variance is 2 / fan_in, i.e. std sqrt(2 / fan_in).",
            lecun_variance),
    Mistake("he_init", "glorot_variance",
            "2 / (fan_in + fan_out) is Glorot (Xavier) initialisation, derived for tanh-like "
            "activations. He initialisation for ReLU uses 2 / fan_in.", glorot_variance),
    Mistake("he_init", "variance_as_std",
            "2 / fan_in is the variance; the standard deviation to multiply standard normal draws by "
            "is its square root, np.sqrt(2 / fan_in).", variance_as_std),
    Mistake("he_init", "uses_fan_out",
            "the scale uses fan_out. The forward pass sums fan_in terms per unit, so the variance "
            "that preserves the activations' scale is 2 / fan_in.", uses_fan_out),
    Mistake("he_init", "global_random_state",
            "np.random.randn draws from NumPy's global generator and ignores the rng argument, so the "
            "same seed does not give the same weights. Draw from rng: rng.standard_normal(...).",
            global_random_state),
    Mistake("he_init", "unscaled_randn",
            "unscaled standard normal weights (as in source article 004) multiply the mean square of "
            "the pre-activations by fan_in / 2 at every ReLU layer. Scale them by np.sqrt(2 / fan_in).",
            unscaled_randn),
    Mistake("he_init", "transposed_shape",
            "the shape is (fan_in, fan_out). This course stores W like PyTorch's nn.Linear, "
            "(fan_out, fan_in), and a layer computes x @ W.T.", transposed_shape),
]
