"""Grading spec: PReLU, randomized and thresholded ReLU.

The thresholded ReLU is an elementwise :class:`~autograder.elementwise.Activation` with a jump at
``theta``. PReLU is not: its slope is an array with one value per channel (axis 1, PyTorch's
convention) or a single shared value, and its backward pass returns the gradient of the slope
too, summed over every axis that shares it. Those checks are written by hand below, on inputs
chosen so that each catalogued shortcut shows: an input whose last axis has as many entries as
its channel axis (broadcasting alpha on the last axis runs, and is wrong), a slope above 1
(``max(alpha * x, x)`` is wrong), a one-element alpha (dalpha keeps alpha's shape).
"""
from autograder.elementwise import Activation, Variant
from autograder.spec import Chapter, Exercise, check

THRESHOLDED_RELU = Activation(
    "thresholded_relu", params={"theta": 1.0}, kinks=("theta",), at_kink="reference",
    variants=(Variant({"theta": 0.5}, "uses the theta argument"),
              Variant({"theta": 0.0}, "theta = 0 is ReLU")),
)

SETUP = '''
pr_rng = np.random.default_rng(2015)
pr_grid = np.linspace(-3.0, 3.0, 13)
pr_grid32 = pr_grid.astype(np.float32)
pr_away = np.sort(np.concatenate([pr_grid[pr_grid != 0.0], [-1e-3, 1e-3]]))   # no exact zero: the kink
pr_integers = np.arange(-3, 4)
pr_extremes = np.array([-1e300, -1e4, -1.0, 0.0, 1.0, 1e4, 1e300])
pr_image = pr_rng.standard_normal((2, 3, 4, 5))            # (N, C, H, W): three channels on axis 1
pr_image_dout = pr_rng.standard_normal((2, 3, 4, 5))
pr_square = pr_rng.standard_normal((4, 3, 3))              # (N, C, L) with L == C: last-axis alpha runs
pr_square_dout = pr_rng.standard_normal((4, 3, 3))
pr_table = pr_rng.standard_normal((5, 3))                  # (N, C): a fully connected layer's output
pr_table_dout = pr_rng.standard_normal((5, 3))
pr_line_dout = pr_rng.standard_normal(pr_away.shape)
pr_alphas = np.array([0.1, 0.25, 1.5])                     # one per channel; 1.5 > 1 on purpose
pr_alphas32 = pr_alphas.astype(np.float32)
pr_one_alpha = np.array([0.25])                            # torch.nn.PReLU()'s weight: shape (1,)
'''

_IMPORTS = ("import activations as reference", "from autograder.elementwise import per_element")


def _prelu() -> Exercise:
    return Exercise("prelu", "prelu(x, alpha)", (
        check(2, 'probe.values("shared slope alpha=0.25 on a grid through the kink", EXERCISE, {"x": pr_grid, "alpha": 0.25})'),
        check(1, 'probe.values("a shared slope above 1 (alpha=1.5), where max(alpha*x, x) is wrong", EXERCISE, {"x": pr_grid, "alpha": 1.5})'),
        check(2, 'probe.values("one slope per channel: alpha (3,) on x (2, 3, 4, 5), channels on axis 1", EXERCISE, {"x": pr_image, "alpha": pr_alphas})'),
        check(1, 'probe.values("channels on axis 1 even when the last axis also has 3 entries: x (4, 3, 3)", EXERCISE, {"x": pr_square, "alpha": pr_alphas})'),
        check(1, 'probe.values("one slope per feature of a (N, C) input", EXERCISE, {"x": pr_table, "alpha": pr_alphas})'),
        check(1, 'probe.values("a one-element alpha (torch.nn.PReLU\'s default) is shared by every element", EXERCISE, {"x": pr_image, "alpha": pr_one_alpha})'),
        check(1, 'probe.values("a 0-d input", EXERCISE, {"x": np.array(-1.5), "alpha": 0.25})'),
        check(1, 'probe.dtype_and_shape("float32 in, float32 out (per-channel float32 alpha)", EXERCISE, {"x": pr_image.astype(np.float32), "alpha": pr_alphas32})'),
        check(1, 'probe.dtype_and_shape("integers in, float64 out", EXERCISE, {"x": pr_integers, "alpha": 0.25})'),
        check(1, 'probe.inputs_unchanged("x and alpha are left unchanged", EXERCISE, {"x": pr_image, "alpha": pr_alphas})'),
        check(1, 'probe.values("extreme inputs stay finite, with no warning", EXERCISE, {"x": pr_extremes, "alpha": 0.25})'),
        check(1, 'probe.is_vectorised("vectorised: no per-element Python loop", EXERCISE, per_element(reference.prelu), alpha=0.25)'),
    ), imports=_IMPORTS)


