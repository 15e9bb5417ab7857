"""Probes for functions that act across units: along one axis, or on a whole batch.

The companions of :mod:`autograder.probes` for the checks that :mod:`autograder.across_units`
generates. Like every probe they call the student's function by name through
:func:`autograder.probes.guarded_call` and print canonical lines; they never decide pass or fail.

* :func:`sums` prints ``sum(f(...), axis)`` (or the sum of its exponentials): a softmax whose
  rows do not sum to 1 is told so with the sums themselves as the evidence.
* :func:`agrees_with_finite_differences` compares a backward pass with centred differences of
  the reference forward, taken element by element: for ``f_backward(dout, x)`` the expected
  result is the gradient of ``L(x) = sum(dout * f(x))``, the vector-Jacobian product
  ``J(x)^T dout`` that a backward pass computes, without the Jacobian ever being formed.
* :func:`routes_at_ties` accepts every valid gradient of a maximum where pieces tie.
* :func:`is_vectorised` counts interpreted steps as the rows and as the units grow.
* :func:`scalar` describes a loss that may come back as a Python float or a 0-d array alike.
"""
from __future__ import annotations

import sys

import numpy as np

from autograder.canonical import describe, line
from autograder import probes
from autograder.probes import failed, guarded_call, numeric
from autograder.results import FD_RELATIVE_TOLERANCE, FD_STEP, MAX_STEPS_PER_ELEMENT

# A sum of probabilities computed in float64 is 1 to within a few ulps per term (~1e-15); a
# wrong normalisation is off by far more than this.
SUM_TOLERANCE = 1e-9


def _call_text(name: str, inputs: dict, kwargs: dict) -> str:
    parts = list(inputs) + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _emit(title: str, call: str, inputs: dict, result: dict, notes=()):
    print(line("check", title))
    print(line("call", call))
    for key, value in inputs.items():
        print(line(f"input {key}", describe(value)))
    print(line("result", result))
    for note in notes:
        print(line("note", note))



def sums(title: str, name: str, inputs: dict, along: int, exponentiate: bool = False, **kwargs):
    """``np.sum(f(...), axis=along)`` rounded to SUM_TOLERANCE (of ``exp(f)`` if ``exponentiate``).

    The sums are printed as a float64 array, so a row that does not sum to its target is named
    with its sum. A result that is not a numeric array of at least ``along``'s rank is described.
    """
    call = _call_text(name, inputs, kwargs)
    call = f"np.sum({'np.exp(' + call + ')' if exponentiate else call}, axis={along})"
    value, outcome = probes.call(name, inputs, kwargs)
    if failed(outcome):
        _emit(title, call, inputs, outcome)
        return
    got = numeric(value)
    if got is None or got.ndim == 0 or not -got.ndim <= along < got.ndim:
        _emit(title, call, inputs, {"comparable": False, **describe(value)})
        return
    with np.errstate(all="ignore"):
        total = np.sum(np.exp(got) if exponentiate else got, axis=along)
    rounded = np.where(np.isfinite(total), np.round(total / SUM_TOLERANCE) * SUM_TOLERANCE, total)
    _emit(title, call, inputs, {**describe(rounded), **outcome})


def _scalar_sum(forward, arrays: list, upstream, kwargs: dict) -> float:
    out = np.asarray(forward(*arrays, **kwargs), dtype=np.float64)
    return float(np.sum(out if upstream is None else upstream * out))


def agrees_with_finite_differences(title: str, name: str, inputs: dict, forward, upstream: str | None = "dout",
                                   **kwargs):
    """The gradient ``name`` returns matches centred differences of ``forward`` (the reference).

    ``inputs`` are the student's arguments; ``upstream`` names the one that is the upstream
    gradient (``None`` when ``forward`` returns a scalar loss). ``forward`` is called with the
    other inputs, in order, and ``kwargs``; the gradient is taken with respect to the first of
    them, element by element (inputs of a few dozen elements): the expectation is the gradient
    of ``sum(upstream * forward(...))``. The inputs must keep every kink (a tie between maxout
    pieces) further than FD_STEP away. The error is CS231n's relative error on the whole array,
    ``max|a - b| / max(1e-8, max|a| + max|b|)``, so that entries near 0 do not count as large
    relative errors; a correct gradient gives about 1e-10.
    """
    call = _call_text(name, inputs, kwargs)
    value, outcome = probes.call(name, inputs, kwargs)
    if failed(outcome):
        _emit(title, call, inputs, outcome)
        return
    dout = None if upstream is None else np.asarray(inputs[upstream], dtype=np.float64)
    arrays = [np.asarray(v, dtype=np.float64) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
              for k, v in inputs.items() if k != upstream]
    x = arrays[0]
    expected = np.empty_like(x)
    for index in np.ndindex(x.shape):
        sides = []
        for step in (FD_STEP, -FD_STEP):
            moved = x.copy()
            moved[index] += step
            sides.append(_scalar_sum(forward, [moved, *arrays[1:]], dout, kwargs))
        expected[index] = (sides[0] - sides[1]) / (2 * FD_STEP)
    got = numeric(value)
    if got is None or got.shape != expected.shape:
        _emit(title, call, inputs, {"comparable": False, **describe(value)})
        return
    scale = max(1e-8, float(np.max(np.abs(got)) + np.max(np.abs(expected))))
    rel_error = float(np.max(np.abs(got - expected))) / scale if np.all(np.isfinite(got)) else float("inf")
    _emit(title, call, inputs, {"agrees_with_finite_differences": bool(rel_error < FD_RELATIVE_TOLERANCE)},
          notes=[f"max relative error {rel_error:.1e} (tolerance {FD_RELATIVE_TOLERANCE:.0e})"])


