"""Grading spec: ReLU."""
from autograder.elementwise import Activation
from autograder.spec import Chapter, Exercise, check

RELU = Activation("relu", kinks=(0.0,))

CHAPTER = Chapter(
    name="relu",
    title="ReLU",
    exercises=(
        RELU.forward(),
        RELU.grad(),
        RELU.backward(),
        Exercise('he_init', 'he_init(fan_in, fan_out, rng)', (
            check(1, 'probe.dtype_and_shape("shape (fan_out, fan_in), float64", EXERCISE, {"fan_in": 512, "fan_out": 128, "rng": np.random.default_rng(0)})'),
            check(2, 'probe.random_init_statistics("statistics of a 512 -> 128 layer", EXERCISE, 512, 128, target_std=np.sqrt(2 / 512), seed=0, std_text="sqrt(2 / fan_in)")'),
            check(1, 'probe.random_init_statistics("statistics of a 64 -> 1000 layer", EXERCISE, 64, 1000, target_std=np.sqrt(2 / 64), seed=1, std_text="sqrt(2 / fan_in)")'),
        )),
    ),
)
