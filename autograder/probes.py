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
import sys
import time

import numpy as np

from autograder.canonical import describe, line
from autograder.sandbox import CALL_TIMEOUT_S, CheckTimeout, describe_error, guard

FD_STEP = 1e-6              # centred differences in float64: error ~ h^2 f''' + eps/h ~ 1e-10
FD_RELATIVE_TOLERANCE = 1e-6  # CS231n's rel_error; a correct derivative gives ~1e-9 here
VECTORISED_MIN_SPEEDUP = 5.0  # a vectorised answer is ~100x faster than a loop; 5x is generous
VECTORISED_SIZE = 10**6
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


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _call(name: str, inputs: dict, kwargs: dict):
    """Call the student's ``name`` on copies of the inputs; return (value, outcome dict)."""
    fn = _student(name)
    if fn is None:
        return None, {"missing": name}
    if not callable(fn):
        return None, {"raised": "TypeError", "message": f"{name} is not a function"}
    if fn in _hung:
        return None, describe_error(CheckTimeout())
    args = [_copy(v) for v in inputs.values()]
    with guard() as record:
        value = fn(*args, **kwargs)
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
    result = outcome if "missing" in outcome or "raised" in outcome else {**describe(value), **outcome}
    _emit(title, name, inputs, kwargs, result)


def dtype_and_shape(title: str, name: str, inputs: dict, **kwargs):
    """Only the container: that float32 stays float32 and the shape is kept."""
    value, outcome = _call(name, inputs, kwargs)
    if "missing" in outcome or "raised" in outcome:
        result = outcome
    else:
        result = {key: v for key, v in describe(value).items() if key != "values"}
    _emit(title, name, inputs, kwargs, result)


def inputs_unchanged(title: str, name: str, inputs: dict, **kwargs):
    """The caller's arrays are the same afterwards (no in-place writes into the input)."""
    fn = _student(name)
    if fn is None:
        _emit(title, name, inputs, kwargs, {"missing": name})
        return
    originals = {k: _copy(v) for k, v in inputs.items()}
    passed = {k: _copy(v) for k, v in inputs.items()}
    with guard() as record:
        fn(*passed.values(), **kwargs)
    if record.error is not None:
        result = describe_error(record.error)
    else:
        changed = sorted(k for k in inputs if not np.array_equal(passed[k], originals[k], equal_nan=True))
        result = {"inputs_changed": changed}
    _emit(title, name, inputs, kwargs, result)


def _finite_difference(forward, x: np.ndarray, kwargs: dict) -> np.ndarray:
    return (forward(x + FD_STEP, **kwargs) - forward(x - FD_STEP, **kwargs)) / (2 * FD_STEP)


def agrees_with_finite_differences(title: str, name: str, inputs: dict, forward, **kwargs):
    """The derivative matches centred differences of ``forward`` (the reference) at each x.

    For ``name_grad(x)`` the expectation is d forward / dx; for ``name_backward(dout, x)`` it is
    ``dout * d forward / dx``. Inputs must stay away from kinks.
    """
    value, outcome = _call(name, inputs, kwargs)
    if "missing" in outcome or "raised" in outcome:
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
    if "missing" in outcome or "raised" in outcome:
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


def is_vectorised(title: str, name: str, scalar_version, **kwargs):
    """Clearly faster than a per-element Python loop on 10^6 elements.

    ``scalar_version(v, **kwargs)`` is the per-element formula; the loop over it is timed on a
    sample and scaled up, the student's function on the full array (best of 3).
    """
    x = np.random.default_rng(0).standard_normal(VECTORISED_SIZE)
    _, outcome = _call(name, {"x": x[:8]}, kwargs)
    if "missing" in outcome or "raised" in outcome:
        _emit(title, name, {}, kwargs, outcome)
        return
    sample = x[:LOOP_SAMPLE]
    loop = _best_time(lambda: [scalar_version(v, **kwargs) for v in sample], (), {}, 2)
    loop *= VECTORISED_SIZE / LOOP_SAMPLE
    fn = _student(name)
    with guard(seconds=max(CALL_TIMEOUT_S, 2 * loop)) as record:
        yours = _best_time(fn, (x,), kwargs, 3)
    if record.error is not None:
        _emit(title, name, {}, kwargs, describe_error(record.error, max(CALL_TIMEOUT_S, 2 * loop)))
        return
    speedup = loop / max(yours, 1e-9)
    _emit(title, name, {}, kwargs, {"vectorised": bool(speedup >= VECTORISED_MIN_SPEEDUP)},
          notes=[f"on {VECTORISED_SIZE:.0e} elements: yours {yours * 1e3:.1f} ms, a per-element loop "
                 f"about {loop * 1e3:.0f} ms ({speedup:.0f}x; at least {VECTORISED_MIN_SPEEDUP:g}x needed)"])


def _nested_copy(value):
    """A deep copy of arrays inside lists, tuples and dicts (other values are kept as they are)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_nested_copy(item) for item in value)
    if isinstance(value, dict):
        return {key: _nested_copy(item) for key, item in value.items()}
    return value


def _nested_equal(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_nested_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_nested_equal(a[k], b[k]) for k in a)
    return a == b


def nested_inputs_unchanged(title: str, name: str, inputs: dict, **kwargs):
    """Like :func:`inputs_unchanged`, for inputs that are lists or tuples of arrays (layers).

    The student's function gets deep copies; afterwards each copy is compared with the
    original, element by element, so an in-place write into any array of a list counts.
    Prints the same result line as :func:`inputs_unchanged`.
    """
    fn = _student(name)
    if fn is None:
        _emit(title, name, inputs, kwargs, {"missing": name})
        return
    passed = {k: _nested_copy(v) for k, v in inputs.items()}
    with guard() as record:
        fn(*passed.values(), **kwargs)
    if record.error is not None:
        result = describe_error(record.error)
    else:
        result = {"inputs_changed": sorted(k for k in inputs if not _nested_equal(passed[k], inputs[k]))}
    _emit(title, name, inputs, kwargs, result)


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
        if "missing" in outcome or "raised" in outcome:
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
