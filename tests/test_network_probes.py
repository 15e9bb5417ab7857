"""The backprop lab's network probes print what they claim: correct answers pass, known bugs are
caught and named by which parameters disagree, and the output is deterministic."""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import autograder.network_probes as netprobe
import autograder.probes as probes
from autograder.canonical import parse
from autograder.compare import judge
from autograder.notebooks import GRADING, has_tag, read
from autograder.probes import looking_up


def init_params(sizes, rng):
    return {key: value for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1)
            for key, value in ((f"W{layer}", rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)),
                               (f"b{layer}", np.zeros(fan_out)))}


def forward(X, params, alpha=0.01):
    z1 = X @ params["W1"] + params["b1"]
    h1 = np.where(z1 > 0, z1, alpha * z1)
    z2 = h1 @ params["W2"] + params["b2"]
    h2 = np.where(z2 > 0, z2, alpha * z2)
    return h2 @ params["W3"] + params["b3"], (X, z1, h1, z2, h2)


def backward(dout, cache, params, alpha=0.01):
    X, z1, h1, z2, h2 = cache
    dz2 = (dout @ params["W3"].T) * np.where(z2 > 0, 1.0, alpha)
    dz1 = (dz2 @ params["W2"].T) * np.where(z1 > 0, 1.0, alpha)
    return {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": h1.T @ dz2, "b2": dz2.sum(0),
            "W3": h2.T @ dout, "b3": dout.sum(0)}


def relu_mask_backward(dout, cache, params, alpha=0.01):
    X, z1, h1, z2, h2 = cache
    dz2 = (dout @ params["W3"].T) * (z2 > 0)
    dz1 = (dz2 @ params["W2"].T) * (z1 > 0)
    return {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": h1.T @ dz2, "b2": dz2.sum(0),
            "W3": h2.T @ dout, "b3": dout.sum(0)}


def mse_loss(out, Y):
    diff = out - Y
    return float(np.mean(diff ** 2)), 2 * diff / diff.size


def sgd_step(params, grads, lr):
    return {k: params[k] - lr * grads[k] for k in params}


def train(X, Y, steps=300, lr=0.05, seed=0, alpha=0.01):
    params = init_params((X.shape[1], 10, 10, Y.shape[1]), np.random.default_rng(seed))
    losses = []
    for _ in range(steps):
        out, cache = forward(X, params, alpha)
        loss, dout = mse_loss(out, Y)
        losses.append(loss)
        params = sgd_step(params, backward(dout, cache, params, alpha), lr)
    return params, np.array(losses)


CORRECT = {"init_params": init_params, "forward": forward, "backward": backward, "mse_loss": mse_loss,
           "sgd_step": sgd_step, "train": train}


@pytest.fixture(scope="module")
def grading_inputs() -> dict:
    """The grading notebook's setup cells, run: the very inputs the checks use."""
    namespace: dict = {}
    for cell in read(GRADING / "backprop_lab.ipynb").cells:
        if cell.cell_type == "code" and has_tag(cell, "setup"):
            exec(cell.source, namespace)
    return namespace


def _printed(probe, *args, namespace=None, **kwargs) -> dict:
    out = io.StringIO()
    with looking_up({**CORRECT, **(namespace or {})}), contextlib.redirect_stdout(out):
        probe(*args, **kwargs)
    return parse(out.getvalue()) | {"text": out.getvalue()}


def _network_case(g) -> dict:
    return {"X": g["bp_X"], "params": g["bp_params"], "dout": g["bp_dout"]}


def test_rel_error_is_cs231ns_formula():
    b = np.array([1.0, -2.0, 3.0])
    assert netprobe.rel_error(b, b) == 0.0
    assert netprobe.rel_error(2 * b, b) == pytest.approx(1 / 3)   # a gradient twice too large reads 1/3
    assert netprobe.rel_error(np.zeros(2), np.zeros(2)) == 0.0      # the 1e-8 floor avoids 0/0


def test_finite_difference_inputs_stay_clear_of_the_kink(grading_inputs):
    g = grading_inputs
    _, (X, z1, h1, z2, _) = forward(g["bp_X"], g["bp_params"])
    # One entry moved by h moves a pre-activation by at most h * (largest input to it), and a
    # z1 moved by d moves z2 by at most d * max|W2|.
    reach = netprobe.NETWORK_FD_STEP * max(np.abs(X).max(), np.abs(h1).max(), 1.0) * max(np.abs(g["bp_params"]["W2"]).max(), 1.0)
    assert min(np.abs(z1).min(), np.abs(z2).min()) > 0.02 > 2 * reach
    _, (_, z1, _, z2, _) = forward(g["bp_positive_X"], g["bp_positive_params"])
    assert z1.min() > 0 and z2.min() > 0


