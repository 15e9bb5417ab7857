"""The canonical text a grading check prints: deterministic, and parseable back.

A check cell prints ``key: value`` lines. Values that carry data (inputs, results) are JSON
objects built by :func:`describe`, so the same text is produced on every machine and numpy
version:

* floats are rounded to a fixed number of significant digits (6 for float32, 10 for float64),
  so two correct implementations that differ in the last bits print the same text;
* ``-0.0`` prints as ``0.0`` (``x * (x > 0)`` is as correct as ``np.maximum(x, 0)``);
* NaN and infinities print as the strings ``"nan"``, ``"inf"``, ``"-inf"`` (JSON has none);
* numpy scalars are described as the 0-d arrays they stand for, never by their numpy-2 repr
  (``np.float64(1.0)``).

The instructor's expected outputs and the student's actual outputs are both in this format;
:mod:`autograder.compare` reads them back and compares them with a numeric tolerance.
"""
from __future__ import annotations

import json
import math

import numpy as np

SIGNIFICANT_DIGITS = {"float16": 3, "float32": 6, "float64": 10}
DEFAULT_SIGNIFICANT_DIGITS = 10
MAX_VALUES = 512  # arrays larger than this are described by dtype and shape only
MAX_ITEMS = 16    # tuples, lists and dicts up to this size are described item by item


def _round(value: float, digits: int):
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    rounded = float(f"{value:.{digits}g}")
    return 0.0 if rounded == 0 else rounded  # folds -0.0 into 0.0


def _number(value, dtype: str):
    if dtype == "bool":
        return bool(value)
    if dtype.startswith(("int", "uint")):
        return int(value)
    if dtype.startswith("complex"):
        return str(value)
    return _round(float(value), SIGNIFICANT_DIGITS.get(dtype, DEFAULT_SIGNIFICANT_DIGITS))


def describe(value) -> dict:
    """Describe any Python object as a JSON-ready dict (type, dtype, shape, rounded values)."""
    if isinstance(value, np.generic):
        value = np.asarray(value)  # np.maximum on a 0-d array returns a scalar: equally right
    if isinstance(value, np.ndarray):
        dtype = str(value.dtype)
        out = {"type": "ndarray", "dtype": dtype, "shape": list(value.shape)}
        if value.dtype.kind in "biufc" and value.size <= MAX_VALUES:
            out["values"] = [_number(v, dtype) for v in value.ravel().tolist()]
        return out
    if isinstance(value, bool):
        return {"type": "bool", "values": [value]}
    if isinstance(value, (int, float)):
        return {"type": type(value).__name__, "shape": [], "values": [_number(value, "float64")]}
    if isinstance(value, (list, tuple)):
        if len(value) <= MAX_ITEMS:
            return {"type": type(value).__name__, "items": [describe(item) for item in value]}
        return {"type": type(value).__name__, "length": len(value)}
    if isinstance(value, dict) and len(value) <= MAX_ITEMS and all(isinstance(k, str) for k in value):
        return {"type": "dict", "entries": {key: describe(item) for key, item in value.items()}}
    if value is None:
        return {"type": "None"}
    return {"type": type(value).__name__}


def dumps(obj) -> str:
    """JSON with sorted keys and fixed separators: the same text for the same object."""
    return json.dumps(obj, sort_keys=True, separators=(", ", ": "), allow_nan=False)


def line(key: str, value) -> str:
    """One canonical output line; dict values are written as JSON."""
    text = dumps(value) if isinstance(value, (dict, list)) else str(value)
    return f"{key}: {text}"


def parse(text: str) -> dict[str, object]:
    """Read canonical ``key: value`` lines back into a dict (JSON values decoded)."""
    fields: dict[str, object] = {}
    for raw in text.splitlines():
        key, sep, value = raw.partition(": ")
        if not sep:
            continue
        if value.startswith(("{", "[")):
            try:
                fields[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        fields[key] = value
    return fields
