"""How fast is the reference implementation? A benchmark, not a test: nothing here can fail on time.

Usage (from the repository root)::

    make bench                                   # this script, then grading_speed.py
    .venv/bin/python tests/bench/activations_speed.py [--sizes 1000000 10000000] [--repeats 7]
        [--names relu gelu] [--loop-sample 100000] [--out solutions/bench_results]
        [--chart-dir _build/bench] [--block-sizes 4096 16384 65536 262144]

For every activation in ``activations.ELEMENTWISE``, its forward pass and its derivative on
float32 inputs of each size, it times (median of ``--repeats`` runs, after a warm-up run):

* **loop**: a per-element Python loop calling ``math`` functions and Python's ``max``, the
  style of the course's source articles. Timed on the first ``--loop-sample`` elements only
  and scaled linearly to n (it would take tens of seconds per function at 10^7).
* **reference**: ``activations.<name>(x)`` / ``<name>_grad(x)`` with the registry's kwargs.
* **torch**: ``torch.nn.functional`` on CPU with torch's default thread count (numpy is
  single-threaded, so on a multi-core machine this favours torch; the table reports the
  thread count and also a 1-thread torch time). For the derivative, torch's own derivative
  kernel: ``torch.autograd.grad(y, x, ones)`` on a forward graph built once, outside the
  timing. That kernel computes ``dout * f'(x)``, so it reads one array more than
  ``<name>_grad`` does. The targets judge torch by the faster of its two thread settings:
  on a loaded machine a 2-thread kernel can stall on a descheduled thread.
* **copy**: ``np.copyto(out, x)`` into a preallocated float32 array, reading and writing n * 4
  bytes: the memory-bandwidth floor that no elementwise function can beat. Also timed, as
  **alloc+copy**: ``x.copy()``, the floor for a function that returns a fresh array, whose
  pages the kernel must map on first write (the reference's functions all do).

Reference, torch (both thread settings) and both copies are timed in interleaved rounds, one
call each per round, so that a burst of load hits all of them rather than one.

Targets (issue 18): every row, forward and derivative, within 2x of torch (the faster of
its two thread settings), and the piecewise-linear functions also within 3x of the copy
floor. The table prints every ratio, a verdict per row and the count of rows that meet
their targets. Before timing, each implementation's result is checked against the
reference on a sample, so the comparison is between implementations of the same function.

Also measured, for the README and the reference-speed page:

* **profile**: where each reference function spends its time, on one block of float32 in
  cache: how many NumPy ufunc passes it makes (each reads and writes the block once), how
  many of them are transcendental (exp, expm1, log1p, tanh) or run in float64, and the
  share of the time in those, in the other ufuncs, and outside ufuncs (indexing,
  allocation, Python). Traced by an ndarray subclass whose ``__array_ufunc__`` times
  every ufunc call of the function's kernel.
* **masked selects**: ``np.where``, boolean-index assignment, ``np.putmask`` and
  ``np.copyto(where=)`` computing the leaky ReLU, as multiples of one plain ufunc pass
  (``np.multiply(x, alpha)``): why the package combines pieces arithmetically.
* **block sizes** (only with ``--block-sizes``): the reference at each block size.

Outputs: the table on stdout; ``<out>/activations_speed.json`` (machine info, settings,
every timing, the profile; committed in ``solutions/bench_results/`` and plotted by the
book's reference-speed page, which never runs the benchmark itself); and
``<chart-dir>/activations_speed.png`` (ratios to the copy floor, log scale). On a shared
machine the numbers are noisy; medians of interleaved rounds damp that but do not remove it.
"""
from __future__ import annotations

import argparse
import datetime
import inspect
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import activations  # noqa: E402
from activations import SELU_ALPHA, SELU_SCALE  # noqa: E402
from activations.defaults import GELU_TANH_COEFFICIENT  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "solutions" / "bench_results"
DEFAULT_CHART_DIR = REPO_ROOT / "_build" / "bench"
DEFAULT_SIZES = (10**6, 10**7)
DEFAULT_REPEATS = 7
DEFAULT_LOOP_SAMPLE = 10**5
SEED = 20240107

# Issue 18's targets: every row within 2x of torch; piecewise-linear rows within 3x of the copy.
COPY_RATIO_TARGET = 3.0
TORCH_RATIO_TARGET = 2.0
PIECEWISE_LINEAR = ("relu", "leaky_relu", "prelu", "thresholded_relu")

