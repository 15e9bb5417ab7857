"""The checks that grading notebooks call, one per cell.

Each probe calls the student's function (looked up by name, so a check cell never holds a
reference to an answer), guarded by :mod:`autograder.sandbox`, and prints canonical lines
(:mod:`autograder.canonical`)::

    check: <what is checked, in words>
    call: <the call, e.g. leaky_relu(x, alpha=0.2)>
    input x: <the input, described>
    result: <the outcome, described>
    note: <measurements shown in feedback but never compared, e.g. timings>

The instructor's run of the same cell against the solutions gives the expected text. Probes
never decide pass or fail themselves: the grader compares texts, so what a student sees as
"expected" is exactly what the solution printed.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import sys
import time

import numpy as np

from autograder.canonical import describe, line
from autograder.sandbox import CheckTimeout, describe_error, guard

FD_STEP = 1e-6              # centred differences in float64: error ~ h^2 f''' + eps/h ~ 1e-10
FD_RELATIVE_TOLERANCE = 1e-6  # CS231n's rel_error; a correct derivative gives ~1e-9 here
TRACE_SIZES = (1000, 3000)       # interpreted steps are counted at these two input sizes
MAX_STEPS_PER_ELEMENT = 0.1     # a per-element loop runs >= 1 step per element, vectorised code ~0
VECTORISED_SIZE = 10**6         # the size at which speed is measured and shown
LOOP_SAMPLE = 2 * 10**4     # the loop is timed on this many elements and scaled up

_namespace: contextvars.ContextVar[dict | None] = contextvars.ContextVar("namespace", default=None)
_hung: set = set()  # functions that already ran out of time: not called again, so a hang costs one timeout


@contextlib.contextmanager
def looking_up(namespace: dict):
    """Within the block, look up student functions in ``namespace`` instead of ``__main__``."""
    token = _namespace.set(namespace)
    try:
        yield
    finally:
        _namespace.reset(token)


def _student(name: str):
    namespace = _namespace.get()
    if namespace is None:
        namespace = vars(sys.modules["__main__"])
    return namespace.get(name)


def guarded_call(name: str, compute):
    """``compute(fn)`` on the student's function ``name``, guarded; returns ``(value, outcome)``.

    ``outcome`` is ``{}`` for a clean run, may hold ``warnings`` and ``tampered`` lists, and is a
    failure (see :func:`failed`) when the function is missing, raised, exited or hung. A
    function that hung once is not called again, so a hang costs one timeout per exercise.
    """
    fn = _student(name)
    if fn is None:
        return None, {"missing": name}
    if not callable(fn):
        return None, {"raised": "TypeError", "message": f"{name} is not a function"}
    if fn in _hung:
        return None, describe_error(CheckTimeout())
    with guard() as record:
        value = compute(fn)
    if isinstance(record.error, CheckTimeout):
        _hung.add(fn)
    if record.error is not None:
        return None, describe_error(record.error)
    outcome = {}
    if record.warnings:
        outcome["warnings"] = record.warnings
    if record.tampered:
        outcome["tampered"] = record.tampered
    return value, outcome


def failed(outcome: dict) -> bool:
    """Whether a :func:`guarded_call` outcome means the function did not return at all."""
    return "missing" in outcome or "raised" in outcome


def _call(name: str, inputs: dict, kwargs: dict):
    """Call the student's ``name`` on deep copies of the inputs; return (value, outcome dict)."""
    return guarded_call(name, lambda fn: fn(*copy.deepcopy(list(inputs.values())), **kwargs))


def _numeric(value) -> np.ndarray | None:
    """``value`` as a float64 array if it is a numeric array or number, else None."""
    if isinstance(value, (np.ndarray, np.generic, int, float)) and np.asarray(value).dtype.kind in "biuf":
        return np.asarray(value, dtype=np.float64)
    return None


def _call_text(name: str, inputs: dict, kwargs: dict) -> str:
    parts = list(inputs) + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _emit(title: str, name: str, inputs: dict, kwargs: dict, result: dict, notes=()):
    print(line("check", title))
    print(line("call", _call_text(name, inputs, kwargs)))
    for key, value in inputs.items():
        print(line(f"input {key}", describe(value)))
    print(line("result", result))
    for note in notes:
        print(line("note", note))


def values(title: str, name: str, inputs: dict, **kwargs):
    """The returned value itself: type, dtype, shape and (rounded) numbers."""
    value, outcome = _call(name, inputs, kwargs)
    result = outcome if failed(outcome) else {**describe(value), **outcome}
    _emit(title, name, inputs, kwargs, result)


