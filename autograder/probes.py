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

import builtins
import contextlib
import contextvars
import copy
import functools
import io
import sys
import time

import numpy as np

from autograder.canonical import describe, line
from autograder.results import (FD_RELATIVE_TOLERANCE, FD_STEP, INIT_MEAN_STANDARD_ERRORS, INIT_STD_TOLERANCE,
                                MAX_STEPS_PER_ELEMENT, Flag)
from autograder.sandbox import CheckTimeout, describe_error, global_names, guard

TRACE_SIZES = (1000, 3000)       # interpreted steps are counted at these two input sizes
VECTORISED_SIZE = 10**6         # the size at which speed is measured and shown
LOOP_SAMPLE = 2000            # the loop is timed on this many elements and scaled up (a note, never judged)

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


def student(name: str):
    """The student's object called ``name`` (in the namespace of :func:`looking_up`, else ``__main__``)."""
    namespace = _namespace.get()
    if namespace is None:
        namespace = vars(sys.modules["__main__"])
    return namespace.get(name)


def probe(function):
    """Make a probe total: if examining a strange result raises inside the grader's own code, the
    check prints a result that says so (``result_examinable: false``, the error as a note)
    instead of crashing its cell. The student's code itself is always run guarded; a reference
    output holding this flag is rejected as a grader fault (:func:`autograder.runner.check_reference`)."""
    @functools.wraps(function)
    def total(title, *args, **kwargs):
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                function(title, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 (whatever a strange value makes numpy raise)
            print(line("check", title))
            print(line("call", f"{args[0] if args and isinstance(args[0], str) else 'the function'}(...)"))
            print(line("result", {Flag.EXAMINABLE.key: False}))
            print(line("note", f"{type(error).__name__}: {str(error)[:200]}"))
            return
        print(printed.getvalue(), end="")
    return total


def guarded_call(name: str, compute):
    """``compute(fn)`` on the student's function ``name``, guarded; returns ``(value, outcome)``.

    ``outcome`` is ``{}`` for a clean run, may hold ``warnings`` and ``tampered`` lists, and is a
    failure (see :func:`failed`) when the function is missing, raised, exited or hung. A
    function that hung once is not called again, so a hang costs one timeout per exercise.
    """
    fn = student(name)
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


def call(name: str, inputs: dict, kwargs: dict):
    """Call the student's ``name`` on deep copies of the inputs; return (value, outcome dict)."""
    return guarded_call(name, lambda fn: fn(*copy.deepcopy(list(inputs.values())), **kwargs))


def numeric(value) -> np.ndarray | None:
    """``value`` as a float64 array if it is a numeric array or number, else None."""
    if isinstance(value, (np.ndarray, np.generic, int, float)) and np.asarray(value).dtype.kind in "biuf":
        return np.asarray(value, dtype=np.float64)
    return None


def call_text(name: str, inputs: dict, kwargs: dict) -> str:
    parts = list(inputs) + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def emit(title: str, name: str, inputs: dict, kwargs: dict, result: dict, notes=()):
    """Print a check's canonical lines: check, call, one per input, result, then notes."""
    print(line("check", title))
    print(line("call", call_text(name, inputs, kwargs)))
    for key, value in inputs.items():
        print(line(f"input {key}", describe(value)))
    print(line("result", result))
    for note in notes:
        print(line("note", note))


@probe
def values(title: str, name: str, inputs: dict, **kwargs):
    """The returned value itself: type, dtype, shape and (rounded) numbers."""
    value, outcome = call(name, inputs, kwargs)
    result = outcome if failed(outcome) else {**describe(value), **outcome}
    emit(title, name, inputs, kwargs, result)


@probe
def dtype_and_shape(title: str, name: str, inputs: dict, **kwargs):
    """Only the container: that float32 stays float32 and the shape is kept."""
    value, outcome = call(name, inputs, kwargs)
    if failed(outcome):
        result = outcome
    else:
        result = {key: v for key, v in describe(value).items() if key != "values"}
    emit(title, name, inputs, kwargs, result)


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


@probe
def inputs_unchanged(title: str, name: str, inputs: dict, **kwargs):
    """The caller's inputs are the same afterwards: no in-place write into any array, however
    deep inside a list, tuple or dict it sits. The result names what changed."""
    passed = copy.deepcopy(inputs)
    _, outcome = guarded_call(name, lambda fn: fn(*passed.values(), **kwargs))
    if failed(outcome):
        result = outcome
    else:
        result = {Flag.INPUTS_CHANGED.key: sorted(p for key in inputs for p in changed_paths(inputs[key], passed[key], key))}
    emit(title, name, inputs, kwargs, result)


def _arrays(value, path: str) -> list[tuple[str, np.ndarray]]:
    """Every array inside ``value`` (lists, tuples and dicts walked), with its path."""
    if isinstance(value, np.ndarray):
        return [(path, value)]
    if isinstance(value, dict):
        return [a for key, item in value.items() for a in _arrays(item, f"{path}[{key!r}]")]
    if isinstance(value, (list, tuple)):
        return [a for i, item in enumerate(value) for a in _arrays(item, f"{path}[{i}]")]
    return []


@probe
def returns_new_arrays(title: str, name: str, inputs: dict, **kwargs):
    """No array the function returns is (or views) one of the caller's input arrays.

    Returning the caller's own array lets a later write to the result change the input: the
    result names the input arrays that a returned array shares memory with.
    """
    passed = copy.deepcopy(inputs)
    value, outcome = guarded_call(name, lambda fn: fn(*passed.values(), **kwargs))
    if failed(outcome):
        emit(title, name, inputs, kwargs, outcome)
        return
    given = [a for key in passed for a in _arrays(passed[key], key)]
    shared = sorted({where for _, out in _arrays(value, "result") for where, array in given
                     if np.may_share_memory(out, array)})
    emit(title, name, inputs, kwargs, {Flag.SHARES_MEMORY.key: shared, **outcome})


def _finite_difference(forward, x: np.ndarray, kwargs: dict) -> np.ndarray:
    return (forward(x + FD_STEP, **kwargs) - forward(x - FD_STEP, **kwargs)) / (2 * FD_STEP)


@probe
def agrees_with_finite_differences(title: str, name: str, inputs: dict, forward, **kwargs):
    """The derivative matches centred differences of ``forward`` (the reference) at each x.

    For ``name_grad(x)`` the expectation is d forward / dx; for ``name_backward(dout, x)`` it is
    ``dout * d forward / dx``. Inputs must stay away from kinks.
    """
    value, outcome = call(name, inputs, kwargs)
    if failed(outcome):
        emit(title, name, inputs, kwargs, outcome)
        return
    x = np.asarray(inputs["x"], dtype=np.float64)
    expected = _finite_difference(forward, x, kwargs) * inputs.get("dout", 1.0)
    got = numeric(value)
    if got is None or got.shape != expected.shape:
        emit(title, name, inputs, kwargs, {Flag.COMPARABLE.key: False, **describe(value)})
        return
    scale = np.maximum(1e-8, np.abs(got) + np.abs(expected))
    rel_error = float(np.max(np.abs(got - expected) / scale))
    result = {Flag.AGREES_WITH_FD.key: bool(rel_error < FD_RELATIVE_TOLERANCE)}
    emit(title, name, inputs, kwargs, result, notes=[f"max relative error {rel_error:.1e} "
                                                      f"(tolerance {FD_RELATIVE_TOLERANCE:.0e})"])


@probe
def subgradient_at(title: str, name: str, inputs: dict, low: float, high: float, **kwargs):
    """At a kink any value in [low, high] is a valid (sub)gradient: accept all of them."""
    value, outcome = call(name, inputs, kwargs)
    if failed(outcome):
        emit(title, name, inputs, kwargs, outcome)
        return
    got = numeric(value)
    if got is None:
        emit(title, name, inputs, kwargs, {Flag.COMPARABLE.key: False, **describe(value)})
        return
    valid = bool(got.size > 0 and np.all((got >= low) & (got <= high)))
    emit(title, name, inputs, kwargs, {Flag.VALID_SUBGRADIENT.key: valid},
          notes=[f"returned {np.unique(got).tolist()}; any value in [{low:g}, {high:g}] is accepted"])


def _best_time(fn, args, kwargs, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best


# Whole-array replacements for the scalar functions that per-element loops most often wrap.
ARRAY_ALTERNATIVES = {
    "math.exp": "np.exp", "math.expm1": "np.expm1", "math.log": "np.log", "math.log1p": "np.log1p",
    "math.sqrt": "np.sqrt", "math.tanh": "np.tanh", "math.sinh": "np.sinh", "math.cosh": "np.cosh",
    "math.sin": "np.sin", "math.cos": "np.cos", "math.atan": "np.arctan", "math.fabs": "np.abs",
    "math.erf": "scipy.special.erf", "math.erfc": "scipy.special.erfc", "math.gamma": "scipy.special.gamma",
    "math.lgamma": "scipy.special.gammaln", "builtins.abs": "np.abs", "builtins.max": "np.maximum",
    "builtins.min": "np.minimum", "builtins.round": "np.round",
}
GENERIC_ALTERNATIVE = "whole-array NumPy operations (np.where, np.maximum, np.exp, ...)"
_VECTORIZE_CALL = np.vectorize.__call__.__code__
_FROMPYFUNC = np.frompyfunc
_MAP = map
_PYFUNC_SUFFIX = " (vectorized)"   # how NumPy names a ufunc made by np.frompyfunc


def _callable_name(fn) -> str:
    if isinstance(fn, np.ufunc):
        return fn.__name__.removesuffix(_PYFUNC_SUFFIX)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
    module = getattr(fn, "__module__", None)
    return f"{module}.{name}" if module in ("math", "builtins", "numpy", "cmath") else str(name)


def alternative_to(name: str) -> str:
    """The whole-array function to use instead of calling ``name`` once per element."""
    exact = ARRAY_ALTERNATIVES.get(name)
    if exact:
        return exact
    suffix = next((v for k, v in ARRAY_ALTERNATIVES.items() if k.split(".")[-1] == name), None)
    return suffix or GENERIC_ALTERNATIVE


def _hidden_loops(fn, seen=None) -> list[str]:
    """np.frompyfunc ufuncs and np.vectorize objects that ``fn`` can reach through its globals,
    closure and defaults (made before the call, so no event during it shows them)."""
    seen = seen if seen is not None else set()
    if id(fn) in seen:
        return []
    seen.add(id(fn))
    if isinstance(fn, np.ufunc) and fn.__name__.endswith(_PYFUNC_SUFFIX):
        return [f"np.frompyfunc({_callable_name(fn)})"]
    if isinstance(fn, np.vectorize):
        return [f"np.vectorize({_callable_name(fn.pyfunc)})"]
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    reachable = [getattr(fn, "__globals__", {}).get(name) for name in global_names(code)]
    reachable += [cell.cell_contents for cell in (getattr(fn, "__closure__", None) or ()) if _has_contents(cell)]
    reachable += list(getattr(fn, "__defaults__", None) or ())
    return [loop for obj in reachable if obj is not None and len(seen) < 64 for loop in _hidden_loops(obj, seen)]


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:   # a cell not filled yet
        return False
    return True


def _python_map(function, *iterables):
    """``map`` written in Python, so that the tracer sees each element it handles."""
    for args in zip(*iterables):
        yield function(*args)


def _traced_run(fn, x, kwargs) -> tuple[int, list[str], list[str]]:
    """Run ``fn(x)``, counting interpreted Python steps (calls and lines, in any Python frame).

    Returns the count, the per-element callbacks run from C (np.vectorize, np.frompyfunc) and
    the callables handed to ``map``. ``map`` is replaced by a Python equivalent while it runs, so
    its per-element calls are counted as steps; np.frompyfunc is replaced by a recording one.
    """
    steps, c_loops, mapped = 0, [], []

    def count(frame, event, arg):
        nonlocal steps
        steps += 1
        if event == "call" and frame.f_code is _VECTORIZE_CALL:
            c_loops.append(f"np.vectorize({_callable_name(getattr(frame.f_locals.get('self'), 'pyfunc', None))})")
        return count

    def profile(frame, event, arg):
        if event == "c_call" and arg is _FROMPYFUNC:
            c_loops.append("np.frompyfunc(a function)")

    def recording_map(function, *iterables):
        mapped.append(_callable_name(function))
        return _python_map(function, *iterables)

    def recording_frompyfunc(function, *args, **kwargs):
        c_loops.append(f"np.frompyfunc({_callable_name(function)})")
        return _FROMPYFUNC(function, *args, **kwargs)

    previous_trace, previous_profile = sys.gettrace(), sys.getprofile()
    builtins.map, np.frompyfunc = recording_map, recording_frompyfunc
    sys.settrace(count)
    sys.setprofile(profile)
    try:
        fn(x, **kwargs)
    finally:
        sys.setprofile(previous_profile)
        sys.settrace(previous_trace)
        builtins.map, np.frompyfunc = _MAP, _FROMPYFUNC
    c_loops = [loop for loop in c_loops if loop != "np.frompyfunc(a function)"] or c_loops
    return steps, list(dict.fromkeys(c_loops)), list(dict.fromkeys(mapped))


def _loop_text(c_loops: list[str], mapped: list[str]) -> str:
    """What loops over the elements, and what to use instead (a note: shown, never compared)."""
    if c_loops:
        inner = c_loops[0][c_loops[0].index("(") + 1:-1]
        return f"{c_loops[0]} calls {inner} once per element in Python: use {alternative_to(inner)} on the whole array"
    if mapped:
        return f"map({mapped[0]}) calls {mapped[0]} once per element: use {alternative_to(mapped[0])} on the whole array"
    return f"a Python loop or comprehension runs once per element: use {GENERIC_ALTERNATIVE}"


@probe
def is_vectorised(title: str, name: str, scalar_version, **kwargs):
    """No per-element Python loop: the work done in Python does not grow with the input's size.

    Deterministic, from two sources. Interpreted Python steps are counted on two input sizes: a
    loop, a comprehension or ``map`` runs at least one step per element, vectorised NumPy code
    the same few steps for any size. A loop run from C over a Python-level callback is seen by
    what drives it: ``np.vectorize`` and ``np.frompyfunc`` (however they were reached) are loops
    whatever they wrap (``np.vectorize(math.erf)`` runs ~10x slower than ``scipy.special.erf``).
    A speed ratio is not deterministic (a correct ``np.piecewise`` answer measured 4.8x faster
    than a loop on a loaded 2-core machine, 20x on a quiet one), so speed is measured and shown,
    not judged: the student's function on 10^6 elements (best of 3) against a loop over
    ``scalar_version(v, **kwargs)`` timed on a sample and scaled up. The note names the loop and
    the whole-array function to use instead.
    """
    x = np.random.default_rng(0).standard_normal(VECTORISED_SIZE)
    small, large = (x[:n] for n in TRACE_SIZES)
    traced, outcome = guarded_call(name, lambda fn: (_traced_run(fn, small, kwargs), _traced_run(fn, large, kwargs),
                                                     _hidden_loops(fn)))
    if failed(outcome):
        emit(title, name, {}, kwargs, outcome)
        return
    (few, _, _), (many, c_loops, mapped), hidden = traced
    per_element = (many - few) / (TRACE_SIZES[1] - TRACE_SIZES[0])
    c_loops = list(dict.fromkeys(c_loops + hidden))
    vectorised = per_element < MAX_STEPS_PER_ELEMENT and not c_loops
    sample = x[:LOOP_SAMPLE]
    loop = _best_time(lambda: [scalar_version(v, **kwargs) for v in sample], (), {}, 2)
    loop *= VECTORISED_SIZE / LOOP_SAMPLE
    speed = f"a per-element loop takes about {loop * 1e3:.0f} ms on {VECTORISED_SIZE:.0e} elements"
    if vectorised:  # a loop is not timed at full size: it could run into the time limit
        yours, timing = guarded_call(name, lambda fn: _best_time(fn, (x,), kwargs, 3))
        if not failed(timing):
            speed += f", yours {yours * 1e3:.1f} ms"
    how = "" if vectorised else _loop_text(c_loops, mapped) + "; "
    emit(title, name, {}, kwargs, {Flag.VECTORISED.key: bool(vectorised)},
         notes=[f"{how}{per_element:.2f} interpreted Python steps per element (a loop runs at least 1); {speed}"])


@probe
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
    shown_call = f"{name}(fan_in, fan_out, rng)"

    def emit(result, notes=()):
        print(line("check", title))
        print(line("call", shown_call))
        print(line("input fan_in", describe(fan_in)))
        print(line("input fan_out", describe(fan_out)))
        print(line("input rng", f"np.random.default_rng({seed})"))
        print(line("result", result))
        for note in notes:
            print(line("note", note))

    draws = []
    for s in (seed, seed, seed + 1):
        value, outcome = call(name, {"fan_in": fan_in, "fan_out": fan_out, "rng": np.random.default_rng(s)}, {})
        if failed(outcome):
            emit(outcome)
            return
        draws.append(value)
    first = draws[0]
    result = {key: v for key, v in describe(first).items() if key != "values"}
    w = numeric(first)
    if w is None or w.size < 2:
        emit({Flag.COMPARABLE.key: False, **result})
        return
    mean, std = float(w.mean()), float(w.std())
    same = [numeric(d) for d in draws]
    result.update({
        Flag.INIT_MEAN.key: bool(abs(mean) <= INIT_MEAN_STANDARD_ERRORS * target_std / np.sqrt(w.size)),
        Flag.INIT_STD.key_for(std_text): bool(abs(std / target_std - 1) <= INIT_STD_TOLERANCE),
        Flag.INIT_STD_RATIO.key_for(std_text): round(std / target_std, 1),
        Flag.INIT_SAME_SEED.key: bool(same[1] is not None and np.array_equal(same[0], same[1])),
        Flag.INIT_OTHER_SEED.key: bool(same[2] is None or same[2].shape != w.shape
                                       or not np.array_equal(same[0], same[2])),
    })
    emit(result, notes=[f"mean {mean:.2e}, std {std:.4g}, target std {target_std:.4g}"])
