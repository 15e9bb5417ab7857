"""The standard normal CDF (and density) vectorised, for the exact GELU.

Why this module exists
----------------------
numpy has no ``erf``. ``math.erf`` is scalar (a Python loop over elements),
and ``scipy.special`` is not a runtime dependency of the course package. So
we evaluate W. J. Cody's rational Chebyshev approximations (Cody 1969,
"Rational Chebyshev approximations for the error function", Math. Comp. 23,
631-637), with the coefficients of his SPECFUN routine CALERF (Netlib). Their
approximation error is far below float64 rounding, so the results are
accurate to a few ulp; the tests compare them with mpmath at 400 digits.

With ``z = |x| / sqrt(2)``, three ranges:

* ``z <= 0.46875``:      ``erf(z) = z * A(z**2) / B(z**2)``
* ``0.46875 < z <= 4``:  ``erfc(z) = exp(-z**2) * C(z) / D(z)``
* ``z > 4``:             ``erfc(z) = exp(-z**2) / z * (1/sqrt(pi) - w P(w) / Q(w))``, ``w = 1/z**2``

Accuracy in the lower tail, where ``gelu(x) = x * Phi(x)`` is tiny:

* ``Phi(-|x|)`` is computed as ``erfc(|x|/sqrt 2) / 2``; never as
  ``(1 + erf(x/sqrt 2)) / 2``, which cancels to 0 from x = -8.37 in float64
  (torch's formula, see :func:`activations.gelu`).
* ``exp(-x**2 / 2)`` is evaluated as ``exp(-h**2/2) * exp(-(x-h)(x+h)/2)``
  with ``h`` = ``|x|`` rounded down to a multiple of 1/16, so ``h**2`` is exact
  and the exponent carries no rounding error (Cody's own trick); the plain form
  would lose ``x**2 / 2`` ulps, 1e-13 relative at x = -38.

Speed: the middle range is evaluated on every element and the two other
ranges are patched in through index arrays (``np.flatnonzero``); boolean masks
or ``np.where`` on random data cost more than the whole polynomial. float32
input skips the central patch and the splitting trick (see :func:`normal_cdf`). The
polynomials are written out in Horner form, in place on fresh temporaries:
the package has no Python loops, and the coefficient tuples read like
Cody's tables.
"""

import math

import numpy as np

from ._arrays import constant_like

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

# Boundaries of Cody's ranges, in z = |x| / sqrt(2).
_CENTRAL_LIMIT = 0.46875
_MIDDLE_LIMIT = 4.0
# Beyond |x| = 40, exp(-x**2/2) underflows to 0 in float32 and float64
# (float64 reaches 0 near 38.6); clamping there changes no result but keeps
# x**2 finite for huge inputs.
_UNDERFLOW_LIMIT = 40.0
# h = floor(16 |x|) / 16 has at most 10 significant bits for |x| <= 40, so h*h is exact.
_SPLIT_SCALE = 16.0

# Cody's coefficients, in CALERF's order.
_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
      3.20937758913846947e03, 1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
      2.84423683343917062e03)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
      1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
      3.43936767414372164e03, 1.23033935480374942e03)
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
      1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
      6.05183413124413191e-2, 2.33520497626869185e-3)


def _horner_step(p, t, c):
    """``p = p * t + c`` in place."""
    p *= t
    p += c


def _erf_central(z):
    """``erf(z)`` for ``|z| <= 0.46875`` (sign kept): ``z A(t) / B(t)``, ``t = z**2``."""
    t = z * z
    num = t * _A[4]
    num += _A[0]
    _horner_step(num, t, _A[1])
    _horner_step(num, t, _A[2])
    _horner_step(num, t, _A[3])
    den = t + _B[0]
    _horner_step(den, t, _B[1])
    _horner_step(den, t, _B[2])
    _horner_step(den, t, _B[3])
    num *= z
    num /= den
    return num


def _erfcx_middle(z):
    """``exp(z**2) erfc(z) = C(z) / D(z)`` for ``0.46875 < z <= 4``."""
    num = z * _C[8]
    num += _C[0]
    _horner_step(num, z, _C[1])
    _horner_step(num, z, _C[2])
    _horner_step(num, z, _C[3])
    _horner_step(num, z, _C[4])
    _horner_step(num, z, _C[5])
    _horner_step(num, z, _C[6])
    _horner_step(num, z, _C[7])
    den = z + _D[0]
    _horner_step(den, z, _D[1])
    _horner_step(den, z, _D[2])
    _horner_step(den, z, _D[3])
    _horner_step(den, z, _D[4])
    _horner_step(den, z, _D[5])
    _horner_step(den, z, _D[6])
    _horner_step(den, z, _D[7])
    num /= den
    return num


