"""Checks for exercises written in PyTorch: custom ``torch.autograd.Function`` classes.

The same contract as :mod:`autograder.probes`, whose helpers these reuse: a probe calls the
student's function by name, guarded by :mod:`autograder.sandbox`, and prints canonical lines;
it never decides pass or fail. Inputs are given as NumPy arrays, which the canonical text
knows how to describe, and turned into fresh tensors of the same dtype for every call; what a
function returns is described through ``.detach().numpy()``, so a correct answer prints the
same text on every machine.
"""
from __future__ import annotations

import numpy as np
import torch

from torch.autograd.gradcheck import GradcheckError

from autograder.canonical import describe, line
from autograder.probes import call, emit, failed, guarded_call, probe
from autograder.results import Flag

# torch.autograd.gradcheck's defaults (eps 1e-6, atol 1e-5, rtol 1e-3), which assume float64:
# in float32 the finite differences alone are wrong by ~1e-3, so every check here uses float64.
GRADCHECK_DTYPE = np.float64


def _tensors(inputs: dict, requires_grad=()) -> dict:
    """Fresh tensors with the arrays' values and dtypes; those named in ``requires_grad`` are leaves that do."""
    return {key: torch.tensor(value, requires_grad=key in requires_grad) for key, value in inputs.items()}


def _array(value):
    """A tensor as the NumPy array it holds (so that it can be described); anything else unchanged."""
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value


@probe
def forward_values(title: str, name: str, inputs: dict, **kwargs):
    """The forward pass's output: dtype, shape and (rounded) values, as ``torch.nn.functional`` gives them."""
    value, outcome = call(name, _tensors(inputs), kwargs)
    result = outcome if failed(outcome) else {**describe(_array(value)), **outcome}
    emit(title, name, inputs, kwargs, result)


@probe
def gradient_values(title: str, name: str, inputs: dict, dout: np.ndarray, wrt=("x",), **kwargs):
    """The gradients that autograd gets through the student's backward, given upstream gradient ``dout``.

    Computes ``torch.autograd.grad(name(*inputs, **kwargs), inputs in wrt, dout)`` and prints a
    dict, one entry per input named in ``wrt`` (None where backward gives none); the solution's
    entries equal what autograd gives for the built-in function. ``dout`` is printed as an
    input line of its own after the call's lines: it is not an argument of the call.
    """
    def compute(fn):
        leaves = _tensors(inputs, requires_grad=wrt)
        out = fn(*leaves.values(), **kwargs)
        grads = torch.autograd.grad(out, [leaves[key] for key in wrt], torch.tensor(dout), allow_unused=True)
        return {key: _array(grad) for key, grad in zip(wrt, grads)}

    value, outcome = guarded_call(name, compute)
    emit(title, name, inputs, kwargs, outcome if failed(outcome) else {**describe(value), **outcome})
    print(line("input dout", describe(dout)))


@probe
def passes_gradcheck(title: str, name: str, inputs: dict, wrt=("x",), **kwargs):
    """``torch.autograd.gradcheck`` in float64: backward's Jacobian against centred finite differences.

    Prints a boolean; the note gives gradcheck's own first line when it fails.
    """
    inputs = {key: np.asarray(value, dtype=GRADCHECK_DTYPE) for key, value in inputs.items()}

    def compute(fn):
        leaves = _tensors(inputs, requires_grad=wrt)
        try:
            torch.autograd.gradcheck(lambda *args: fn(*args, **kwargs), tuple(leaves.values()))
        except GradcheckError as error:
            return False, str(error).strip().splitlines()[0]
        return True, "the Jacobian agrees with centred finite differences (eps 1e-6)"

    value, outcome = guarded_call(name, compute)
    if failed(outcome):
        emit(title, name, inputs, kwargs, outcome)
        return
    agrees, message = value
    emit(title, name, inputs, kwargs, {Flag.AGREES_WITH_FD.key: agrees, **outcome},
          notes=[f"gradcheck wrt {', '.join(wrt)}: {message}"])


@probe
def inputs_unchanged(title: str, name: str, inputs: dict, **kwargs):
    """The caller's tensors hold the same values afterwards (no in-place writes into an input)."""
    def compute(fn):
        passed, originals = _tensors(inputs), _tensors(inputs)
        fn(*passed.values(), **kwargs)
        return sorted(key for key in inputs if not torch.equal(passed[key], originals[key]))

    value, outcome = guarded_call(name, compute)
    emit(title, name, inputs, kwargs, outcome if failed(outcome) else {Flag.INPUTS_CHANGED.key: value, **outcome})


@probe
def is_custom_function(title: str, name: str, inputs: dict, **kwargs):
    """The output comes from a ``torch.autograd.Function`` subclass, i.e. a hand-written backward runs."""
    def compute(fn):
        out = fn(*_tensors(inputs, requires_grad=("x",)).values(), **kwargs)
        return isinstance(getattr(out, "grad_fn", None), torch.autograd.function.BackwardCFunction)

    value, outcome = guarded_call(name, compute)
    emit(title, name, inputs, kwargs, outcome if failed(outcome) else {Flag.CUSTOM_FUNCTION.key: value, **outcome})
