"""Elementwise activations, declared once: their forward, derivative and backward-pass checks.

An :class:`Activation` says what is particular to one function (its parameters and their
defaults, parameter values worth probing, where its kinks are and which value the course
accepts there, the input range of its grid and its extremes); :meth:`Activation.forward`,
:meth:`Activation.grad` and :meth:`Activation.backward` turn that into the same standard checks
for every activation, written as probe calls in the grading notebook:

* forward ``f(x, **params)``: values on a grid through the kinks, each declared parameter
  value, a 0-d and an n-d input, float32 kept, integers computed in float64, the input left
  unchanged, extremes finite without a warning, vectorised;
* derivative ``f_grad(x, **params)``: the same, away from the kinks, plus agreement with
  centred finite differences of the reference ``f`` and the accepted value at each kink;
* backward pass ``f_backward(dout, x, **params)``: ``dout * f_grad(x)``, the same shapes and
  dtypes, both inputs unchanged, finite differences times ``dout``.

At a kink the convention is either any subgradient (every value between the one-sided
derivatives of the reference, e.g. [alpha, 1] for Leaky ReLU at 0) or the reference library's
own value (PyTorch's convention, for a jump such as the thresholded ReLU's, where no value is a
derivative).

:class:`SampleInputs` builds the inputs in the grading kernel from seeded generators.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from autograder.spec import CheckCell, Exercise, SpecError

MAIN_POINTS = 2          # the first values check; every other generated check is worth 1
KINK_MARGIN = 0.05       # grid points closer than this to a kink are left out of derivative checks
NEAR_KINK = 1e-3         # ... and kink -/+ this is put in instead: the sides of the kink, still smooth
ONE_SIDED_STEP = 1e-7    # where the reference's one-sided derivatives are read at a kink
DEFAULT_EXTREMES = (-1e300, -1e4, -1.0, 0.0, 1.0, 1e4, 1e300)
IMPORTS = ("import activations as reference", "from autograder.elementwise import SampleInputs, per_element")


@dataclass(frozen=True)
class Variant:
    """Parameter values to probe, and what that check proves (its title)."""

    params: Mapping[str, object]
    title: str


@dataclass(frozen=True)
class Activation:
    """One elementwise activation of the reference library (``activations.<name>``)."""

    name: str
    params: Mapping[str, object] = field(default_factory=dict)   # defaults, in signature order
    variants: tuple[Variant, ...] = ()
    kinks: tuple[float | str, ...] = ()    # a str names the parameter that sets the kink (theta)
    at_kink: str = "subgradient"           # or "reference": the reference library's value there
    grid: tuple[float, float, int] = (-3.0, 3.0, 13)
    extremes: tuple[float, ...] = DEFAULT_EXTREMES
    extremes32: tuple[float, ...] = ()     # float32 extremes, for functions built on exp

    def __post_init__(self):
        if self.at_kink not in ("subgradient", "reference"):
            raise SpecError(f"{self.name}: at_kink must be 'subgradient' or 'reference'")
        for variant in self.variants:
            unknown = set(variant.params) - set(self.params)
            if unknown:
                raise SpecError(f"{self.name}: variant {variant.title!r} sets unknown parameters {sorted(unknown)}")
        for kink in self.kinks:
            if isinstance(kink, str) and kink not in self.params:
                raise SpecError(f"{self.name}: kink {kink!r} is not a parameter")
        low, high, _ = self.grid
        missing = [k for k in self.kink_points(self.params) if not np.any(np.isclose(self.grid_values(), k))]
        if missing or not low < high:
            raise SpecError(f"{self.name}: the grid {self.grid} must run through every kink {missing}")

    # --- what the checks are computed from ---------------------------------------------

    def grid_values(self) -> np.ndarray:
        low, high, n = self.grid
        return np.linspace(low, high, n)

    def kink_points(self, params: Mapping[str, object]) -> tuple[float, ...]:
        values = {**self.params, **params}
        return tuple(float(values[k]) if isinstance(k, str) else float(k) for k in self.kinks)

    @property
    def probe_params(self) -> dict:
        """The parameters of the shape, dtype and mutation checks: a non-default value when one
        is declared, so that an ignored or hard-coded parameter shows there too."""
        return dict(self.variants[0].params) if self.variants else {}

    def reference(self, suffix: str = ""):
        import activations
        return getattr(activations, self.name + suffix)

    def _inputs(self) -> str:
        return f"{self.name}_in"

    def setup(self) -> str:
        extremes32 = f", extremes32={self.extremes32!r}" if self.extremes32 else ""
        return (f"{self._inputs()} = SampleInputs(grid={self.grid!r}, extremes={self.extremes!r}"
                f"{extremes32})")

    def _away(self, params: Mapping[str, object]) -> str:
        kinks = self.kink_points(params)
        return f"{self._inputs()}.away_from({', '.join(repr(k) for k in kinks)})" if kinks else f"{self._inputs()}.grid"

    # --- the three exercises -------------------------------------------------------------

    def forward(self) -> Exercise:
        x = self._inputs()
        kinks = self.kink_points(self.params)
        where = (f"through the kink{'s' if len(kinks) > 1 else ''}" if kinks
                 else f"from {self.grid[0]:g} to {self.grid[1]:g}")
        checks = [_values(f"values on a grid {where}", f'{{"x": {x}.grid}}', {}, MAIN_POINTS)]
        checks += [_values(v.title, f'{{"x": {x}.grid}}', v.params) for v in self.variants]
        checks += self._common(f'{{"x": {x}.scalar}}', f'{{"x": {x}.cube}}', f'{{"x": {x}.grid32}}',
                               f'{{"x": {x}.integers}}', f'{{"x": {x}.grid}}', "the input array is left unchanged")
        checks.append(_values("extreme inputs stay finite, with no warning", f'{{"x": {x}.extremes}}',
                              self.probe_params))
        if self.extremes32:
            checks.append(_values("extreme float32 inputs, beyond exp's float32 range",
                                  f'{{"x": {x}.extremes32}}', self.probe_params))
        checks.append(self._vectorised(""))
        return Exercise(self.name, self._signature("x"), tuple(checks), self.setup(), IMPORTS)

    def grad(self) -> Exercise:
        x = self._inputs()
        away = self._away(self.params)
        title = "derivative away from the kink" if self.kinks else f"derivative on a grid from {self.grid[0]:g} to {self.grid[1]:g}"
        checks = [_values(title, f'{{"x": {away}}}', {}, MAIN_POINTS)]
        checks += [_values(v.title, f'{{"x": {self._away(v.params)}}}', v.params) for v in self.variants]
        checks += self._common(f'{{"x": {x}.scalar}}', f'{{"x": {x}.cube}}', f'{{"x": {x}.grid32}}',
                               f'{{"x": {x}.integers}}', f'{{"x": {away}}}', "the input array is left unchanged")
        checks.append(CheckCell("agrees with centred finite differences", 1, _call(
            "agrees_with_finite_differences", "agrees with centred finite differences",
            f'{{"x": {self._away(self.probe_params)}}}', self.probe_params, f"reference.{self.name}")))
        checks += self._kink_checks()
        kinks = ", ".join(repr(k) for k in self.kink_points(self.probe_params))
        extremes = f"{x}.extremes_away_from({kinks})" if kinks else f"{x}.extremes"
        checks.append(_values("extreme inputs stay finite, with no warning", f'{{"x": {extremes}}}',
                              self.probe_params))
        checks.append(self._vectorised("_grad"))
        return Exercise(f"{self.name}_grad", self._signature("x", "_grad"), tuple(checks), self.setup(), IMPORTS)

    def backward(self) -> Exercise:
        x = self._inputs()

        def pair(xs: str) -> str:
            return f'{{"dout": {x}.dout_for({xs}), "x": {xs}}}'

        away = self._away(self.params)
        checks = [_values("upstream gradient times the local slope", pair(away), {}, MAIN_POINTS)]
        checks += [_values(v.title, pair(self._away(v.params)), v.params) for v in self.variants]
        checks += self._common(pair(f"{x}.scalar"), pair(f"{x}.cube"),
                               f'{{"dout": {x}.dout_for({x}.grid32), "x": {x}.grid32}}',
                               f'{{"dout": {x}.dout_for({x}.integers), "x": {x}.integers}}',
                               pair(away), "dout and x are left unchanged")
        checks.append(CheckCell("agrees with dout times centred finite differences", 1, _call(
            "agrees_with_finite_differences", "agrees with dout times centred finite differences",
            pair(self._away(self.probe_params)), self.probe_params, f"reference.{self.name}")))
        return Exercise(f"{self.name}_backward", self._signature("dout, x", "_backward"), tuple(checks),
                        self.setup(), IMPORTS)

    # --- pieces ------------------------------------------------------------------------

    def _signature(self, arguments: str, suffix: str = "") -> str:
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"{self.name}{suffix}({arguments}{params})"

    def _common(self, scalar: str, cube: str, float32: str, integers: str, unchanged: str,
                unchanged_title: str) -> list[CheckCell]:
        p = self.probe_params
        return [
            _values("a 0-d input", scalar, p),
            _values("an n-d input keeps its shape", cube, p),
            CheckCell("float32 in, float32 out", 1,
                      _call("dtype_and_shape", "float32 in, float32 out", float32, p)),
            CheckCell("integers in, float64 out", 1,
                      _call("dtype_and_shape", "integers in, float64 out", integers, p)),
            CheckCell(unchanged_title, 1, _call("inputs_unchanged", unchanged_title, unchanged, p)),
        ]

    def _kink_checks(self) -> list[CheckCell]:
        p = self.probe_params
        checks = []
        for kink in self.kink_points(p):
            if self.at_kink == "subgradient":
                grad = self.reference("_grad")
                sides = [float(grad(np.array([kink + s * ONE_SIDED_STEP]), **p)[0]) for s in (-1, 1)]
                # The reference's own value at the kink is a one-sided limit that a curved side reaches
                # only in the limit (SELU's left slope scale*alpha*e^x is below it at -1e-7): include it.
                sides.append(float(grad(np.array([kink]), **p)[0]))
                low, high = min(sides), max(sides)
                title = f"a valid subgradient at the kink x = {kink:g}"
                source = _call("subgradient_at", title, f'{{"x": np.full(3, {kink!r})}}', p,
                               f"low={low!r}, high={high!r}")
            else:
                title = f"the reference convention at the kink x = {kink:g}"
                source = _call("values", title, f'{{"x": np.full(3, {kink!r})}}', p)
            checks.append(CheckCell(title, 1, source))
        return checks

    def _vectorised(self, suffix: str) -> CheckCell:
        title = "vectorised: no per-element Python loop"
        return CheckCell(title, 1, _call("is_vectorised", title, None, self.probe_params,
                                         f"per_element(reference.{self.name}{suffix})"))


def _call(probe: str, title: str, inputs: str | None, params: Mapping[str, object], *extra: str) -> str:
    """The source of one probe call on the exercise's function (see autograder.spec.EXERCISE)."""
    args = [repr(title), "EXERCISE"] + ([inputs] if inputs is not None else []) + list(extra)
    args += [f"{k}={v!r}" for k, v in params.items()]
    return f"probe.{probe}({', '.join(args)})"


