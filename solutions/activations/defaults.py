"""Named constants, framework defaults and the activation atlas table.

PyTorch values are checked against the installed ``torch`` (2.13) by the test
suite. Keras is not installed, so each Keras 3 value cites its documentation
page (keras.io/api, Keras 3.x) or source file (keras/src/activations/activations.py).

The course follows PyTorch's defaults wherever the two frameworks disagree.
"""

import math
from dataclasses import dataclass

# --- Definitions -----------------------------------------------------------

# Klambauer, Unterthiner, Mayr & Hochreiter (2017), "Self-Normalizing Neural
# Networks", NeurIPS, eq. (14)/(15): the solution of E[selu(Z)] = 0,
# E[selu(Z)^2] = 1 for Z ~ N(0, 1). Same digits in torch.nn.SELU's docstring.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

# Hendrycks & Gimpel (2016), "Gaussian Error Linear Units (GELUs)", sec. 2:
# the cubic coefficient of the tanh approximation.
GELU_TANH_COEFFICIENT = 0.044715

# --- PyTorch defaults (verified against torch by tests/test_activations_defaults.py) ---

TORCH_LEAKY_RELU_NEGATIVE_SLOPE = 0.01  # nn.LeakyReLU / F.leaky_relu(negative_slope=0.01)
TORCH_PRELU_INIT = 0.25                 # nn.PReLU(num_parameters=1, init=0.25)
TORCH_PRELU_NUM_PARAMETERS = 1          # one slope shared by all channels
TORCH_ELU_ALPHA = 1.0                   # nn.ELU / F.elu(alpha=1.0)
TORCH_SOFTPLUS_BETA = 1.0               # nn.Softplus(beta=1.0, threshold=20.0)
TORCH_SOFTPLUS_THRESHOLD = 20.0         # returns x once beta*x > 20 (see logistic.softplus)
TORCH_GELU_APPROXIMATE = "none"         # nn.GELU(approximate="none"): the exact erf form

# --- Keras 3 defaults (Keras not installed: values from the documentation) ---

# keras.io/api/layers/activation_layers/leaky_relu: LeakyReLU(negative_slope=0.3).
# Keras 3 renamed the Keras 2 argument `alpha` to `negative_slope`.
KERAS_LEAKY_RELU_LAYER_NEGATIVE_SLOPE = 0.3
# keras/src/activations/activations.py: leaky_relu(x, negative_slope=0.2).
KERAS_LEAKY_RELU_FUNCTION_NEGATIVE_SLOPE = 0.2
# keras.io/api/layers/activation_layers/prelu: PReLU(alpha_initializer="Zeros",
# shared_axes=None): one slope per element of the non-batch shape, starting at 0.
KERAS_PRELU_ALPHA_INITIALIZER = "Zeros"
# keras.io/api/layers/activation_layers/elu: ELU(alpha=1.0); activations.elu(x, alpha=1.0).
KERAS_ELU_ALPHA = 1.0
# keras.io/2/api/layers/activation_layers/threshold_relu: Keras 2
# ThresholdedReLU(theta=1.0), "x for x > theta, 0 otherwise". Removed in Keras 3;
# keras.layers.ReLU(threshold=theta) computes x * (x > theta), the same function.
KERAS2_THRESHOLDED_RELU_THETA = 1.0
# keras/src/activations/activations.py: gelu(x, approximate=False), the exact form.
# Beware: keras.ops.gelu(x, approximate=True) defaults to the tanh approximation.
KERAS_GELU_APPROXIMATE = False

# --- Course defaults: PyTorch's, except where PyTorch has none ----------------

LEAKY_RELU_ALPHA = TORCH_LEAKY_RELU_NEGATIVE_SLOPE
PRELU_ALPHA = TORCH_PRELU_INIT
ELU_ALPHA = TORCH_ELU_ALPHA
SOFTPLUS_BETA = TORCH_SOFTPLUS_BETA
# torch.nn.functional.threshold has no default threshold; Keras 2's is the only one.
THRESHOLDED_RELU_THETA = KERAS2_THRESHOLDED_RELU_THETA


@dataclass(frozen=True)
class ActivationInfo:
    """Properties of one activation at its default parameters, for the atlas page.

    Attributes
    ----------
    name : str
        Key in :data:`activations.ELEMENTWISE`.
    interval : str
        The output range in interval notation, e.g. ``"(0, 1)"``.
    bounds : tuple of float
        ``(infimum, supremum)`` of the output range (``±math.inf`` if unbounded),
        for plot limits. Finite minima of non-monotonic functions are given to
        full double precision (computed with mpmath).
    monotonic : bool
        Non-decreasing on the whole real line.
    zero_centred : bool
        A standard-normal input gives a zero-mean output, ``E[f(Z)] = 0`` for
        ``Z ~ N(0, 1)``: true of tanh (odd) and SELU (its constants are solved
        for it), false of the sigmoid (mean 1/2) and of every rectifier (ELU's
        mean is 0.16, GELU's 0.28).
    kink : float or None
        Where the first derivative is discontinuous (or, for the thresholded
        ReLU, the function itself jumps); ``None`` if it is continuous
        everywhere. ELU with alpha = 1 has no kink: both one-sided slopes at 0 are 1.
    pytorch, keras : str
        The framework call that computes it, with its defaults side by side.
    """

    name: str
    interval: str
    bounds: tuple[float, float]
    monotonic: bool
    zero_centred: bool
    kink: float | None
    pytorch: str
    keras: str


