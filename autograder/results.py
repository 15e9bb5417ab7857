"""The grader's vocabulary: what a check observed, what the comparison concludes, and how sure.

Every other module of the grader speaks in these terms:

* **The tolerance policy** (below), in one place with its magnitudes: how close a number must
  be to the expected one, and the thresholds the probes measure against.
* **What a probe returns.** A probe prints one ``result:`` line (canonical JSON, see
  :mod:`autograder.canonical`); :func:`read_result` turns it back into a typed :data:`Result`:
  a :class:`Failure` (the function is missing, raised, hung or exited) or an :class:`Outcome`
  (the described return value, if the probe shows it, plus named :class:`Flag` measurements,
  warnings and patched modules). Reading never fails: anything unexpected is kept and described.
* **What the comparison concludes.** A :class:`Verdict` with a :class:`Kind`; each kind and
  each flag has its own student-facing sentence, and a test enumerates them all.
* **Grader faults.** :class:`GraderError` is raised when the grading machinery, not the
  student's code, fails; the CLI then reports "grading failed" and scores nothing.
"""
from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field

# --- the tolerance policy ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tolerance:
    """``|actual - expected| <= absolute + relative * |expected|``."""

    relative: float
    absolute: float

    def accepts(self, expected: float, actual: float) -> bool:
        return abs(actual - expected) <= self.absolute + self.relative * abs(expected)


# Printed values carry 3, 6 or 10 significant digits (float16, float32, float64); a correct
# answer that lands one rounding step away from the reference is accepted by a few units of that
# precision, and nothing coarser is.
VALUE_TOLERANCE = {"float16": Tolerance(5e-2, 1e-3), "float32": Tolerance(5e-5, 1e-6)}
DEFAULT_VALUE_TOLERANCE = Tolerance(1e-8, 1e-12)   # float64 and Python numbers
# A float64 result computed partly in float32 is off by ~1e-7 relative: within this, but not
# within the float64 tolerance, the feedback says "float32 rounding" instead of "wrong values".
FLOAT32_AGREEMENT = VALUE_TOLERANCE["float32"]

FD_STEP = 1e-6                  # centred differences in float64: error ~ h^2 f''' + eps/h ~ 1e-10
FD_RELATIVE_TOLERANCE = 1e-6    # CS231n's rel_error; a correct elementwise derivative gives ~1e-9
NETWORK_FD_STEP = 1e-3          # a network is piecewise linear per parameter: only rounding, ~1e-10
GRADIENT_RELATIVE_TOLERANCE = 1e-7   # CS231n: "1e-7 and less you should be happy"
MAX_STEPS_PER_ELEMENT = 0.1     # a per-element loop runs >= 1 interpreted step per element, vectorised ~0
INIT_STD_TOLERANCE = 0.05       # relative; the sample std of 6.5e4 draws is within 0.3% of the true one
INIT_MEAN_STANDARD_ERRORS = 5.0
HE_STD_TOLERANCE = 0.10         # sampling error of a std over >= 640 draws is < 3 %
TRAINING_DROP = 10.0            # "the loss drops by an order of magnitude"


def tolerance_for(dtype: str | None) -> Tolerance:
    return VALUE_TOLERANCE.get(str(dtype), DEFAULT_VALUE_TOLERANCE)


# --- what a probe returns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Array:
    """A NumPy array (or a NumPy scalar, described as the 0-d array it stands for)."""

    dtype: str | None
    shape: tuple | None
    values: tuple | None = None   # None when the array is too large or not numeric

    def text(self) -> str:
        if self.dtype is None or self.shape is None:
            return "an array"
        return f"a {self.dtype} array of shape {self.shape}"


@dataclass(frozen=True)
class Number:
    """A Python ``int``, ``float`` or ``bool``."""

    type: str
    value: object

    def text(self) -> str:
        return f"a Python {self.type}"


@dataclass(frozen=True)
class Sequence:
    """A list or a tuple; ``items`` is None when it was too long to describe item by item."""

    type: str
    items: tuple | None
    length: int

    def text(self) -> str:
        return f"a {self.type} of {self.length} item{'s' if self.length != 1 else ''}"


@dataclass(frozen=True)
class Mapping:
    """A dict with string keys."""

    entries: dict

    def text(self) -> str:
        return f"a dict with keys {', '.join(map(repr, self.entries)) or '(none)'}"


@dataclass(frozen=True)
class NoneValue:
    def text(self) -> str:
        return "None (did you forget `return`?)"


@dataclass(frozen=True)
class Other:
    """Any other object, known by its type name only."""

    type: str

    def text(self) -> str:
        return f"a {self.type}"


Value = Array | Number | Sequence | Mapping | NoneValue | Other


