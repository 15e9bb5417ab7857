"""Reference implementation of the course's activation functions, in NumPy.

Naming convention used throughout the course and by the autograder:

* ``name(x, ...)``: the forward pass;
* ``name_grad(x, ...)``: the elementwise derivative dy/dx;
* ``name_backward(dout, x, ...)``: dL/dx given the upstream gradient dL/dy
  (``prelu_backward`` also returns dL/dalpha).

Every function accepts any shape (0-d included), keeps float32 as float32,
converts other real input to float64, never modifies its input, uses no
Python loop over elements, and is stable for inputs up to +-1e4. Each value
chosen at a kink is stated in the function's docstring and matches PyTorch.

Speed (see the book's reference-speed page and ``make bench``): the elementwise
forward passes and derivatives run in cache-sized blocks and accept a
keyword-only ``out=`` array, as NumPy's ufuncs do. float32 input is computed in
float32 arithmetic (the exact GELU's ``exp(-x**2/2)`` in float64), within a
stated number of float32 ulp of the float64 result: at most 6 for the logistic,
hyperbolic, exponential and softplus functions and their derivatives, 1 for the
rectifiers, 5 for SiLU and Mish, 12 for the exact GELU, 192 for the tanh-form
GELU (its exponential amplifies the rounding of its argument, up to |z| = 90);
derivatives that cross zero (GELU, SiLU, Mish) to within 10 ulp of 1, absolute.
``tests/test_activations_blocks.py`` measures every bound.
"""

from ._arrays import as_float_array
from .defaults import ATLAS, SELU_ALPHA, SELU_SCALE, ActivationInfo
from .exponential import elu, elu_grad, selu, selu_grad
from .hyperbolic import tanh, tanh_grad
from .logistic import (
    log_sigmoid,
    log_sigmoid_grad,
    sigmoid,
    sigmoid_grad,
    softplus,
    softplus_grad,
)
from .maxout import maxout, maxout_backward
from .rectifiers import (
    leaky_relu,
    leaky_relu_backward,
    leaky_relu_grad,
    prelu,
    prelu_backward,
    prelu_grad,
    relu,
    relu_grad,
    thresholded_relu,
    thresholded_relu_grad,
)
from .registry import ELEMENTWISE, Elementwise
from .smooth import gelu, gelu_grad, mish, mish_grad, silu, silu_grad, swish, swish_grad
from .softmax import log_softmax, log_softmax_backward, softmax, softmax_backward

__all__ = [
    # logistic family
    "sigmoid", "sigmoid_grad",
    "log_sigmoid", "log_sigmoid_grad",
    "softplus", "softplus_grad",
    # hyperbolic
    "tanh", "tanh_grad",
    # rectifiers
    "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad", "leaky_relu_backward",
    "prelu", "prelu_grad", "prelu_backward",
    "thresholded_relu", "thresholded_relu_grad",
    # exponential linear units
    "elu", "elu_grad",
    "selu", "selu_grad", "SELU_ALPHA", "SELU_SCALE",
    # smooth gated units
    "gelu", "gelu_grad",
    "silu", "silu_grad", "swish", "swish_grad",
    "mish", "mish_grad",
    # normalisers and pooling
    "softmax", "softmax_backward",
    "log_softmax", "log_softmax_backward",
    "maxout", "maxout_backward",
    # tables and helpers
    "ELEMENTWISE", "Elementwise",
    "ATLAS", "ActivationInfo",
    "as_float_array",
]