_INF = math.inf

ATLAS = (
    ActivationInfo(
        "sigmoid", "(0, 1)", (0.0, 1.0), True, False, None,
        "torch.sigmoid(x); nn.Sigmoid()",
        "keras.activations.sigmoid(x)",
    ),
    ActivationInfo(
        "tanh", "(-1, 1)", (-1.0, 1.0), True, True, None,
        "torch.tanh(x); nn.Tanh()",
        "keras.activations.tanh(x)",
    ),
    ActivationInfo(
        "relu", "[0, inf)", (0.0, _INF), True, False, 0.0,
        "F.relu(x); nn.ReLU()",
        "keras.activations.relu(x, negative_slope=0.0, max_value=None, threshold=0.0)",
    ),
    ActivationInfo(
        "leaky_relu", "(-inf, inf)", (-_INF, _INF), True, False, 0.0,
        f"nn.LeakyReLU(negative_slope={TORCH_LEAKY_RELU_NEGATIVE_SLOPE})",
        f"keras.layers.LeakyReLU(negative_slope={KERAS_LEAKY_RELU_LAYER_NEGATIVE_SLOPE}); "
        "keras.activations.leaky_relu(x, "
        f"negative_slope={KERAS_LEAKY_RELU_FUNCTION_NEGATIVE_SLOPE})",
    ),
    ActivationInfo(
        "prelu", "(-inf, inf)", (-_INF, _INF), True, False, 0.0,
        f"nn.PReLU(num_parameters={TORCH_PRELU_NUM_PARAMETERS}, init={TORCH_PRELU_INIT}): "
        "one learned slope shared by all channels",
        f"keras.layers.PReLU(alpha_initializer='{KERAS_PRELU_ALPHA_INITIALIZER}', "
        "shared_axes=None): one learned slope per element, starting at 0",
    ),
    ActivationInfo(
        "thresholded_relu", "{0} U (1, inf)", (0.0, _INF), True, False,
        THRESHOLDED_RELU_THETA,
        f"F.threshold(x, threshold={THRESHOLDED_RELU_THETA}, value=0.0) (no defaults)",
        f"Keras 2: ThresholdedReLU(theta={KERAS2_THRESHOLDED_RELU_THETA}); "
        f"Keras 3: keras.layers.ReLU(threshold={KERAS2_THRESHOLDED_RELU_THETA})",
    ),
    ActivationInfo(
        "elu", "(-1, inf)", (-ELU_ALPHA, _INF), True, False, None,
        f"nn.ELU(alpha={TORCH_ELU_ALPHA})",
        f"keras.layers.ELU(alpha={KERAS_ELU_ALPHA}); "
        f"keras.activations.elu(x, alpha={KERAS_ELU_ALPHA})",
    ),
    ActivationInfo(
        "selu", "(-1.7581, inf)", (-SELU_SCALE * SELU_ALPHA, _INF), True, True, 0.0,
        "nn.SELU() (fixed constants)",
        "keras.activations.selu(x) (fixed constants)",
    ),
    ActivationInfo(
        "softplus", "(0, inf)", (0.0, _INF), True, False, None,
        f"nn.Softplus(beta={TORCH_SOFTPLUS_BETA}, threshold={TORCH_SOFTPLUS_THRESHOLD})",
        "keras.activations.softplus(x) (beta fixed at 1, no threshold)",
    ),
    ActivationInfo(
        "gelu", "[-0.16997, inf)", (-0.16997120747990366, _INF), False, False, None,
        f"nn.GELU(approximate='{TORCH_GELU_APPROXIMATE}')",
        f"keras.activations.gelu(x, approximate={KERAS_GELU_APPROXIMATE})",
    ),
    ActivationInfo(
        "gelu_tanh", "[-0.17004, inf)", (-0.17004075057125405, _INF), False, False, None,
        "nn.GELU(approximate='tanh')",
        "keras.activations.gelu(x, approximate=True)",
    ),
    ActivationInfo(
        "silu", "[-0.27846, inf)", (-0.2784645427610738, _INF), False, False, None,
        "F.silu(x); nn.SiLU()",
        "keras.activations.silu(x) (alias keras.activations.swish)",
    ),
    ActivationInfo(
        "mish", "[-0.30884, inf)", (-0.3088434130172504, _INF), False, False, None,
        "F.mish(x); nn.Mish()",
        "keras.activations.mish(x)",
    ),
)
"""One :class:`ActivationInfo` per entry of :data:`activations.ELEMENTWISE`, same order."""
