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
from autograder.probes import _call, _emit, _student, changed_paths, failed, same
from autograder.sandbox import describe_error, guard

# A network is piecewise linear in each single parameter, so centred differences of the
# linear functional sum(dout * out) carry no truncation error as long as no pre-activation
# crosses 0 within +-h (the grading inputs keep |z| > 0.02). Only rounding remains, about
# eps * |L| / h: with h = 1e-3 a correct float64 gradient shows a relative error near 1e-10.
FD_STEP = 1e-3
GRADIENT_RELATIVE_TOLERANCE = 1e-7   # CS231n: "1e-7 and less you should be happy"
HE_STD_TOLERANCE = 0.10              # sampling error of a std over >= 640 draws is < 3 %
TRAINING_DROP = 10.0                 # "the loss drops by an order of magnitude"
PARAMETER_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


def rel_error(a, b) -> float:
    """CS231n's relative error: max over elements of |a - b| / max(1e-8, |a| + |b|)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def _emit_steps(title: str, call: str, inputs: dict, result: dict, note: str | None = None):
    """Like probes._emit, for a check that is a sequence of calls (forward, then backward)."""
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

def network_output(title: str, name: str, inputs: dict, **kwargs):
    """``out`` from ``out, cache = forward(X, params)``; the cache is not compared."""
    value, outcome = _call(name, inputs, kwargs)
    if failed(outcome):
        result = outcome
    else:
        described = _pair_result(value)
        result = ({**described, **outcome} if described is not None
                  else {"returns_out_and_cache": False, "type": describe(value).get("type")})
    _emit(title, name, inputs, kwargs, result)


def loss_and_gradient(title: str, name: str, inputs: dict):
    """``loss, dout = mse_loss(out, Y)``: the loss as a Python float, dout described."""
    value, outcome = _call(name, inputs, {})
    if failed(outcome):
        _emit(title, name, inputs, {}, outcome)
        return
    loss = _scalar(value[0]) if isinstance(value, (tuple, list)) and len(value) == 2 else None
    if loss is None:
        _emit(title, name, inputs, {}, {"returns_loss_and_dout": False, "type": describe(value).get("type")})
        return
    _emit(title, name, inputs, {}, {"loss": describe(loss), "dout": describe(value[1]), **outcome})


def _scalar(value) -> float | None:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(array) if array.shape == () else None


def loss_gradient_matches_finite_differences(title: str, name: str, inputs: dict):
    """``dout`` from ``mse_loss(out, Y)`` equals centred differences of its own loss in out."""
    fn = _student(name)
    if fn is None:
        _emit(title, name, inputs, {}, {"missing": name})
        return
    out, target = (np.asarray(v, dtype=np.float64) for v in inputs.values())
    with guard() as record:
        _, dout = fn(out.copy(), target.copy())
        numeric = np.zeros_like(out)
        for index in np.ndindex(out.shape):
            step = np.zeros_like(out)
            step[index] = FD_STEP
            numeric[index] = (_scalar(fn(out + step, target.copy())[0])
                              - _scalar(fn(out - step, target.copy())[0])) / (2 * FD_STEP)
        dout = np.asarray(dout, dtype=np.float64)
    if record.error is not None:
        _emit(title, name, inputs, {}, describe_error(record.error))
        return
    if dout.shape != numeric.shape:
        _emit(title, name, inputs, {}, {"comparable": False, **describe(dout)})
        return
    error = rel_error(dout, numeric)
    _emit(title, name, inputs, {}, {"agrees_with_finite_differences": error < GRADIENT_RELATIVE_TOLERANCE},
          notes=[f"relative error {error:.1e} (tolerance {GRADIENT_RELATIVE_TOLERANCE:.0e})"])


# --- backward: values, finite differences, torch ---------------------------------------------

_BACKWARD_CALL = "out, cache = {forward}(X, params{kw}); grads = {backward}(dout, cache, params{kw})"


def _backward_call(forward: str, backward: str, kwargs: dict) -> str:
    kw = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return _BACKWARD_CALL.format(forward=forward, backward=backward, kw=kw)


def _run_backward(forward: str, backward: str, inputs: dict, kwargs: dict):
    """grads from the student's forward then backward; (grads, None) or (None, failure result)."""
    for name in (forward, backward):
        if _student(name) is None:
            return None, {"missing": name}
    X, params, dout = copy.deepcopy(inputs["X"]), copy.deepcopy(inputs["params"]), copy.deepcopy(inputs["dout"])
    value, outcome = _call(forward, {"X": X, "params": params}, kwargs)
    if failed(outcome):
        return None, outcome
    if _pair_result(value) is None:
        return None, {"returns_out_and_cache": False, "type": describe(value).get("type")}
    grads, outcome = _call(backward, {"dout": dout, "cache": value[1], "params": params}, kwargs)
    if failed(outcome):
        return None, outcome
    if not isinstance(grads, dict) or set(grads) != set(inputs["params"]):
        return None, {"returns_gradient_dict": False, **describe(grads)}
    return grads, None


