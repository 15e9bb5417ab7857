"""Every cell of the framework page's table, and every fact listed under it, holds for the
installed torch and Keras 3 (on its torch backend).

The table is rendered from ``labkit.frameworks.ROWS``; these tests check that declaration
against the libraries themselves: defaults against signatures and against calls without the
argument, values against each row's formula, the derivative at the kink against autograd,
and every "none" against the library's namespace.
"""
from __future__ import annotations

import importlib
import inspect
import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is imported anywhere

import keras  # a test dependency (pyproject's [test] extra): missing, this module fails, not skips
import pytest
import torch

from labkit import frameworks
from labkit.frameworks import FACTS, ROWS, Call, is_layer

# Inputs that separate every claimed parameter value: both sides of 0 and of the threshold 1,
# exact kink points, and both sides of softplus's threshold 20 (where it switches to x).
PROBE = torch.cat([torch.linspace(-6, 6, 241, dtype=torch.float64),
                   torch.tensor([0.0, 1.0, 19.5, 20.5, 25.0, -25.0], dtype=torch.float64)])
PROBE_2D = PROBE.reshape(-1, 1).repeat(1, 3) * torch.tensor([1.0, 0.5, -2.0], dtype=torch.float64)
TORCH_TOL = dict(rtol=1e-12, atol=1e-12)
KERAS_TOL = dict(rtol=2e-6, atol=2e-6)  # Keras layers compute in float32 (their dtype policy)


def test_keras_runs_on_the_torch_backend():
    assert keras.backend.backend() == "torch", "set KERAS_BACKEND=torch before anything imports Keras"
    assert keras.__version__.startswith("3."), keras.__version__


def resolve(path: str):
    module_path, name = path.rsplit(".", 1)
    candidates = [module_path]
    while "." in candidates[-1]:
        candidates.append(candidates[-1].rsplit(".", 1)[0])
    for candidate in candidates:
        try:
            obj = importlib.import_module(candidate)
        except ImportError:
            continue
        for part in path[len(candidate) + 1:].split("."):
            obj = getattr(obj, part)
        return obj
    raise ImportError(path)


def cells():
    for row in ROWS:
        for column in ("torch_layer", "torch_function", "keras_layer", "keras_function"):
            call = getattr(row, column)
            if call is not None:
                yield pytest.param(row, column, call, id=f"{row.name}-{column}")


def apply(call: Call, x: torch.Tensor, use_defaults: bool) -> torch.Tensor:
    target = resolve(call.path)
    kwargs = {**call.kwargs, **(call.defaults if use_defaults else {})}
    if is_layer(call):
        layer = target(*call.args, **kwargs)
        if call.path.startswith("torch."):
            layer = layer.double()  # PyTorch's layers hold float32 parameters by default
        y = layer(x)
    else:
        y = target(x, *call.args, **kwargs)
    return torch.as_tensor(y, dtype=torch.float64)


def tolerance(column: str) -> dict:
    return KERAS_TOL if column.startswith("keras") else TORCH_TOL


def probe_for(row) -> torch.Tensor:
    return PROBE_2D if row.name == "softmax" else PROBE


@pytest.mark.parametrize("row, column, call", list(cells()))
def test_call_computes_the_rows_formula_with_the_stated_parameters(row, column, call):
    x = probe_for(row)
    expected = row.formula(x, **call.formula_params())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a documented call must not warn
        actual = apply(call, x, use_defaults=False)
    torch.testing.assert_close(actual, expected, **tolerance(column))


@pytest.mark.parametrize("row, column, call", [c for c in cells() if c.values[2].defaults])
def test_stated_defaults_are_the_librarys_defaults(row, column, call):
    target = resolve(call.path)
    try:
        signature = inspect.signature(target.__init__ if is_layer(call) else target)
    except ValueError:  # a builtin without a signature (torch's F.softplus): the call below decides
        signature = None
    if signature is not None:
        actual = {k: signature.parameters[k].default for k in call.defaults}
        assert actual == dict(call.defaults), f"{call.path}: signature defaults {actual}"
    x = probe_for(row)
    torch.testing.assert_close(apply(call, x, use_defaults=False), apply(call, x, use_defaults=True),
                               **tolerance(column))


def kinks():
    for row in ROWS:
        for library, kink in (("torch", row.torch_kink), ("keras", row.keras_kink)):
            call = row.torch_function if library == "torch" else row.keras_function
            if kink is not None:
                yield pytest.param(call, kink, id=f"{row.name}-{library}")


@pytest.mark.parametrize("call, kink", list(kinks()))
def test_derivative_at_the_kink_is_what_autograd_returns(call, kink):
    x = torch.tensor([kink.at], dtype=torch.float64, requires_grad=True)
    target = resolve(call.path)
    y = torch.as_tensor(target(x, *call.args, **call.kwargs))
    (grad,) = torch.autograd.grad(y.sum(), x)
    assert grad.item() == pytest.approx(kink.value, rel=1e-6), f"{call.path} at {kink.at}: {grad.item()}"


@pytest.mark.parametrize("row", [r for r in ROWS if r.torch_kink is None and r.torch_function is not None
                                 and r.name != "softmax"], ids=lambda r: r.name)
