"""The registry of elementwise activations that the benchmark and the atlas page iterate over."""

from types import MappingProxyType
from typing import Callable, Mapping, NamedTuple

from .defaults import (
    ELU_ALPHA,
    LEAKY_RELU_ALPHA,
    PRELU_ALPHA,
    SOFTPLUS_BETA,
    THRESHOLDED_RELU_THETA,
)
from .exponential import elu, elu_grad, selu, selu_grad
from .hyperbolic import tanh, tanh_grad
from .logistic import sigmoid, sigmoid_grad, softplus, softplus_grad
from .rectifiers import (
    leaky_relu,
    leaky_relu_grad,
    prelu,
    prelu_grad,
    relu,
    relu_grad,
    thresholded_relu,
    thresholded_relu_grad,
)
from .smooth import gelu, gelu_grad, mish, mish_grad, silu, silu_grad


class Elementwise(NamedTuple):
    """One registry entry: call ``forward(x, **kwargs)`` and ``grad(x, **kwargs)``."""

    forward: Callable
    grad: Callable
    kwargs: Mapping[str, object]


def _entry(forward, grad, **kwargs):
    return Elementwise(forward, grad, MappingProxyType(kwargs))


ELEMENTWISE = MappingProxyType({
    "sigmoid": _entry(sigmoid, sigmoid_grad),
    "tanh": _entry(tanh, tanh_grad),
    "relu": _entry(relu, relu_grad),
    "leaky_relu": _entry(leaky_relu, leaky_relu_grad, alpha=LEAKY_RELU_ALPHA),
    "prelu": _entry(prelu, prelu_grad, alpha=PRELU_ALPHA),
    "thresholded_relu": _entry(
        thresholded_relu, thresholded_relu_grad, theta=THRESHOLDED_RELU_THETA
    ),
    "elu": _entry(elu, elu_grad, alpha=ELU_ALPHA),
    "selu": _entry(selu, selu_grad),
    "softplus": _entry(softplus, softplus_grad, beta=SOFTPLUS_BETA),
    "gelu": _entry(gelu, gelu_grad, approximate="none"),
    "gelu_tanh": _entry(gelu, gelu_grad, approximate="tanh"),
    "silu": _entry(silu, silu_grad),
    "mish": _entry(mish, mish_grad),
})
"""Read-only ``name -> Elementwise(forward, grad, kwargs)``, kwargs being the course defaults.

PReLU is registered with one shared slope of 0.25 (PyTorch's initial value);
``gelu_tanh`` is :func:`activations.gelu` with ``approximate="tanh"``.
Same names and order as :data:`activations.defaults.ATLAS`.
"""
