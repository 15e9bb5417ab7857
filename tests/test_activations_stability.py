"""Numerical stability: no floating-point warnings, no NaN, right limits up to |x| = 1e4, float32 too.

Every call runs under ``np.errstate(all="raise")`` with warnings turned into
errors. The package itself silences only *underflow* (see
``activations._arrays.float_input``): rounding a tail such as exp(-1e4) to 0
is the correct result, while an overflow, invalid operation or division by
zero would raise here.
"""

import warnings

import numpy as np
import pytest

import activations as A

pytestmark = pytest.mark.filterwarnings("error")

UNARY = {name: (e.forward, dict(e.kwargs)) for name, e in A.ELEMENTWISE.items()}
UNARY |= {f"{name}_grad": (e.grad, dict(e.kwargs)) for name, e in A.ELEMENTWISE.items()}
UNARY |= {"log_sigmoid": (A.log_sigmoid, {}), "log_sigmoid_grad": (A.log_sigmoid_grad, {}),
          "softplus_beta10": (A.softplus, {"beta": 10.0}), "elu_alpha2": (A.elu, {"alpha": 2.0}),
          "softmax": (A.softmax, {}), "log_softmax": (A.log_softmax, {})}
BACKWARD = {"softmax_backward": A.softmax_backward, "log_softmax_backward": A.log_softmax_backward,
            "leaky_relu_backward": A.leaky_relu_backward,
            "prelu_backward": lambda d, x: A.prelu_backward(d, x, 0.25)[0]}

_MAGNITUDES = np.array([0.0, 1e-45, 1e-38, 1e-30, 1e-7, 1.0, 20.0, 88.8, 89.0, 100.0, 709.0, 710.0,
                        745.0, 746.0, 1e3, 1e4])
EXTREMES = np.concatenate([-_MAGNITUDES[::-1], _MAGNITUDES[1:]])
DTYPES = [np.float32, np.float64]


def _strict(function, *args, **kwargs):
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*args, **kwargs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_no_floating_point_warning_and_no_nan_or_inf_for_inputs_up_to_1e4(name, dtype):
    function, params = UNARY[name]
    x = EXTREMES.astype(dtype)
    y = _strict(function, x, **params)
    finite = np.isfinite(y)
    assert finite.all(), x[~finite]
    if name in ("softmax", "log_softmax"):  # also along rows of a 2-d batch
        assert np.isfinite(_strict(function, x.reshape(-1, 1) * [1, -1, 0])).all()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BACKWARD)
def test_backward_passes_raise_no_floating_point_warning_for_inputs_up_to_1e4(name, dtype):
    x = EXTREMES.astype(dtype).reshape(-1, 1) * np.array([1, -1, 0.5], dtype=dtype)
    dout = np.random.default_rng(0).standard_normal(x.shape).astype(dtype)
    assert np.isfinite(_strict(BACKWARD[name], dout, x)).all()


