"""Checks of relative accuracy, where printed digits cannot tell right from nearly right.

Same contract as :mod:`autograder.probes` (whose guarded call and printing this module reuses):
each probe calls the student's function by name and prints canonical lines; it never decides
pass or fail. The grader compares printed values with an absolute floor (1e-12 in float64), so
two kinds of error slip through a value check:

* a tiny result that has lost its relative precision, e.g. ``exp(x) - 1`` at x = -1e-12, off by
  1e-4 relative but by only 1e-16 absolute: :func:`relatively_accurate`;
* constants that a numerical solver gets right to its tolerance, not to the last digit, where a
  printed digit could flip at a rounding boundary: :func:`close_to`.

Both print a yes/no measurement per quantity and put the values and errors on a ``note:`` line,
shown in feedback but never compared.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.canonical import describe
from autograder.probes import call, emit, failed, numeric


def relatively_accurate(title: str, name: str, inputs: dict, reference, rtol: float, **kwargs):
    """Every element of ``name(*inputs)`` within ``rtol`` of ``reference(*inputs)``, relative to its size.

    ``reference`` is the reference implementation, called on the same inputs and parameters.
    """
    value, outcome = call(name, inputs, kwargs)
    if failed(outcome):
        emit(title, name, inputs, kwargs, outcome)
        return
    got = numeric(value)
    expected = np.asarray(reference(*inputs.values(), **kwargs), dtype=np.float64)
    if got is None or got.shape != expected.shape:
        emit(title, name, inputs, kwargs, {"comparable": False, **describe(value), **outcome})
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.abs(got - expected) / np.abs(expected)
    error = np.where(got == expected, 0.0, np.nan_to_num(error, nan=np.inf))
    worst = int(np.argmax(error)) if error.size else 0
    key = f"every element within {rtol:g} (relative) of the reference"
    note = "no elements"
    if error.size:
        x = np.ravel(next(iter(inputs.values())))[worst] if inputs else None
        note = (f"worst at input {x!r}: expected {expected.ravel()[worst]!r}, actual {got.ravel()[worst]!r}, "
                f"relative error {error.ravel()[worst]:.1e}")
    emit(title, name, inputs, kwargs, {key: bool(np.all(error <= rtol)), **outcome}, notes=[note])


def _numbers(value, count: int) -> list[float] | None:
    """``value`` as ``count`` finite real numbers (a tuple, list or array of them), else None."""
    try:
        numbers = [float(item) for item in value]
    except (TypeError, ValueError):
        return None
    if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
        return None
    return numbers


def close_to(title: str, name: str, inputs: dict, expected: dict, rtol: float, **kwargs):
    """The function returns ``len(expected)`` numbers, each within ``rtol`` (relative) of ``expected``.

    ``expected`` maps each returned constant's name to its value, in the order the function
    returns them, e.g. ``{"alpha": 1.6732632423543772, "scale": 1.0507009873554805}``.
    """
    value, outcome = call(name, inputs, kwargs)
    if failed(outcome):
        emit(title, name, inputs, kwargs, outcome)
        return
    numbers = _numbers(value, len(expected))
    returns = f"returns {len(expected)} finite numbers ({', '.join(expected)})"
    if numbers is None:
        emit(title, name, inputs, kwargs, {returns: False, **outcome}, notes=[f"returned {describe(value)}"])
        return
    result, notes = {returns: True}, []
    for (key, target), got in zip(expected.items(), numbers):
        error = abs(got - target) / abs(target)
        result[f"{key} within {rtol:g} (relative) of {target:.10g}"] = bool(error <= rtol)
        notes.append(f"{key} = {got!r}, relative error {error:.1e}")
    emit(title, name, inputs, kwargs, {**result, **outcome}, notes=["; ".join(notes)])
