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


# Elementwise functions run in blocks of this many elements: 256 KiB of float32, so a
# block and the handful of temporaries a formula needs stay in the 1 MiB L2 cache per core
# of the benchmark machine, while each NumPy call still gets enough elements that its fixed
# cost of about a microsecond matters little. Measured there on 10^6 float32 elements
# (2026-12-04): the exact GELU took 12.7 ms in blocks of 4096, 5.5 ms in blocks of 16384,
# 3.6 ms in blocks of 65536 and 3.9 ms in blocks of 131072; the sigmoid 1.8, 1.1, 1.2 and
# 1.3 ms. `tests/bench/activations_speed.py --block-sizes ...` repeats the measurement.
BLOCK_ELEMENTS = 1 << 16

_OUT_DOC = """    out : numpy.ndarray, optional
        Array to write the result into, as NumPy's and PyTorch's ``out=``: it must
        have ``x``'s shape and the result's dtype, and may be ``x`` itself (an
        in-place update). The result is returned either way.
"""


@functools.lru_cache(maxsize=8)  # zeros in two dtypes, and a few thresholds
def _constant_block(dtype, value, size):
    block = np.full(size, value, dtype=dtype)
    block.flags.writeable = False
    return block


def constant_like(x, value):
    """A read-only array of ``value`` with ``x``'s shape and dtype (a view of a cached block).

    ``np.maximum(x, 0.0)`` and ``np.minimum`` against a Python scalar take a path that
    NumPy 2.4 does not vectorise: 0.34 ns per float32 element on the benchmark machine,
    against 0.09 ns for the same call with an array of zeros (and 0.07 ns for
    ``np.multiply(x, 0.5)``). So the kernels compare with an array; the results are
    identical, signed zeros and NaN included (a test checks it).
    """
    if x.size > BLOCK_ELEMENTS:
        return np.full(x.shape, value, dtype=x.dtype)
    return _constant_block(x.dtype, value, BLOCK_ELEMENTS)[:x.size].reshape(x.shape)


def _check_out(out, shape, dtype):
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != shape or out.dtype != dtype:
        raise ValueError(f"out must have shape {shape} and dtype {dtype}, "
                         f"got shape {out.shape} and dtype {out.dtype}")


def evaluate_in_blocks(kernel, x, out, *args, **kwargs):
    """``kernel(x, *args, **kwargs, out=out)`` computed block by block (``out``: new when ``None``).

    ``kernel`` is elementwise: it reads a 1-d float array and writes its result into
    ``out``, an array of the same length and dtype, with its last operation. So it may be
    applied to consecutive slices of the flattened input, and then each temporary it
    makes is cache-sized: a formula of k NumPy operations makes k passes over a block in
    cache instead of k passes over the whole array in memory, and no temporary of the
    input's size is allocated (at 10^7 float32 elements, mapping the pages of each 40 MB
    temporary costs more than computing it). When ``out`` overlaps the input, each block
    of the input is copied first, because a kernel may write ``out`` before it has
    finished reading ``x``.
    """
    flat = x.reshape(-1)
    if out is None:
        out = np.empty(x.shape, dtype=x.dtype)
        if flat.size <= BLOCK_ELEMENTS:  # the common small case, without the checks below
            kernel(flat, *args, **kwargs, out=out.reshape(-1))
            return out
    else:
        _check_out(out, x.shape, x.dtype)
    overlap = np.may_share_memory(flat, out)
    direct = out.flags.c_contiguous
    target = out.reshape(-1) if direct else np.empty(flat.size, x.dtype)
    if overlap and flat.size > BLOCK_ELEMENTS:
        flat = flat.copy()  # a block's result could overwrite input of a block not yet read
    # The package's only Python loop: it runs over blocks of BLOCK_ELEMENTS elements (153
    # iterations for 10^7), never over elements.
    for start in range(0, flat.size or 1, BLOCK_ELEMENTS):
        stop = start + BLOCK_ELEMENTS
        block = flat[start:stop]
        kernel(block.copy() if overlap else block, *args, **kwargs, out=target[start:stop])
    if not direct:
        out[...] = target.reshape(x.shape)
    return out


def elementwise(kernel):
    """Decorate an elementwise ``kernel(x, *params, out)`` into a public function with ``out=``.

    The public function coerces ``x`` like :func:`float_input` (dtype rules, 0-d input,
    underflow silenced), evaluates the kernel in cache-sized blocks
    (:func:`evaluate_in_blocks`), and takes a keyword-only ``out`` (documented in its
    docstring's Parameters). ``kernel`` receives a 1-d array, the caller's other
    arguments as they were passed, and the block of ``out`` to write.
    """

    @functools.wraps(kernel)
    def wrapper(x, *args, out=None, **kwargs):
        x = as_float_array(x)
        with np.errstate(under="ignore"):
            return evaluate_in_blocks(kernel, x, out, *args, **kwargs)

    if kernel.__doc__:
        returns = "\n    Returns\n"
        wrapper.__doc__ = kernel.__doc__.replace(returns, "\n" + _OUT_DOC + returns, 1)
    return wrapper
