"""Grading spec: Softplus, GELU, SiLU/Swish and Mish.

GELU's standard checks run their shape, dtype and extreme-input probes with its first variant,
``approximate="tanh"`` (so that an ignored argument shows everywhere); the exact erf form gets
the same probes again below, because that is where ``np.vectorize(math.erf)`` and the float64
scalar ``np.sqrt(2)`` hide.
"""
from dataclasses import replace

from autograder.elementwise import Activation, Variant
from autograder.spec import Chapter, Exercise, check

# exp(-x) overflows float64 beyond x = 709 and float32 beyond x = 88: the naive forms fail there.
SIGMOID_EXTREMES = (-1e4, -800.0, -100.0, -40.0, -1.0, 0.0, 1.0, 40.0, 100.0, 800.0, 1e4)
SIGMOID_EXTREMES32 = (-1e4, -200.0, -80.0, -20.0, 0.0, 20.0, 80.0, 200.0, 1e4)
# GELU's tanh form cubes x and its derivative squares it: keep x**3 finite, so that only a
# formula that really overflows fails.
GELU_EXTREMES = (-1e4, -800.0, -40.0, -10.0, -1.0, 0.0, 1.0, 10.0, 40.0, 800.0, 1e4)
GELU_EXTREMES32 = (-1e4, -100.0, -10.0, 0.0, 10.0, 100.0, 1e4)

SOFTPLUS = Activation(
    "softplus", params={"beta": 1.0}, grid=(-6.0, 6.0, 13),
    variants=(Variant({"beta": 2.0}, "uses the beta argument (beta = 2)"),
              Variant({"beta": 0.5}, "beta = 0.5: beta scales x inside the exponential and divides the log")),
    extremes=SIGMOID_EXTREMES, extremes32=SIGMOID_EXTREMES32,
)
GELU = Activation(
    "gelu", params={"approximate": "none"}, grid=(-4.0, 4.0, 17),
    variants=(Variant({"approximate": "tanh"}, "the tanh approximation (approximate='tanh')"),),
    extremes=GELU_EXTREMES, extremes32=GELU_EXTREMES32,
)
SILU = Activation("silu", grid=(-6.0, 6.0, 13), extremes=SIGMOID_EXTREMES, extremes32=SIGMOID_EXTREMES32)
MISH = Activation("mish", grid=(-6.0, 6.0, 13), extremes=SIGMOID_EXTREMES, extremes32=SIGMOID_EXTREMES32)

NEWTON_TOLERANCE = 1e-10


def _exact_gelu_checks(suffix: str) -> tuple:
    """The exact form's own dtype, extreme-input and loop checks (the generated ones use tanh)."""
    return (
        check(1, 'probe.dtype_and_shape("exact form: float32 in, float32 out", EXERCISE, {"x": gelu_in.grid32})'),
        check(1, 'probe.values("exact form: extreme inputs stay finite, with no warning", EXERCISE, '
                 '{"x": gelu_in.extremes})'),
        check(1, 'probe.values("exact form: extreme float32 inputs", EXERCISE, {"x": gelu_in.extremes32})'),
        check(1, 'probe.is_vectorised("exact form: vectorised, no per-element Python loop (np.vectorize is one)", '
                 f'EXERCISE, per_element(reference.gelu{suffix}))'),
    )


def _with(exercise: Exercise, *checks) -> Exercise:
    return replace(exercise, checks=exercise.checks + checks)


SILU_MINIMUM = Exercise("silu_minimum", "silu_minimum()", (
    check(2, 'number_probes.numbers("the minimiser and the minimum of SiLU", EXERCISE, {})'),
    check(2, 'number_probes.minimum_of("silu\'(minimiser) = 0 and minimum = silu(minimiser), '
             f'both within {NEWTON_TOLERANCE:g}", EXERCISE, reference.silu, reference.silu_grad, '
             f'{NEWTON_TOLERANCE!r})'),
), imports=("import activations as reference", "import autograder.number_probes as number_probes"))

CHAPTER = Chapter(
    name="gelu_silu_mish",
    title="Softplus, GELU, SiLU/Swish and Mish",
    notes="GELU's exact form is probed separately (see the spec's docstring).",
    exercises=(
        SOFTPLUS.forward(),
        SOFTPLUS.grad(),
        _with(GELU.forward(), *_exact_gelu_checks("")),
        _with(GELU.grad(), *_exact_gelu_checks("_grad"),
              check(1, 'probe.agrees_with_finite_differences("exact form: agrees with centred finite differences", '
                       'EXERCISE, {"x": gelu_in.grid}, reference.gelu)')),
        SILU.forward(),
        SILU.grad(),
        SILU_MINIMUM,
        MISH.forward(),
        MISH.grad(),
    ),
)
