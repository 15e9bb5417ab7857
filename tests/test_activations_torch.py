"""Agreement with torch.nn.functional in float64: values, autograd derivatives, kinks, shapes.

Tolerance: rtol = 1e-12 everywhere, plus atol = the smallest normal float64
(2.2e-308), since subnormal results carry no relative precision. Where torch's
own formula loses relative accuracy (a cancellation or a cut-off, listed in
TORCH_ACCURATE with the reason) the comparison is restricted to the inputs
where torch is accurate; the tests named ``..._where_torch_...`` pin down the
difference, and test_activations_exact.py checks those tails against mpmath.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import activations as A

pytestmark = pytest.mark.filterwarnings("error")

RTOL = 1e-12
TINY = np.finfo(np.float64).smallest_normal
# Derivatives that cross zero inside the domain (gelu near -0.75, silu -1.28,
# mish -1.19): only an absolute bound is meaningful there; 1e-15 is ~5 ulp of 1.
ZERO_CROSSING_ATOL = 1e-15

TORCH = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, A.defaults.LEAKY_RELU_ALPHA),
    "prelu": lambda t: F.prelu(t, torch.tensor([A.defaults.PRELU_ALPHA], dtype=t.dtype)),
    "thresholded_relu": lambda t: F.threshold(t, A.defaults.THRESHOLDED_RELU_THETA, 0.0),
    "elu": lambda t: F.elu(t, A.defaults.ELU_ALPHA),
    "selu": F.selu,
    "softplus": F.softplus,
    "gelu": lambda t: F.gelu(t, approximate="none"),
    "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
    "silu": F.silu,
    "mish": F.mish,
    "log_sigmoid": F.logsigmoid,
}
OURS = {name: (e.forward, e.grad, dict(e.kwargs)) for name, e in A.ELEMENTWISE.items()}
OURS["log_sigmoid"] = (A.log_sigmoid, A.log_sigmoid_grad, {})

# Inputs where torch's formula is accurate to ~1e-13 (absent: everywhere).
TORCH_ACCURATE = {
    "softplus": lambda x: x <= 20,   # torch returns x once beta * x > threshold = 20
    "gelu": lambda x: x >= -3,       # torch: 1 + erf(x / sqrt 2) cancels for x < 0
    "gelu_tanh": lambda x: x >= -3,  # torch: 1 + tanh(u) cancels for x < 0
    "silu": lambda x: x >= -709,     # torch: x / (1 + exp(-x)) overflows to -0 below -709.78
}
TORCH_GRAD_ACCURATE = TORCH_ACCURATE | {
    "sigmoid": lambda x: x <= 5,           # torch autograd: s * (1 - s) cancels as s -> 1
    "tanh": lambda x: np.abs(x) <= 4,      # torch autograd: 1 - tanh(x)**2 cancels
}
GRAD_ATOL = {name: ZERO_CROSSING_ATOL for name in ("gelu", "gelu_tanh", "silu", "mish")}

EDGES = np.array([0.0, 5e-324, TINY, 1e-300, 1e-10, 0.5, 1.0, 1.0 + 2**-52, 3.0, 20.0, 20.5,
                  36.0, 37.0, 100.0, 709.0, 710.0, 745.0, 746.0, 1e4])
EDGES = np.concatenate([EDGES, -EDGES[1:]])
_rng = np.random.default_rng(20240611)
RANDOM = np.concatenate([_rng.standard_normal(2000) * 4, _rng.uniform(-40, 40, 2000)])
INPUTS = {"random": RANDOM, "edges": EDGES}

# Kinks of the registered activations at their default parameters.
KINKS = {"relu": 0.0, "leaky_relu": 0.0, "prelu": 0.0, "thresholded_relu": 1.0, "elu": 0.0,
         "selu": 0.0}


def tensor(x, requires_grad=False):
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=requires_grad)


def autograd(fn, x):
    """Elementwise derivative of ``fn`` at ``x`` by torch autograd (the gradient of sum(fn(x)))."""
    t = tensor(x, requires_grad=True)
    fn(t).sum().backward()
    return t.grad.numpy()


def _domain(table, name, x):
    return x[table[name](x)] if name in table else x


@pytest.mark.parametrize("inputs", INPUTS)
@pytest.mark.parametrize("name", TORCH)
def test_forward_equals_torch_float64_to_1e12_relative(name, inputs):
    forward, _, kwargs = OURS[name]
    x = _domain(TORCH_ACCURATE, name, INPUTS[inputs])
    expected = TORCH[name](tensor(x)).numpy()
    np.testing.assert_allclose(forward(x, **kwargs), expected, rtol=RTOL, atol=TINY)


@pytest.mark.parametrize("inputs", INPUTS)
@pytest.mark.parametrize("name", TORCH)
def test_grad_equals_torch_autograd_float64_away_from_kinks(name, inputs):
    _, grad, kwargs = OURS[name]
    x = _domain(TORCH_GRAD_ACCURATE, name, INPUTS[inputs])
    if name in KINKS:
        x = x[x != KINKS[name]]
    expected = autograd(TORCH[name], x)
    np.testing.assert_allclose(grad(x, **kwargs), expected, rtol=RTOL,
                               atol=GRAD_ATOL.get(name, TINY))


@pytest.mark.parametrize("name", KINKS)
def test_value_and_derivative_at_the_kink_equal_torch_autograd_exactly(name):
    forward, grad, kwargs = OURS[name]
    kink = np.array([KINKS[name]])
    assert forward(kink, **kwargs)[0] == TORCH[name](tensor(kink)).item()
    assert grad(kink, **kwargs)[0] == autograd(TORCH[name], kink)[0]


def test_kink_conventions_are_the_ones_stated_in_the_docstrings():
    zero = np.array([0.0])
    assert A.relu_grad(zero)[0] == 0.0
    assert A.leaky_relu_grad(zero, 0.2)[0] == 0.2
    assert A.prelu_grad(zero, 0.25)[0] == 0.25
    assert A.elu_grad(zero, 2.0)[0] == 2.0
    assert A.selu_grad(zero)[0] == A.SELU_SCALE * A.SELU_ALPHA
    assert A.thresholded_relu_grad(np.array([1.5]), theta=1.5)[0] == 0.0
    assert A.thresholded_relu(np.array([1.5]), theta=1.5)[0] == 0.0


PARAMETRISED = [
    ("leaky_relu", {"alpha": 0.2}, lambda t: F.leaky_relu(t, 0.2)),
    ("leaky_relu", {"alpha": 1.5}, lambda t: F.leaky_relu(t, 1.5)),
    ("leaky_relu", {"alpha": -0.5}, lambda t: F.leaky_relu(t, -0.5)),
    ("elu", {"alpha": 0.5}, lambda t: F.elu(t, 0.5)),
    ("elu", {"alpha": 2.0}, lambda t: F.elu(t, 2.0)),
    ("softplus", {"beta": 0.5}, lambda t: F.softplus(t, beta=0.5)),
    ("softplus", {"beta": 3.0}, lambda t: F.softplus(t, beta=3.0)),
    ("thresholded_relu", {"theta": 0.0}, lambda t: F.threshold(t, 0.0, 0.0)),
    ("thresholded_relu", {"theta": -1.0}, lambda t: F.threshold(t, -1.0, 0.0)),
    ("thresholded_relu", {"theta": 2.5}, lambda t: F.threshold(t, 2.5, 0.0)),
]


@pytest.mark.parametrize("name,kwargs,reference", PARAMETRISED,
                         ids=[f"{n}-{k}" for n, k, _ in PARAMETRISED])
def test_non_default_parameters_match_torch_including_the_kink(name, kwargs, reference):
    forward, grad, _ = OURS[name]
    kink = kwargs["theta"] if name == "thresholded_relu" else 0.0
    x = np.concatenate([RANDOM, EDGES, [kink]])
    if name == "softplus":
        x = x[kwargs["beta"] * x <= 20]
    np.testing.assert_allclose(forward(x, **kwargs), reference(tensor(x)).numpy(), rtol=RTOL, atol=TINY)
    np.testing.assert_allclose(grad(x, **kwargs), autograd(reference, x), rtol=RTOL, atol=TINY)


def test_softplus_is_exact_where_torch_cuts_off_at_threshold_20():
    x = np.array([20.5, 25.0, 30.0])
    exact = x + np.exp(-x)  # log1p(exp(-x)) = exp(-x) to within 1e-18 relative here
    ours = A.softplus(x)
    np.testing.assert_allclose(ours, exact, rtol=1e-15)
    np.testing.assert_array_equal(F.softplus(tensor(x)).numpy(), x)  # torch's documented cut-off
    assert np.all(ours > x)
    np.testing.assert_array_equal(autograd(F.softplus, x), 1.0)
    assert np.all(A.softplus_grad(x) < 1.0)


def test_gelu_negative_tail_is_accurate_where_torch_cancels_to_zero():
    x = np.array([-10.0, -20.0, -37.0])
    # x * Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2, to 17 digits from mpmath.
    exact = np.array([-7.6198530241605261e-23, -5.5072482372124674e-88, -2.1184613523340934e-298])
    np.testing.assert_allclose(A.gelu(x), exact, rtol=1e-13)
    assert np.all(F.gelu(tensor(x)).numpy() == 0.0)


# Where torch's float64 GELU cancels to exactly 0 (quoted in activations.gelu's docstring):
# a point up to which it is 0 all the way from -40, and the next grid point, where it is not.
# (In float32 its zeros end less cleanly, near x = -5.5 or -5.1 with exceptions.)
TORCH_GELU_ZERO_FROM = {
    ("none", torch.float64): (-8.3744, -8.3743),
    ("tanh", torch.float64): (-7.1451, -7.1450),
}


@pytest.mark.parametrize("approximate, dtype", sorted(TORCH_GELU_ZERO_FROM, key=str))
def test_torch_gelu_is_exactly_zero_from_the_point_the_docstring_quotes(approximate, dtype):
    last_zero, first_nonzero = TORCH_GELU_ZERO_FROM[approximate, dtype]
    below = torch.linspace(-40.0, last_zero, 20001, dtype=torch.float64).to(dtype)
    assert torch.all(F.gelu(below, approximate=approximate) == 0)
    at = torch.tensor([first_nonzero], dtype=torch.float64).to(dtype)
    assert F.gelu(at, approximate=approximate).item() < 0
    assert np.all(A.gelu(below.numpy(), approximate=approximate)[-100:] < 0)  # ours is not 0
    single = torch.linspace(-40.0, -5.6, 20001, dtype=torch.float32)  # "from about x = -5"
    assert torch.all(F.gelu(single, approximate=approximate) == 0)


def test_torch_softmax_dim_none_is_deprecated_and_picks_dim_0_or_1():
    for shape, dim in (((3,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)):
        x = torch.randn(shape, generator=torch.Generator().manual_seed(0))
        with pytest.warns(UserWarning, match="deprecated"):
            implicit = F.softmax(x, dim=None)
        torch.testing.assert_close(implicit, F.softmax(x, dim=dim))


def test_sigmoid_and_tanh_grads_keep_relative_precision_where_torch_autograd_cancels():
    x = np.array([20.0, 40.0])
    e = np.exp(-2 * x)
    np.testing.assert_allclose(A.tanh_grad(x), 4 * e / (1 + e) ** 2, rtol=1e-15)
    np.testing.assert_allclose(A.sigmoid_grad(x), np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-15)
    assert np.all(autograd(torch.tanh, x) == 0.0)
    assert autograd(torch.sigmoid, x)[1] == 0.0


# --- leaky_relu_backward ------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.01, 0.3])
def test_leaky_relu_backward_equals_torch_autograd_vector_jacobian_product(alpha):
    x = np.concatenate([RANDOM[:500], [0.0]]).reshape(-1, 3)
    dout = _rng.standard_normal(x.shape)
    t = tensor(x, requires_grad=True)
    (expected,) = torch.autograd.grad(F.leaky_relu(t, alpha), t, tensor(dout))
    np.testing.assert_array_equal(A.leaky_relu_backward(dout, x, alpha), expected.numpy())


# --- prelu ---------------------------------------------------------------------------


def _torch_prelu(x, alpha, dout):
    t = tensor(x, requires_grad=True)
    w = tensor(np.atleast_1d(alpha), requires_grad=True)
    y = F.prelu(t, w)
    dx, dw = torch.autograd.grad(y, (t, w), tensor(dout))
    return y.detach().numpy(), dx.numpy(), dw.numpy()


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (2, 3, 4, 5)], ids=str)
def test_prelu_per_channel_on_axis_1_equals_torch_with_dx_and_dalpha(shape):
    x = _rng.standard_normal(shape)
    x.flat[0] = 0.0
    alpha = np.array([0.25, -0.1, 1.5])
    dout = _rng.standard_normal(shape)
    y, dx, dalpha = _torch_prelu(x, alpha, dout)
    np.testing.assert_allclose(A.prelu(x, alpha), y, rtol=RTOL)
    np.testing.assert_allclose(A.prelu_grad(x, alpha) * dout, dx, rtol=RTOL)
    ours_dx, ours_dalpha = A.prelu_backward(dout, x, alpha)
    np.testing.assert_allclose(ours_dx, dx, rtol=RTOL)
    assert ours_dalpha.shape == alpha.shape
    np.testing.assert_allclose(ours_dalpha, dalpha, rtol=1e-10)  # sums in different orders


@pytest.mark.parametrize("shape", [(), (7,), (4, 3), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("alpha", [0.25, np.array(0.25), np.array([0.25])],
                         ids=["float", "0d", "1-element"])
def test_prelu_shared_alpha_equals_torch_and_dalpha_keeps_alphas_shape(shape, alpha):
    x = _rng.standard_normal(shape)
    dout = _rng.standard_normal(shape)
    y, dx, dalpha = _torch_prelu(x, alpha, dout)
    np.testing.assert_allclose(A.prelu(x, alpha), y, rtol=RTOL)
    ours_dx, ours_dalpha = A.prelu_backward(dout, x, alpha)
    np.testing.assert_allclose(ours_dx, dx, rtol=RTOL)
    assert ours_dalpha.shape == np.shape(alpha)
    np.testing.assert_allclose(ours_dalpha.reshape(-1), dalpha, rtol=1e-10)


def test_prelu_1d_input_has_no_channel_axis_so_needs_a_shared_alpha_like_torch():
    x, alpha = np.linspace(-2, 2, 3), np.array([0.1, 0.2, 0.3])
    with pytest.raises(RuntimeError):
        F.prelu(tensor(x), tensor(alpha))
    with pytest.raises(ValueError, match="1 channel"):
        A.prelu(x, alpha)


def test_prelu_rejects_alpha_whose_length_does_not_match_the_channel_axis():
    x = np.zeros((2, 3, 4))
    with pytest.raises(RuntimeError):
        F.prelu(tensor(x), tensor([0.1, 0.2, 0.3, 0.4]))
    for function in (A.prelu, A.prelu_grad):
        with pytest.raises(ValueError, match="4 values but x of shape \\(2, 3, 4\\) has 3 channel"):
            function(x, [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="4 values"):
        A.prelu_backward(x, x, [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="scalar or 1-d"):
        A.prelu(x, np.full((3, 1), 0.1))


def test_prelu_float32_input_keeps_float32_with_float64_alpha():
    x = _rng.standard_normal((2, 3)).astype(np.float32)
    alpha = np.array([0.1, 0.2, 0.3])
    assert A.prelu(x, alpha).dtype == np.float32
    dx, dalpha = A.prelu_backward(np.ones_like(x), x, alpha)
    assert dx.dtype == dalpha.dtype == np.float32


# --- softmax / log_softmax --------------------------------------------------------------

SOFTMAX_CASES = [((6,), -1), ((3, 7), -1), ((3, 7), 0), ((2, 3, 4), 1), ((2, 3, 4), -1), ((), -1)]


def _softmax_input(shape):
    x = _rng.standard_normal(shape) * 5
    if x.ndim:
        x.flat[:3] = [1e4, -1e4, 1e4][: x.size]  # extreme logits and a tie
    return x


@pytest.mark.parametrize("shape,axis", SOFTMAX_CASES, ids=str)
@pytest.mark.parametrize("ours,reference",
                         [(A.softmax, torch.softmax), (A.log_softmax, torch.log_softmax)],
                         ids=["softmax", "log_softmax"])
def test_softmax_and_log_softmax_equal_torch_along_any_axis(ours, reference, shape, axis):
    x = _softmax_input(shape)
    np.testing.assert_allclose(ours(x, axis=axis), reference(tensor(x), dim=axis).numpy(),
                               rtol=RTOL, atol=TINY)


@pytest.mark.parametrize("shape,axis", SOFTMAX_CASES, ids=str)
@pytest.mark.parametrize(
    "backward,reference",
    [(A.softmax_backward, torch.softmax), (A.log_softmax_backward, torch.log_softmax)],
    ids=["softmax_backward", "log_softmax_backward"],
)
def test_softmax_backward_equals_torch_autograd_vector_jacobian_product(backward, reference,
                                                                        shape, axis):
    x = _softmax_input(shape)
    dout = _rng.standard_normal(shape)
    t = tensor(x, requires_grad=True)
    (expected,) = torch.autograd.grad(reference(t, dim=axis), t, tensor(dout))
    # The VJP subtracts a weighted mean of dout from dout, so its entries can be
    # tiny differences of O(|dout|) terms: compare with an absolute floor of eps * |dout|.
    np.testing.assert_allclose(backward(dout, x, axis=axis), expected.numpy(), rtol=RTOL,
                               atol=1e-15 * np.abs(dout).max(initial=1.0))


# --- maxout ------------------------------------------------------------------------------


def _torch_maxout(t, pieces, axis):
    axis = axis % t.ndim
    shape = t.shape[:axis] + (t.shape[axis] // pieces, pieces) + t.shape[axis + 1:]
    return t.reshape(shape).max(dim=axis + 1).values


MAXOUT_CASES = [((12,), 3, -1), ((4, 12), 4, -1), ((2, 6, 5), 2, 1), ((2, 6, 5), 5, 2), ((3, 8), 1, 1)]


@pytest.mark.parametrize("shape,pieces,axis", MAXOUT_CASES, ids=str)
def test_maxout_equals_torch_reshape_and_max_over_consecutive_groups(shape, pieces, axis):
    x = np.round(_rng.standard_normal(shape), 1)  # rounding creates ties
    t = tensor(x, requires_grad=True)
    y = _torch_maxout(t, pieces, axis)
    np.testing.assert_array_equal(A.maxout(x, pieces, axis), y.detach().numpy())
    dout = _rng.standard_normal(y.shape)
    (expected,) = torch.autograd.grad(y, t, tensor(dout))
    np.testing.assert_array_equal(A.maxout_backward(dout, x, pieces, axis), expected.numpy())


def test_maxout_groups_consecutive_features():
    x = np.array([1.0, 5.0, 2.0, 0.0, 9.0, 3.0])
    np.testing.assert_array_equal(A.maxout(x, 2), [5.0, 2.0, 9.0])
    np.testing.assert_array_equal(A.maxout(x, 3), [5.0, 9.0])


def test_maxout_ties_route_the_gradient_to_the_first_maximum_like_torch_max_dim():
    x = np.array([[3.0, 3.0, 1.0, 2.0, 2.0, 2.0]])
    t = tensor(x, requires_grad=True)
    values, indices = t.reshape(1, 2, 3).max(dim=2)
    assert indices.tolist() == [[0, 0]]  # torch picks the first maximal value
    values.sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), [[1, 0, 0, 1, 0, 0]])
    np.testing.assert_array_equal(A.maxout_backward(np.ones((1, 2)), x, 3), [[1, 0, 0, 1, 0, 0]])
    # torch.amax, by contrast, splits the gradient among ties (stated in maxout's docstring).
    t2 = tensor(x, requires_grad=True)
    t2.reshape(1, 2, 3).amax(dim=2).sum().backward()
    np.testing.assert_allclose(t2.grad.numpy(), [[0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]])


def test_maxout_rejects_pieces_that_do_not_divide_the_axis_and_bad_dout():
    with pytest.raises(ValueError, match="divisor"):
        A.maxout(np.zeros((2, 6)), 4)
    with pytest.raises(ValueError, match="divisor"):
        A.maxout(np.zeros((2, 6)), 0)
    with pytest.raises(ValueError, match="expected"):
        A.maxout_backward(np.zeros((2, 2)), np.zeros((2, 6)), 2)