# Inputs are N(0, INPUT_SCALE^2): both sides of every kink, and beyond theta = 1 of the
# thresholded ReLU, get plenty of elements, and nothing reaches torch's softplus cut-off (20).
INPUT_SCALE = 2.0
# The loop evaluates formulas in float64 and torch rounds differently at float32; agreement
# with the reference is checked to this tolerance.
AGREEMENT_RTOL, AGREEMENT_ATOL = 1e-4, 1e-5

PASSES = ("forward", "derivative")


# --- the per-element loops: the source articles' textbook formulas, one scalar at a time ----

def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def _normal_cdf(v):
    return 0.5 * (1.0 + math.erf(v / math.sqrt(2.0)))


def _normal_pdf(v):
    return math.exp(-0.5 * v * v) / math.sqrt(2.0 * math.pi)


def _gelu_tanh_gate(v):
    return 0.5 * (1.0 + math.tanh(math.sqrt(2.0 / math.pi) * (v + GELU_TANH_COEFFICIENT * v**3)))


def _gelu_tanh_grad(v):
    c = math.sqrt(2.0 / math.pi)
    t = math.tanh(c * (v + GELU_TANH_COEFFICIENT * v**3))
    return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * c * (1.0 + 3.0 * GELU_TANH_COEFFICIENT * v * v)


def _mish_grad(v):
    t = math.tanh(math.log1p(math.exp(v)))
    return t + v * _sigmoid(v) * (1.0 - t * t)


# name -> kwargs -> (scalar forward, scalar derivative). kwargs are the registry's.
SCALAR_FORMULAS: dict[str, Callable[..., tuple[Callable, Callable]]] = {
    "sigmoid": lambda: (_sigmoid, lambda v: _sigmoid(v) * (1.0 - _sigmoid(v))),
    "tanh": lambda: (math.tanh, lambda v: 1.0 - math.tanh(v) ** 2),
    "relu": lambda: (lambda v: max(0.0, v), lambda v: 1.0 if v > 0 else 0.0),
    "leaky_relu": lambda alpha: (lambda v: max(alpha * v, v), lambda v: 1.0 if v > 0 else alpha),
    "prelu": lambda alpha: (lambda v: max(0.0, v) + alpha * min(0.0, v), lambda v: 1.0 if v > 0 else alpha),
    "thresholded_relu": lambda theta: (lambda v: v if v > theta else 0.0, lambda v: 1.0 if v > theta else 0.0),
    "elu": lambda alpha: (lambda v: v if v > 0 else alpha * (math.exp(v) - 1.0),
                          lambda v: 1.0 if v > 0 else alpha * math.exp(v)),
    "selu": lambda: (lambda v: SELU_SCALE * (v if v > 0 else SELU_ALPHA * (math.exp(v) - 1.0)),
                     lambda v: SELU_SCALE * (1.0 if v > 0 else SELU_ALPHA * math.exp(v))),
    "softplus": lambda beta: (lambda v: math.log(1.0 + math.exp(beta * v)) / beta,
                              lambda v: _sigmoid(beta * v)),
    "gelu": lambda approximate: (lambda v: v * _normal_cdf(v), lambda v: _normal_cdf(v) + v * _normal_pdf(v)),
    "gelu_tanh": lambda approximate: (lambda v: v * _gelu_tanh_gate(v), _gelu_tanh_grad),
    "silu": lambda: (lambda v: v * _sigmoid(v), lambda v: _sigmoid(v) * (1.0 + v * (1.0 - _sigmoid(v)))),
    "mish": lambda: (lambda v: v * math.tanh(math.log1p(math.exp(v))), _mish_grad),
}


def _per_element_loop(scalar: Callable) -> Callable:
    """``scalar`` applied in a Python loop, collected into a float32 array."""
    def loop(x):
        return np.array([scalar(v) for v in x], dtype=np.float32)
    return loop


# --- torch: the same functions, with the registry's kwargs mapped to torch's arguments -------