class FailureKind(enum.Enum):
    MISSING = "missing"
    NOT_IMPLEMENTED = "not implemented"
    RAISED = "raised"
    TIMEOUT = "timeout"
    EXIT = "exit"


@dataclass(frozen=True)
class Failure:
    """The function did not return: missing, raised, ran out of time, or tried to exit."""

    kind: FailureKind
    exception: str = ""
    message: str = ""


class Flag(enum.Enum):
    """A named measurement a probe prints, and what a student reads when it differs.

    The value is ``(key, sentence)``; when several differ, the first in this order is told. A key
    with ``{}`` is a family (the blank is filled by the
    probe, e.g. the target spread's formula). Sentences may use ``{value}`` (what was measured),
    ``{listed}`` (a list value, or the keys of a dict whose values are not true), ``{returned}``
    (what the function returned, described), ``{function}`` (the function called first) and
    ``{last}`` (the function called last).
    """

    INPUTS_CHANGED = ("inputs_changed", "it modified its input {listed} in place; work on a copy or build a new array")
    VECTORISED = ("vectorised", "not vectorised: it handles one element at a time in Python")
    VALID_SUBGRADIENT = ("valid_subgradient", "the value at the kink is not a valid subgradient: any value between "
                                              "the slopes on either side is, others are not")
    AGREES_WITH_FD = ("agrees_with_finite_differences", "disagrees with centred finite differences{for_listed}: "
                                                        "the derivative is not the slope of the function")
    AGREES_WITH_TORCH = ("agrees_with_torch_autograd", "disagrees with torch autograd on the same network "
                                                       "and weights{for_listed}")
    DISAGREEING = ("disagreeing", "the gradients that disagree are {listed}")
    COMPARABLE = ("comparable", "returned {returned}: this check needs numbers in an array, shaped as the exercise asks")
    CUSTOM_FUNCTION = ("custom_autograd_function", "its output is not computed by a torch.autograd.Function "
                                                   "subclass, so your backward never runs: return "
                                                   "YourFunction.apply(...)")
    OUT_AND_CACHE = ("returns_out_and_cache", "{function} must return (out, cache), a pair; it returned "
                                              "{returned}")
    LOSS_AND_DOUT = ("returns_loss_and_dout", "{function} must return (loss, dout): the loss as one number and "
                                              "dL/dout shaped like out; it returned {returned}")
    GRADIENT_DICT = ("returns_gradient_dict", "{last} must return a dict with one gradient for each entry of "
                                              "params, under the same keys; it returned {returned}")
    PARAMS_DICT = ("returns_dict", "{function} must return a dict of parameters W1, b1, ...; it returned "
                                   "{returned}")
    PARAMS_AND_LOSSES = ("returns_params_and_losses", "{function} must return (params, losses), a pair; it "
                                                      "returned {returned}")
    PARAMETER_LAYOUT = ("dtype_and_shape", "the parameters' keys, dtypes or shapes are not the ones asked for: "
                                           "{changes}")
    BIASES_ZERO = ("biases_zero", "the biases do not start at zero")
    HE_STD = ("he_std", "the spread of {listed} is not He's sqrt(2 / fan_in) (within 10%): it is {ratios} times "
                        "that")
    SAME_SEED_ARRAYS = ("same_seed_same_arrays", "two calls with the same seed gave different arrays: draw every "
                                                 "random number from the rng argument")
    OTHER_SEED_ARRAYS = ("other_seed_other_arrays", "another seed gave the same arrays: the rng argument is not used")
    PARAMS_FIT = ("params_fit_the_data", "the returned parameters do not make a network from X's width to Y's "
                                         "width: size the first layer from X.shape[1] and the last from Y.shape[1]")
    ONE_LOSS_PER_STEP = ("one_loss_per_step", "it does not record exactly one loss per step")
    LOSSES_FINITE = ("losses_finite", "some recorded losses are NaN or infinite: the training diverges "
                                      "(a wrong gradient, or a learning rate used wrongly)")
    LOSS_DROPPED = (f"loss_dropped_{TRAINING_DROP:g}x", f"the loss of the returned parameters is not "
                                                       f"{TRAINING_DROP:g}x below the loss of the initial ones: "
                                                       f"the training does not learn (are the updates kept?)")
    FIRST_LOSS_IS_INITIAL = ("first_loss_is_initial_loss", "the first recorded loss is not the mean squared error "
                                                           "of the initial parameters: record mse_loss's loss "
                                                           "before each step")
    SAME_SEED_LOSSES = ("same_seed_same_losses", "two runs with the same seed recorded different losses: take "
                                                 "every random number from the seed argument")
    SHARES_MEMORY = ("shares_memory_with_input", "it returns the caller's own array {listed} (or a view of it); "
                                                 "return new arrays, so that changing the result cannot change "
                                                 "the input")
    EXAMINABLE = ("result_examinable", "the grader could not examine what it returned (see 'measured'): return "
                                       "the kind of value the exercise asks for")
    TAMPERED = ("tampered", "it replaced {listed} while it ran (the grader put the originals back): a function "
                            "must not patch numpy or builtins")
    INIT_MEAN = ("mean within 5 standard errors of 0", "the weights' mean is not 0 (within 5 standard errors): draw "
                                                       "from a distribution centred on 0")
    INIT_STD = ("std within 5% of {}", "the weights' standard deviation is not within 5% of the target")
    INIT_STD_RATIO = ("std / {}, to 1 decimal", "the weights' standard deviation is {value} times the target "
                                                "(expected {expected}): the scale is wrong")
    INIT_SAME_SEED = ("same seed, same weights", "two calls with the same seed gave different weights: draw from "
                                                 "the rng argument, not np.random")
    INIT_OTHER_SEED = ("another seed, other weights", "another seed gave the same weights: the rng argument is "
                                                      "not used")
    NUMBERS_RETURNED = ("returns {} finite numbers ({})", "it does not return what the exercise asks for "
                                                          "({key}); it returned {returned}")
    ELEMENTS_CLOSE = ("every element within {} (relative) of the reference", "some elements are further from the "
                                                                            "reference than the tolerance allows "
                                                                            "(the worst is under 'measured')")
    CONSTANT_CLOSE = ("{} within {} (relative) of {}", "a returned constant is off: it is not true that {key}")
    MINIMISER_PAIR = ("returns_minimiser_and_minimum", "{function} must return (x, minimum), two numbers; it "
                                                       "returned {returned}")
    STATIONARY = ("stationary_within_tolerance", "the returned x is not a minimiser: the derivative there is not 0 "
                                                 "within the tolerance")
    MINIMUM_VALUE = ("minimum_is_the_value_at_the_minimiser", "the returned minimum is not the function's value at "
                                                              "the returned x")

    @property
    def key(self) -> str:
        return self.value[0]

    @property
    def sentence(self) -> str:
        return self.value[1]

    def key_for(self, *blanks) -> str:
        """The printed key of a family flag, e.g. ``std within 5% of sqrt(2 / fan_in)``."""
        return self.key.format(*blanks)

    @classmethod
    def of(cls, key: str) -> Flag | None:
        for flag in cls:
            if flag.key == key or ("{}" in flag.key and re.fullmatch(
                    re.escape(flag.key).replace(r"\{\}", ".+"), key)):
                return flag
        return None


