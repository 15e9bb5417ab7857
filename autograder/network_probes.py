"""Network-level checks for the backprop lab: a whole network's forward, loss, backward and training.

Same contract as :mod:`autograder.probes` (whose guard, lookup and printing this module reuses):
each probe calls the student's functions by name, guarded, and prints canonical lines; it never
decides pass or fail. What these probes add is structure: parameters are dicts of arrays
(``{"W1", "b1", "W2", "b2", "W3", "b3"}``), ``forward`` returns ``(out, cache)`` with a cache
whose layout is the student's own business, and the interesting results are comparisons
(backward against centred finite differences, against torch autograd) printed as booleans,
with the measured errors on a ``note:`` line.

The network is 2 -> hidden -> hidden -> out with Leaky ReLU after both hidden layers and a
linear output: ``out = lrelu(lrelu(X W1 + b1) W2 + b2) W3 + b3``.
"""
from __future__ import annotations

import copy

import numpy as np

from autograder.canonical import describe, line
from autograder.probes import call, changed_paths, emit, failed, guarded_call, numeric, probe, same, student
from autograder.results import GRADIENT_RELATIVE_TOLERANCE, HE_STD_TOLERANCE, NETWORK_FD_STEP, TRAINING_DROP, Flag
from autograder.sandbox import describe_error, guard

# A network is piecewise linear in each single parameter, so centred differences of the
# linear functional sum(dout * out) carry no truncation error as long as no pre-activation
# crosses 0 within +-h (the grading inputs keep |z| > 0.02). Only rounding remains, about
# eps * |L| / h: with h = NETWORK_FD_STEP = 1e-3 a correct float64 gradient shows a relative
# error near 1e-10.
FIRST_LOSS_TOLERANCE = 1e-9   # relative: the recorded first loss is the initial parameters' MSE, up to rounding
PARAMETER_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


def rel_error(a, b) -> float:
    """CS231n's relative error: max over elements of |a - b| / max(1e-8, |a| + |b|)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def _emit_steps(title: str, call: str, inputs: dict, result: dict, note: str | None = None):
    """Like probes.emit, for a check that is a sequence of calls (forward, then backward)."""
    print(line("check", title))
    print(line("call", call))
    for key, value in inputs.items():
        print(line(f"input {key}", describe(value)))
    print(line("result", result))
    if note is not None:
        print(line("note", note))


def _pair_result(value) -> dict | None:
    """The output of ``forward`` described, or None if it did not return ``(out, cache)``."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return describe(value[0])
    return None


# --- single calls ----------------------------------------------------------------------------

@probe
def network_output(title: str, name: str, inputs: dict, **kwargs):
    """``out`` from ``out, cache = forward(X, params)``; the cache is not compared."""
    value, outcome = call(name, inputs, kwargs)
    if failed(outcome):
        result = outcome
    else:
        described = _pair_result(value)
        result = ({**described, **outcome} if described is not None
                  else {Flag.OUT_AND_CACHE.key: False, "type": describe(value).get("type")})
    emit(title, name, inputs, kwargs, result)


@probe
def loss_and_gradient(title: str, name: str, inputs: dict):
    """``loss, dout = mse_loss(out, Y)``: the loss as a Python float, dout described."""
    value, outcome = call(name, inputs, {})
    if failed(outcome):
        emit(title, name, inputs, {}, outcome)
        return
    loss = _scalar(value[0]) if isinstance(value, (tuple, list)) and len(value) == 2 else None
    if loss is None:
        emit(title, name, inputs, {}, {Flag.LOSS_AND_DOUT.key: False, "type": describe(value).get("type")})
        return
    emit(title, name, inputs, {}, {"loss": describe(loss), "dout": describe(value[1]), **outcome})


def _scalar(value) -> float | None:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(array) if array.shape == () else None


