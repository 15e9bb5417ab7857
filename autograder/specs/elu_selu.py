"""Grading spec: ELU and SELU.

Both are declared activations with a kink at 0 (for ELU only when alpha != 1: at alpha = 1 both
one-sided slopes are 1). The reference library and PyTorch both return the left slope there
(alpha, and scale * alpha for SELU); any value between the one-sided slopes is accepted. One
check is added by hand to each forward pass: tiny negative inputs, where ``exp(x) - 1`` loses
its relative precision and ``expm1`` does not (compared relative to each value's size: a value
check's absolute floor of 1e-12 hides every error of ``exp(x) - 1``, which is below 1e-16).
``selu_constants(var)`` is checked against the published constants at var = 1 and against a
closed form (Gaussian integrals written with ``erfc``, independent of how the answer
integrates) at other variances, so that returning the published numbers does not pass.
"""
from dataclasses import replace

from autograder.elementwise import Activation, Variant
from autograder.spec import Chapter, CheckCell, Exercise, check

# Large enough that exp overflows in float64 (x = 1000) and in float32 (x = 100). Without 0: the
# derivative's extremes are compared value by value, and at the kink any subgradient is right
# (the kink has its own check).
EXTREMES = (-1e300, -1e4, -1000.0, -1.0, 1.0, 1000.0, 1e4, 1e300)
EXTREMES32 = (-1e38, -1000.0, -100.0, -1.0, 1.0, 100.0, 1000.0, 1e38)
SOLVER_RTOL = 1e-6   # "six significant digits": any sound quadrature gets 1e-10; Monte Carlo 1e-3
TINY_RTOL = 1e-12    # expm1 is right to ~1e-16 there; exp(x) - 1 is off by >= 1e-10 (eps / |x|)

ELU = Activation(
    "elu", params={"alpha": 1.0}, kinks=(0.0,), extremes=EXTREMES, extremes32=EXTREMES32,
    variants=(Variant({"alpha": 0.5}, "uses the alpha argument (alpha = 0.5: a kink at 0)"),
              Variant({"alpha": 1.7}, "alpha = 1.7 scales the negative side only")),
)
SELU = Activation("selu", kinks=(0.0,), extremes=EXTREMES, extremes32=EXTREMES32)

SETUP = '''
# Negative inputs so small that exp(x) rounds to within a few ulps of 1: exp(x) - 1 keeps few
# correct digits there, expm1(x) all of them.
tiny_negative = -np.logspace(-15, -6, 4)


def selu_closed_form(var):
    # (alpha, scale) for z ~ N(0, var), from E[exp(t z); z <= 0] = exp(t^2 var / 2) Phi(-t sqrt(var)).
    s = math.sqrt(var)

    def below(t):
        return math.exp(t * t * var / 2) * 0.5 * math.erfc(t * s / math.sqrt(2))

    alpha = s / math.sqrt(2 * math.pi) / (0.5 - below(1.0))
    second_moment = var / 2 + alpha ** 2 * (below(2.0) - 2 * below(1.0) + 0.5)
    return {"alpha": alpha, "scale": math.sqrt(var / second_moment)}
'''


def _with_tiny_inputs(activation: Activation) -> Exercise:
    exercise = activation.forward()
    tiny = check(1, 'accuracy.relatively_accurate("tiny negative inputs, where exp(x) - 1 cancels", EXERCISE, '
                    f'{{"x": tiny_negative}}, reference.{activation.name}, rtol={TINY_RTOL!r})')
    return replace(exercise, checks=exercise.checks[:1] + (tiny,) + exercise.checks[1:])


def _constants_check(points: int, title: str, expected: str, **kwargs) -> CheckCell:
    arguments = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return check(points, f'accuracy.close_to("{title}", EXERCISE, {{}}, {expected}, rtol={SOLVER_RTOL!r}{arguments})')


SELU_CONSTANTS = Exercise("selu_constants", "selu_constants(var=1.0)", (
    _constants_check(3, "the published constants at the default var = 1",
                     '{"alpha": reference.SELU_ALPHA, "scale": reference.SELU_SCALE}'),
    _constants_check(2, "var = 0.5: a fixed point at a smaller variance", "selu_closed_form(0.5)", var=0.5),
    _constants_check(2, "var = 2: a fixed point at a larger variance", "selu_closed_form(2.0)", var=2.0),
    _constants_check(1, "var = 0.1", "selu_closed_form(0.1)", var=0.1),
), imports=("import math", "import activations as reference"))

CHAPTER = Chapter(
    name="elu_selu",
    title="ELU and SELU",
    setup=SETUP,
    imports=("import numpy as np", "import autograder.probes as probe", "import autograder.accuracy_probes as accuracy"),
    exercises=(_with_tiny_inputs(ELU), ELU.grad(),
               _with_tiny_inputs(SELU), SELU.grad(), SELU_CONSTANTS),
    notes="selu_constants is graded on the defining property (published digits at var = 1, a closed "
          "form elsewhere) to a relative 1e-6, never on printed digits: a solver is right to its tolerance.",
)