TORCH_FORWARD: dict[str, Callable[..., Callable]] = {
    "sigmoid": lambda: torch.sigmoid,
    "tanh": lambda: torch.tanh,
    "relu": lambda: F.relu,
    "leaky_relu": lambda alpha: lambda x: F.leaky_relu(x, negative_slope=alpha),
    "prelu": lambda alpha: _torch_prelu(alpha),
    "thresholded_relu": lambda theta: lambda x: F.threshold(x, theta, 0.0),
    "elu": lambda alpha: lambda x: F.elu(x, alpha=alpha),
    "selu": lambda: F.selu,
    "softplus": lambda beta: lambda x: F.softplus(x, beta=beta),
    "gelu": lambda approximate: lambda x: F.gelu(x, approximate=approximate),
    "gelu_tanh": lambda approximate: lambda x: F.gelu(x, approximate=approximate),
    "silu": lambda: F.silu,
    "mish": lambda: F.mish,
}


def _torch_prelu(alpha: float) -> Callable:
    """``F.prelu`` with one shared slope, the registry's PReLU (a constant: no gradient for it)."""
    weight = torch.tensor([alpha], dtype=torch.float32)
    return lambda x: F.prelu(x, weight)


def _torch_forward(forward: Callable, x: np.ndarray) -> Callable[[], torch.Tensor]:
    """A call of ``forward`` on ``x`` as a tensor sharing its memory."""
    xt = torch.from_numpy(x)
    return lambda: forward(xt)


def _torch_derivative(forward: Callable, x: np.ndarray) -> Callable[[], torch.Tensor]:
    """A call of torch's derivative kernel of ``forward`` at ``x``: autograd backward with dL/dy = 1.

    The forward graph is built here, once; each call runs only the backward kernel.
    """
    xt = torch.from_numpy(x).clone().requires_grad_(True)
    y = forward(xt)
    ones = torch.ones_like(y)
    return lambda: torch.autograd.grad(y, xt, ones, retain_graph=True)[0]


# --- timing ----------------------------------------------------------------------------------

def median_seconds(call: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls of ``call``, after one untimed warm-up call."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(calls: dict[str, Callable[[], object]], repeats: int,
                        torch_threads: dict[str, int]) -> dict[str, float]:
    """Median wall time of each call, timed in rounds that run every call once.

    Interleaving puts every contender under the same load at nearly the same moment, so a
    burst of noise on the shared machine inflates them all instead of one. The first round
    is a warm-up. ``torch_threads`` gives the torch thread count a call runs with (default:
    torch's own); it is set outside the timed region.
    """
    default_threads = torch.get_num_threads()
    times: dict[str, list[float]] = {name: [] for name in calls}
    try:
        for round_ in range(repeats + 1):
            for name, call in calls.items():
                torch.set_num_threads(torch_threads.get(name, default_threads))
                start = time.perf_counter()
                call()
                if round_:
                    times[name].append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(default_threads)
    return {name: statistics.median(t) for name, t in times.items()}


def _check_agreement(label: str, name: str, pass_: str, actual, expected) -> None:
    actual = np.asarray(actual, dtype=np.float64)
    if not np.allclose(actual, expected, rtol=AGREEMENT_RTOL, atol=AGREEMENT_ATOL):
        worst = np.max(np.abs(actual - expected))
        raise AssertionError(f"{label} {name} {pass_} disagrees with the reference (max |diff| {worst:.3g})")


def bench_activation(name: str, x_full: np.ndarray, sizes, repeats: int, loop_sample: int) -> list[dict]:
    """Every timing of one activation: a row per (pass, size)."""
    entry = activations.ELEMENTWISE[name]
    kwargs = dict(entry.kwargs)
    scalar_forward, scalar_derivative = SCALAR_FORMULAS[name](**kwargs)
    torch_forward = TORCH_FORWARD[name](**kwargs)
    reference = {"forward": lambda x: entry.forward(x, **kwargs), "derivative": lambda x: entry.grad(x, **kwargs)}
    loops = {"forward": _per_element_loop(scalar_forward), "derivative": _per_element_loop(scalar_derivative)}
    torch_calls = {"forward": _torch_forward, "derivative": _torch_derivative}

    sample = x_full[: min(loop_sample, max(sizes))]
    rows = []
    for pass_ in PASSES:
        expected = reference[pass_](sample).astype(np.float64)
        _check_agreement("loop", name, pass_, loops[pass_](sample), expected)
        _check_agreement("torch", name, pass_, torch_calls[pass_](torch_forward, sample)().detach().numpy(), expected)
        loop_seconds_on_sample = median_seconds(lambda: loops[pass_](sample), min(repeats, 3))
        for n in sizes:
            x = x_full[:n]
            out = np.empty_like(x)
            torch_call = torch_calls[pass_](torch_forward, x)
            medians = interleaved_medians({
                "reference_s": lambda: reference[pass_](x),
                "torch_s": torch_call,
                "torch_1thread_s": torch_call,
                "copy_s": lambda: np.copyto(out, x),
                "alloc_copy_s": x.copy,
            }, repeats, torch_threads={"torch_1thread_s": 1})
            del torch_call
            rows.append(with_ratios({
                "activation": name, "pass": pass_, "n": n,
                "loop_s": loop_seconds_on_sample * n / sample.size, "loop_scaled": n != sample.size,
                **medians,
            }))
    return rows