# Named parts of a result that are values in their own right (mse_loss returns two).
PARTS = {"loss": "the loss", "dout": "dL/dout"}


@dataclass(frozen=True)
class Outcome:
    """A probe's result when the function returned: its value described, and named measurements."""

    value: Value | None = None
    flags: dict = field(default_factory=dict)     # printed key -> measured value
    parts: dict = field(default_factory=dict)     # part name -> Value
    warnings: tuple = ()
    tampered: tuple = ()


@dataclass(frozen=True)
class Unreadable:
    """A result line that is not a canonical description (kept as text for the message)."""

    text: str


Result = Failure | Outcome | Unreadable

_VALUE_KEYS = {"type", "dtype", "shape", "values", "items", "length", "entries"}


def _shape(raw) -> tuple | None:
    if isinstance(raw, list) and all(isinstance(n, int) and not isinstance(n, bool) for n in raw):
        return tuple(raw)
    return None


def read_value(raw) -> Value:
    """A canonical value description (a dict from :func:`autograder.canonical.describe`), typed."""
    if not isinstance(raw, dict):
        return Other(type(raw).__name__)
    kind = raw.get("type")
    if kind == "ndarray":
        values = raw.get("values")
        return Array(str(raw["dtype"]) if "dtype" in raw else None, _shape(raw.get("shape")),
                     tuple(values) if isinstance(values, list) else None)
    if kind in ("int", "float", "bool"):
        values = raw.get("values")
        return Number(kind, values[0] if isinstance(values, list) and values else None)
    if kind in ("list", "tuple"):
        items = raw.get("items")
        if isinstance(items, list):
            return Sequence(kind, tuple(read_value(item) for item in items), len(items))
        length = raw.get("length")
        return Sequence(kind, None, length if isinstance(length, int) else 0)
    if kind == "dict" and isinstance(raw.get("entries"), dict):
        return Mapping({str(k): read_value(v) for k, v in raw["entries"].items()})
    if kind == "None":
        return NoneValue()
    return Other(str(kind) if kind is not None else "object")


def _strings(raw) -> tuple:
    return tuple(str(item) for item in raw) if isinstance(raw, list) else (str(raw),)


