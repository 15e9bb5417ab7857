"""The across-units toolkit: what a declaration generates, the inputs it promises, and what its
probes print for right and wrong answers."""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import activations as reference
import autograder.axis_probes as axis_probe
from autograder.across_units import UNITS, AxisFunction, AxisInputs
from autograder.canonical import parse
from autograder.elementwise import Variant
from autograder.probes import looking_up
from autograder.results import FD_STEP
from autograder.spec import SpecError


def _printed(probe, *args, functions: dict, **kwargs) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), looking_up(functions):
        probe(*args, **kwargs)
    return parse(out.getvalue())


# --- declarations ------------------------------------------------------------------------

def test_a_softmax_declaration_generates_the_standard_checks_with_the_reference_signature():
    forward, backward = (AxisFunction("softmax", normalised="probabilities").forward(),
                         AxisFunction("softmax", normalised="probabilities").backward())
    assert forward.signature == "softmax(x, axis=-1)"
    assert backward.signature == "softmax_backward(dout, x, axis=-1)"
    titles = [c.title for c in forward.checks]
    for expected in ("along axis 0 (axis=0)", "a 1-d input", "a 3-d input, along its middle axis (axis=1)",
                     "float32 in, float32 out", "logits of +-1000 stay finite, with no warning",
                     "each row's values sum to 1", "vectorised: no Python loop over rows or units"):
        assert expected in titles
    backward_titles = [c.title for c in backward.checks]
    assert "agrees with finite differences of the reference (a vector-Jacobian product)" in backward_titles
    assert "each row of the gradient sums to 0 (the outputs' sum is constant)" in backward_titles


def test_a_maxout_declaration_passes_its_pieces_and_checks_ties_only_in_the_backward_pass():
    maxout = AxisFunction("maxout", required={"pieces": 2}, ties=(2, 3),
                          variants=(Variant({"pieces": 3}, "uses the pieces argument (pieces=3)"),))
    forward, backward = maxout.forward(), maxout.backward()
    assert forward.signature == "maxout(x, pieces, axis=-1)"
    assert backward.signature == "maxout_backward(dout, x, pieces, axis=-1)"
    assert all("pieces=" in source for _, source in forward.cell_sources())
    assert not any("sum to" in c.title for c in forward.checks + backward.checks)
    ties = [source for check, source in backward.cell_sources() if "pieces tie" in check.title]
    assert len(ties) == 2 and "pieces=3" in ties[1]
    assert not any("tie" in c.title for c in forward.checks)
    variant = next(source for check, source in backward.cell_sources() if check.title.startswith("uses the pieces"))
    assert "dout_for(maxout_in.batch, pieces=3)" in variant


@pytest.mark.parametrize("declaration", [
    lambda: AxisFunction("softmax", normalised="sums to one"),
    lambda: AxisFunction("maxout", required={"pieces": 4}),
    lambda: AxisFunction("maxout", required={"pieces": 2}, ties=(5,)),
    lambda: AxisFunction("softmax", variants=(Variant({"temperature": 2.0}, "t"),)),
])
def test_a_declaration_that_cannot_be_checked_is_refused(declaration):
    with pytest.raises(SpecError):
        declaration()


# --- the inputs ----------------------------------------------------------------------------

def test_sample_inputs_are_seeded_and_shaped_as_documented():
    first, second = AxisInputs("softmax"), AxisInputs("softmax")
    assert np.array_equal(first.batch, second.batch)
    assert (first.batch.shape, first.tall.shape, first.vector.shape, first.cube.shape) == (
        (4, UNITS), (UNITS, 5), (UNITS,), (2, UNITS, 3))
    assert first.batch32.dtype == np.float32 and first.integers.dtype.kind == "i"


@pytest.mark.parametrize("pieces", [2, 3])
@pytest.mark.parametrize("sample, axis", [("batch", -1), ("tall", 0), ("vector", -1), ("cube", 1), ("extremes", -1)])
def test_no_maxout_group_in_the_smooth_samples_ties_within_the_finite_difference_step(sample, axis, pieces):
    x = np.moveaxis(getattr(AxisInputs("maxout", pieces=2), sample), axis, -1)
    grouped = np.sort(x.reshape(x.shape[:-1] + (-1, pieces)), axis=-1)
    assert np.min(grouped[..., -1] - grouped[..., -2]) > 100 * FD_STEP


@pytest.mark.parametrize("pieces", [2, 3])
def test_the_ties_sample_has_ties_for_two_and_three_pieces(pieces):
    ties = AxisInputs("maxout", pieces=2).ties
    grouped = ties.reshape(ties.shape[0], -1, pieces)
    assert np.any(np.sum(grouped == grouped.max(-1, keepdims=True), axis=-1) > 1)