def dtype_and_shape(title: str, name: str, inputs: dict, **kwargs):
    """Only the container: that float32 stays float32 and the shape is kept."""
    value, outcome = _call(name, inputs, kwargs)
    if failed(outcome):
        result = outcome
    else:
        result = {key: v for key, v in describe(value).items() if key != "values"}
    _emit(title, name, inputs, kwargs, result)


def changed_paths(before, after, path: str) -> list[str]:
    """Where ``after`` differs from ``before``, named like Python expressions (``params['W1']``).

    Dicts, lists and tuples are walked; arrays are compared by shape, dtype and values (NaN
    equal to NaN).
    """
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        return [p for key in before for p in changed_paths(before[key], after[key], f"{path}[{key!r}]")]
    if isinstance(before, (list, tuple)) and type(after) is type(before) and len(after) == len(before):
        return [p for i, (b, a) in enumerate(zip(before, after)) for p in changed_paths(b, a, f"{path}[{i}]")]
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        same = (isinstance(before, np.ndarray) and isinstance(after, np.ndarray) and before.shape == after.shape
                and before.dtype == after.dtype and np.array_equal(before, after, equal_nan=True))
    else:
        same = before is after or before == after or (before != before and after != after)
    return [] if same else [path]


def same(a, b) -> bool:
    return not changed_paths(a, b, "")


def inputs_unchanged(title: str, name: str, inputs: dict, **kwargs):
    """The caller's inputs are the same afterwards: no in-place write into any array, however
    deep inside a list, tuple or dict it sits. The result names what changed."""
    passed = copy.deepcopy(inputs)
    _, outcome = guarded_call(name, lambda fn: fn(*passed.values(), **kwargs))
    if failed(outcome):
        result = outcome
    else:
        result = {"inputs_changed": sorted(p for key in inputs for p in changed_paths(inputs[key], passed[key], key))}
    _emit(title, name, inputs, kwargs, result)


def _finite_difference(forward, x: np.ndarray, kwargs: dict) -> np.ndarray:
    return (forward(x + FD_STEP, **kwargs) - forward(x - FD_STEP, **kwargs)) / (2 * FD_STEP)


def agrees_with_finite_differences(title: str, name: str, inputs: dict, forward, **kwargs):
    """The derivative matches centred differences of ``forward`` (the reference) at each x.

    For ``name_grad(x)`` the expectation is d forward / dx; for ``name_backward(dout, x)`` it is
    ``dout * d forward / dx``. Inputs must stay away from kinks.
    """
    value, outcome = _call(name, inputs, kwargs)
    if failed(outcome):
        _emit(title, name, inputs, kwargs, outcome)
        return
    x = np.asarray(inputs["x"], dtype=np.float64)
    expected = _finite_difference(forward, x, kwargs) * inputs.get("dout", 1.0)
    got = _numeric(value)
    if got is None or got.shape != expected.shape:
        _emit(title, name, inputs, kwargs, {"comparable": False, **describe(value)})
        return
    scale = np.maximum(1e-8, np.abs(got) + np.abs(expected))
    rel_error = float(np.max(np.abs(got - expected) / scale))
    result = {"agrees_with_finite_differences": bool(rel_error < FD_RELATIVE_TOLERANCE)}
    _emit(title, name, inputs, kwargs, result, notes=[f"max relative error {rel_error:.1e} "
                                                      f"(tolerance {FD_RELATIVE_TOLERANCE:.0e})"])


def subgradient_at(title: str, name: str, inputs: dict, low: float, high: float, **kwargs):
    """At a kink any value in [low, high] is a valid (sub)gradient: accept all of them."""
    value, outcome = _call(name, inputs, kwargs)
    if failed(outcome):
        _emit(title, name, inputs, kwargs, outcome)
        return
    got = _numeric(value)
    if got is None:
        _emit(title, name, inputs, kwargs, {"comparable": False, **describe(value)})
        return
    valid = bool(got.size > 0 and np.all((got >= low) & (got <= high)))
    _emit(title, name, inputs, kwargs, {"valid_subgradient": valid},
          notes=[f"returned {np.unique(got).tolist()}; any value in [{low:g}, {high:g}] is accepted"])