@probe
def loss_gradient_matches_finite_differences(title: str, name: str, inputs: dict):
    """``dout`` from ``mse_loss(out, Y)`` equals centred differences of its own loss in out."""
    out, target = (np.asarray(v, dtype=np.float64) for v in inputs.values())

    def compute(fn):
        first = fn(out.copy(), target.copy())
        if not (isinstance(first, (tuple, list)) and len(first) == 2 and _scalar(first[0]) is not None):
            return first, None
        shifted = []
        for index in np.ndindex(out.shape):
            step = np.zeros_like(out)
            step[index] = NETWORK_FD_STEP
            shifted.append((_scalar(fn(out + step, target.copy())[0]), _scalar(fn(out - step, target.copy())[0])))
        return first, shifted

    value, outcome = guarded_call(name, compute)
    if failed(outcome):
        emit(title, name, inputs, {}, outcome)
        return
    first, shifted = value
    if shifted is None:
        emit(title, name, inputs, {}, {Flag.LOSS_AND_DOUT.key: False, "type": describe(first).get("type")})
        return
    numeric_dout = np.array([(plus - minus) / (2 * NETWORK_FD_STEP) if None not in (plus, minus) else np.nan
                             for plus, minus in shifted]).reshape(out.shape)
    dout = numeric(first[1])
    if dout is None or dout.shape != numeric_dout.shape:
        emit(title, name, inputs, {}, {Flag.COMPARABLE.key: False, **describe(first[1])})
        return
    error = rel_error(dout, numeric_dout)
    emit(title, name, inputs, {}, {Flag.AGREES_WITH_FD.key: bool(error < GRADIENT_RELATIVE_TOLERANCE), **outcome},
         notes=[f"relative error {error:.1e} (tolerance {GRADIENT_RELATIVE_TOLERANCE:.0e})"])


# --- backward: values, finite differences, torch ---------------------------------------------

_BACKWARD_CALL = "out, cache = {forward}(X, params{kw}); grads = {backward}(dout, cache, params{kw})"


def _backward_call(forward: str, backward: str, kwargs: dict) -> str:
    kw = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return _BACKWARD_CALL.format(forward=forward, backward=backward, kw=kw)


def _run_backward(forward: str, backward: str, inputs: dict, kwargs: dict):
    """grads from the student's forward then backward; (grads, None) or (None, failure result)."""
    for name in (forward, backward):
        if student(name) is None:
            return None, {"missing": name}
    X, params, dout = copy.deepcopy(inputs["X"]), copy.deepcopy(inputs["params"]), copy.deepcopy(inputs["dout"])
    value, outcome = call(forward, {"X": X, "params": params}, kwargs)
    if failed(outcome):
        return None, outcome
    if _pair_result(value) is None:
        return None, {Flag.OUT_AND_CACHE.key: False, "type": describe(value).get("type")}
    grads, outcome = call(backward, {"dout": dout, "cache": value[1], "params": params}, kwargs)
    if failed(outcome):
        return None, outcome
    if not isinstance(grads, dict) or not set(inputs["params"]) <= set(grads):
        return None, {Flag.GRADIENT_DICT.key: False, **describe(grads)}
    return grads, None


@probe
def gradients(title: str, forward: str, backward: str, inputs: dict, **kwargs):
    """The gradient dict itself, for inputs X, params and dout (= dL/dout).

    Every entry is shown, so an entry that params does not have is named in the feedback (the
    other checks compare the gradients of the parameters only).
    """
    grads, failure = _run_backward(forward, backward, inputs, kwargs)
    result = failure if failure is not None else describe(grads)
    _emit_steps(title, _backward_call(forward, backward, kwargs), inputs, result)


def _numerical_gradients(forward, X: np.ndarray, params: dict, dout: np.ndarray, kwargs: dict) -> dict:
    """Centred differences of L(params) = sum(dout * forward(X, params)[0]), entry by entry."""
    def loss(p):
        return float(np.sum(dout * np.asarray(forward(X.copy(), p, **kwargs)[0], dtype=np.float64)))

    numeric = {}
    for key, value in params.items():
        numeric[key] = np.zeros_like(value, dtype=np.float64)
        for index in np.ndindex(value.shape):
            shifted = {k: v.copy() for k, v in params.items()}
            shifted[key][index] = value[index] + NETWORK_FD_STEP
            plus = loss(shifted)
            shifted[key][index] = value[index] - NETWORK_FD_STEP
            numeric[key][index] = (plus - loss(shifted)) / (2 * NETWORK_FD_STEP)
    return numeric


def _comparison(grads: dict, expected: dict, flag: str, how: str) -> tuple[dict, str]:
    errors = {}
    for key in expected:
        got = np.asarray(grads[key], dtype=np.float64) if np.asarray(grads[key]).dtype.kind in "biuf" else None
        errors[key] = rel_error(got, expected[key]) if got is not None and got.shape == expected[key].shape \
            else float("inf")
    disagreeing = [k for k, e in errors.items() if not e < GRADIENT_RELATIVE_TOLERANCE]
    note = (f"relative error vs {how} (tolerance {GRADIENT_RELATIVE_TOLERANCE:.0e}): "
            + ", ".join(f"{k} {e:.1e}" for k, e in errors.items()))
    return {flag: not disagreeing, Flag.DISAGREEING.key: disagreeing}, note