def test_correct_backward_agrees_with_finite_differences_near_float64_rounding(grading_inputs):
    printed = _printed(netprobe.gradients_match_finite_differences, "fd", "forward", "backward",
                       _network_case(grading_inputs))
    assert printed["result"] == {"agrees_with_finite_differences": True, "disagreeing": []}
    errors = [float(part.split()[-1]) for part in printed["note"].split(": ", 1)[1].split(", ")]
    assert max(errors) < 1e-8


def test_relu_mask_is_caught_by_finite_differences_and_torch_but_not_where_all_inputs_are_positive(grading_inputs):
    g = grading_inputs
    wrong = {"backward": relu_mask_backward}
    for probe in (netprobe.gradients_match_finite_differences, netprobe.gradients_match_torch):
        result = _printed(probe, "t", "forward", "backward", _network_case(g), namespace=wrong)["result"]
        assert result["disagreeing"] == ["W1", "b1", "W2", "b2"]   # W3 and b3 come before any mask
    positive = {"X": g["bp_positive_X"], "params": g["bp_positive_params"], "dout": g["bp_dout"]}
    result = _printed(netprobe.gradients_match_finite_differences, "t", "forward", "backward", positive,
                      namespace=wrong)["result"]
    assert result["agrees_with_finite_differences"] is True


def test_torch_probe_accepts_a_correct_backward_with_another_cache_layout(grading_inputs):
    def dict_forward(X, params, alpha=0.01):
        out, (X, z1, h1, z2, h2) = forward(X, params, alpha)
        return out, {"layers": [X, z1, h1, z2, h2]}

    def dict_backward(dout, cache, params, alpha=0.01):
        return backward(dout, tuple(cache["layers"]), params, alpha)

    printed = _printed(netprobe.gradients_match_torch, "t", "forward", "backward", _network_case(grading_inputs),
                       namespace={"forward": dict_forward, "backward": dict_backward})
    assert printed["result"] == {"agrees_with_torch_autograd": True, "disagreeing": []}


def test_output_is_deterministic_apart_from_the_note(grading_inputs):
    texts = [_printed(netprobe.gradients_match_torch, "t", "forward", "backward", _network_case(grading_inputs))["text"]
             for _ in range(2)]
    strip = [[line for line in text.splitlines() if not line.startswith("note: ")] for text in texts]
    assert strip[0] == strip[1]


def test_an_unimplemented_forward_is_reported_as_such_by_the_backward_checks(grading_inputs):
    def stub(X, params, alpha=0.01):
        raise NotImplementedError("forward: your code here")

    result = _printed(netprobe.gradients, "t", "forward", "backward", _network_case(grading_inputs),
                      namespace={"forward": stub})["result"]
    assert result == {"raised": "NotImplementedError", "message": "forward: your code here"}
    missing = _printed(netprobe.gradients, "t", "forward", "nonexistent", _network_case(grading_inputs))["result"]
    assert missing == {"missing": "nonexistent"}


def test_forward_that_returns_only_the_output_is_named(grading_inputs):
    g = grading_inputs
    result = _printed(netprobe.network_output, "t", "forward", {"X": g["bp_small_X"], "params": g["bp_small_params"]},
                      namespace={"forward": lambda X, params, alpha=0.01: forward(X, params, alpha)[0]})["result"]
    assert result == {"returns_out_and_cache": False, "type": "ndarray"}


def test_inputs_unchanged_sees_writes_into_nested_dicts_and_ignores_scalars(grading_inputs):
    g = grading_inputs

    def in_place(params, grads, lr):
        for key in params:
            params[key] -= lr * grads[key]
        return params

    inputs = {"params": g["bp_small_params"], "grads": g["bp_grads"], "lr": 0.1}
    before = {k: v.copy() for k, v in g["bp_small_params"].items()}
    assert _printed(probes.inputs_unchanged, "t", "sgd_step", inputs)["result"] == {"inputs_changed": []}
    changed = _printed(probes.inputs_unchanged, "t", "sgd_step", inputs, namespace={"sgd_step": in_place})
    assert changed["result"]["inputs_changed"] == sorted(f"params[{k!r}]" for k in before)
    assert all(np.array_equal(before[k], g["bp_small_params"][k]) for k in before)  # the probe worked on copies