def routes_at_ties(title: str, name: str, inputs: dict, pieces: int, axis: int = -1):
    """A maxout backward pass where pieces tie: any split of each ``dout`` among its group's
    maxima is a valid gradient (all to the first, as ``torch.max(dim)`` does, or evenly, as
    ``torch.amax`` does). Valid means: zero on every piece below its group's maximum, and on
    the maxima non-negative multiples of ``dout`` that add up to ``dout``.
    """
    kwargs = {"pieces": pieces, "axis": axis}
    call = _call_text(name, inputs, kwargs)
    value, outcome = probes.call(name, inputs, kwargs)
    if failed(outcome):
        _emit(title, call, inputs, outcome)
        return
    x = np.asarray(inputs["x"], dtype=np.float64)
    dout = np.asarray(inputs["dout"], dtype=np.float64)
    got = numeric(value)
    if got is None or got.shape != x.shape:
        _emit(title, call, inputs, {"comparable": False, **describe(value)})
        return
    axis = axis % x.ndim
    split = x.shape[:axis] + (x.shape[axis] // pieces, pieces) + x.shape[axis + 1:]
    grouped_x, grouped_dx = x.reshape(split), got.reshape(split)
    upstream = np.expand_dims(dout, axis + 1)
    winner = grouped_x == grouped_x.max(axis=axis + 1, keepdims=True)
    with np.errstate(all="ignore"):
        share = np.where(upstream != 0, grouped_dx / upstream, 0.0)
    valid = bool(np.all(grouped_dx[~winner] == 0)
                 and np.all((share[winner] >= -1e-12) & (share[winner] <= 1 + 1e-12))
                 and np.allclose(grouped_dx.sum(axis=axis + 1), dout, rtol=1e-12, atol=1e-12))
    _emit(title, call, inputs, {"valid_subgradient": valid},
          notes=[f"returned {np.round(got, 6).ravel().tolist()}; any split of dout among tied maxima is accepted"])


def _steps(fn, inputs: dict, kwargs: dict) -> int:
    steps = 0

    def count(frame, event, arg):
        nonlocal steps
        steps += 1
        return count

    previous = sys.gettrace()
    sys.settrace(count)
    try:
        fn(*inputs.values(), **kwargs)
    finally:
        sys.settrace(previous)
    return steps


VECTORISED_ROWS, VECTORISED_UNITS = 40, 60   # the base shape; rows and units are then tripled in turn


def is_vectorised(title: str, name: str, inputs_for, **kwargs):
    """No Python loop over rows or over units: the interpreted work stays the same as either grows.

    ``inputs_for(rows, units)`` builds the arguments for a batch of that shape. Interpreted
    Python steps are counted at (rows, units), (3 rows, units) and (rows, 3 units); a loop over
    the rows (or the units) runs at least one step per row (unit), vectorised NumPy code the same
    few steps at any size. Counting is deterministic; nothing is timed.
    """
    rows, units = VECTORISED_ROWS, VECTORISED_UNITS
    batches = [inputs_for(*shape) for shape in ((rows, units), (3 * rows, units), (rows, 3 * units))]
    call = _call_text(name, batches[0], kwargs)
    steps, outcome = guarded_call(name, lambda fn: [_steps(fn, batch, kwargs) for batch in batches])
    if failed(outcome):
        _emit(title, call, {}, outcome)
        return
    per_row = (steps[1] - steps[0]) / (2 * rows)
    per_unit = (steps[2] - steps[0]) / (2 * units)
    vectorised = per_row < MAX_STEPS_PER_ELEMENT and per_unit < MAX_STEPS_PER_ELEMENT
    _emit(title, call, {}, {"vectorised": bool(vectorised)},
          notes=[f"on batches of {rows} and {3 * rows} rows, {units} and {3 * units} units: {per_row:.2f} "
                 f"interpreted Python steps per row and {per_unit:.2f} per unit (a loop over rows or units "
                 f"runs at least 1)"])


def scalar(title: str, name: str, inputs: dict, **kwargs):
    """A loss: a Python float is described as the float64 0-d array it stands for, so that
    ``float(loss)`` and ``np.mean(...)`` are equally right; anything else is described as it is."""
    call = _call_text(name, inputs, kwargs)
    value, outcome = probes.call(name, inputs, kwargs)
    if failed(outcome):
        _emit(title, call, inputs, outcome)
        return
    if isinstance(value, float):
        value = np.float64(value)
    _emit(title, call, inputs, {**describe(value), **outcome})
