"""Known mistakes for the ReLU chapter, several straight from the source articles.

Each function is a wrong answer written the way students (and the articles in
``shared/seeds``) write it. Its outputs on the grading checks are stored as fingerprints.
"""
import numpy as np

from autograder.mistakes import Mistake, common
from autograder.specs.relu import RELU


def relu(x):
    """A correct ReLU, so that a later exercise's mistake can call it as a student's would."""
    return np.maximum(np.asarray(x), 0)


def np_max_reduces(x):
    return np.max(x, 0)


def python_float_where(x):
    return np.where(x > 0, 1.0, 0.0)


def sign(x):
    return np.sign(x)


def mask_from_output(dout, x):
    return dout * (relu(x) >= 0)


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
    common.scalar_branch(RELU, "forward",
                         note="Source article 003 writes relu as max(0.0, x) and then loops over every point."),
    common.per_element_loop(RELU, "forward"),
    common.mutates_input(RELU, "forward"),
    common.float64_upcast(RELU, "forward"),
    common.returns_list(RELU, "forward"),
    common.boolean_mask(RELU),
    common.returns_forward(RELU),
    common.forgets_upstream(RELU),
    common.mutates_input(RELU, "backward"),
    Mistake("relu", "np_max_reduces",
            "np.max(x, 0) is a reduction: it returns the largest element along axis 0, not an "
            "elementwise maximum. The elementwise function is np.maximum(x, 0).", np_max_reduces),
    Mistake("relu_grad", "python_float_where",
            "np.where(x > 0, 1.0, 0.0) builds its result from two Python floats, so it is float64 "
            "whatever x is. Cast to the input's floating dtype, e.g. .astype(np.result_type(x, 1.0)).",
            python_float_where),
    Mistake("relu_grad", "sign",
            "np.sign(x) is -1 for negative inputs, but ReLU is flat there: its slope is 0, not -1.", sign),
    Mistake("relu_backward", "mask_from_output",
            "relu(x) >= 0 is true everywhere, because a ReLU's output is never negative, so the "
            "gradient passes through unmasked (a well-known NumPy tutorial has exactly this bug). The "
            "mask is x > 0, on the layer's input.", mask_from_output),
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