def gradients(title: str, forward: str, backward: str, inputs: dict, **kwargs):
    """The gradient dict itself, for inputs X, params and dout (= dL/dout)."""
    grads, failure = _run_backward(forward, backward, inputs, kwargs)
    result = failure if failure is not None else describe({k: grads[k] for k in inputs["params"]})
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
            shifted[key][index] = value[index] + FD_STEP
            plus = loss(shifted)
            shifted[key][index] = value[index] - FD_STEP
            numeric[key][index] = (plus - loss(shifted)) / (2 * FD_STEP)
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
    return {flag: not disagreeing, "disagreeing": disagreeing}, note


def gradients_match_finite_differences(title: str, forward: str, backward: str, inputs: dict, **kwargs):
    """Every gradient equals centred differences (float64) of sum(dout * out) under the student's forward."""
    grads, failure = _run_backward(forward, backward, inputs, kwargs)
    call = _backward_call(forward, backward, kwargs)
    if failure is not None:
        _emit_steps(title, call, inputs, failure)
        return
    fn = _student(forward)
    with guard() as record:
        numeric = _numerical_gradients(fn, np.asarray(inputs["X"], dtype=np.float64), copy.deepcopy(inputs["params"]),
                                       np.asarray(inputs["dout"], dtype=np.float64), kwargs)
    if record.error is not None:
        _emit_steps(title, call, inputs, describe_error(record.error))
        return
    result, note = _comparison(grads, numeric, "agrees_with_finite_differences",
                               f"centred differences, h={FD_STEP:g}")
    _emit_steps(title, call, inputs, result, note)


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


def gradients_match_torch(title: str, forward: str, backward: str, inputs: dict, **kwargs):
    """Every gradient equals torch autograd's (float64, identical weights) for the true network."""
    grads, failure = _run_backward(forward, backward, inputs, kwargs)
    call = _backward_call(forward, backward, kwargs)
    if failure is not None:
        _emit_steps(title, call, inputs, failure)
        return
    expected = torch_gradients(inputs["X"], inputs["params"], inputs["dout"], kwargs.get("alpha", 0.01))
    result, note = _comparison(grads, expected, "agrees_with_torch_autograd", "torch autograd (float64)")
    exact = [k for k in expected if np.array_equal(np.asarray(grads[k]), expected[k])]
    _emit_steps(title, call, inputs, result, note + f"; bit-for-bit equal: {', '.join(exact) or 'none'}")


def backward_inputs_unchanged(title: str, forward: str, backward: str, inputs: dict, **kwargs):
    """backward leaves dout, params and the cache it was given as they were."""
    call = _backward_call(forward, backward, kwargs)
    for name in (forward, backward):
        if _student(name) is None:
            _emit_steps(title, call, inputs, {"missing": name})
            return
    params, dout = copy.deepcopy(inputs["params"]), copy.deepcopy(inputs["dout"])
    value, outcome = _call(forward, {"X": copy.deepcopy(inputs["X"]), "params": copy.deepcopy(params)}, kwargs)
    if failed(outcome):
        _emit_steps(title, call, inputs, outcome)
        return
    if _pair_result(value) is None:
        _emit_steps(title, call, inputs, {"returns_out_and_cache": False, "type": describe(value).get("type")})
        return
    cache = value[1]
    cache_before = copy.deepcopy(cache)
    with guard() as record:
        _student(backward)(dout, cache, params, **kwargs)
    if record.error is not None:
        _emit_steps(title, call, inputs, describe_error(record.error))
        return
    changed = changed_paths(inputs["dout"], dout, "dout") + changed_paths(inputs["params"], params, "params")
    if not same(cache_before, cache):
        changed.append("cache")
    _emit_steps(title, call, inputs, {"inputs_changed": sorted(changed)})


# --- initialisation ----------------------------------------------------------------------------

def _init(name: str, sizes, seed: int):
    """``init_params(sizes, rng)`` with a fresh seeded rng; (params, None) or (None, failure result)."""
    params, outcome = _call(name, {"sizes": tuple(sizes), "rng": np.random.default_rng(seed)}, {})
    if failed(outcome):
        return None, outcome
    if not isinstance(params, dict):
        return None, {"returns_dict": False, "type": describe(params).get("type")}
    return params, None


def _init_call(name: str, sizes, seed: int) -> str:
    return f"{name}({tuple(sizes)!r}, np.random.default_rng({seed}))"


