"""Functions that act across units, declared once: their forward and backward-pass checks.

The counterpart of :mod:`autograder.elementwise` for functions of the reference library whose
outputs depend on a whole slice along one axis: softmax and log-softmax normalise over it,
maxout takes maxima over groups of it. An :class:`AxisFunction` says what is particular to one
such function (its required parameters and the value probed, other values worth probing, whether
its slices are probabilities, whether its backward pass has ties to check); :meth:`~AxisFunction.forward`
and :meth:`~AxisFunction.backward` turn that into the same standard checks for each, written as
probe calls in the grading notebook:

* forward ``f(x, ..., axis=-1)``: values on a batch of rows along the default last axis, each
  declared parameter value, along axis 0, a 1-d input, a 3-d input along its middle axis, float32
  kept, integers computed in float64, the input left unchanged, logits of +-1000 finite without
  a warning, each row summing to 1 (for a softmax; its exponentials, for a log-softmax), and no
  Python loop over rows or units;
* backward ``f_backward(dout, x, ..., axis=-1)``: the vector-Jacobian product ``J(x)^T dout``
  on the same inputs and axes, agreement with centred finite differences of the reference
  (the gradient of ``sum(dout * f(x))``, element by element), both inputs unchanged, each row of
  a softmax's gradient summing to 0, a valid gradient where maxout's pieces tie (any split of
  ``dout`` among the tied maxima), and no loop.

Expected outputs are the solution's, as for every check; the reference library
(``activations.<name>``) is used only for finite differences and for the shape of ``dout``.
A 0-d input is not graded here: a slice of one unit is a degenerate case that the lessons
mention but do not ask for. :class:`AxisInputs` builds the inputs in the grading kernel from
seeded generators.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from autograder.elementwise import MAIN_POINTS, Variant
from autograder.spec import CheckCell, Exercise, SpecError

IMPORTS = ("import activations as reference", "import autograder.axis_probes as axis_probe",
           "from autograder.across_units import AxisInputs")
NORMALISED = {None: None, "probabilities": False, "log-probabilities": True}   # -> exponentiate before summing
UNITS = 6   # the length of the axis the function acts along in the sample inputs (divisible by 1, 2, 3, 6)


@dataclass(frozen=True)
class AxisFunction:
    """One function of the reference library (``activations.<name>``) that acts along ``axis``."""

    name: str
    required: Mapping[str, object] = field(default_factory=dict)   # parameters before axis -> value probed
    variants: tuple[Variant, ...] = ()
    normalised: str | None = None     # "probabilities" (rows sum to 1) or "log-probabilities"
    ties: tuple[int, ...] = ()        # maxout: the pieces values at which the backward pass is checked at ties

    def __post_init__(self):
        if self.normalised not in NORMALISED:
            raise SpecError(f"{self.name}: normalised must be one of {sorted(map(str, NORMALISED))}")
        for variant in self.variants:
            unknown = set(variant.params) - set(self.params)
            if unknown:
                raise SpecError(f"{self.name}: variant {variant.title!r} sets unknown parameters {sorted(unknown)}")
        for value in (*self.required.values(), *self.ties):
            if isinstance(value, int) and UNITS % value:
                raise SpecError(f"{self.name}: a probed value {value} must divide the sample axis length {UNITS}")

    @property
    def params(self) -> dict:
        """Every parameter after the array(s), in signature order, with the value probed (and
        axis's default): what :mod:`autograder.mistakes.common` needs to write a wrong answer."""
        return {**self.required, "axis": -1}

    def _inputs(self) -> str:
        return f"{self.name}_in"

    def setup(self) -> str:
        params = "".join(f", {k}={v!r}" for k, v in self.required.items())
        return f"{self._inputs()} = AxisInputs({self.name!r}{params})"

    def _signature(self, arrays: str, suffix: str = "") -> str:
        required = "".join(f", {k}" for k in self.required)
        return f"{self.name}{suffix}({arrays}{required}, axis=-1)"

    # --- the two exercises ----------------------------------------------------------------

    def forward(self) -> Exercise:
        x = self._inputs()

        def one(xs: str, **_) -> str:
            return f'{{"x": {x}.{xs}}}'

        checks = self._shared(one, "values on a batch of rows", "the input array is left unchanged")
        if self.normalised:
            exponentiate = NORMALISED[self.normalised]
            title = f"each row's {'exponentials sum' if exponentiate else 'values sum'} to 1"
            checks.append(CheckCell(title, 1, _call("axis_probe.sums", title, one("batch"), dict(self.required),
                                                    "along=-1", f"exponentiate={exponentiate}")))
        checks.append(self._vectorised(f"{x}.forward_batch"))
        return Exercise(self.name, self._signature("x"), tuple(checks), self.setup(), IMPORTS)

    def backward(self) -> Exercise:
        x = self._inputs()

        def pair(xs: str, **params) -> str:
            kw = "".join(f", {k}={v!r}" for k, v in {**self.required, **params}.items())
            return f'{{"dout": {x}.dout_for({x}.{xs}{kw}), "x": {x}.{xs}}}'

        checks = self._shared(pair, "upstream gradient times the Jacobian, on a batch of rows",
                              "dout and x are left unchanged")
        title = "agrees with finite differences of the reference (a vector-Jacobian product)"
        checks.append(CheckCell(title, 1, _call("axis_probe.agrees_with_finite_differences", title, pair("batch"),
                                                dict(self.required), f"reference.{self.name}")))
        if self.normalised:
            title = "each row of the gradient sums to 0 (the outputs' sum is constant)"
            checks.append(CheckCell(title, 1, _call("axis_probe.sums", title, pair("batch"), dict(self.required),
                                                    "along=-1")))
        if self.ties:
            title = "a valid gradient where pieces tie"
            for pieces in self.ties:
                checks.append(CheckCell(f"{title} (pieces={pieces})", 1, _call(
                    "axis_probe.routes_at_ties", f"{title} (pieces={pieces})", pair("ties", pieces=pieces), {},
                    f"pieces={pieces!r}")))
        checks.append(self._vectorised(f"{x}.backward_batch"))
        return Exercise(f"{self.name}_backward", self._signature("dout, x", "_backward"), tuple(checks),
                        self.setup(), IMPORTS)

    # --- pieces ---------------------------------------------------------------------------

    def _shared(self, inputs, main: str, unchanged_title: str) -> list[CheckCell]:
        """The checks forward and backward passes have in common; ``inputs(sample, **params)``
        writes the inputs dict of a check on ``AxisInputs.<sample>``, ``main`` titles the first."""
        p = dict(self.required)
        checks = [_values(f"{main} (along the last axis, the default)", inputs("batch"), p, MAIN_POINTS)]
        checks += [_values(v.title, inputs("batch", **{k: v.params[k] for k in self.required if k in v.params}),
                           {**p, **v.params}) for v in self.variants]
        checks += [
            _values("along axis 0 (axis=0)", inputs("tall", axis=0), {**p, "axis": 0}),
            _values("a 1-d input", inputs("vector"), p),
            _values("a 3-d input, along its middle axis (axis=1)", inputs("cube", axis=1),
                    {**p, "axis": 1}),
            CheckCell("float32 in, float32 out", 1,
                      _call("probe.dtype_and_shape", "float32 in, float32 out", inputs("batch32"), p)),
            CheckCell("integers in, float64 out", 1,
                      _call("probe.dtype_and_shape", "integers in, float64 out", inputs("integers"), p)),
            CheckCell(unchanged_title, 1, _call("probe.inputs_unchanged", unchanged_title, inputs("batch"), p)),
            _values("logits of +-1000 stay finite, with no warning", inputs("extremes"), p),
        ]
        return checks

    def _vectorised(self, builder: str) -> CheckCell:
        title = "vectorised: no Python loop over rows or units"
        return CheckCell(title, 1, _call("axis_probe.is_vectorised", title, builder, dict(self.required)))


def _call(probe: str, title: str, inputs: str, params: Mapping[str, object], *extra: str) -> str:
    """The source of one probe call on the exercise's function (see autograder.spec.EXERCISE)."""
    args = [repr(title), "EXERCISE", inputs, *extra] + [f"{k}={v!r}" for k, v in params.items()]
    return f"{probe}({', '.join(args)})"


def _values(title: str, inputs: str, params: Mapping[str, object], points: int = 1) -> CheckCell:
    return CheckCell(title, points, _call("probe.values", title, inputs, params))


class AxisInputs:
    """The inputs of an across-units function's standard checks, the same on every machine.

    Every sample has UNITS entries along the axis the function acts on: ``batch`` (4, 6) and its
    float32 and integer versions, along the last axis; ``tall`` (6, 5), along axis 0; ``vector``
    (6,); ``cube`` (2, 6, 3), along axis 1; ``extremes``, logits of +-1000 (one row all near
    -1000, where a naive exp underflows to 0/0); ``ties``, rows with equal maxima in groups of 2
    and of 3. The normal samples are scaled by 2; in them and in ``extremes`` no two pieces of a
    group of 2 or 3 come closer than the finite-difference step (a test keeps this true). :meth:`dout_for` is a seeded upstream
    gradient shaped like the reference's output for the same call.
    """

    def __init__(self, name: str, **params):
        self.name, self.params = name, params
        self.batch = 2 * np.random.default_rng(7).standard_normal((4, UNITS))
        self.batch32 = self.batch.astype(np.float32)
        self.integers = np.array([[-3, -1, 0, 1, 2, 5], [4, 4, 0, -2, 1, 3]])
        self.tall = 2 * np.random.default_rng(8).standard_normal((UNITS, 5))
        self.vector = 2 * np.random.default_rng(9).standard_normal(UNITS)
        self.cube = 2 * np.random.default_rng(10).standard_normal((2, UNITS, 3))
        self.extremes = np.array([[1000.0, -1000.0, 0.0, 999.0, -999.0, 1.0],
                                  [-1000.0, -1000.5, -999.0, -1001.0, -1000.25, -999.5]])
        self.ties = np.array([[1.0, 1.0, 0.0, 2.0, 2.0, 2.0], [0.5, -1.0, 3.0, 3.0, -1.0, 3.0]])

    def _reference(self):
        import activations
        return getattr(activations, self.name)

    def dout_for(self, x, axis: int = -1, **params) -> np.ndarray:
        """A seeded upstream gradient shaped like ``reference(x, axis=axis, **params)``, in x's
        float dtype (float64 for integers)."""
        shape = self._reference()(x, axis=axis, **{**self.params, **params}).shape
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
        return np.random.default_rng(11).standard_normal(shape).astype(dtype)

    def forward_batch(self, rows: int, units: int) -> dict:
        """A (rows, units) normal sample, for the vectorisation check."""
        return {"x": np.random.default_rng(12).standard_normal((rows, units))}

    def backward_batch(self, rows: int, units: int) -> dict:
        x = self.forward_batch(rows, units)["x"]
        return {"dout": self.dout_for(x), "x": x}
