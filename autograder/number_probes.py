"""Checks for exercises that return a few plain numbers, such as a minimiser and a minimum.

:func:`autograder.probes.values` compares the returned container too, so a Python float and a
NumPy ``float64`` scalar describe differently. A number found by an iteration is equally right as
either, so :func:`numbers` reads every returned real number as a Python float before describing
it; :func:`minimum_of` checks that a returned ``(minimiser, minimum)`` pair is consistent with
the function it claims to minimise. Both print canonical lines through :func:`autograder.probes.emit`.
"""
from __future__ import annotations

import numpy as np

from autograder.canonical import describe
from autograder.probes import call, emit, failed, probe


def _as_numbers(value) -> tuple[float, ...] | None:
    """``value`` as a tuple of Python floats: one real number (a Python number, a NumPy scalar or a
    one-element array), or a list or tuple of them; None for anything else."""
    items = value if isinstance(value, (list, tuple)) else [value]
    numbers = []
    for item in items:
        array = np.asarray(item) if isinstance(item, (int, float, np.generic, np.ndarray)) else None
        if array is None or array.dtype.kind not in "iuf" or array.size != 1 or isinstance(item, bool):
            return None
        numbers.append(float(array.reshape(())))
    return tuple(numbers)


@probe
def numbers(title: str, name: str, inputs: dict, **kwargs):
    """The returned numbers, whatever real scalar type holds each (float, np.float64, 0-d array)."""
    value, outcome = call(name, inputs, kwargs)
    if failed(outcome):
        emit(title, name, inputs, kwargs, outcome)
        return
    found = _as_numbers(value)
    # a list of numbers is described as the tuple it is as good as
    described = describe(value if found is None else found if isinstance(value, (list, tuple)) else found[0])
    emit(title, name, inputs, kwargs, {**described, **outcome})


@probe
def minimum_of(title: str, name: str, f, f_prime, tolerance: float, **kwargs):
    """``name(**kwargs)`` returns ``(x, m)``: ``f'(x)`` vanishes within ``tolerance`` and ``m = f(x)``.

    ``f`` and ``f_prime`` are the reference function and its derivative. The measurements are
    shown as notes; the verdict is two booleans, so any minimiser accurate enough passes.
    """
    value, outcome = call(name, {}, kwargs)
    if failed(outcome):
        emit(title, name, {}, kwargs, outcome)
        return
    found = _as_numbers(value)
    if found is None or len(found) != 2:
        emit(title, name, {}, kwargs, {"returns_minimiser_and_minimum": False, **describe(value)})
        return
    x, m = found
    slope = abs(float(f_prime(np.array(x))))
    gap = abs(float(f(np.array(x))) - m)
    result = {"stationary_within_tolerance": bool(slope <= tolerance),
              "minimum_is_the_value_at_the_minimiser": bool(gap <= tolerance)}
    emit(title, name, {}, kwargs, result,
          notes=[f"|f'(x)| = {slope:.1e}, |f(x) - minimum| = {gap:.1e} (tolerance {tolerance:.0e})"])
