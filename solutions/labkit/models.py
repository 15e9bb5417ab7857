"""The labs' networks: plain MLPs, with the activation and the weight initialisation as choices."""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

# Each activation as PyTorch ships it, with PyTorch's defaults (Leaky ReLU slope 0.01, one
# shared PReLU slope starting at 0.25, ELU alpha 1, GELU exact, not the tanh approximation).
ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "ReLU": nn.ReLU,
    "Leaky ReLU": nn.LeakyReLU,
    "PReLU": nn.PReLU,
    "ELU": nn.ELU,
    "SELU": nn.SELU,
    "GELU": nn.GELU,
    "SiLU": nn.SiLU,
}

# The weight initialisation each activation is usually paired with.
#   xavier:  Var(w) = 2 / (fan_in + fan_out)   Glorot & Bengio (2010), for sigmoid and tanh
#   he:      Var(w) = 2 / fan_in               He et al. (2015), for the ReLU family
#   lecun:   Var(w) = 1 / fan_in               LeCun et al. (1998); Klambauer et al. (2017) for SELU
#   default: PyTorch's nn.Linear default, uniform with Var(w) = 1 / (3 fan_in)
INIT_SCHEMES = ("default", "xavier", "he", "lecun")


def init_linear(layer: nn.Linear, scheme: str, bias: float = 0.0) -> None:
    """Initialise ``layer``'s weights by ``scheme`` (normal distributions) and its bias to ``bias``."""
    if scheme == "default":
        layer.reset_parameters()
    elif scheme == "xavier":
        nn.init.xavier_normal_(layer.weight)
    elif scheme == "he":
        nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    elif scheme == "lecun":
        nn.init.normal_(layer.weight, std=1 / math.sqrt(layer.in_features))
    else:
        raise ValueError(f"unknown init scheme {scheme!r}; choose one of {INIT_SCHEMES}")
    if scheme != "default" or bias != 0.0:
        nn.init.constant_(layer.bias, bias)


def mlp(n_in: int, width: int, depth: int, n_out: int, activation: str | Callable[[], nn.Module],
        init: str = "default", bias: float = 0.0) -> nn.Sequential:
    """``depth`` hidden layers of ``width`` units, each Linear then the activation, then a Linear out.

    ``activation`` is a key of :data:`ACTIVATIONS` or any module factory (``nn.Mish``), so that a
    chapter can train an activation that the labs do not compare.

    The hidden layers are initialised by ``init`` with bias ``bias``; the output layer by ``init``
    with bias 0.
    """
    layers: list[nn.Module] = []
    for index in range(depth):
        linear = nn.Linear(n_in if index == 0 else width, width)
        init_linear(linear, init, bias)
        layers += [linear, (ACTIVATIONS[activation] if isinstance(activation, str) else activation)()]
    out = nn.Linear(width if depth else n_in, n_out)
    init_linear(out, init)
    layers.append(out)
    return nn.Sequential(*layers)


def hidden_linears(model: nn.Sequential) -> list[nn.Linear]:
    """The model's Linear layers in order, the output layer last."""
    return [m for m in model if isinstance(m, nn.Linear)]


def prelu_weight_view(weight: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``weight`` reshaped to broadcast against ``x`` as ``torch.nn.functional.prelu`` does.

    One element: a slope shared by every input, viewed as [1, 1, ...]. C elements: one slope per
    channel, channels on dimension 1, viewed as [1, C, 1, ...].
    """
    shape = [1] * x.dim()
    if weight.numel() > 1:
        shape[1] = -1
    return weight.reshape(shape)