@probe
def gradients_match_finite_differences(title: str, forward: str, backward: str, inputs: dict, **kwargs):
    """Every gradient equals centred differences (float64) of sum(dout * out) under the student's forward."""
    grads, failure = _run_backward(forward, backward, inputs, kwargs)
    shown = _backward_call(forward, backward, kwargs)
    if failure is not None:
        _emit_steps(title, shown, inputs, failure)
        return
    fn = student(forward)
    with guard() as record:
        numeric = _numerical_gradients(fn, np.asarray(inputs["X"], dtype=np.float64), copy.deepcopy(inputs["params"]),
                                       np.asarray(inputs["dout"], dtype=np.float64), kwargs)
    if record.error is not None:
        _emit_steps(title, shown, inputs, describe_error(record.error))
        return
    result, note = _comparison(grads, numeric, Flag.AGREES_WITH_FD.key,
                               f"centred differences, h={NETWORK_FD_STEP:g}")
    _emit_steps(title, shown, inputs, result, note)


def torch_gradients(X, params: dict, dout, alpha: float = 0.01) -> dict:
    """dL/dparams by torch autograd in float64, L = sum(dout * out), for the lab's network."""
    import torch
    import torch.nn.functional as F

    t = {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in params.items()}
    h = torch.tensor(np.asarray(X, dtype=np.float64))
    h = F.leaky_relu(h @ t["W1"] + t["b1"], negative_slope=alpha)
    h = F.leaky_relu(h @ t["W2"] + t["b2"], negative_slope=alpha)
    out = h @ t["W3"] + t["b3"]
    (out * torch.tensor(np.asarray(dout, dtype=np.float64))).sum().backward()
    return {k: t[k].grad.numpy() for k in params}


@probe
def gradients_match_torch(title: str, forward: str, backward: str, inputs: dict, **kwargs):
    """Every gradient equals torch autograd's (float64, identical weights) for the true network."""
    grads, failure = _run_backward(forward, backward, inputs, kwargs)
    shown = _backward_call(forward, backward, kwargs)
    if failure is not None:
        _emit_steps(title, shown, inputs, failure)
        return
    expected = torch_gradients(inputs["X"], inputs["params"], inputs["dout"], kwargs.get("alpha", 0.01))
    result, note = _comparison(grads, expected, Flag.AGREES_WITH_TORCH.key, "torch autograd (float64)")
    exact = [k for k in expected if np.array_equal(np.asarray(grads[k]), expected[k])]
    _emit_steps(title, shown, inputs, result, note + f"; bit-for-bit equal: {', '.join(exact) or 'none'}")


@probe
def backward_inputs_unchanged(title: str, forward: str, backward: str, inputs: dict, **kwargs):
    """backward leaves dout, params and the cache it was given as they were."""
    shown = _backward_call(forward, backward, kwargs)
    for name in (forward, backward):
        if student(name) is None:
            _emit_steps(title, shown, inputs, {"missing": name})
            return
    params, dout = copy.deepcopy(inputs["params"]), copy.deepcopy(inputs["dout"])
    value, outcome = call(forward, {"X": copy.deepcopy(inputs["X"]), "params": copy.deepcopy(params)}, kwargs)
    if failed(outcome):
        _emit_steps(title, shown, inputs, outcome)
        return
    if _pair_result(value) is None:
        _emit_steps(title, shown, inputs, {Flag.OUT_AND_CACHE.key: False, "type": describe(value).get("type")})
        return
    cache = value[1]
    cache_before = copy.deepcopy(cache)
    with guard() as record:
        student(backward)(dout, cache, params, **kwargs)
    if record.error is not None:
        _emit_steps(title, shown, inputs, describe_error(record.error))
        return
    changed = changed_paths(inputs["dout"], dout, "dout") + changed_paths(inputs["params"], params, "params")
    if not same(cache_before, cache):
        changed.append("cache")
    _emit_steps(title, shown, inputs, {Flag.INPUTS_CHANGED.key: sorted(changed)})


# --- initialisation ----------------------------------------------------------------------------

