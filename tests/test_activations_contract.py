"""The package-wide contract: API, shapes, dtypes, no input mutation, no Python loops, docstrings."""

import ast
import inspect
import pathlib

import numpy as np
import pytest

import activations as A

pytestmark = pytest.mark.filterwarnings("error")

PACKAGE_DIR = pathlib.Path(A.__file__).parent

# Every array function with the signature f(x, **params), its params, and whether it
# keeps x's shape (maxout does not).
UNARY = {name: (entry.forward, dict(entry.kwargs)) for name, entry in A.ELEMENTWISE.items()}
UNARY |= {f"{name}_grad": (entry.grad, dict(entry.kwargs)) for name, entry in A.ELEMENTWISE.items()}
UNARY |= {
    "log_sigmoid": (A.log_sigmoid, {}),
    "log_sigmoid_grad": (A.log_sigmoid_grad, {}),
    "softplus_beta2": (A.softplus, {"beta": 2.0}),
    "softmax": (A.softmax, {}),
    "log_softmax": (A.log_softmax, {}),
    "softmax_axis0": (A.softmax, {"axis": 0}),
    "maxout_1": (A.maxout, {"pieces": 1}),
}
BACKWARD = {
    "leaky_relu_backward": (A.leaky_relu_backward, {}),
    "prelu_backward": (lambda d, x: A.prelu_backward(d, x, 0.25)[0], {}),
    "softmax_backward": (A.softmax_backward, {}),
    "log_softmax_backward": (A.log_softmax_backward, {}),
    "maxout_backward_1": (A.maxout_backward, {"pieces": 1}),
}
SHAPES = [(), (0,), (1,), (7,), (3, 4), (2, 3, 4), (2, 0, 3)]


def _sample(shape, dtype=np.float64, seed=0):
    """A random ndarray of the given shape; ``()`` gives a genuine 0-d array, not a scalar."""
    return np.asarray(np.random.default_rng(seed).standard_normal(shape) * 3, dtype=dtype)


def test_all_lists_every_public_name_and_nothing_missing():
    assert len(A.__all__) == len(set(A.__all__))
    for name in A.__all__:
        assert hasattr(A, name), name
    public_functions = {n for n, v in vars(A).items()
                        if inspect.isfunction(v) and not n.startswith("_")}
    assert public_functions <= set(A.__all__)


def test_registry_holds_the_thirteen_elementwise_activations_in_atlas_order():
    expected = ["sigmoid", "tanh", "relu", "leaky_relu", "prelu", "thresholded_relu", "elu",
                "selu", "softplus", "gelu", "gelu_tanh", "silu", "mish"]
    assert list(A.ELEMENTWISE) == expected
    assert [info.name for info in A.ATLAS] == expected
    assert dict(A.ELEMENTWISE["prelu"].kwargs) == {"alpha": 0.25}
    assert dict(A.ELEMENTWISE["gelu_tanh"].kwargs) == {"approximate": "tanh"}


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        A.ELEMENTWISE["relu"] = None
    with pytest.raises(TypeError):
        A.ELEMENTWISE["leaky_relu"].kwargs["alpha"] = 0.3


def test_registry_kwargs_are_the_functions_own_defaults_where_they_have_one():
    for name, (forward, grad, kwargs) in A.ELEMENTWISE.items():
        if name == "gelu_tanh":  # the one entry that selects a non-default variant
            continue
        for function in (forward, grad):
            parameters = inspect.signature(function).parameters
            for key, value in kwargs.items():
                default = parameters[key].default
                assert default is inspect.Parameter.empty or default == value, (name, key)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_output_has_the_input_shape_for_any_shape_including_0d(name, shape):
    function, params = UNARY[name]
    y = function(_sample(shape), **params)
    assert isinstance(y, np.ndarray)
    assert y.shape == shape


@pytest.mark.parametrize("name", BACKWARD)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_backward_output_has_the_input_shape_for_any_shape_including_0d(name, shape):
    function, params = BACKWARD[name]
    dx = function(_sample(shape, seed=1), _sample(shape), **params)
    assert isinstance(dx, np.ndarray)
    assert dx.shape == shape


@pytest.mark.parametrize("name", UNARY)
def test_0d_array_and_scalars_give_the_same_value_as_a_one_element_array(name):
    function, params = UNARY[name]
    params = {k: v for k, v in params.items() if k != "axis"}
    expected = function(np.array([-0.7]), **params)[0]
    for zero_d in (np.array(-0.7), np.float64(-0.7), -0.7):
        y = function(zero_d, **params)
        assert isinstance(y, np.ndarray) and y.shape == () and y == expected


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_stays_float32_and_float64_stays_float64(name, dtype):
    function, params = UNARY[name]
    assert function(_sample((3, 4), dtype), **params).dtype == dtype


@pytest.mark.parametrize("name", BACKWARD)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_returns_the_dtype_of_x_whatever_the_dtype_of_dout(name, dtype):
    function, params = BACKWARD[name]
    other = np.float64 if dtype == np.float32 else np.float32
    assert function(_sample((3, 4), other, seed=1), _sample((3, 4), dtype), **params).dtype == dtype


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize(
    "value",
    [[[1, -2], [3, 0]], np.array([1, -2, 3], dtype=np.int32), np.array([True, False]), 2, -1.5],
    ids=["nested-int-list", "int32-array", "bool-array", "python-int", "python-float"],
)
def test_ints_lists_bools_and_python_scalars_become_float64(name, value):
    function, params = UNARY[name]
    y = function(value, **params)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, function(np.asarray(value, dtype=np.float64), **params))


def test_float16_is_computed_in_float32_and_complex_is_rejected():
    assert A.sigmoid(np.ones(3, np.float16)).dtype == np.float32
    with pytest.raises(TypeError, match="complex"):
        A.sigmoid(np.ones(3, complex))


