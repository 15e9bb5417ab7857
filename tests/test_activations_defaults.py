"""Framework defaults (checked against the installed torch) and atlas metadata (checked numerically)."""

import inspect
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import activations as A
from activations import defaults as D

pytestmark = pytest.mark.filterwarnings("error")


def test_leaky_relu_default_slope_is_torchs_0_01():
    default = inspect.signature(F.leaky_relu).parameters["negative_slope"].default
    assert default == D.TORCH_LEAKY_RELU_NEGATIVE_SLOPE
    assert torch.nn.LeakyReLU().negative_slope == D.TORCH_LEAKY_RELU_NEGATIVE_SLOPE == 0.01
    for function in (A.leaky_relu, A.leaky_relu_grad, A.leaky_relu_backward):
        assert inspect.signature(function).parameters["alpha"].default == default


def test_keras_leaky_relu_defaults_differ_from_torch_as_documented():
    assert D.KERAS_LEAKY_RELU_LAYER_NEGATIVE_SLOPE == 0.3
    assert D.KERAS_LEAKY_RELU_FUNCTION_NEGATIVE_SLOPE == 0.2
    info = {i.name: i for i in A.ATLAS}["leaky_relu"]
    assert "negative_slope=0.3" in info.keras and "negative_slope=0.2" in info.keras
    assert "negative_slope=0.01" in info.pytorch


def test_prelu_torch_default_is_one_shared_slope_initialised_to_0_25():
    parameters = inspect.signature(torch.nn.PReLU).parameters
    assert parameters["num_parameters"].default == D.TORCH_PRELU_NUM_PARAMETERS == 1
    assert parameters["init"].default == D.TORCH_PRELU_INIT == 0.25
    weight = torch.nn.PReLU().weight
    assert weight.shape == (1,) and weight.item() == D.TORCH_PRELU_INIT
    assert dict(A.ELEMENTWISE["prelu"].kwargs) == {"alpha": D.TORCH_PRELU_INIT}
    assert D.KERAS_PRELU_ALPHA_INITIALIZER == "Zeros"


def test_elu_softplus_and_gelu_defaults_match_torch_signatures_and_modules():
    assert inspect.signature(F.elu).parameters["alpha"].default == D.TORCH_ELU_ALPHA
    assert D.TORCH_ELU_ALPHA == D.KERAS_ELU_ALPHA == 1.0
    assert torch.nn.ELU().alpha == D.TORCH_ELU_ALPHA
    softplus = torch.nn.Softplus()
    assert softplus.beta == D.TORCH_SOFTPLUS_BETA == 1.0
    assert softplus.threshold == D.TORCH_SOFTPLUS_THRESHOLD == 20.0
    assert torch.nn.GELU().approximate == D.TORCH_GELU_APPROXIMATE == "none"
    assert inspect.signature(torch.nn.GELU).parameters["approximate"].default == "none"
    assert D.KERAS_GELU_APPROXIMATE is False
    assert inspect.signature(A.gelu).parameters["approximate"].default == D.TORCH_GELU_APPROXIMATE
    assert inspect.signature(A.elu).parameters["alpha"].default == D.ELU_ALPHA
    assert inspect.signature(A.softplus).parameters["beta"].default == D.SOFTPLUS_BETA


def test_torch_threshold_has_no_default_so_the_course_uses_keras2_theta_1():
    parameters = inspect.signature(F.threshold).parameters
    assert parameters["threshold"].default is inspect.Parameter.empty
    theta = inspect.signature(A.thresholded_relu).parameters["theta"].default
    assert theta == D.KERAS2_THRESHOLDED_RELU_THETA == 1.0


def test_selu_constants_are_klambauers_to_full_double_precision_and_match_torch():
    assert D.SELU_ALPHA == float("1.6732632423543772848170429916717")
    assert D.SELU_SCALE == float("1.0507009873554804934193349852946")
    one = torch.tensor([1.0], dtype=torch.float64)
    assert F.selu(one).item() == D.SELU_SCALE
    assert F.selu(-1e4 * one).item() == pytest.approx(-D.SELU_SCALE * D.SELU_ALPHA, rel=1e-15)