def init_structure(title: str, name: str, sizes, seed: int = 0):
    """Which arrays init_params returns: keys, dtypes, shapes, and whether the biases are zero."""
    params, failure = _init(name, sizes, seed)
    if failure is None:
        shapes = {k: [str(np.asarray(v).dtype), list(np.shape(v))] for k, v in sorted(params.items())}
        zero = all(np.all(np.asarray(v) == 0) for k, v in params.items() if k.startswith("b"))
        failure = {"dtype_and_shape": shapes, "biases_zero": bool(zero)}
    _emit_steps(title, _init_call(name, sizes, seed), {}, failure)


def init_scale(title: str, name: str, sizes, seed: int = 0):
    """Each W_i has He's standard deviation sqrt(2 / fan_in), within HE_STD_TOLERANCE."""
    params, failure = _init(name, sizes, seed)
    if failure is not None:
        _emit_steps(title, _init_call(name, sizes, seed), {}, failure)
        return
    result, measured = {}, []
    for layer, fan_in in enumerate(sizes[:-1], start=1):
        weights = np.asarray(params.get(f"W{layer}", np.nan), dtype=np.float64)
        target = np.sqrt(2.0 / fan_in)
        std = float(np.std(weights)) if weights.size > 1 else float("nan")
        result[f"W{layer}"] = bool(abs(std / target - 1) <= HE_STD_TOLERANCE)
        measured.append(f"W{layer} std {std:.3g} (He: {target:.3g})")
    _emit_steps(title, _init_call(name, sizes, seed), {}, {"he_std": result}, "; ".join(measured))


def init_seeded(title: str, name: str, sizes, seed: int = 0):
    """Drawn from the rng it is given: the same seed gives the same arrays, another seed others."""
    runs = []
    for s in (seed, seed, seed + 1):
        params, failure = _init(name, sizes, s)
        if failure is not None:
            _emit_steps(title, _init_call(name, sizes, s), {}, failure)
            return
        runs.append(params)
    call = f"{_init_call(name, sizes, seed)} twice, then {_init_call(name, sizes, seed + 1)}"
    _emit_steps(title, call, {}, {"same_seed_same_arrays": same(runs[0], runs[1]),
                                  "other_seed_other_arrays": not same(runs[0], runs[2])})


# --- training -------------------------------------------------------------------------------

def reference_loss(X, Y, params: dict, alpha: float = 0.01) -> float:
    """The MSE of the lab's network with ``params`` on (X, Y), computed here, not by the student."""
    h = np.asarray(X, dtype=np.float64)
    for layer in (1, 2):
        z = h @ params[f"W{layer}"] + params[f"b{layer}"]
        h = np.where(z > 0, z, alpha * z)
    out = h @ params["W3"] + params["b3"]
    return float(np.mean((out - Y) ** 2))


def training(title: str, name: str, inputs: dict, **kwargs):
    """``params, losses = train(X, Y, ...)``: the loss falls TRAINING_DROP-fold, measured here.

    The initial loss is the student's first recorded loss; the final one is recomputed from the
    returned parameters with :func:`reference_loss`, so a list of made-up numbers cannot pass.
    """
    value, outcome = _call(name, inputs, kwargs)
    if failed(outcome):
        _emit(title, name, inputs, kwargs, outcome)
        return
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], dict)):
        _emit(title, name, inputs, kwargs, {"returns_params_and_losses": False, "type": describe(value).get("type")})
        return
    params, losses = value
    losses = np.asarray(losses, dtype=np.float64).ravel()
    with np.errstate(all="ignore"):
        try:
            final = reference_loss(inputs["X"], inputs["Y"], params, kwargs.get("alpha", 0.01))
        except (KeyError, ValueError, TypeError):
            final = float("nan")
    first = float(losses[0]) if losses.size else float("nan")
    dropped = bool(np.isfinite(final) and np.isfinite(first) and final <= first / TRAINING_DROP)
    result = {"one_loss_per_step": bool(losses.size == kwargs.get("steps", losses.size)),
              "losses_finite": bool(losses.size > 0 and np.all(np.isfinite(losses))),
              f"loss_dropped_{TRAINING_DROP:g}x": dropped}
    _emit(title, name, inputs, kwargs, {**result, **outcome},
          notes=[f"first recorded loss {first:.4g}, loss of the returned parameters {final:.4g} "
                 f"({first / final if final else float('inf'):.1f}x lower)"])


def training_is_deterministic(title: str, name: str, inputs: dict, **kwargs):
    """Two runs with the same seed record the same losses (all randomness comes from the seed)."""
    runs = []
    for _ in range(2):
        value, outcome = _call(name, inputs, kwargs)
        if failed(outcome):
            _emit(title, name, inputs, kwargs, outcome)
            return
        losses = value[1] if isinstance(value, (tuple, list)) and len(value) == 2 else None
        runs.append(np.asarray(losses, dtype=np.float64) if losses is not None else None)
    same = runs[0] is not None and runs[1] is not None and np.array_equal(runs[0], runs[1], equal_nan=True)
    _emit(title, name, inputs, kwargs, {"same_seed_same_losses": bool(same)})