@pytest.mark.parametrize("name", UNARY)
def test_input_array_is_never_mutated_and_never_aliased(name):
    function, params = UNARY[name]
    for x in (_sample((4, 6)), _sample((4, 6), np.float32), _sample(()), _sample((6, 4)).T[::2]):
        before = x.copy()
        x.flags.writeable = False  # any write into the input would now raise
        y = function(x, **params)
        np.testing.assert_array_equal(x, before)
        assert not np.shares_memory(y, x)


@pytest.mark.parametrize("name", BACKWARD)
def test_backward_never_mutates_dout_or_x(name):
    function, params = BACKWARD[name]
    dout, x = _sample((4, 6), seed=1), _sample((4, 6))
    dout_before, x_before = dout.copy(), x.copy()
    dout.flags.writeable = x.flags.writeable = False
    dx = function(dout, x, **params)
    np.testing.assert_array_equal(dout, dout_before)
    np.testing.assert_array_equal(x, x_before)
    assert not np.shares_memory(dx, dout) and not np.shares_memory(dx, x)


def test_prelu_backward_never_mutates_its_inputs():
    dout, x, alpha = _sample((2, 3, 4), seed=1), _sample((2, 3, 4)), np.array([0.1, 0.2, 0.3])
    copies = [a.copy() for a in (dout, x, alpha)]
    A.prelu_backward(dout, x, alpha)
    for original, copy in zip((dout, x, alpha), copies):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize("name", UNARY)
def test_non_contiguous_input_gives_the_same_values_as_a_contiguous_copy(name):
    function, params = UNARY[name]
    x = _sample((6, 8))[::2, ::-1].T
    np.testing.assert_array_equal(function(x, **params), function(np.ascontiguousarray(x), **params))


@pytest.mark.parametrize("function",
                         [A.leaky_relu_backward, A.softmax_backward, A.log_softmax_backward])
def test_backward_rejects_dout_of_another_shape(function):
    with pytest.raises(ValueError, match="shape"):
        function(np.ones(3), np.ones(4))


def test_big_endian_input_is_accepted_and_gives_native_output():
    x = _sample(5).astype(">f8")
    np.testing.assert_array_equal(A.sigmoid(x), A.sigmoid(x.astype(np.float64)))


def _package_trees():
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        yield path.name, ast.parse(path.read_text(), filename=str(path))


FORBIDDEN_NODES = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
                   ast.GeneratorExp)
FORBIDDEN_CALLS = {"vectorize", "frompyfunc", "apply_along_axis", "apply_over_axes", "piecewise",
                   "fromiter", "map", "filter", "nditer", "ndenumerate", "ndindex"}
# Masked selects are several times slower than a plain ufunc pass on inputs of random
# sign (branch mispredictions; `make bench` prints the measured ratio); the package
# combines pieces arithmetically.
MASKED_SELECTS = {"where", "copyto", "putmask", "place", "heaviside", "select"}


def _is_the_block_loop(filename, node):
    """The one loop the package may have: ``for start in range(0, n, BLOCK_ELEMENTS)``.

    It drives the cache-blocked evaluation (``_arrays.evaluate_in_blocks``) and runs once
    per block of BLOCK_ELEMENTS elements, never once per element.
    """
    return (filename == "_arrays.py" and isinstance(node, ast.For)
            and isinstance(node.iter, ast.Call) and getattr(node.iter.func, "id", "") == "range"
            and len(node.iter.args) == 3
            and getattr(node.iter.args[2], "id", "") == "BLOCK_ELEMENTS")


def test_package_has_no_python_loops_comprehensions_or_vectorize():
    found, block_loops = [], 0
    for filename, tree in _package_trees():
        for node in ast.walk(tree):
            if _is_the_block_loop(filename, node):
                block_loops += 1
            elif isinstance(node, FORBIDDEN_NODES):
                found.append(f"{filename}:{node.lineno} {type(node).__name__}")
            if isinstance(node, ast.Call):
                function = node.func
                callee = getattr(function, "attr", None) or getattr(function, "id", "")
                if callee in FORBIDDEN_CALLS:
                    found.append(f"{filename}:{node.lineno} {callee}()")
    assert not found, found
    assert block_loops == 1
    assert len(list(_package_trees())) >= 10  # the scan really saw the modules


def test_package_avoids_masked_selects_which_are_slow_on_random_signs():
    found = []
    for filename, tree in _package_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                if getattr(node.func, "attr", None) in MASKED_SELECTS:
                    found.append(f"{filename}:{node.lineno} {node.func.attr}()")
                found += [f"{filename}:{node.lineno} where=" for k in node.keywords if k.arg == "where"]
    assert not found, found


def test_package_modules_do_not_import_torch_or_scipy():
    for filename, tree in _package_trees():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.split(".")[0] in {"torch", "scipy"} for n in names), filename


PUBLIC_FUNCTIONS = sorted(n for n in A.__all__ if inspect.isfunction(getattr(A, n)))
FORWARDS = sorted({e.forward.__name__ for e in A.ELEMENTWISE.values()}
                  | {"log_sigmoid", "softmax", "log_softmax", "maxout"})


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_every_public_function_has_a_numpy_style_docstring(name):
    doc = inspect.getdoc(getattr(A, name))
    assert doc, name
    assert "Parameters\n----------" in doc and "Returns\n-------" in doc, name


@pytest.mark.parametrize("name", FORWARDS)
def test_every_forward_docstring_states_formula_derivative_and_kink_convention(name):
    doc = inspect.getdoc(getattr(A, name))
    assert "=" in doc.splitlines()[0] + doc, name  # a formula
    assert "erivative" in doc, name
    assert "kink" in doc, name