def with_ratios(row: dict) -> dict:
    """``row`` with the ratios to the copy floor and to torch, and the targets' verdict.

    torch is judged by the faster of its default-thread and 1-thread times: on a loaded
    machine a multi-threaded kernel can stall waiting for a descheduled thread, and the
    target should not be met by that accident.
    """
    row["copy_gb_per_s"] = 2 * row["n"] * np.dtype(np.float32).itemsize / row["copy_s"] / 1e9
    row["torch_best_s"] = min(row["torch_s"], row["torch_1thread_s"])
    row["reference_over_copy"] = row["reference_s"] / row["copy_s"]
    row["reference_over_torch"] = row["reference_s"] / row["torch_best_s"]
    row["loop_over_copy"] = row["loop_s"] / row["copy_s"]
    row["torch_over_copy"] = row["torch_best_s"] / row["copy_s"]
    misses = []
    if row["activation"] in PIECEWISE_LINEAR and row["reference_over_copy"] > COPY_RATIO_TARGET:
        misses.append(f">{COPY_RATIO_TARGET:g}x copy")
    if row["reference_over_torch"] > TORCH_RATIO_TARGET:
        misses.append(f">{TORCH_RATIO_TARGET:g}x torch")
    row["target_met"] = not misses
    row["target_misses"] = misses
    return row


# --- reporting ---------------------------------------------------------------------------------

def last_level_cache_bytes() -> int | None:
    """Size of the largest CPU cache (from Linux sysfs), or None where it cannot be read."""
    sizes = []
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            text = (index / "size").read_text().strip()
        except OSError:
            continue
        units = {"K": 2**10, "M": 2**20, "G": 2**30}
        sizes.append(int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text))
    return max(sizes, default=None)


def machine_info() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu_model": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "last_level_cache_bytes": last_level_cache_bytes(),
        "torch_threads": torch.get_num_threads(),
        "numpy_threads_for_elementwise": 1,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_at_start": list(os.getloadavg()),
    }


COLUMNS = ("activation", "pass", "n", "loop ms", "ref ms", "torch ms", "torch1t ms", "copy ms",
           "alloc+copy ms", "ref/copy", "ref/torch", "target")


def _format_row(r: dict) -> tuple[str, ...]:
    ms = lambda s: f"{s * 1e3:.2f}" if s < 0.1 else f"{s * 1e3:.0f}"  # noqa: E731
    return (r["activation"], r["pass"], f"{r['n']:.0e}", ms(r["loop_s"]), ms(r["reference_s"]),
            ms(r["torch_s"]), ms(r["torch_1thread_s"]), ms(r["copy_s"]), ms(r["alloc_copy_s"]),
            f"{r['reference_over_copy']:.1f}x", f"{r['reference_over_torch']:.2f}x",
            "yes" if r["target_met"] else "NO: " + ", ".join(r["target_misses"]))