def _init(name: str, sizes, seed: int):
    """``init_params(sizes, rng)`` with a fresh seeded rng; (params, None) or (None, failure result)."""
    params, outcome = call(name, {"sizes": tuple(sizes), "rng": np.random.default_rng(seed)}, {})
    if failed(outcome):
        return None, outcome
    if not isinstance(params, dict):
        return None, {Flag.PARAMS_DICT.key: False, "type": describe(params).get("type")}
    return params, None


def _init_call(name: str, sizes, seed: int) -> str:
    return f"{name}({tuple(sizes)!r}, np.random.default_rng({seed}))"


@probe
def init_structure(title: str, name: str, sizes, seed: int = 0):
    """Which arrays init_params returns: keys, dtypes, shapes, and whether the biases are zero."""
    params, failure = _init(name, sizes, seed)
    if failure is None:
        shapes = {k: [str(np.asarray(v).dtype), list(np.shape(v))] for k, v in sorted(params.items())}
        zero = all(np.all(np.asarray(v) == 0) for k, v in params.items() if k.startswith("b"))
        failure = {Flag.PARAMETER_LAYOUT.key: shapes, Flag.BIASES_ZERO.key: bool(zero)}
    _emit_steps(title, _init_call(name, sizes, seed), {}, failure)


def _spread(weights) -> float:
    try:
        array = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        return float("nan")
    return float(np.std(array)) if array.size > 1 else float("nan")


def _sqrt2_rounded(ratio: float):
    if not np.isfinite(ratio):
        return "nan"
    if ratio <= 0:
        return 0.0
    return round(float(2 ** (round(2 * np.log2(ratio)) / 2)), 2)


@probe
def init_scale(title: str, name: str, sizes, seed: int = 0):
    """Each W_i has He's standard deviation sqrt(2 / fan_in), within HE_STD_TOLERANCE.

    A layer within tolerance prints ``true``; any other prints its ratio to He's value rounded
    to the nearest power of sqrt(2) (0.71 for LeCun's 1 / fan_in, 0.5 for half the scale, 11.31
    for unscaled weights with fan_in 256), so a catalogued wrong scale is told apart from
    another. Those common scales sit at the centre of their bin, 19% from either edge, far beyond
    the sampling noise of the spread (< 3%), so even weights drawn from np.random's global state
    print the same ratio on every run.
    """
    params, failure = _init(name, sizes, seed)
    if failure is not None:
        _emit_steps(title, _init_call(name, sizes, seed), {}, failure)
        return
    result, measured = {}, []
    for layer, fan_in in enumerate(sizes[:-1], start=1):
        target = np.sqrt(2.0 / fan_in)
        std = _spread(params.get(f"W{layer}", np.nan))
        ratio = std / target
        result[f"W{layer}"] = True if abs(ratio - 1) <= HE_STD_TOLERANCE else _sqrt2_rounded(ratio)
        measured.append(f"W{layer} std {std:.3g} (He: {target:.3g})")
    _emit_steps(title, _init_call(name, sizes, seed), {}, {Flag.HE_STD.key: result}, "; ".join(measured))


@probe
def init_seeded(title: str, name: str, sizes, seed: int = 0):
    """Drawn from the rng it is given: the same seed gives the same arrays, another seed others."""
    runs = []
    shown = f"{_init_call(name, sizes, seed)} twice, then {_init_call(name, sizes, seed + 1)}"
    for s in (seed, seed, seed + 1):
        params, failure = _init(name, sizes, s)
        if failure is not None:
            _emit_steps(title, shown, {}, failure)
            return
        runs.append(params)
    _emit_steps(title, shown, {}, {Flag.SAME_SEED_ARRAYS.key: same(runs[0], runs[1]),
                                   Flag.OTHER_SEED_ARRAYS.key: not same(runs[0], runs[2])})


# --- training -------------------------------------------------------------------------------

def reference_loss(X, Y, params: dict, alpha: float = 0.01) -> float:
    """The MSE of the lab's network with ``params`` on (X, Y), computed here, not by the student.

    Raises ValueError when the network's output is not shaped like Y (broadcasting a wrong
    output width against Y would measure a loss of the wrong network).
    """
    h = np.asarray(X, dtype=np.float64)
    for layer in (1, 2):
        z = h @ params[f"W{layer}"] + params[f"b{layer}"]
        h = np.where(z > 0, z, alpha * z)
    out = h @ params["W3"] + params["b3"]
    if out.shape != np.shape(Y):
        raise ValueError(f"the network's output has shape {out.shape}; Y has {np.shape(Y)}")
    return float(np.mean((out - Y) ** 2))