def read_result(raw) -> Result:
    """The ``result:`` line of a check, typed; never raises, whatever ``raw`` is."""
    if not isinstance(raw, dict):
        return Unreadable(str(raw))
    if "missing" in raw:
        return Failure(FailureKind.MISSING, "", str(raw["missing"]))
    if "raised" in raw:
        exception, message = str(raw["raised"]), str(raw.get("message", ""))
        kind = {"NotImplementedError": FailureKind.NOT_IMPLEMENTED, "Timeout": FailureKind.TIMEOUT,
                "SystemExit": FailureKind.EXIT}.get(exception, FailureKind.RAISED)
        return Failure(kind, exception, message)
    value = read_value(raw) if "type" in raw else None
    parts = {key: read_value(raw[key]) for key in PARTS if isinstance(raw.get(key), dict)}
    flags = {key: item for key, item in raw.items()
             if key not in _VALUE_KEYS | {"warnings", "tampered"} and key not in parts}
    return Outcome(value, flags, parts, _strings(raw.get("warnings", [])) if "warnings" in raw else (),
                   _strings(raw.get("tampered", [])) if "tampered" in raw else ())


# --- what the comparison concludes -----------------------------------------------------------


class Kind(enum.Enum):
    """What a check concluded; the value is the sentence a student reads (``{...}`` filled in)."""

    PASSED = "passes"
    NO_OUTPUT = "the check produced no output (the grader could not run it)"
    MISSING = "{name} is not defined: run its cell, and keep the function's name"
    NOT_IMPLEMENTED = "not implemented yet"
    RAISED = "raised {exception}: {message}"
    TIMEOUT = "{message}: is there an endless loop?"
    EXIT = "{message}: a function must return its result, never exit"
    WRONG_TYPE = "returned {actual}; expected {expected}"
    WRONG_LENGTH = "returned {actual} items; expected {expected}"
    MISSING_ENTRY = "the returned dict has no entry {key!r}"
    EXTRA_ENTRY = "the returned dict has an entry {key!r} that the exercise does not ask for; return only {keys}"
    WRONG_DTYPE = "returned dtype {actual}; expected {expected}{why}"
    FLOAT32_DTYPE = ("returned dtype float32; expected float64. The values agree to float32 rounding, so only the "
                     "precision is lost: keep float64 (no astype(np.float32), no float32 constants)")
    WRONG_SHAPE = "returned shape {actual}; expected {expected}"
    WRONG_NUMBER = "returned the number {actual}; expected {expected}"
    UNSTABLE = ("numerically unstable: it emitted {warnings}. A stable formula avoids overflow (e.g. exp of a "
                "large number) altogether")
    WRONG_VALUES = "{wrong} of {count} values differ; worst at index {index}{at}: expected {expected}, actual " \
                   "{actual}, error {error}"
    FLOAT32_ROUNDING = ("the values agree only to float32 precision (about 7 digits; worst at index {index}: "
                        "expected {expected}, actual {actual}): part of the computation runs in float32; keep "
                        "the input's float64 throughout")
    FLAG = "{sentence}"
    UNREADABLE = "the check printed a result the grader cannot read ({text}); please report this"
    REFERENCE_MISMATCH = ("the grading notebook has no stored expected result for this check: regenerate the "
                          "reference outputs with `make regrade-reference`")
    DIFFERENT = "the result differs from the reference: expected {expected}, got {actual}"

    def sentence(self, **fields) -> str:
        return self.value.format(**fields)


@dataclass
class Verdict:
    """The outcome of one check."""

    passed: bool
    kind: Kind = Kind.PASSED
    title: str = ""
    call: str = ""
    inputs: dict = field(default_factory=dict)   # input name -> Value
    expected: Result | None = None
    actual: Result | None = None
    problem: str = ""
    notes: list = field(default_factory=list)
    actual_text: str | None = None


class GraderError(Exception):
    """The grading machinery failed (not the student's code): nothing can be scored.

    ``cause`` says what broke, ``remedy`` what to do about it.
    """

    def __init__(self, cause: str, remedy: str = "try again; if it persists, report it with this message"):
        super().__init__(cause)
        self.cause, self.remedy = cause, remedy

    def __str__(self) -> str:
        return f"{self.cause}. {self.remedy[:1].upper()}{self.remedy[1:]}."


def is_number(value) -> bool:
    """A canonical number: a bool, int, float, or one of the strings "nan", "inf", "-inf"."""
    return isinstance(value, (bool, int, float)) or value in ("nan", "inf", "-inf")


def close(expected, actual, tolerance: Tolerance) -> bool:
    """Two canonical numbers within ``tolerance`` (NaN equals NaN; infinities must be equal)."""
    if not (is_number(expected) and is_number(actual)):
        return expected == actual
    e, a = float(expected), float(actual)
    if math.isnan(e) or math.isnan(a) or math.isinf(e) or math.isinf(a):
        return (math.isnan(e) and math.isnan(a)) or e == a
    return tolerance.accepts(e, a)
