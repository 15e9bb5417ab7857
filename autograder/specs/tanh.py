"""Grading spec: Tanh."""
from autograder.elementwise import Activation
from autograder.spec import Chapter, Exercise, check

TANH = Activation(
    "tanh", grid=(-4.0, 4.0, 17),
    extremes=(-1e4, -800.0, -20.0, -1.0, 0.0, 1.0, 20.0, 800.0, 1e4),
    extremes32=(-1e4, -100.0, -10.0, 0.0, 10.0, 100.0, 1e4),
)

SETUP = '''
batch = np.random.default_rng(21).standard_normal((32, 8))
rng = np.random.default_rng(22)
well_scaled = [rng.standard_normal((8, 8)) / np.sqrt(8) for _ in range(4)]
too_large = [rng.standard_normal((8, 8)) * 2.0 for _ in range(3)]
widths = [rng.standard_normal((16, 8)) / np.sqrt(8), rng.standard_normal((4, 16)) * 0.5]
'''

CHAPTER = Chapter(
    name="tanh",
    title="Tanh",
    setup=SETUP,
    exercises=(
        TANH.forward(),
        TANH.grad(),
        Exercise('tanh_saturation', 'tanh_saturation(x, weights, threshold=0.97)', (
            check(2, 'probe.values("four well-scaled layers: little saturation", EXERCISE, {"x": batch, "weights": well_scaled})'),
            check(2, 'probe.values("three layers with too-large weights: mostly saturated", EXERCISE, {"x": batch, "weights": too_large})'),
            check(1, 'probe.values("uses the threshold argument", EXERCISE, {"x": batch, "weights": well_scaled}, threshold=0.5)'),
            check(1, 'probe.values("layers of different widths, 8 -> 16 -> 4 (W has shape (n_out, n_in))", EXERCISE, {"x": batch, "weights": widths})'),
            check(1, 'probe.inputs_unchanged("x and weights are left unchanged", EXERCISE, {"x": batch, "weights": well_scaled})'),
        )),
    ),
)