def test_init_probes_accept_he_and_reject_unit_variance_and_global_state():
    def unit(sizes, rng):
        return {k: (v / np.std(v) if k.startswith("W") else v) for k, v in init_params(sizes, rng).items()}

    def global_state(sizes, rng):
        return init_params(sizes, np.random.default_rng())

    sizes = (256, 128, 64, 10)
    assert _printed(netprobe.init_scale, "t", "init_params", sizes)["result"] == {
        "he_std": {"W1": True, "W2": True, "W3": True}}
    assert _printed(netprobe.init_scale, "t", "init_params", sizes, namespace={"init_params": unit})["result"] == {
        "he_std": {"W1": 11.31, "W2": 8.0, "W3": 5.66}}   # sqrt(fan_in / 2) times He's spread
    seeded = _printed(netprobe.init_seeded, "t", "init_params", (2, 10, 10, 2), namespace={"init_params": global_state})
    assert seeded["result"] == {"same_seed_same_arrays": False, "other_seed_other_arrays": True}


def test_training_probe_recomputes_the_final_loss_itself(grading_inputs):
    g = grading_inputs
    inputs = {"X": g["bp_train_X"], "Y": g["bp_train_Y"]}
    good = _printed(netprobe.training, "t", "train", inputs, steps=300, lr=0.05, seed=0)["result"]
    assert good == {"loss_dropped_10x": True, "losses_finite": True, "one_loss_per_step": True,
                    "first_loss_is_initial_loss": True}

    def made_up(X, Y, steps=300, lr=0.05, seed=0, alpha=0.01):
        params = init_params((2, 10, 10, 2), np.random.default_rng(seed))
        return params, np.geomspace(1.0, 1e-3, steps)    # claims a drop that the params do not have

    claimed = _printed(netprobe.training, "t", "train", inputs, namespace={"train": made_up}, steps=300)["result"]
    assert claimed["loss_dropped_10x"] is False


@pytest.mark.parametrize("seed", range(20))
def test_the_training_check_passes_for_any_draw_of_a_correct_network(grading_inputs, seed):
    """A correct answer that draws its weights differently must still pass: try 20 seeds."""
    g = grading_inputs
    params, losses = train(g["bp_train_X"], g["bp_train_Y"], steps=300, lr=0.05, seed=seed)
    final = netprobe.reference_loss(g["bp_train_X"], g["bp_train_Y"], params)
    assert final <= losses[0] / netprobe.TRAINING_DROP


def _judged(probe, *args, wrong: dict, **kwargs):
    """The verdict on a wrong answer's output, against the correct answers' output."""
    expected = _printed(probe, *args, **kwargs)["text"]
    return judge(expected, _printed(probe, *args, namespace=wrong, **kwargs)["text"])


def test_training_computes_the_starting_loss_itself(grading_inputs):
    """A train that discards every update but logs a summed loss (N*D times the mean) claims a drop."""
    g = grading_inputs

    def discards_and_sums(X, Y, steps=300, lr=0.05, seed=0, alpha=0.01, hidden=10):
        params = init_params((X.shape[1], hidden, hidden, Y.shape[1]), np.random.default_rng(seed))
        losses = []
        for step in range(steps):
            out, cache = forward(X, params, alpha)
            losses.append(float(np.sum((out - Y) ** 2)) / (1 + step))
            sgd_step(params, backward(2 * (out - Y) / out.size, cache, params, alpha), lr)
        return params, np.array(losses)

    result = _printed(netprobe.training, "t", "train", {"X": g["bp_train_X"], "Y": g["bp_train_Y"]},
                      namespace={"train": discards_and_sums}, steps=300)["result"]
    assert result["loss_dropped_10x"] is False and result["first_loss_is_initial_loss"] is False


def test_training_with_as_many_outputs_as_inputs_is_not_the_only_case(grading_inputs):
    g = grading_inputs

    def sized_from_X(X, Y, steps=300, lr=0.05, seed=0, alpha=0.01, hidden=10):
        return train(X, np.tile(Y, (1, X.shape[1]))[:, :X.shape[1]], steps, lr, seed, alpha)

    wide = {"X": g["bp_wide_X"], "Y": g["bp_wide_Y"]}
    assert g["bp_wide_X"].shape[1] != g["bp_wide_Y"].shape[1]
    assert _printed(netprobe.training, "t", "train", wide, steps=300)["result"]["loss_dropped_10x"] is True
    verdict = _judged(netprobe.training, "t", "train", wide, wrong={"train": sized_from_X}, steps=300)
    assert not verdict.passed and verdict.problem.startswith("the returned parameters do not make a network")


