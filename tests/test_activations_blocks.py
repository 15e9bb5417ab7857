"""Cache-blocked evaluation, ``out=``, and the float32 error bounds (issue 18's speed work).

The elementwise functions run in blocks of ``BLOCK_ELEMENTS`` (``_arrays.evaluate_in_blocks``)
and compare with cached constant arrays instead of Python scalars (``constant_like``). Neither
may change a single bit of any result; ``out=`` must behave like NumPy's. float32 input is
computed in float32 arithmetic: the bounds below, in float32 ulp of the float64 result, are
measured here and quoted in the package docstring.
"""

import numpy as np
import pytest

import activations as A
from activations import _arrays

pytestmark = pytest.mark.filterwarnings("error")

FUNCTIONS = {name: (entry.forward, dict(entry.kwargs)) for name, entry in A.ELEMENTWISE.items()}
FUNCTIONS |= {f"{name}_grad": (entry.grad, dict(entry.kwargs))
              for name, entry in A.ELEMENTWISE.items()}
FUNCTIONS |= {
    "log_sigmoid": (A.log_sigmoid, {}),
    "log_sigmoid_grad": (A.log_sigmoid_grad, {}),
    "softplus_beta3": (A.softplus, {"beta": 3.0}),
    "softplus_grad_beta3": (A.softplus_grad, {"beta": 3.0}),
    "elu_alpha2": (A.elu, {"alpha": 2.0}),
    "elu_grad_alpha2": (A.elu_grad, {"alpha": 2.0}),
    "leaky_relu_alpha3": (A.leaky_relu, {"alpha": 3.0}),
}
# prelu has no out=: its per-channel slopes broadcast over x's shape, so only a shared
# slope runs in blocks.
WITH_OUT = sorted(n for n in FUNCTIONS if not n.startswith("prelu"))
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1e4, 1e4, 1e-30, -1e-30, 88.8, -88.8, 709.5]


def _inputs(n, dtype, seed=3):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.standard_normal(n - len(SPECIAL)) * 6, SPECIAL])
    return x.astype(dtype)


