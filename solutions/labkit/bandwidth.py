"""Timing an elementwise operation, reported as the memory bandwidth it achieves.

An elementwise activation does about one arithmetic operation per 4-byte element it reads and
writes, far below what a CPU or GPU can compute per byte it can move: its speed is set by
memory bandwidth. So each operation is reported as *effective bandwidth*: the bytes it must
move at the very least (each input read once, each output written once) divided by its time.
A plain copy (read n elements, write n) moves the same bytes as a forward pass and does no
arithmetic at all; its bandwidth is the practical ceiling for any elementwise kernel.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

import torch

from labkit.device import synchronize

REPEATS = 7   # timed calls; the median is reported
WARMUP = 3    # untimed calls first: caches, the memory allocator and lazy initialisation settle


def seconds(fn: Callable[[], object], device: torch.device, repeats: int = REPEATS) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls, after ``WARMUP`` calls, device synchronised."""
    for _ in range(WARMUP):
        fn()
    synchronize(device)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def minimum_bytes(elements: int, dtype: torch.dtype, tensors_touched: int) -> int:
    """Bytes an operation must move: ``tensors_touched`` reads or writes of ``elements`` elements."""
    return elements * torch.empty((), dtype=dtype).element_size() * tensors_touched


def gigabytes_per_second(bytes_moved: int, elapsed: float) -> float:
    """Effective bandwidth in GB/s (10^9 bytes per second)."""
    return bytes_moved / elapsed / 1e9