_SCALE_ALPHA = A.SELU_SCALE * A.SELU_ALPHA
# name -> (f(-1e4), f(1e4)): the limits, exactly representable or rounded once.
LIMITS = {
    "sigmoid": (0.0, 1.0), "sigmoid_grad": (0.0, 0.0),
    "tanh": (-1.0, 1.0), "tanh_grad": (0.0, 0.0),
    "relu": (0.0, 1e4), "relu_grad": (0.0, 1.0),
    "leaky_relu": (-100.0, 1e4), "leaky_relu_grad": (0.01, 1.0),
    "prelu": (-2500.0, 1e4), "prelu_grad": (0.25, 1.0),
    "thresholded_relu": (0.0, 1e4), "thresholded_relu_grad": (0.0, 1.0),
    "elu": (-1.0, 1e4), "elu_grad": (0.0, 1.0),
    "selu": (-_SCALE_ALPHA, A.SELU_SCALE * 1e4), "selu_grad": (0.0, A.SELU_SCALE),
    "softplus": (0.0, 1e4), "softplus_grad": (0.0, 1.0),
    "gelu": (0.0, 1e4), "gelu_grad": (0.0, 1.0),
    "gelu_tanh": (0.0, 1e4), "gelu_tanh_grad": (0.0, 1.0),
    "silu": (0.0, 1e4), "silu_grad": (0.0, 1.0),
    "mish": (0.0, 1e4), "mish_grad": (0.0, 1.0),
    "log_sigmoid": (-1e4, 0.0), "log_sigmoid_grad": (1.0, 0.0),
    "softplus_beta10": (0.0, 1e4), "elu_alpha2": (-2.0, 1e4),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", LIMITS)
def test_limits_at_plus_and_minus_1e4_are_correct_in_float32_and_float64(name, dtype):
    function, params = UNARY[name]
    y = _strict(function, np.array([-1e4, 1e4], dtype=dtype), **params)
    np.testing.assert_allclose(y, LIMITS[name], rtol=np.finfo(dtype).eps, atol=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax_limits_with_logits_1e4_apart(dtype):
    x = np.array([-1e4, 0.0, 1e4], dtype=dtype)
    np.testing.assert_array_equal(_strict(A.softmax, x), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(_strict(A.log_softmax, x), [-2e4, -1e4, 0.0])
    np.testing.assert_array_equal(_strict(A.softmax, np.full(4, 1e4, dtype)), 0.25)


def test_expm1_and_log1p_keep_tiny_results_to_full_relative_precision():
    # Values whose naive formulas (exp(x) - 1, log(1 + exp(x)), log(sigmoid)) lose every digit.
    cases = [
        (A.elu, -1e-10, -9.9999999995e-11),
        (A.selu, -1e-10, -_SCALE_ALPHA * 9.9999999995e-11),
        (A.softplus, -40.0, 4.248354255291589e-18),
        (A.log_sigmoid, 40.0, -4.248354255291589e-18),
        (A.sigmoid, -40.0, 4.248354255291589e-18),
        (A.log_sigmoid, -800.0, -800.0),
        (A.gelu, -10.0, -7.6198530241605261e-23),
    ]
    for function, point, exact in cases:
        value = _strict(function, np.array([point]))[0]
        assert value == pytest.approx(exact, rel=1e-14), function.__name__


FLOAT32_RTOL = 2e-5
FLOAT32_ATOL = 128 * np.finfo(np.float32).smallest_normal
FLOAT32_ZERO_CROSSING_ATOL = 1e-6


@pytest.mark.parametrize("name", UNARY)
def test_float32_results_agree_with_float64_to_float32_precision(name):
    """The same (float32-representable) inputs in both precisions.

    rtol 2e-5 (~170 float32 ulp): float32 keeps float32 intermediates, so an
    exponential of a large argument z amplifies the argument's rounding by |z|
    (gelu's tanh form reaches |z| = 87 before underflowing). The absolute
    floors cover float32 subnormal results and derivatives that cross zero.
    """
    function, params = UNARY[name]
    rng = np.random.default_rng(5)
    x32 = np.concatenate([rng.standard_normal(3000) * 5, rng.uniform(-100, 100, 1000)])
    x32 = x32.astype(np.float32)
    if name in ("softmax", "log_softmax"):
        x32 = x32.reshape(-1, 8)
    y32 = _strict(function, x32, **params)
    y64 = _strict(function, x32.astype(np.float64), **params)
    assert y32.dtype == np.float32
    absolute = name.endswith("_grad") or name == "log_softmax"
    atol = FLOAT32_ZERO_CROSSING_ATOL if absolute else FLOAT32_ATOL
    np.testing.assert_allclose(y32, y64, rtol=FLOAT32_RTOL, atol=atol)


def test_one_over_cosh_squared_overflows_from_355_58_as_tanh_grad_docstring_says():
    """Why tanh_grad avoids ``1 / cosh(x)**2``: the square overflows long before cosh does."""
    with np.errstate(over="raise"):
        assert np.isfinite(np.cosh(355.58) ** 2)
        with pytest.raises(FloatingPointError):
            np.cosh(355.59) ** 2
        assert np.isfinite(np.cosh(710.0))
        assert A.tanh_grad(np.array([355.59, 710.0]))[0] > 0
