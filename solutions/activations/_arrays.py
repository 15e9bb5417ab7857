"""Input handling shared by every public function: one place decides dtypes and shapes.

The course-wide contract:

* ``float32`` and ``float64`` arrays keep their dtype, so float32 work never
  silently doubles its memory traffic.
* ``bool``, integer arrays, Python scalars and lists become ``float64``, the
  dtype ``np.asarray(x, dtype=float)`` would give.
* ``float16`` is computed in ``float32``: half precision has too few bits for
  the exp/log1p formulations to be accurate.
* Anything else (complex, object, long double) is rejected with ``TypeError``.
* The caller's array is never written to: every in-place update in the package
  targets a fresh temporary.
"""

import functools

import numpy as np

_KEPT_FLOAT_TYPES = (np.float32, np.float64)


def as_float_array(x):
    """Return ``x`` as a float32 or float64 ndarray following the rules above.

    Parameters
    ----------
    x : array_like
        Any array, nested list or scalar of a real numeric type.

    Returns
    -------
    numpy.ndarray
        ``x`` itself (no copy) when it already is a native-byte-order float32
        or float64 array, otherwise a converted copy.

    Raises
    ------
    TypeError
        For complex, object, string or long double input.
    """
    arr = np.asarray(x)
    if arr.dtype.type in _KEPT_FLOAT_TYPES:
        return arr.astype(arr.dtype.newbyteorder("="), copy=False)
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.type is np.float16:
        return arr.astype(np.float32)
    raise TypeError(f"expected real numbers, got an array of dtype {arr.dtype}")


def float_input(func):
    """Decorate ``func(x, *params)`` so that it may assume a float array of rank >= 1.

    The wrapper coerces ``x`` with :func:`as_float_array`, runs a 0-d input as a
    one-element 1-d view and returns a 0-d result for it (numpy ufuncs return
    scalars for 0-d operands, which would break the ``out=`` updates the
    implementations rely on), and silences floating-point *underflow* only:
    flushing a tail such as ``exp(-1e4)`` to zero or a subnormal is the correctly
    rounded result, while overflow, invalid and divide-by-zero still surface
    under ``np.errstate(all="raise")``.
    """

    @functools.wraps(func)
    def wrapper(x, *args, **kwargs):
        x = as_float_array(x)
        with np.errstate(under="ignore"):
            if x.ndim:
                return func(x, *args, **kwargs)
            return func(x.reshape(1), *args, **kwargs).reshape(())

    return wrapper


def gradient_inputs(dout, x):
    """Coerce a ``(dout, x)`` pair for a backward pass.

    ``dout`` (the upstream gradient dL/dy) must have the shape of ``x`` and is
    cast to ``x``'s dtype, so ``dx`` always has the dtype of the input it
    differentiates, as in autograd frameworks.

    Returns
    -------
    tuple of numpy.ndarray
        ``(dout, x)`` as float arrays of the same dtype and shape.

    Raises
    ------
    ValueError
        If the shapes differ (broadcasting a gradient is almost always a bug).
    """
    x = as_float_array(x)
    dout = as_float_array(dout).astype(x.dtype, copy=False)
    if dout.shape != x.shape:
        raise ValueError(f"dout has shape {dout.shape} but x has shape {x.shape}")
    return dout, x


def backward_input(func):
    """Decorate ``func(dout, x, *params)`` like :func:`float_input`, for backward passes.

    ``dout`` and ``x`` go through :func:`gradient_inputs`; 0-d inputs and
    underflow are handled as in :func:`float_input`.
    """

    @functools.wraps(func)
    def wrapper(dout, x, *args, **kwargs):
        dout, x = gradient_inputs(dout, x)
        with np.errstate(under="ignore"):
            if x.ndim:
                return func(dout, x, *args, **kwargs)
            return func(dout.reshape(1), x.reshape(1), *args, **kwargs).reshape(())

    return wrapper
