"""The course's activations in PyTorch and Keras 3: one declaration, rendered and tested.

``ROWS`` says, for every activation of the course, what PyTorch and Keras 3 call it, with which
defaults, and what each computes at the kink. The book's framework page renders its table from
``ROWS`` with :func:`markdown_table`, and ``tests/test_framework_table.py`` checks every cell
against the installed libraries (torch 2.13, Keras 3 on its torch backend): each default against
the signature and against a call without arguments, each call's values against the row's
formula, each derivative at the kink against autograd, and each "none" against the library.
``FACTS`` are further statements the lessons make about the two libraries, each with the check
that the same test runs.

Importing this module needs torch but not Keras: the table renders without Keras installed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import torch
import torch.nn.functional as F

SELU_LAMBDA = 1.0507009873554804934193349852946   # Klambauer et al. (2017), eq. (14)
SELU_ALPHA = 1.6732632423543772848170429916717


@dataclass(frozen=True)
class Call:
    """One way to get the activation from a library.

    ``path`` is the dotted name (``torch.nn.LeakyReLU``). A class is a *layer*: it is built, then
    called on ``x``; anything else is a *function*, called as ``path(x, *args, **kwargs)``.
    ``defaults`` are the defaults the table claims, not passed in the check, so that the check
    proves them; ``args`` and ``kwargs`` are passed. ``params`` are the formula's parameters the
    call computes (by default ``defaults`` and ``kwargs`` together).
    """

    path: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] | None = None
    args_text: tuple[str, ...] | None = None   # how ``args`` are shown, when repr() is not it

    def formula_params(self) -> dict[str, Any]:
        return dict(self.params) if self.params is not None else {**self.defaults, **self.kwargs}

    def text(self, is_layer: bool) -> str:
        short = (self.path.replace("torch.nn.functional.", "F.").replace("torch.nn.", "nn.")
                 .replace("keras.", ""))
        shown = list(self.args_text if self.args_text is not None else map(repr, self.args))
        shown += [f"{k}={v!r}" for k, v in {**self.kwargs, **self.defaults}.items()]
        return f"{short}({', '.join(shown if is_layer else ['x', *shown])})"


@dataclass(frozen=True)
class Kink:
    """The derivative a library's autograd returns exactly at the kink ``at``."""

    at: float
    value: float


@dataclass(frozen=True)
class Row:
    name: str                                   # the course's name (activations.ELEMENTWISE)
    formula: Callable[..., torch.Tensor]        # formula(x, **params), in torch, elementwise
    torch_layer: Call | None
    torch_function: Call | None
    torch_kink: Kink | None                     # None: no kink (smooth, or no built-in)
    keras_layer: Call | None
    keras_function: Call | None
    keras_kink: Kink | None
    note: str = ""
    absent: tuple[str, ...] = ()                # names the libraries do not have, checked


def _leaky(x, negative_slope):
    return torch.where(x > 0, x, negative_slope * x)


def _relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    # Keras 3's ReLU: x above the threshold (strictly), capped at max_value, a slope below it.
    y = torch.where(x > threshold, x, torch.zeros_like(x))
    if max_value is not None:
        y = torch.clamp(y, max=max_value)
    return y - negative_slope * torch.clamp(threshold - x, min=0)


def _softplus(x, beta=1.0, threshold=20.0):
    # PyTorch reverts to the identity where beta * x > threshold, for numerical stability.
    return torch.where(beta * x > threshold, x, torch.log1p(torch.exp(beta * x)) / beta)


def _gelu(x, approximate):
    exact = approximate in ("none", False)
    if exact:
        return x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _elu(x, alpha, scale=1.0):
    return scale * torch.where(x > 0, x, alpha * torch.expm1(x))


def _activation(name: str, **params) -> Call:
    # Keras's generic layer around keras.activations.<name>, at that function's defaults.
    return Call("keras.layers.Activation", args=(name,), params=params)