def test_selu_constants_give_zero_mean_and_unit_variance_for_standard_normal_input():
    mean = _gaussian_expectation(A.selu, 0.0)
    second_moment = _gaussian_expectation(lambda z: A.selu(z) ** 2, 0.0)
    assert abs(mean) < 1e-12 and second_moment == pytest.approx(1.0, abs=1e-12)


# --- atlas ---------------------------------------------------------------------------

ATLAS = {info.name: info for info in A.ATLAS}
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(200)


def _gaussian_expectation(function, split):
    """E[f(Z)], Z ~ N(0, 1), by Gauss-Legendre on [-40, split] and [split, 40] (split at the kink)."""
    lo, hi = np.array([[-40.0, split], [split, 40.0]]).T[:, :, np.newaxis]
    z = (hi - lo) / 2 * _NODES + (hi + lo) / 2
    density = np.exp(-z**2 / 2) / math.sqrt(2 * math.pi)
    return float(np.sum((hi - lo) / 2 * _WEIGHTS * function(z) * density))


def test_atlas_metadata_has_the_documented_types():
    for info in A.ATLAS:
        lower, upper = info.bounds
        assert isinstance(info.interval, str) and lower < upper
        assert isinstance(info.monotonic, bool) and isinstance(info.zero_centred, bool)
        assert info.kink is None or isinstance(info.kink, float)
        assert info.pytorch and info.keras
    with pytest.raises(AttributeError):
        A.ATLAS[0].monotonic = False  # frozen


@pytest.mark.parametrize("name", ATLAS)
def test_atlas_bounds_are_the_infimum_and_supremum_of_the_function(name):
    forward, _, kwargs = A.ELEMENTWISE[name]
    lower, upper = ATLAS[name].bounds
    grid = np.concatenate([np.linspace(-50, 50, 400_001), [-1e4, 1e4]])
    y = forward(grid, **kwargs)
    assert y.min() >= lower - 1e-15 and y.max() <= upper
    if math.isfinite(lower):
        assert y.min() == pytest.approx(lower, abs=1e-8)  # grid step 2.5e-4: min is off by <4e-9
    else:
        assert y.min() < -99
    if math.isfinite(upper):
        assert y.max() == pytest.approx(upper, abs=1e-12)
    else:
        assert y.max() == 1e4 * (A.SELU_SCALE if name == "selu" else 1.0)


@pytest.mark.parametrize("name", ATLAS)
def test_atlas_monotonic_flag_matches_the_sign_of_the_derivative(name):
    _, grad, kwargs = A.ELEMENTWISE[name]
    assert np.all(grad(np.linspace(-20, 20, 40_001), **kwargs) >= 0) == ATLAS[name].monotonic


@pytest.mark.parametrize("name", ATLAS)
def test_atlas_zero_centred_flag_means_zero_mean_output_for_standard_normal_input(name):
    forward, _, kwargs = A.ELEMENTWISE[name]
    mean = _gaussian_expectation(lambda z: forward(z, **kwargs), ATLAS[name].kink or 0.0)
    if ATLAS[name].zero_centred:
        assert abs(mean) < 1e-12
    else:
        assert mean > 0.1


@pytest.mark.parametrize("name", ATLAS)
def test_atlas_kink_is_where_the_derivative_or_the_function_jumps(name):
    forward, grad, kwargs = A.ELEMENTWISE[name]
    kink = ATLAS[name].kink
    at = 0.0 if kink is None else kink
    left, right = np.nextafter(at, -np.inf), np.nextafter(at, np.inf)
    jump = abs(grad(np.array([right]), **kwargs)[0] - grad(np.array([left]), **kwargs)[0])
    jump += abs(forward(np.array([right]), **kwargs)[0] - forward(np.array([left]), **kwargs)[0])
    assert (jump > 1e-3) == (kink is not None)
