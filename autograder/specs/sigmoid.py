"""Grading spec: Sigmoid."""
from autograder.elementwise import Activation
from autograder.spec import Chapter, Exercise, check

SIGMOID = Activation(
    "sigmoid", grid=(-6.0, 6.0, 13),
    extremes=(-1e4, -800.0, -100.0, -40.0, 0.0, 40.0, 100.0, 800.0, 1e4),
    extremes32=(-1e4, -200.0, -80.0, -20.0, 0.0, 20.0, 80.0, 200.0, 1e4),
)

SETUP = '''
starts = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
cube = np.random.default_rng(7).standard_normal((2, 3, 4))
chain3 = [2.0, -1.5, 3.0]
chain8 = [1.0, -1.0] * 4


def chain_forward(x, weights):
    # Every layer's output y_1..y_k of the chain, stacked: (k,) + x.shape.
    rows, y = [], x
    for w in weights:
        y = reference.sigmoid(w * y)
        rows.append(y)
    return np.stack(rows)
'''

CHAPTER = Chapter(
    name="sigmoid",
    title="Sigmoid",
    imports=("import numpy as np", "import activations as reference", "import autograder.probes as probe"),
    setup=SETUP,
    exercises=(
        SIGMOID.forward(),
        SIGMOID.grad(),
        Exercise('sigmoid_chain_grad', 'sigmoid_chain_grad(x, weights)', (
            check(1, 'probe.values("one layer: w * sigmoid\'(w x)", EXERCISE, {"x": starts}, weights=[2.0])'),
            check(2, 'probe.values("three layers, weights 2, -1.5, 3", EXERCISE, {"x": starts}, weights=chain3)'),
            check(1, 'probe.values("eight layers: the gradient shrinks with depth", EXERCISE, {"x": starts}, weights=chain8)'),
            check(1, 'probe.agrees_with_finite_differences("agrees with centred finite differences of every layer\'s output", EXERCISE, {"x": starts}, chain_forward, weights=chain3)'),
            check(1, 'probe.dtype_and_shape("an n-d input: shape (k,) + x.shape", EXERCISE, {"x": cube}, weights=chain3)'),
            check(1, 'probe.dtype_and_shape("float32 in, float32 out", EXERCISE, {"x": starts.astype(np.float32)}, weights=chain3)'),
            check(1, 'probe.inputs_unchanged("x and weights are left unchanged", EXERCISE, {"x": starts, "weights": chain3})'),
        )),
    ),
)