ROWS: tuple[Row, ...] = (
    Row("sigmoid", lambda x: torch.sigmoid(x),
        Call("torch.nn.Sigmoid"), Call("torch.sigmoid"), None,
        _activation("sigmoid"), Call("keras.activations.sigmoid"), None,
        note="Keras has no Sigmoid layer: `Activation` wraps the function.", absent=("keras.layers.Sigmoid",)),
    Row("tanh", lambda x: torch.tanh(x),
        Call("torch.nn.Tanh"), Call("torch.tanh"), None,
        _activation("tanh"), Call("keras.activations.tanh"), None,
        absent=("keras.layers.Tanh",)),
    Row("softplus", _softplus,
        Call("torch.nn.Softplus", {"beta": 1.0, "threshold": 20.0}),
        Call("torch.nn.functional.softplus", {"beta": 1.0, "threshold": 20.0}), None,
        _activation("softplus"), Call("keras.activations.softplus"), None,
        note="Keras has no `beta` (the slope of the smooth ramp): it computes PyTorch's beta = 1.",
        absent=("keras.layers.Softplus",)),
    Row("relu", _relu,
        Call("torch.nn.ReLU"), Call("torch.nn.functional.relu"), Kink(0.0, 0.0),
        Call("keras.layers.ReLU", {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}),
        Call("keras.activations.relu", {"negative_slope": 0.0, "max_value": None, "threshold": 0.0}),
        Kink(0.0, 0.0),
        note="Keras folds ReLU6 (`max_value=6`), Leaky ReLU and the thresholded ReLU into one `ReLU`."),
    Row("leaky_relu", _leaky,
        Call("torch.nn.LeakyReLU", {"negative_slope": 0.01}),
        Call("torch.nn.functional.leaky_relu", {"negative_slope": 0.01}), Kink(0.0, 0.01),
        Call("keras.layers.LeakyReLU", {"negative_slope": 0.3}),
        Call("keras.activations.leaky_relu", {"negative_slope": 0.2}), Kink(0.0, 0.2),
        note="Three defaults: 0.01 (PyTorch), 0.3 (the Keras layer), 0.2 (the Keras function). "
             "Keras 3 still accepts the layer's Keras 2 name `alpha=`, with a deprecation warning."),
    Row("prelu", _leaky,
        Call("torch.nn.PReLU", {"num_parameters": 1, "init": 0.25}, params={"negative_slope": 0.25}),
        Call("torch.nn.functional.prelu", args=(torch.tensor([0.25], dtype=torch.float64),),
             args_text=("weight",), params={"negative_slope": 0.25}),
        Kink(0.0, 0.25),
        Call("keras.layers.PReLU", {"alpha_initializer": "Zeros", "shared_axes": None},
             params={"negative_slope": 0.0}),
        None, None,
        note="PyTorch learns one slope shared by the whole layer, starting at 0.25; Keras learns one "
             "slope per input element (every position of every channel), starting at 0, so it starts "
             "as ReLU; `shared_axes` ties them. Keras has no PReLU function.",
        absent=("keras.activations.prelu",)),
    Row("thresholded_relu", _relu,
        Call("torch.nn.Threshold", args=(1.0, 0.0), params={"threshold": 1.0}),
        Call("torch.nn.functional.threshold", args=(1.0, 0.0), params={"threshold": 1.0}),
        Kink(1.0, 0.0),
        Call("keras.layers.ReLU", kwargs={"threshold": 1.0}),
        Call("keras.activations.relu", kwargs={"threshold": 1.0}), Kink(1.0, 0.0),
        note="x for x > θ, else 0: both libraries return 0 at x = θ itself (Keras's docstring writes "
             "`threshold <= x`, its code `x > threshold`). Keras 3 removed `ThresholdedReLU`; "
             "PyTorch's `Threshold` replaces x <= θ by any `value`.",
        absent=("keras.layers.ThresholdedReLU",)),
    Row("elu", _elu,
        Call("torch.nn.ELU", {"alpha": 1.0}), Call("torch.nn.functional.elu", {"alpha": 1.0}), Kink(0.0, 1.0),
        Call("keras.layers.ELU", {"alpha": 1.0}), Call("keras.activations.elu", {"alpha": 1.0}), Kink(0.0, 1.0),
        note="With alpha = 1 both one-sided slopes at 0 are 1: no kink in f', only in f''."),
    Row("selu", lambda x: _elu(x, SELU_ALPHA, SELU_LAMBDA),
        Call("torch.nn.SELU"), Call("torch.nn.functional.selu"), Kink(0.0, SELU_LAMBDA * SELU_ALPHA),
        _activation("selu"), Call("keras.activations.selu"), Kink(0.0, SELU_LAMBDA * SELU_ALPHA),
        note="Fixed constants λ ≈ 1.0507, α ≈ 1.6733; at 0 both libraries use the left slope λα ≈ 1.7581.",
        absent=("keras.layers.SELU",)),
    Row("gelu", _gelu,
        Call("torch.nn.GELU", {"approximate": "none"}), Call("torch.nn.functional.gelu", {"approximate": "none"}),
        None,
        _activation("gelu", approximate=False), Call("keras.activations.gelu", {"approximate": False}), None,
        note="Both default to the exact erf form here; but `keras.ops.gelu` defaults to the tanh "
             "approximation (`approximate=True`).",
        absent=("keras.layers.GELU",)),
    Row("gelu_tanh", _gelu,
        Call("torch.nn.GELU", kwargs={"approximate": "tanh"}),
        Call("torch.nn.functional.gelu", kwargs={"approximate": "tanh"}), None,
        None, Call("keras.activations.gelu", kwargs={"approximate": True}), None,
        note="Keras has no layer for it: `Activation('gelu')` takes no arguments, so it computes the "
             "exact form.", absent=("keras.layers.GELU",)),
    Row("silu", lambda x: x * torch.sigmoid(x),
        Call("torch.nn.SiLU"), Call("torch.nn.functional.silu"), None,
        _activation("silu"), Call("keras.activations.silu"), None,
        note="Also called swish (`keras.activations.swish` is the same function).",
        absent=("keras.layers.SiLU",)),
    Row("mish", lambda x: x * torch.tanh(F.softplus(x)),
        Call("torch.nn.Mish"), Call("torch.nn.functional.mish"), None,
        _activation("mish"), Call("keras.activations.mish"), None,
        absent=("keras.layers.Mish",)),
    Row("softmax", lambda x, dim: torch.softmax(x, dim=dim),
        Call("torch.nn.Softmax", kwargs={"dim": -1}), Call("torch.nn.functional.softmax", kwargs={"dim": -1}), None,
        Call("keras.layers.Softmax", {"axis": -1}, params={"dim": -1}),
        Call("keras.activations.softmax", {"axis": -1}, params={"dim": -1}), None,
        note="Not elementwise. PyTorch's `dim` defaults to None, which still works but warns that an "
             "implicit dimension is deprecated: always pass it. Keras defaults to the last axis."),
    Row("maxout", lambda x: x, None, None, None, None, None, None,
        note="Neither library has one: a maxout unit is a linear layer with k times the outputs, "
             "followed by a max over each group of k.",
        absent=("torch.nn.Maxout", "torch.nn.functional.maxout", "keras.layers.Maxout", "keras.activations.maxout")),
)