def _initial_loss(name: str, inputs: dict, kwargs: dict, params: dict) -> float:
    """The loss before training, computed here from the initial parameters themselves.

    They are what ``train`` returns after 0 steps; if it cannot run 0 steps, He-initialised
    parameters shaped like the returned ones, drawn from ``default_rng(seed)`` as the lab does.
    """
    alpha = kwargs.get("alpha", 0.01)
    value, outcome = call(name, inputs, {**kwargs, "steps": 0})
    initial = value[0] if not failed(outcome) and isinstance(value, (tuple, list)) and len(value) == 2 else None
    if not isinstance(initial, dict):
        rng = np.random.default_rng(kwargs.get("seed", 0))
        initial = {}
        for layer in (1, 2, 3):
            fan_in, fan_out = np.shape(params[f"W{layer}"])
            initial[f"W{layer}"] = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
            initial[f"b{layer}"] = np.zeros(fan_out)
    return _loss_or_nan(inputs, initial, alpha)


def _loss_or_nan(inputs: dict, params, alpha: float) -> float:
    """:func:`reference_loss` of the student's parameters, NaN if they do not fit the network."""
    try:
        arrays = {key: np.asarray(params[key], dtype=np.float64) for key in PARAMETER_KEYS}
        with np.errstate(all="ignore"):
            return reference_loss(inputs["X"], inputs["Y"], arrays, alpha)
    except Exception:  # missing keys, wrong shapes, objects that are not numbers: no loss to measure
        return float("nan")


@probe
def training(title: str, name: str, inputs: dict, **kwargs):
    """``params, losses = train(X, Y, ...)``: the loss falls TRAINING_DROP-fold, measured here.

    Neither end of the drop trusts the student's log: the initial loss is computed from the
    initial parameters (:func:`_initial_loss`), the final one from the returned parameters, both
    with :func:`reference_loss`; so a list of made-up numbers cannot pass, nor a train that
    discards its updates but logs a larger (summed) loss. The recorded first loss must be the
    initial parameters' mean squared error.
    """
    value, outcome = call(name, inputs, kwargs)
    if failed(outcome):
        emit(title, name, inputs, kwargs, outcome)
        return
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], dict)):
        emit(title, name, inputs, kwargs, {Flag.PARAMS_AND_LOSSES.key: False, "type": describe(value).get("type")})
        return
    params, losses = value
    try:
        losses = np.asarray(losses, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        losses = np.full(1, np.nan)
    final = _loss_or_nan(inputs, params, kwargs.get("alpha", 0.01))
    start = _initial_loss(name, inputs, kwargs, params) if np.isfinite(final) else float("nan")
    first = float(losses[0]) if losses.size else float("nan")
    dropped = bool(np.isfinite(final) and np.isfinite(start) and final <= start / TRAINING_DROP)
    result = {} if np.isfinite(final) else {Flag.PARAMS_FIT.key: False}
    result |= {Flag.ONE_LOSS_PER_STEP.key: bool(losses.size == kwargs.get("steps", losses.size)),
              Flag.LOSSES_FINITE.key: bool(losses.size > 0 and np.all(np.isfinite(losses))),
              Flag.LOSS_DROPPED.key: dropped,
              Flag.FIRST_LOSS_IS_INITIAL.key: bool(np.isfinite(start) and abs(first - start) <= FIRST_LOSS_TOLERANCE
                                                   * abs(start))}
    emit(title, name, inputs, kwargs, {**result, **outcome},
         notes=[f"loss of the initial parameters {start:.4g}, of the returned parameters {final:.4g} "
                f"({start / final if final else float('inf'):.1f}x lower); first recorded loss {first:.4g}"])


@probe
def training_is_deterministic(title: str, name: str, inputs: dict, **kwargs):
    """Two runs with the same seed record the same losses (all randomness comes from the seed)."""
    runs = []
    for _ in range(2):
        value, outcome = call(name, inputs, kwargs)
        if failed(outcome):
            emit(title, name, inputs, kwargs, outcome)
            return
        losses = value[1] if isinstance(value, (tuple, list)) and len(value) == 2 else None
        runs.append(np.asarray(losses, dtype=np.float64) if losses is not None else None)
    same = runs[0] is not None and runs[1] is not None and np.array_equal(runs[0], runs[1], equal_nan=True)
    emit(title, name, inputs, kwargs, {Flag.SAME_SEED_LOSSES.key: bool(same)})