def test_a_forward_with_np_maximum_fails_for_an_alpha_above_one(grading_inputs):
    g = grading_inputs

    def max_form(X, params, alpha=0.01):
        h = X
        for layer in (1, 2):
            z = h @ params[f"W{layer}"] + params[f"b{layer}"]
            h = np.maximum(alpha * z, z)
        return h @ params["W3"] + params["b3"], None

    inputs = {"X": g["bp_small_X"], "params": g["bp_small_params"]}
    assert _judged(netprobe.network_output, "t", "forward", inputs, wrong={"forward": max_form}, alpha=0.2).passed
    assert not _judged(netprobe.network_output, "t", "forward", inputs, wrong={"forward": max_form}, alpha=1.5).passed


def test_an_mse_loss_that_overwrites_its_input_is_caught(grading_inputs):
    g = grading_inputs

    def in_place(out, Y):
        out -= Y
        return float(np.mean(out ** 2)), 2 * out / out.size

    inputs = {"out": g["bp_out"], "Y": g["bp_Y"]}
    assert _printed(probes.inputs_unchanged, "t", "mse_loss", inputs,
                    namespace={"mse_loss": in_place})["result"] == {"inputs_changed": ["out"]}


def test_a_list_is_as_good_as_a_tuple_for_out_and_cache(grading_inputs):
    g = grading_inputs

    def list_forward(X, params, alpha=0.01):
        return list(forward(X, params, alpha))

    inputs = {"X": g["bp_small_X"], "params": g["bp_small_params"], "dout": g["bp_small_dout"]}
    assert _judged(netprobe.network_output, "t", "forward", {"X": inputs["X"], "params": inputs["params"]},
                   wrong={"forward": list_forward}).passed
    assert _judged(netprobe.gradients, "t", "forward", "backward", inputs, wrong={"forward": list_forward}).passed


def test_an_extra_gradient_is_named_and_the_others_still_count(grading_inputs):
    g = grading_inputs

    def with_dX(dout, cache, params, alpha=0.01):
        return backward(dout, cache, params, alpha) | {"X": np.zeros_like(cache[0])}

    small = {"X": g["bp_small_X"], "params": g["bp_small_params"], "dout": g["bp_small_dout"]}
    verdict = _judged(netprobe.gradients, "t", "forward", "backward", small, wrong={"backward": with_dX})
    assert verdict.problem.startswith("the returned dict has an entry 'X' that the exercise does not ask for")
    for probe in (netprobe.gradients_match_finite_differences, netprobe.gradients_match_torch):
        assert _judged(probe, "t", "forward", "backward", _network_case(g), wrong={"backward": with_dX}).passed


def test_a_misscaled_init_prints_its_ratio_so_no_catalogued_scale_claims_it():
    def half_he(sizes, rng):
        return {k: (v / 2 if k.startswith("W") else v) for k, v in init_params(sizes, rng).items()}

    sizes = (256, 128, 64, 10)
    assert _printed(netprobe.init_scale, "t", "init_params", sizes, namespace={"init_params": half_he})["result"] == {
        "he_std": {"W1": 0.5, "W2": 0.5, "W3": 0.5}}


def test_a_loss_that_is_not_a_number_is_told_to_return_loss_and_dout(grading_inputs):
    g = grading_inputs

    def array_loss(out, Y):
        return (out - Y) ** 2, 2 * (out - Y) / out.size

    verdict = _judged(netprobe.loss_gradient_matches_finite_differences, "t", "mse_loss",
                      {"out": g["bp_out"], "Y": g["bp_Y"]}, wrong={"mse_loss": array_loss})
    assert verdict.problem.startswith("mse_loss must return (loss, dout): the loss as one number")


def test_a_result_the_grader_cannot_examine_fails_the_check_instead_of_crashing_it():
    def ragged(sizes, rng):
        return {"W1": [[1.0], [1.0, 2.0]], "b1": np.zeros(2)}

    printed = _printed(netprobe.init_structure, "t", "init_params", (2, 3, 3, 2), namespace={"init_params": ragged})
    assert printed["result"] == {"result_examinable": False} and "ValueError" in printed["note"]
