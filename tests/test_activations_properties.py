"""Property-based tests (hypothesis, derandomised): identities that must hold for any input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import activations as A

pytestmark = pytest.mark.filterwarnings("error")

EPS = np.finfo(np.float64).eps
PROPERTY = settings(max_examples=60, derandomize=True, deadline=None, database=None)

floats = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
wide_floats = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
vectors = hnp.arrays(np.float64, st.integers(1, 10), elements=floats)
batches = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), elements=floats)
# Multiples of 1/1024 below 2**10: adding an integer shift below 2**20 is exact.
dyadic_vectors = hnp.arrays(np.float64, st.integers(1, 10),
                            elements=st.integers(-2**20, 2**20).map(lambda k: k / 1024))


def _axis(data, x):
    return data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")


@PROPERTY
@given(batches, st.data())
def test_softmax_is_a_probability_distribution_along_any_axis(x, data):
    axis = _axis(data, x)
    s = A.softmax(x, axis=axis)
    assert np.all(s >= 0) and np.all(s <= 1)
    np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=0, atol=x.shape[axis] * EPS)


@PROPERTY
@given(dyadic_vectors, st.integers(-2**20, 2**20))
def test_softmax_and_log_softmax_are_shift_invariant_bit_for_bit_when_the_shift_is_exact(x, shift):
    np.testing.assert_array_equal(A.softmax(x + shift), A.softmax(x))
    np.testing.assert_array_equal(A.log_softmax(x + shift), A.log_softmax(x))


@PROPERTY
@given(batches, st.data())
def test_exp_of_log_softmax_is_softmax(x, data):
    axis = _axis(data, x)
    np.testing.assert_allclose(np.exp(A.log_softmax(x, axis=axis)), A.softmax(x, axis=axis),
                               rtol=1e-12, atol=1e-300)


def _softmax_jacobian(x):
    s = A.softmax(x)
    return np.diag(s) - np.outer(s, s)


@PROPERTY
@given(vectors, st.data())
def test_softmax_backward_equals_the_explicit_jacobian_transpose_product(x, data):
    dout = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(-10, 10)), label="dout")
    expected = _softmax_jacobian(x).T @ dout
    np.testing.assert_allclose(A.softmax_backward(dout, x), expected, rtol=1e-10, atol=1e-14)


@PROPERTY
@given(vectors, st.data())
def test_log_softmax_backward_equals_the_explicit_jacobian_transpose_product(x, data):
    dout = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(-10, 10)), label="dout")
    jacobian = np.eye(x.size) - A.softmax(x)[np.newaxis, :]  # d y_i / d x_j = delta_ij - s_j
    np.testing.assert_allclose(A.log_softmax_backward(dout, x), jacobian.T @ dout,
                               rtol=1e-10, atol=1e-13)


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(0, 20), elements=wide_floats),
       st.floats(-10, 10, allow_nan=False))
def test_leaky_relu_equals_max_plus_alpha_times_min_for_any_alpha(x, alpha):
    expected = np.maximum(0, x) + alpha * np.minimum(0, x)
    np.testing.assert_array_equal(A.leaky_relu(x, alpha), expected)
    np.testing.assert_array_equal(A.leaky_relu_grad(x, alpha), np.where(x > 0, 1.0, alpha))


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-350, 350)))
def test_tanh_equals_two_sigmoid_of_2x_minus_one(x):
    np.testing.assert_allclose(A.tanh(x), 2 * A.sigmoid(2 * x) - 1, rtol=0, atol=2 * EPS)
    np.testing.assert_allclose(A.tanh_grad(x), 4 * A.sigmoid_grad(2 * x), rtol=4 * EPS, atol=0)


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(1, 20), elements=wide_floats))
def test_sigmoid_of_minus_x_is_one_minus_sigmoid_and_log_sigmoid_is_minus_softplus(x):
    np.testing.assert_allclose(A.sigmoid(-x), 1 - A.sigmoid(x), rtol=0, atol=EPS)
    np.testing.assert_array_equal(A.log_sigmoid(x), -A.softplus(-x))
    np.testing.assert_array_equal(A.log_sigmoid_grad(x), A.sigmoid(-x))


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(1, 20), elements=wide_floats))
def test_odd_part_of_relu_softplus_gelu_and_silu_is_the_identity(x):
    # f(x) - f(-x) = x because each is x times a gate g with g(x) + g(-x) = 1
    # (softplus: log(1 + e^x) - log(1 + e^-x) = x).
    np.testing.assert_array_equal(A.relu(x) - A.relu(-x), x)
    for function, kwargs in [(A.softplus, {}), (A.gelu, {}), (A.gelu, {"approximate": "tanh"}),
                             (A.silu, {})]:
        np.testing.assert_allclose(function(x, **kwargs) - function(-x, **kwargs), x,
                                   rtol=4 * EPS, atol=2 * EPS)


MONOTONIC = [info.name for info in A.ATLAS if info.monotonic]


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(2, 30), elements=wide_floats))
def test_activations_flagged_monotonic_in_the_atlas_are_non_decreasing(x):
    x = np.sort(x)
    for name in MONOTONIC:
        forward, _, kwargs = A.ELEMENTWISE[name]
        assert np.all(np.diff(forward(x, **kwargs)) >= 0), name
        assert np.all(A.ELEMENTWISE[name].grad(x, **kwargs) >= 0), name


@PROPERTY
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 3)),
                  elements=floats), st.data())
def test_prelu_per_channel_is_leaky_relu_applied_channel_by_channel(x, data):
    alpha = data.draw(hnp.arrays(np.float64, x.shape[1], elements=st.floats(-2, 2)), label="alpha")
    y = A.prelu(x, alpha)
    dout = np.ones_like(x)
    dx, dalpha = A.prelu_backward(dout, x, alpha)
    for channel, slope in enumerate(alpha):
        np.testing.assert_array_equal(y[:, channel], A.leaky_relu(x[:, channel], slope))
        np.testing.assert_array_equal(dx[:, channel], A.leaky_relu_grad(x[:, channel], slope))
        expected = np.minimum(x[:, channel], 0).sum()
        assert dalpha[channel] == pytest.approx(expected, rel=1e-12, abs=1e-12)


@PROPERTY
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.sampled_from([2, 4, 6, 12])),
                  elements=st.integers(-3, 3).map(float)),
       st.sampled_from([1, 2]))
def test_maxout_picks_a_group_member_that_bounds_the_group_and_backward_conserves_gradient(x, pieces):
    y = A.maxout(x, pieces)
    groups = x.reshape(x.shape[0], -1, pieces)
    assert np.all(y[..., np.newaxis] >= groups)
    assert np.all(np.any(y[..., np.newaxis] == groups, axis=-1))
    dout = np.arange(1.0, y.size + 1).reshape(y.shape)
    dx = A.maxout_backward(dout, x, pieces)
    assert np.count_nonzero(dx) == y.size  # one winner per group, even with ties
    np.testing.assert_array_equal(dx.reshape(groups.shape).sum(-1), dout)