def table(rows: list[dict], info: dict, settings: dict) -> str:
    sample = settings["loop_sample"]
    scaled = any(r["loop_scaled"] for r in rows)
    lines = [
        f"Activation speed, float32: medians of {settings['repeats']} interleaved rounds (ref, torch, "
        f"torch1t, copy in turn) after a warm-up round; shared machine, 1-min load average "
        f"{info['load_average_at_start'][0]:.1f} at start: expect noise",
        f"machine: {info['cpu_model']}, {info['cpu_count']} cores; numpy {info['numpy']} "
        f"(1 thread), torch {info['torch']} ({info['torch_threads']} threads; torch1t: 1 thread); "
        f"{info['date']}",
        f"loop: per-element Python loop{f', timed on {sample:.0e}, scaled' if scaled else ''}; "
        "torch derivative: autograd backward kernel (dL/dy = 1, graph built beforehand); "
        "copy: np.copyto into a preallocated array; alloc+copy: x.copy(), the floor for any "
        "function that returns a new array (its pages are faulted in on first write)",
        f"targets: ref/torch <= {TORCH_RATIO_TARGET:g}x for every row, torch being the faster of "
        f"its default-thread and 1-thread times; ref/copy <= {COPY_RATIO_TARGET:g}x for "
        f"{', '.join(PIECEWISE_LINEAR)}",
    ]
    cells = [COLUMNS] + [_format_row(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    numeric = set(range(2, len(COLUMNS) - 1))
    for k, c in enumerate(cells):
        lines.append("  ".join(v.rjust(w) if i in numeric else v.ljust(w)
                               for i, (v, w) in enumerate(zip(c, widths))).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    cache = info["last_level_cache_bytes"]
    for n in settings["sizes"]:
        copy_s = statistics.median(r["copy_s"] for r in rows if r["n"] == n)
        traffic = 2 * n * np.dtype(np.float32).itemsize
        where = ""
        if cache:
            where = (f"; in + out = {traffic / 2**20:.3g} MiB "
                     + (f"fit in the {cache / 2**20:.0f} MiB last-level cache: a cache, not DRAM, floor"
                        if traffic <= cache else f"exceed the {cache / 2**20:.0f} MiB last-level cache: DRAM"))
        lines.append(f"copy floor at n={n:.0e}: {copy_s * 1e3:.2f} ms, {traffic / copy_s / 1e9:.1f} GB/s "
                     f"read + write (median over the rows){where}")
    missed = [r for r in rows if not r["target_met"]]
    lines.append(f"targets met in {len(rows) - len(missed)} of {len(rows)} rows")
    return "\n".join(lines)


def chart(rows: list[dict], sizes, path: Path) -> None:
    """Ratios to the copy floor, one panel per (pass, size), log scale."""
    names = list(dict.fromkeys(r["activation"] for r in rows))
    series = (("loop (scaled)", "loop_over_copy"), ("reference", "reference_over_copy"),
              ("torch (faster of default / 1 thread)", "torch_over_copy"))
    fig, axes = plt.subplots(len(PASSES), len(sizes), figsize=(6 + 3.5 * len(sizes), 8),
                             squeeze=False, sharey=True)
    width = 0.8 / len(series)
    for i, pass_ in enumerate(PASSES):
        for j, n in enumerate(sizes):
            ax = axes[i][j]
            by_name = {r["activation"]: r for r in rows if r["pass"] == pass_ and r["n"] == n}
            for k, (label, key) in enumerate(series):
                ax.bar(np.arange(len(names)) + (k - 1) * width, [by_name[m][key] for m in names],
                       width, label=label)
            ax.axhline(1.0, color="black", linewidth=1, label="copy floor (1x)")
            ax.axhline(COPY_RATIO_TARGET, color="black", linestyle="--", linewidth=1,
                       label=f"piecewise-linear target ({COPY_RATIO_TARGET:g}x)")
            ax.set_yscale("log")
            ax.set_xticks(np.arange(len(names)), names, rotation=60, ha="right")
            ax.set_title(f"{pass_}, n = {n:.0e} float32")
            ax.set_xlabel("activation")
            if j == 0:
                ax.set_ylabel("time / copy time (log scale)")
            ax.grid(axis="y", which="both", alpha=0.3)
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="lower center", ncol=5, fontsize="small")
    fig.suptitle("Activation time relative to a plain copy of the same bytes (lower is better)")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- profile: the NumPy passes inside each reference function ---------------------------------

TRANSCENDENTAL = {"exp", "expm1", "log1p", "log", "tanh"}


class _TracedArray(np.ndarray):
    """An ndarray that times every ufunc call it takes part in (its results are traced too)."""

    calls: list[tuple[str, bool, float]] = []

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        plain = [a.view(np.ndarray) if isinstance(a, _TracedArray) else a for a in inputs]
        if out is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _TracedArray) else o for o in out)
        start = time.perf_counter()
        result = getattr(ufunc, method)(*plain, **kwargs)
        elapsed = time.perf_counter() - start
        float64 = isinstance(result, np.ndarray) and result.dtype == np.float64
        _TracedArray.calls.append((ufunc.__name__, float64, elapsed))
        if out is None and isinstance(result, np.ndarray):
            return result.view(_TracedArray)
        return out[0] if out is not None and len(out) == 1 else result