def _best_time(fn, args, kwargs, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best


def _python_steps(fn, x, kwargs) -> int:
    """How many interpreted Python steps (calls and lines, in any Python frame) ``fn(x)`` runs."""
    steps = 0

    def count(frame, event, arg):
        nonlocal steps
        steps += 1
        return count

    previous = sys.gettrace()
    sys.settrace(count)
    try:
        fn(x, **kwargs)
    finally:
        sys.settrace(previous)
    return steps


def is_vectorised(title: str, name: str, scalar_version, **kwargs):
    """No per-element Python loop: the interpreted work does not grow with the input's size.

    The verdict counts interpreted Python steps on two input sizes: a loop, a comprehension,
    ``map``, ``np.vectorize`` or ``np.frompyfunc`` runs at least one step per element, while
    vectorised NumPy code runs the same few steps for any size. Counting is deterministic; a
    speed ratio is not (a correct ``np.piecewise`` answer measured 4.8x faster than a loop on
    a loaded 2-core machine, 20x on a quiet one), so speed is measured and shown, not judged:
    the student's function on 10^6 elements (best of 3) against a loop over
    ``scalar_version(v, **kwargs)`` timed on a sample and scaled up.
    """
    x = np.random.default_rng(0).standard_normal(VECTORISED_SIZE)
    small, large = (x[:n] for n in TRACE_SIZES)
    steps, outcome = guarded_call(name, lambda fn: (_python_steps(fn, small, kwargs), _python_steps(fn, large, kwargs)))
    if failed(outcome):
        _emit(title, name, {}, kwargs, outcome)
        return
    per_element = (steps[1] - steps[0]) / (TRACE_SIZES[1] - TRACE_SIZES[0])
    vectorised = per_element < MAX_STEPS_PER_ELEMENT
    sample = x[:LOOP_SAMPLE]
    loop = _best_time(lambda: [scalar_version(v, **kwargs) for v in sample], (), {}, 2)
    loop *= VECTORISED_SIZE / LOOP_SAMPLE
    speed = f"a per-element loop takes about {loop * 1e3:.0f} ms on {VECTORISED_SIZE:.0e} elements"
    if vectorised:  # a loop is not timed at full size: it could run into the time limit
        yours, timing = guarded_call(name, lambda fn: _best_time(fn, (x,), kwargs, 3))
        if not failed(timing):
            speed += f", yours {yours * 1e3:.1f} ms"
    _emit(title, name, {}, kwargs, {"vectorised": bool(vectorised)},
          notes=[f"{per_element:.2f} interpreted Python steps per element (a loop runs at least 1); {speed}"])


INIT_STD_TOLERANCE = 0.05   # relative; the sample std of 6.5e4 draws is within 0.3% of the true one
INIT_MEAN_STANDARD_ERRORS = 5.0


def random_init_statistics(title: str, name: str, fan_in: int, fan_out: int, target_std: float,
                           seed: int = 0, std_text: str = "the target"):
    """A random weight initialiser ``name(fan_in, fan_out, rng)``, checked statistically.

    The function is called with ``np.random.default_rng(seed)`` (twice, to see that it draws
    from the generator it is given) and with ``default_rng(seed + 1)``. The result line holds
    the weights' type, dtype and shape, four booleans (mean within 5 standard errors of 0,
    standard deviation within 5% of ``target_std`` (described as ``std_text``), the same seed
    giving the same weights, another seed giving other weights) and the ratio of the measured
    to the target standard deviation rounded to one decimal, which tells a wrong scale (0.7 for
    1/fan_in, 2.0 for the wrong fan) from another. The measured mean and standard deviation are
    notes (never compared).
    """
    call = f"{name}(fan_in, fan_out, rng)"

    def emit(result, notes=()):
        print(line("check", title))
        print(line("call", call))
        print(line("input fan_in", describe(fan_in)))
        print(line("input fan_out", describe(fan_out)))
        print(line("input rng", f"np.random.default_rng({seed})"))
        print(line("result", result))
        for note in notes:
            print(line("note", note))

    draws = []
    for s in (seed, seed, seed + 1):
        value, outcome = _call(name, {"fan_in": fan_in, "fan_out": fan_out, "rng": np.random.default_rng(s)}, {})
        if failed(outcome):
            emit(outcome)
            return
        draws.append(value)
    first = draws[0]
    result = {key: v for key, v in describe(first).items() if key != "values"}
    w = _numeric(first)
    if w is None or w.size < 2:
        emit({"comparable": False, **result})
        return
    mean, std = float(w.mean()), float(w.std())
    same = [_numeric(d) for d in draws]
    result.update({
        "mean within 5 standard errors of 0": bool(abs(mean) <= INIT_MEAN_STANDARD_ERRORS * target_std / np.sqrt(w.size)),
        f"std within 5% of {std_text}": bool(abs(std / target_std - 1) <= INIT_STD_TOLERANCE),
        f"std / {std_text}, to 1 decimal": round(std / target_std, 1),
        "same seed, same weights": bool(same[1] is not None and np.array_equal(same[0], same[1])),
        "another seed, other weights": bool(same[2] is None or same[2].shape != w.shape
                                            or not np.array_equal(same[0], same[2])),
    })
    emit(result, notes=[f"mean {mean:.2e}, std {std:.4g}, target std {target_std:.4g}"])