def is_layer(call: Call) -> bool:
    """Whether the call is a class (built, then applied) rather than a function; by naming."""
    return call.path.rsplit(".", 1)[1][:1].isupper()


def _cell(call: Call | None) -> str:
    return "none" if call is None else f"`{call.text(is_layer(call))}`"


def _kink(kink: Kink | None, row: Row, library_has_it: bool) -> str:
    if not library_has_it:
        return ""
    if kink is None:
        return "no kink"
    return f"{kink.value:.4g} at x = {kink.at:g}"


def markdown_table() -> str:
    """The framework table as Markdown: one row per activation, PyTorch then Keras 3."""
    header = ("| activation | PyTorch layer | PyTorch function | PyTorch f′ at the kink "
              "| Keras 3 layer | Keras 3 function | Keras f′ at the kink | notes |")
    lines = [header, "| --- " * 8 + "|"]
    for row in ROWS:
        lines.append("| " + " | ".join([
            f"`{row.name}`", _cell(row.torch_layer), _cell(row.torch_function),
            _kink(row.torch_kink, row, row.torch_function is not None),
            _cell(row.keras_layer), _cell(row.keras_function),
            _kink(row.keras_kink, row, row.keras_function is not None),
            row.note]) + " |")
    return "\n".join(lines)


def row(name: str) -> Row:
    return next(r for r in ROWS if r.name == name)


# Statements about the two libraries that the lessons and the notes above make, beyond the
# table's cells. tests/test_framework_table.py has one check per key (and fails on a key
# without one); the framework page lists them.
FACTS: dict[str, str] = {
    "keras_leaky_relu_alpha": "Keras 3's `LeakyReLU` still accepts the Keras 2 argument `alpha=`, with a "
                              "deprecation warning, and uses it as `negative_slope`.",
    "keras_input_dim": "Keras 3 warns when a layer is given `input_dim` or `input_shape`, and recommends "
                       "starting the model with `keras.Input(shape)`.",
    "keras_prelu_per_element": "`keras.layers.PReLU()` learns one slope per input element, all starting at 0; "
                               "`shared_axes` ties them along the given axes.",
    "keras_relu_threshold_strict": "`keras.layers.ReLU(threshold=θ)` returns 0 at x = θ, although its "
                                   "docstring's formula says `threshold <= x`.",
    "keras_layers_float32": "Keras's layers compute in float32 by default (their dtype policy), even on "
                            "float64 input; the `keras.activations` functions keep the input's dtype.",
    "keras_ops_gelu_default": "`keras.ops.gelu` defaults to the tanh approximation, "
                              "`keras.activations.gelu` to the exact form.",
    "keras_swish_is_silu": "`keras.activations.swish` and `keras.activations.silu` compute the same function.",
    "torch_softmax_implicit_dim": "`F.softmax(x)` and `nn.Softmax()` without `dim` still work but warn that "
                                  "the implicit choice of dimension is deprecated.",
    "torch_tanh_gain": "`torch.nn.init.calculate_gain('tanh')` is 5/3, a PyTorch heuristic, not part of "
                       "Glorot and Bengio's initialisation.",
    "torch_recurrent_gates": "`nn.LSTM` computes its input, forget and output gates with the sigmoid and its "
                             "cell gate with tanh; `nn.GRU` its reset and update gates with the sigmoid and "
                             "its new gate with tanh.",
}