def _values(title: str, inputs: str, params: Mapping[str, object], points: int = 1) -> CheckCell:
    return CheckCell(title, points, _call("values", title, inputs, params))


class SampleInputs:
    """The inputs of an activation's standard checks, the same on every machine.

    ``grid`` runs through the kinks; :meth:`away_from` replaces the grid points near given
    kinks by the kink -/+ 1e-3 (derivatives are checked where they exist); ``cube`` is a
    seeded (2, 3, 4) normal sample; :meth:`dout_for` a seeded upstream gradient for an input.
    """

    def __init__(self, grid: tuple[float, float, int], extremes: tuple[float, ...] = DEFAULT_EXTREMES,
                 extremes32: tuple[float, ...] = ()):
        self.grid = np.linspace(*grid)
        self.grid32 = self.grid.astype(np.float32)
        self.extremes = np.array(extremes, dtype=np.float64)
        self.extremes32 = np.array(extremes32, dtype=np.float32)
        self.scalar = np.array(-1.5)
        self.cube = np.random.default_rng(7).standard_normal((2, 3, 4))
        self.integers = np.arange(-3, 4)

    def away_from(self, *kinks: float) -> np.ndarray:
        keep = np.all([np.abs(self.grid - k) > KINK_MARGIN for k in kinks], axis=0)
        sides = [k + s * NEAR_KINK for k in kinks for s in (-1, 1)]
        return np.sort(np.concatenate([self.grid[keep], sides]))

    def extremes_away_from(self, *kinks: float) -> np.ndarray:
        """The extremes without the kinks: a derivative's value there is checked on its own,
        with every valid subgradient accepted."""
        return self.extremes[np.all([self.extremes != k for k in kinks], axis=0)]

    @staticmethod
    def dout_for(x) -> np.ndarray:
        """A seeded upstream gradient shaped like ``x``, in x's floating dtype (float64 for ints)."""
        x = np.asarray(x)
        return np.random.default_rng(11).standard_normal(x.shape).astype(np.result_type(x, 1.0))


def per_element(reference):
    """``reference`` applied to one Python float at a time: the loop a vectorised answer beats."""
    def scalar_version(v, **params):
        return float(reference(np.float64(v), **params))
    return scalar_version