def _bits(y):
    return y.view(np.uint32 if y.dtype == np.float32 else np.uint64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_blocked_evaluation_gives_the_same_bits_as_one_block(name, dtype, monkeypatch):
    function, params = FUNCTIONS[name]
    x = _inputs(2600, dtype)
    with np.errstate(invalid="ignore"):  # e.g. gelu(-inf) = -inf * 0: NaN either way
        whole = function(x, **params)  # 2600 <= BLOCK_ELEMENTS: one kernel call
        monkeypatch.setattr(_arrays, "BLOCK_ELEMENTS", 1000)  # three blocks, the last partial
        blocked = function(x, **params)
    np.testing.assert_array_equal(_bits(blocked), _bits(whole))


def test_the_kernel_runs_once_per_block_not_per_element():
    calls = []

    def kernel(x, out):
        calls.append(x.size)
        return np.negative(x, out=out)

    n = 3 * _arrays.BLOCK_ELEMENTS + 5
    y = _arrays.evaluate_in_blocks(kernel, np.arange(n, dtype=np.float64), None)
    assert calls == [_arrays.BLOCK_ELEMENTS] * 3 + [5]
    np.testing.assert_array_equal(y, -np.arange(n))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_constant_like_compares_exactly_like_a_python_scalar(dtype):
    x = _inputs(500, dtype)
    for ufunc in (np.maximum, np.minimum):
        for value in (0.0, 1.0):
            expected, actual = ufunc(x, value), ufunc(x, _arrays.constant_like(x, value))
            np.testing.assert_array_equal(_bits(actual), _bits(expected))
    assert not _arrays.constant_like(x, 0.0).flags.writeable


@pytest.mark.parametrize("name", ["sigmoid", "gelu", "relu_grad", "elu_grad_alpha2"])
@pytest.mark.parametrize("n", [20, 2600])
def test_out_receives_the_result_and_is_returned(name, n, monkeypatch):
    monkeypatch.setattr(_arrays, "BLOCK_ELEMENTS", 1000)
    function, params = FUNCTIONS[name]
    x = _inputs(n, np.float32)[::-1]  # the special values in the first block too
    with np.errstate(invalid="ignore"):
        expected = function(x, **params)
        out = np.full_like(x, 123.0)
        assert function(x, **params, out=out) is out
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("name", ["sigmoid", "mish_grad", "gelu_grad"])
def test_out_may_be_the_input_or_overlap_it(name, monkeypatch):
    monkeypatch.setattr(_arrays, "BLOCK_ELEMENTS", 1000)
    function, params = FUNCTIONS[name]
    x = np.random.default_rng(4).standard_normal(2600) * 6
    expected = function(x, **params)
    in_place = x.copy()
    assert function(in_place, **params, out=in_place) is in_place
    np.testing.assert_array_equal(in_place, expected)
    shifted = np.concatenate([x, [0.5]])
    function(shifted[:-1], **params, out=shifted[1:])  # each result lands one element later
    np.testing.assert_array_equal(shifted[1:], expected)


def test_out_may_be_non_contiguous_and_0d():
    x = np.random.default_rng(5).standard_normal((3, 4)) * 6
    out = np.zeros((4, 3)).T
    A.silu(x, out=out)
    np.testing.assert_array_equal(out, A.silu(x))
    scalar_out = np.zeros(())
    assert A.tanh(0.5, out=scalar_out) is scalar_out and scalar_out == np.tanh(0.5)


def test_out_of_the_wrong_shape_or_dtype_is_rejected():
    x = np.ones(4, np.float32)
    with pytest.raises(ValueError, match="shape"):
        A.sigmoid(x, out=np.empty(5, np.float32))
    with pytest.raises(ValueError, match="dtype"):
        A.sigmoid(x, out=np.empty(4, np.float64))  # float32 input gives float32
    with pytest.raises(TypeError):
        A.sigmoid(x, out=[0.0] * 4)


def test_out_is_keyword_only_and_documented():
    import inspect

    for name in WITH_OUT:
        function = FUNCTIONS[name][0]
        parameter = inspect.signature(function).parameters["out"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is None
        assert "out : numpy.ndarray, optional" in inspect.getdoc(function)


# Largest error of the float32 result, in float32 ulp of the float64 result (the spacing of
# float32 at max(|y|, FLOOR)), measured on the inputs below. The floor 1 applies to the
# derivatives of the gated units, which cross zero: their error is absolute, k * 2**-23.
# gelu_tanh: sigmoid(z) with |z| up to 90 amplifies the float32 rounding of z by |z|.
# gelu: where Phi(x) is subnormal but x * Phi(x) is just normal (x near -13.1).
FLOAT32_ULP = {
    "sigmoid": 4, "sigmoid_grad": 6, "tanh": 2, "tanh_grad": 6,
    "relu": 0, "relu_grad": 0, "leaky_relu": 1, "leaky_relu_grad": 1,
    "prelu": 0, "prelu_grad": 0, "thresholded_relu": 0, "thresholded_relu_grad": 0,
    "elu": 3, "elu_grad": 3, "selu": 3, "selu_grad": 3, "softplus": 4, "softplus_grad": 4,
    "gelu": 12, "gelu_grad": 2, "gelu_tanh": 192, "gelu_tanh_grad": 2,
    "silu": 5, "silu_grad": 2, "mish": 5, "mish_grad": 10,
    "log_sigmoid": 4, "log_sigmoid_grad": 4,
}
ZERO_CROSSING = {"gelu_grad", "gelu_tanh_grad", "silu_grad", "mish_grad"}


@pytest.mark.parametrize("name", sorted(FLOAT32_ULP))
def test_float32_arithmetic_stays_within_its_stated_ulp_of_the_float64_result(name):
    function, params = FUNCTIONS[name]
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.standard_normal(60000) * 4, rng.uniform(-30, 30, 20000),
                        np.linspace(-20, 20, 20001)]).astype(np.float32)
    with np.errstate(all="raise"):
        y32 = function(x, **params)
        y64 = function(x.astype(np.float64), **params)
    floor = 1.0 if name in ZERO_CROSSING else np.finfo(np.float32).smallest_normal
    normal = np.abs(y64) >= np.finfo(np.float32).smallest_normal
    scale = np.maximum(np.abs(y64[normal]), floor).astype(np.float32)
    ulp = np.abs(y32[normal] - y64[normal]) / np.spacing(scale).astype(np.float64)
    assert y32.dtype == np.float32
    assert ulp.max() <= FLOAT32_ULP[name], (name, ulp.max(), x[normal][ulp.argmax()])


@pytest.mark.parametrize("alpha", [0.1, 0.5, 1.0, 1.7, 2.0, 3.0, 10.0])
def test_elu_grad_is_exactly_scale_right_of_the_kink_and_alpha_exp_left_of_it(alpha):
    """Both of _elu_grad's paths: the Sterbenz-exact sum (alpha in [0.5, 2]) and the other."""
    x = np.array([-3.0, -1e-300, 0.0, 1e-300, 0.5, 7.0, np.inf])
    g = A.elu_grad(x, alpha)
    np.testing.assert_array_equal(g[3:], 1.0)
    np.testing.assert_allclose(g[:3], alpha * np.exp(x[:3]), rtol=2e-16)
    np.testing.assert_array_equal(A.selu_grad(x)[3:], A.SELU_SCALE)