def test_dout_has_the_shape_of_the_references_output():
    inputs = AxisInputs("maxout", pieces=2)
    assert inputs.dout_for(inputs.batch).shape == (4, UNITS // 2)
    assert inputs.dout_for(inputs.batch, pieces=3).shape == (4, UNITS // 3)
    assert inputs.dout_for(inputs.tall, axis=0).shape == (UNITS // 2, 5)
    assert inputs.dout_for(inputs.batch32).dtype == np.float32


# --- the probes ----------------------------------------------------------------------------

def test_sums_prints_each_rows_sum_so_a_wrong_normalisation_shows():
    x = AxisInputs("softmax").batch
    right = _printed(axis_probe.sums, "t", "f", {"x": x}, along=-1, functions={"f": reference.softmax})
    assert right["result"]["values"] == [1.0] * 4
    columns = _printed(axis_probe.sums, "t", "f", {"x": x}, along=-1,
                       functions={"f": lambda x: reference.softmax(x, axis=0)})
    assert columns["result"]["values"] != [1.0] * 4
    logs = _printed(axis_probe.sums, "t", "f", {"x": x}, along=-1, exponentiate=True,
                    functions={"f": reference.log_softmax})
    assert logs["result"]["values"] == [1.0] * 4 and logs["call"].startswith("np.sum(np.exp(f(x)")


def test_finite_differences_accept_the_vector_jacobian_product_and_reject_the_diagonal():
    inputs = AxisInputs("softmax")
    pair = {"dout": inputs.dout_for(inputs.batch), "x": inputs.batch}

    def diagonal(dout, x, axis=-1):
        s = reference.softmax(x, axis)
        return dout * s * (1 - s)

    for function, agrees in ((reference.softmax_backward, True), (diagonal, False)):
        printed = _printed(axis_probe.agrees_with_finite_differences, "t", "f", pair, reference.softmax,
                           functions={"f": function})
        assert printed["result"] == {"agrees_with_finite_differences": agrees}


def test_finite_differences_of_a_scalar_loss_need_no_upstream_gradient():
    logits, labels = np.random.default_rng(0).standard_normal((3, 4)), np.array([0, 2, 3])

    def loss(logits, labels):
        return -np.mean(reference.log_softmax(logits)[np.arange(3), labels])

    def grad(logits, labels):
        g = reference.softmax(logits)
        g[np.arange(3), labels] -= 1
        return g / 3

    printed = _printed(axis_probe.agrees_with_finite_differences, "t", "f", {"logits": logits, "labels": labels},
                       loss, upstream=None, functions={"f": grad})
    assert printed["result"] == {"agrees_with_finite_differences": True}


@pytest.mark.parametrize("split, valid", [("first", True), ("even", True), ("last", True), ("mask", False)])
def test_at_ties_any_split_of_dout_among_the_maxima_is_valid_and_double_counting_is_not(split, valid):
    x = np.array([[1.0, 1.0, 0.0, 2.0]])
    dout = np.array([[3.0, -2.0]])
    answers = {"first": [[3.0, 0.0, 0.0, -2.0]], "even": [[1.5, 1.5, 0.0, -2.0]], "last": [[0.0, 3.0, 0.0, -2.0]],
               "mask": [[3.0, 3.0, 0.0, -2.0]]}
    printed = _printed(axis_probe.routes_at_ties, "t", "f", {"dout": dout, "x": x}, pieces=2,
                       functions={"f": lambda dout, x, pieces, axis: np.array(answers[split])})
    assert printed["result"] == {"valid_subgradient": valid}


def test_a_loop_over_rows_is_not_vectorised_and_numpy_reductions_are():
    inputs = AxisInputs("softmax")

    def row_loop(x, axis=-1):
        return np.array([reference.softmax(row) for row in x])

    for function, vectorised in ((reference.softmax, True), (row_loop, False)):
        printed = _printed(axis_probe.is_vectorised, "t", "f", inputs.forward_batch, functions={"f": function})
        assert printed["result"] == {"vectorised": vectorised}


def test_a_python_float_loss_is_described_like_a_float64_scalar():
    as_float = _printed(axis_probe.scalar, "t", "f", {"x": np.ones(2)}, functions={"f": lambda x: 0.5})
    as_numpy = _printed(axis_probe.scalar, "t", "f", {"x": np.ones(2)}, functions={"f": lambda x: np.float64(0.5)})
    assert as_float["result"] == as_numpy["result"] == {"dtype": "float64", "shape": [], "type": "ndarray",
                                                         "values": [0.5]}


def test_a_function_that_raises_is_reported_not_crashed_on():
    def broken(x, axis=-1):
        raise ValueError("no")

    printed = _printed(axis_probe.sums, "t", "f", {"x": np.ones((2, 3))}, along=-1, functions={"f": broken})
    assert printed["result"]["raised"] == "ValueError"