def _erfcx_tail(z):
    """``exp(z**2) erfc(z) = (1/sqrt(pi) - w P(w) / Q(w)) / z``, ``w = 1/z**2``, for ``z > 4``."""
    w = 1.0 / (z * z)
    num = w * _P[5]
    num += _P[0]
    _horner_step(num, w, _P[1])
    _horner_step(num, w, _P[2])
    _horner_step(num, w, _P[3])
    _horner_step(num, w, _P[4])
    den = w + _Q[0]
    _horner_step(den, w, _Q[1])
    _horner_step(den, w, _Q[2])
    _horner_step(den, w, _Q[3])
    _horner_step(den, w, _Q[4])
    num /= den
    num *= w
    np.subtract(_INV_SQRT_PI, num, out=num)
    num /= z
    return num


def _gaussian_kernel(a):
    """``exp(-a**2 / 2)`` for ``0 <= a <= 40`` with an exactly represented exponent."""
    h = a * _SPLIT_SCALE
    np.floor(h, out=h)
    h /= _SPLIT_SCALE
    low = a - h
    low *= a + h
    low *= -0.5
    np.exp(low, out=low)
    h *= h
    h *= -0.5
    np.exp(h, out=h)
    h *= low
    return h


def _gaussian_kernel_of_float32(x):
    """``exp(-x**2 / 2)`` for float32 ``x``, as float32, evaluated in float64.

    A float32 has 24 significant bits, so its square is exact in float64's 53: the
    exponent carries no rounding error without the splitting trick, and the float64
    exponential rounds once more to float32. (In float32 arithmetic the rounding of
    ``x**2`` alone, amplified by the exponential, would cost up to 86 ulp near x = -13.)
    """
    k = np.square(x, dtype=np.float64)
    k *= -0.5
    np.exp(k, out=k)
    return k.astype(np.float32)


def _upper_half(cdf, x):
    """``Phi(x)`` from ``cdf = Phi(-|x|)``, in place: ``cdf + (1 - 2 cdf) [x >= 0]``.

    Adding the correction times a 0/1 factor leaves the lower tail exactly untouched
    and costs less than a masked select on random signs.
    """
    upper = cdf * -2.0
    upper += 1.0
    upper *= x >= 0
    cdf += upper
    return cdf


def normal_cdf(x, density=False):
    """``Phi(x) = P(Z <= x)`` for ``Z ~ N(0, 1)``, elementwise, to a few ulp.

    float64 input uses Cody's three ranges as described above. float32 input uses
    float32 arithmetic for the rational function and Cody's middle-range formula
    down to ``z = 0`` as well: outside its design range it is still accurate to
    4.7e-12 relative (measured against mpmath), far below float32's 6e-8, and so the
    central range needs no patch. The exact GELU is then within 12 float32 ulp of
    its float64 result (``FLOAT32_ULP`` in tests/test_activations_blocks.py measures
    it; the worst case is where Phi(x) is subnormal, near x = -13.1).

    Parameters
    ----------
    x : numpy.ndarray
        float32 or float64, rank >= 1 (not coerced here).
    density : bool, optional
        Also return the density ``phi(x) = exp(-x**2/2) / sqrt(2 pi)``, which
        shares the expensive exponential.

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        ``Phi(x)`` (and ``phi(x)``) with ``x``'s shape and dtype. The relative
        error stays at a few ulp in the lower tail, down to underflow.
    """
    flat = x.reshape(-1)
    single = flat.dtype == np.float32
    z = np.abs(flat)
    np.minimum(z, constant_like(z, _UNDERFLOW_LIMIT), out=z)
    kernel = _gaussian_kernel_of_float32(flat) if single else _gaussian_kernel(z)
    z *= _SQRT_HALF
    cdf = _erfcx_middle(z)
    tail = np.flatnonzero(z > _MIDDLE_LIMIT)
    cdf[tail] = _erfcx_tail(z[tail])
    cdf *= kernel
    cdf *= 0.5  # Phi(-|x|), valid outside the central range
    _upper_half(cdf, flat)
    if not single:
        central = np.flatnonzero(z <= _CENTRAL_LIMIT)
        cdf[central] = 0.5 + 0.5 * _erf_central(flat[central] * _SQRT_HALF)
    if not density:
        return cdf.reshape(x.shape)
    kernel *= _INV_SQRT_2PI
    return cdf.reshape(x.shape), kernel.reshape(x.shape)
