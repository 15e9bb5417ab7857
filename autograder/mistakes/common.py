"""Mistakes that any elementwise exercise can carry, generated for a declared activation.

Each function here takes an :class:`autograder.elementwise.Activation` and the role of the
exercise (``"forward"``, ``"grad"`` or ``"backward"``) and returns a :class:`Mistake` whose code
is the wrong answer for that exercise, built around the reference implementation so that only
the mistake itself is wrong. A chapter lists the ones its students make, beside its own::

    MISTAKES = [common.scalar_branch(LEAKY_RELU, "forward", note="..."), ...]

``note`` adds what is particular to the chapter (which source article makes the mistake).
"""
from __future__ import annotations

from autograder.elementwise import Activation
from autograder.mistakes import Mistake

_SUFFIX = {"forward": "", "grad": "_grad", "backward": "_backward"}


def _names(activation: Activation, role: str) -> tuple[str, str, str, str]:
    """The exercise's name, its parameter list, its call arguments and its array argument(s)."""
    name = activation.name + _SUFFIX[role]
    params = "".join(f", {k}={v!r}" for k, v in activation.params.items())
    passed = ", ".join(f"{k}={k}" for k in activation.params)
    arrays = "dout, x" if role == "backward" else "x"
    return name, f"{arrays}{params}", passed, arrays


def _mistake(activation: Activation, role: str, kind: str, hint: str, body: str, note: str,
             requires: str | None = None) -> Mistake:
    name, signature, _, _ = _names(activation, role)
    code = f"def {name}({signature}):\n    import activations as _reference\n" + body
    return Mistake(name, f"{name}.{kind}", f"{hint} {note}".strip(), code=code, requires=requires)


def _reference_call(activation: Activation, role: str, x: str = "x", params: str | None = None) -> str:
    name, _, passed, _ = _names(activation, role)
    passed = passed if params is None else params
    if role == "backward":
        return f"_reference.{activation.name}_grad({x}{', ' if passed else ''}{passed}) * dout"
    return f"_reference.{name}({x}{', ' if passed else ''}{passed})"


def scalar_branch(activation: Activation, role: str, note: str = "") -> Mistake:
    """``if x > 0:`` (or Python's ``max``/``min``) on an array."""
    return _mistake(activation, role, "scalar_branch",
                    "`if x > 0:` and Python's built-in max and min compare one number at a time. On an "
                    "array, `x > 0` is an array of booleans and Python cannot say whether it is true "
                    "(ValueError: the truth value of an array ... is ambiguous). Use np.where, "
                    "np.maximum or np.minimum, which work element by element.",
                    f"    if x > 0:\n        return {_reference_call(activation, role)}\n"
                    f"    return {_reference_call(activation, role)}\n", note)


def per_element_loop(activation: Activation, role: str, note: str = "") -> Mistake:
    """A Python loop (or comprehension) over the elements."""
    arrays = "dout, x" if role == "backward" else "x"
    call = _reference_call(activation, role, "v").replace("* dout", "* d")
    loop = ("[float(" + call + ") for d, v in zip(np.ravel(dout), np.ravel(x))]" if role == "backward"
            else "[float(" + call + ") for v in np.ravel(x)]")
    return _mistake(activation, role, "per_element_loop",
                    "it loops over the elements in Python, one call per number: hundreds of times slower "
                    "than one NumPy expression on the whole array, and the loop builds float64 whatever "
                    "the input's dtype. Write the formula once on the array (np.where, np.exp, ...).",
                    f"    import numpy as np\n    return np.array({loop}).reshape(np.shape(x))\n", note)


def returns_list(activation: Activation, role: str, note: str = "") -> Mistake:
    """A list (``.tolist()``) instead of an array."""
    return _mistake(activation, role, "returns_list",
                    "it returns a Python list (or a float for a 0-d input) instead of a NumPy array: "
                    "it loses the dtype and cannot take part in array arithmetic. Return the array.",
                    f"    return ({_reference_call(activation, role)}).tolist()\n", note)


def mutates_input(activation: Activation, role: str, note: str = "") -> Mistake:
    """The result written into the caller's array."""
    target = "dout" if role == "backward" else "x"
    return _mistake(activation, role, "mutates_input",
                    f"it writes the result into the caller's array `{target}` (in place, e.g. "
                    f"`{target}[...] = ...` or `{target} *= ...`): after the call the caller's data has "
                    "changed, which silently corrupts whatever else reads it. Build a new array.",
                    f"    result = {_reference_call(activation, role)}\n    {target}[...] = result\n"
                    f"    return {target}\n", note)


def ignores_parameter(activation: Activation, role: str, parameter: str, note: str = "") -> Mistake:
    """A parameter hard-coded at its default value."""
    default = activation.params[parameter]
    others = ", ".join(f"{k}={k}" for k in activation.params if k != parameter)
    return _mistake(activation, role, f"ignores_{parameter}",
                    f"the `{parameter}` argument is ignored: the default {default!r} is used whatever "
                    f"the caller passes. Use {parameter}.",
                    f"    return {_reference_call(activation, role, params=others)}\n", note)


def float64_upcast(activation: Activation, role: str, note: str = "") -> Mistake:
    """float32 input converted to float64."""
    return _mistake(activation, role, "float64_upcast",
                    "`dtype=float` (or `np.float64`, `.astype(float)`) converts to float64: float32 inputs "
                    "come back as float64, doubling memory and breaking mixed-precision code. "
                    "np.asarray(x) keeps the input's dtype.",
                    f"    import numpy as np\n    x = np.asarray(x, dtype=float)\n"
                    f"    return {_reference_call(activation, role)}\n", note,
                    requires=r"dtype\s*=\s*(float\b|np\.float64|'float64'|\"float64\")|astype\(\s*(float\b|np\.float64)"
                             r"|np\.float64\(|np\.array\([^)]*dtype=float")


def boolean_mask(activation: Activation, note: str = "") -> Mistake:
    """The derivative returned as the boolean mask ``x > 0``."""
    return _mistake(activation, "grad", "boolean_mask",
                    "it returns a boolean array (a mask such as x > 0), not a derivative: a derivative "
                    "is a float array in the input's dtype, with the slope as its values.",
                    "    import numpy as np\n    return np.asarray(x) > 0\n", note)


def returns_forward(activation: Activation, note: str = "") -> Mistake:
    """f returned where f' is asked for."""
    return _mistake(activation, "grad", "returns_forward",
                    f"this returns {activation.name} itself, not its derivative.",
                    f"    return {_reference_call(activation, 'forward')}\n", note)


def forgets_upstream(activation: Activation, note: str = "") -> Mistake:
    """The local derivative returned without the upstream gradient."""
    return _mistake(activation, "backward", "forgets_upstream",
                    "it returns the local derivative only. The chain rule multiplies it by the upstream "
                    f"gradient: dL/dx = dL/dy * dy/dx, i.e. dout * {activation.name}_grad(x).",
                    f"    return {_reference_call(activation, 'grad')}\n", note)


def naive_exponential(activation: Activation, role: str, expression: str, note: str = "") -> Mistake:
    """The textbook formula evaluated as written, where an exponential overflows."""
    return _mistake(activation, role, "naive_exponential",
                    f"the formula as written, `{expression}`, evaluates an exponential of a large "
                    "number for some inputs: it overflows to inf (NumPy warns) and the result becomes "
                    "inf or NaN. Rearrange it so that only exp of a non-positive number is taken "
                    "(e.g. with np.abs, np.logaddexp or np.log1p).",
                    f"    import numpy as np\n    return {expression}\n", note)