def test_rows_without_a_kink_have_autograd_equal_to_the_slope(row):
    # "no kink": at every probe point autograd agrees with a centred difference of the function.
    x = PROBE.clone().requires_grad_()
    (grad,) = torch.autograd.grad(apply(row.torch_function, x, use_defaults=False).sum(), x)
    h = 1e-6
    slope = (apply(row.torch_function, PROBE + h, False) - apply(row.torch_function, PROBE - h, False)) / (2 * h)
    torch.testing.assert_close(grad, slope, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_what_the_table_calls_none_is_absent(row):
    for path in row.absent:
        with pytest.raises((AttributeError, ImportError)):
            resolve(path)
    nothing = {"torch_layer": row.torch_layer, "torch_function": row.torch_function,
               "keras_layer": row.keras_layer, "keras_function": row.keras_function}
    assert all(call is not None for call in nothing.values()) or row.absent, (
        f"{row.name}: a 'none' in the table needs the names it rules out in `absent`")


def test_the_rendered_table_has_every_row_and_column():
    table = frameworks.markdown_table().splitlines()
    assert len(table) == 2 + len(ROWS)
    assert all(line.count(" | ") == 7 for line in table[2:]), "every row has 8 cells"
    assert [line.split(" | ")[0] for line in table[2:]] == [f"| `{r.name}`" for r in ROWS]


# --- the facts under the table, one check each ---------------------------------------------

def _keras_leaky_relu_alpha():
    with pytest.warns(UserWarning, match="alpha.*deprecated"):
        layer = keras.layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1


def _keras_input_dim():
    for kwargs in ({"input_dim": 20}, {"input_shape": (20,)}):
        with pytest.warns(UserWarning, match=r"Input\(shape\)"):
            keras.layers.Dense(10, **kwargs)


def _keras_prelu_per_element():
    layer = keras.layers.PReLU()
    layer(torch.zeros(2, 3, 4))
    alpha = layer.alpha.value  # on the torch backend, a torch Parameter
    assert tuple(alpha.shape) == (3, 4) and bool((alpha == 0).all())
    shared = keras.layers.PReLU(shared_axes=[1])
    shared(torch.zeros(2, 3, 4))
    assert tuple(shared.alpha.shape) == (1, 4)


def _keras_relu_threshold_strict():
    at = torch.tensor([1.0, 1.0001])
    assert keras.layers.ReLU(threshold=1.0)(at).tolist() == pytest.approx([0.0, 1.0001])
    assert "threshold <= x" in keras.layers.ReLU.__doc__


def _keras_layers_float32():
    assert keras.layers.ReLU()(PROBE).dtype == torch.float32
    assert keras.layers.Activation("gelu")(PROBE).dtype == torch.float32
    assert keras.activations.relu(PROBE).dtype == torch.float64


def _keras_ops_gelu_default():
    assert inspect.signature(keras.ops.gelu).parameters["approximate"].default is True
    assert inspect.signature(keras.activations.gelu).parameters["approximate"].default is False


def _keras_swish_is_silu():
    torch.testing.assert_close(torch.as_tensor(keras.activations.swish(PROBE)),
                               torch.as_tensor(keras.activations.silu(PROBE)))


def _torch_softmax_implicit_dim():
    x = torch.randn(2, 3, generator=torch.Generator().manual_seed(0))
    with pytest.warns(UserWarning, match="[Ii]mplicit dimension"):
        implicit = torch.nn.functional.softmax(x)
    torch.testing.assert_close(implicit, torch.softmax(x, dim=1))
    with pytest.warns(UserWarning, match="[Ii]mplicit dimension"):
        torch.nn.Softmax()(x)


def _torch_tanh_gain():
    assert torch.nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)


def _torch_recurrent_gates():
    torch.manual_seed(0)
    x, hidden = torch.randn(1, 5), 4
    lstm = torch.nn.LSTMCell(5, hidden)
    h0, c0 = torch.randn(1, hidden), torch.randn(1, hidden)
    gates = x @ lstm.weight_ih.T + lstm.bias_ih + h0 @ lstm.weight_hh.T + lstm.bias_hh
    i, f, g, o = gates.chunk(4, dim=1)  # PyTorch's order: input, forget, cell, output
    c1 = torch.sigmoid(f) * c0 + torch.sigmoid(i) * torch.tanh(g)
    h1 = torch.sigmoid(o) * torch.tanh(c1)
    torch.testing.assert_close(lstm(x, (h0, c0)), (h1, c1))
    gru = torch.nn.GRUCell(5, hidden)
    gi, gh = x @ gru.weight_ih.T + gru.bias_ih, h0 @ gru.weight_hh.T + gru.bias_hh
    (ir, iz, in_), (hr, hz, hn) = gi.chunk(3, dim=1), gh.chunk(3, dim=1)  # reset, update, new
    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
    n = torch.tanh(in_ + r * hn)
    torch.testing.assert_close(gru(x, h0), (1 - z) * n + z * h0)


FACT_CHECKS = {
    "keras_leaky_relu_alpha": _keras_leaky_relu_alpha,
    "keras_input_dim": _keras_input_dim,
    "keras_prelu_per_element": _keras_prelu_per_element,
    "keras_relu_threshold_strict": _keras_relu_threshold_strict,
    "keras_layers_float32": _keras_layers_float32,
    "keras_ops_gelu_default": _keras_ops_gelu_default,
    "keras_swish_is_silu": _keras_swish_is_silu,
    "torch_softmax_implicit_dim": _torch_softmax_implicit_dim,
    "torch_tanh_gain": _torch_tanh_gain,
    "torch_recurrent_gates": _torch_recurrent_gates,
}


def test_every_listed_fact_has_a_check():
    assert set(FACT_CHECKS) == set(FACTS)


@pytest.mark.parametrize("key", sorted(FACTS))
def test_fact_holds(key):
    FACT_CHECKS[key]()