def profile(name: str, pass_: str, x_block: np.ndarray, repeats: int) -> dict:
    """Where ``pass_`` of ``name`` spends its time on one cache-sized float32 block.

    The kernel inside the public function (``__wrapped__``: the public function would strip
    the subclass when it coerces its input) runs on a traced copy of the block; the median
    of ``repeats`` runs is split into transcendental ufuncs, other ufuncs, and the rest.
    """
    entry = activations.ELEMENTWISE[name]
    kernel = (entry.forward if pass_ == "forward" else entry.grad).__wrapped__
    traced = x_block.view(_TracedArray)
    # prelu's kernel takes no out (its per-channel slopes need the whole array's shape).
    out = {"out": np.empty_like(x_block)} if "out" in inspect.signature(kernel).parameters else {}
    runs = []
    with np.errstate(under="ignore"):
        for _ in range(repeats + 1):
            _TracedArray.calls = []
            start = time.perf_counter()
            kernel(traced, **entry.kwargs, **out)
            runs.append((time.perf_counter() - start, _TracedArray.calls))
    total, calls = sorted(runs[1:], key=lambda r: r[0])[len(runs[1:]) // 2]
    transcendental = sum(t for n, _, t in calls if n in TRANSCENDENTAL)
    ufuncs = sum(t for _, _, t in calls)
    per_element = 1e9 / x_block.size
    return {
        "activation": name, "pass": pass_, "block": x_block.size,
        "ufunc_passes": len(calls),
        "transcendental_passes": sum(n in TRANSCENDENTAL for n, _, _ in calls),
        "float64_passes": sum(f64 for _, f64, _ in calls),
        "ns_per_element": total * per_element,
        "transcendental_ns": transcendental * per_element,
        "other_ufunc_ns": (ufuncs - transcendental) * per_element,
        "outside_ufunc_ns": (total - ufuncs) * per_element,
        "passes": [n for n, _, _ in calls],
    }


def profile_table(profiles: list[dict]) -> str:
    lines = ["profile: one float32 block in cache, traced ufunc by ufunc (ns per element; the "
             "tracing adds about a microsecond per call)",
             f"{'activation':16s}  {'pass':10s}  passes  exp-like  float64  total ns  exp-like ns  "
             "other ufunc ns  outside ns"]
    for p in profiles:
        lines.append(f"{p['activation']:16s}  {p['pass']:10s}  {p['ufunc_passes']:6d}  "
                     f"{p['transcendental_passes']:8d}  {p['float64_passes']:7d}  "
                     f"{p['ns_per_element']:8.2f}  {p['transcendental_ns']:11.2f}  "
                     f"{p['other_ufunc_ns']:14.2f}  {p['outside_ufunc_ns']:10.2f}")
    return "\n".join(lines)


# --- masked selects versus one plain pass -------------------------------------------------------

def masked_selects(x: np.ndarray, repeats: int, alpha: float = 0.01) -> dict:
    """The leaky ReLU by masked selects, as multiples of one plain ufunc pass over ``x``."""
    def boolean_index():
        y = x.copy()
        y[x <= 0] *= alpha
        return y

    def putmask():
        y = x.copy()
        np.putmask(y, x <= 0, x * alpha)
        return y

    def copyto_where():
        y = x.copy()
        np.copyto(y, x * alpha, where=x <= 0)
        return y

    medians = interleaved_medians({
        "plain_multiply_s": lambda: np.multiply(x, alpha),
        "arithmetic_reference_s": lambda: activations.leaky_relu(x, alpha),
        "where_s": lambda: np.where(x > 0, x, x * alpha),
        "boolean_index_s": boolean_index,
        "putmask_s": putmask,
        "copyto_where_s": copyto_where,
    }, repeats, torch_threads={})
    plain = medians["plain_multiply_s"]
    return {"n": x.size, **medians,
            **{k[:-2] + "_over_plain": v / plain for k, v in medians.items() if k != "plain_multiply_s"}}


def block_size_sweep(x: np.ndarray, names, block_sizes, repeats: int) -> list[dict]:
    """Median time of each reference function at each block size (interleaved rounds)."""
    from activations import _arrays

    default = _arrays.BLOCK_ELEMENTS
    rows = []
    try:
        for name in names:
            entry = activations.ELEMENTWISE[name]
            for pass_, function in (("forward", entry.forward), ("derivative", entry.grad)):
                def at(size, function=function, kwargs=dict(entry.kwargs)):
                    def call():
                        _arrays.BLOCK_ELEMENTS = size
                        function(x, **kwargs)
                    return call
                medians = interleaved_medians({str(b): at(b) for b in block_sizes}, repeats, {})
                rows.append({"activation": name, "pass": pass_, "n": x.size,
                             "seconds_by_block_size": medians})
    finally:
        _arrays.BLOCK_ELEMENTS = default
    return rows


def main(sizes=DEFAULT_SIZES, repeats: int = DEFAULT_REPEATS, names=None,
         loop_sample: int = DEFAULT_LOOP_SAMPLE, out_dir: Path = DEFAULT_OUT,
         chart_dir: Path = DEFAULT_CHART_DIR, block_sizes=()) -> dict:
    """Run the benchmark, print the tables, write the JSON and PNG; return the JSON document."""
    from activations import _arrays

    sizes = sorted(int(n) for n in sizes)
    names = list(names) if names else list(activations.ELEMENTWISE)
    unknown = [m for m in names if m not in activations.ELEMENTWISE]
    if unknown:
        raise ValueError(f"not in activations.ELEMENTWISE: {unknown}")
    out_dir, chart_dir = Path(out_dir), Path(chart_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chart_dir.mkdir(parents=True, exist_ok=True)
    settings = {"sizes": sizes, "repeats": repeats, "loop_sample": loop_sample, "dtype": "float32",
                "input": f"N(0, {INPUT_SCALE:g}^2), seed {SEED}", "activations": names,
                "block_elements": _arrays.BLOCK_ELEMENTS}
    info = machine_info()
    x_full = np.random.default_rng(SEED).standard_normal(max(sizes), dtype=np.float32)
    x_full *= INPUT_SCALE
    start = time.perf_counter()
    rows = []
    for name in names:
        rows += bench_activation(name, x_full, sizes, repeats, loop_sample)
        print(f"  timed {name} ({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)
    x_block = x_full[:min(_arrays.BLOCK_ELEMENTS, x_full.size)].copy()
    profiles = [profile(name, pass_, x_block, repeats) for name in names for pass_ in PASSES]
    masked = [masked_selects(x_full[:n], repeats) for n in sizes]
    sweep = block_size_sweep(x_full, names, block_sizes, repeats) if block_sizes else []
    report = {"machine": info, "settings": settings, "targets": {
        "reference_over_torch_max": TORCH_RATIO_TARGET,
        "piecewise_linear_reference_over_copy_max": COPY_RATIO_TARGET,
        "piecewise_linear": list(PIECEWISE_LINEAR)}, "results": rows,
        "profile": profiles, "masked_selects": masked, "block_size_sweep": sweep,
        "elapsed_s": time.perf_counter() - start}
    print(table(rows, info, settings))
    print(profile_table(profiles))
    for m in masked:
        print(f"masked selects at n={m['n']:.0e}, as multiples of one np.multiply pass "
              f"({m['plain_multiply_s'] * 1e3:.2f} ms): np.where {m['where_over_plain']:.1f}x, "
              f"boolean index {m['boolean_index_over_plain']:.1f}x, np.putmask "
              f"{m['putmask_over_plain']:.1f}x, np.copyto(where=) {m['copyto_where_over_plain']:.1f}x; "
              f"the reference's arithmetic form {m['arithmetic_reference_over_plain']:.1f}x")
    for r in sweep:
        cells = ", ".join(f"{b}: {t * 1e3:.2f} ms" for b, t in r["seconds_by_block_size"].items())
        print(f"block sizes, {r['activation']} {r['pass']} n={r['n']:.0e}: {cells}")
    json_path, png_path = out_dir / "activations_speed.json", chart_dir / "activations_speed.png"
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    chart(rows, sizes, png_path)
    print(f"wrote {json_path} and {png_path}")
    return report


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--names", nargs="+", help="activations to time (default: all in the registry)")
    parser.add_argument("--loop-sample", type=int, default=DEFAULT_LOOP_SAMPLE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory for the JSON")
    parser.add_argument("--chart-dir", type=Path, default=DEFAULT_CHART_DIR, help="directory for the PNG")
    parser.add_argument("--block-sizes", type=int, nargs="+", default=(),
                        help="also time the reference at these block sizes (elements)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = _parse(sys.argv[1:])
    main(args.sizes, args.repeats, args.names, args.loop_sample, args.out, args.chart_dir,
         args.block_sizes)