def _prelu_grad() -> Exercise:
    return Exercise("prelu_grad", "prelu_grad(x, alpha)", (
        check(2, 'probe.values("derivative away from the kink, shared slope alpha=0.25", EXERCISE, {"x": pr_away, "alpha": 0.25})'),
        check(2, 'probe.values("one slope per channel: alpha (3,) on x (2, 3, 4, 5)", EXERCISE, {"x": pr_image, "alpha": pr_alphas})'),
        check(1, 'probe.values("channels on axis 1 even when the last axis also has 3 entries: x (4, 3, 3)", EXERCISE, {"x": pr_square, "alpha": pr_alphas})'),
        check(1, 'probe.values("a one-element alpha is shared by every element", EXERCISE, {"x": pr_image, "alpha": pr_one_alpha})'),
        check(1, 'probe.values("a 0-d input", EXERCISE, {"x": np.array(-1.5), "alpha": 0.25})'),
        check(1, 'probe.dtype_and_shape("float32 in, float32 out (per-channel float32 alpha)", EXERCISE, {"x": pr_image.astype(np.float32), "alpha": pr_alphas32})'),
        check(1, 'probe.dtype_and_shape("integers in, float64 out", EXERCISE, {"x": pr_integers, "alpha": 0.25})'),
        check(1, 'probe.inputs_unchanged("x and alpha are left unchanged", EXERCISE, {"x": pr_image, "alpha": pr_alphas})'),
        check(1, 'probe.agrees_with_finite_differences("agrees with centred finite differences", EXERCISE, {"x": pr_away}, reference.prelu, alpha=0.25)'),
        check(1, 'probe.subgradient_at("a valid subgradient at the kink x = 0", EXERCISE, {"x": np.zeros(3)}, low=0.25, high=1.0, alpha=0.25)'),
        check(1, 'probe.is_vectorised("vectorised: no per-element Python loop", EXERCISE, per_element(reference.prelu_grad), alpha=0.25)'),
    ), imports=_IMPORTS)


def _prelu_backward() -> Exercise:
    return Exercise("prelu_backward", "prelu_backward(dout, x, alpha)", (
        check(2, 'probe.values("(dx, dalpha) for a shared slope: dalpha sums over every element", EXERCISE, {"dout": pr_image_dout, "x": pr_image, "alpha": 0.25})'),
        check(2, 'probe.values("(dx, dalpha) per channel: dalpha (3,) sums over every axis but axis 1", EXERCISE, {"dout": pr_image_dout, "x": pr_image, "alpha": pr_alphas})'),
        check(1, 'probe.values("per channel when the last axis also has 3 entries: x (4, 3, 3)", EXERCISE, {"dout": pr_square_dout, "x": pr_square, "alpha": pr_alphas})'),
        check(1, 'probe.values("per feature of a (N, C) input: dalpha sums over the batch", EXERCISE, {"dout": pr_table_dout, "x": pr_table, "alpha": pr_alphas})'),
        check(1, 'probe.values("a one-element alpha gets a one-element dalpha", EXERCISE, {"dout": pr_image_dout, "x": pr_image, "alpha": pr_one_alpha})'),
        check(1, 'probe.values("a 1-d input near the kink, shared slope above 1 (alpha=1.5)", EXERCISE, {"dout": pr_line_dout, "x": pr_away, "alpha": 1.5})'),
        check(1, 'probe.dtype_and_shape("float32 in, float32 out (dx and dalpha)", EXERCISE, {"dout": pr_image_dout.astype(np.float32), "x": pr_image.astype(np.float32), "alpha": pr_alphas32})'),
        check(1, 'probe.inputs_unchanged("dout, x and alpha are left unchanged", EXERCISE, {"dout": pr_image_dout, "x": pr_image, "alpha": pr_alphas})'),
    ))


def _numerical_dalpha() -> Exercise:
    return Exercise("numerical_dalpha", "numerical_dalpha(dout, x, alpha, h=1e-3)", (
        check(2, 'probe.values("one shared slope: a 0-d estimate", EXERCISE, {"dout": pr_image_dout, "x": pr_image, "alpha": 0.25})'),
        check(2, 'probe.values("one slope per channel: each channel perturbed on its own", EXERCISE, {"dout": pr_image_dout, "x": pr_image, "alpha": pr_alphas})'),
        check(1, 'probe.values("per feature of a (N, C) input", EXERCISE, {"dout": pr_table_dout, "x": pr_table, "alpha": pr_alphas})'),
        check(1, 'probe.values("a one-element alpha gets a one-element estimate", EXERCISE, {"dout": pr_image_dout, "x": pr_image, "alpha": pr_one_alpha})'),
        check(1, 'probe.inputs_unchanged("dout, x and alpha are left unchanged", EXERCISE, {"dout": pr_image_dout, "x": pr_image, "alpha": pr_alphas})'),
    ))


CHAPTER = Chapter(
    name="prelu",
    title="PReLU, randomized and thresholded ReLU",
    setup=SETUP,
    notes=("PReLU's inputs never hold an exact 0 except in the kink check (a subgradient in [alpha, 1] "
           "is accepted there), so any convention at the kink grades the same. `pr_square` has as many "
           "entries on its last axis as on its channel axis: alpha broadcast on the last axis runs there "
           "and gives wrong values, where on `pr_image` it raises."),
    exercises=(_prelu(), _prelu_grad(), _prelu_backward(), _numerical_dalpha(),
               THRESHOLDED_RELU.forward(), THRESHOLDED_RELU.grad()),
)
