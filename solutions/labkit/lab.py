"""The first cell of every lab: pick the device and the mode, fix the seeds, say what was chosen."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import torch

from labkit.device import announce, pick_device
from labkit.mode import MODE_VARIABLE, Sizes, mode_for, sizes_for


@dataclass(frozen=True)
class Lab:
    """Where and how big a lab runs."""

    device: torch.device
    mode: str
    sizes: Sizes
    seed: int

    def rng(self, offset: int = 0) -> np.random.Generator:
        """A NumPy generator seeded from the lab's seed (``offset`` gives independent streams)."""
        return np.random.default_rng(self.seed + offset)


def cpu_threads() -> int:
    """The CPU cores this process may use (a container may see fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        return os.cpu_count() or 1


def threads_for(mode: str) -> int:
    """CPU threads for torch: one in quick mode, every allowed core in full mode.

    Quick mode trains tiny networks, whose operations take microseconds: splitting each over
    several threads costs more in synchronisation than it saves, and a thread that the OS
    pauses (the book build runs beside other processes) stalls all the others.
    """
    return 1 if mode == "quick" else cpu_threads()


def start(seed: int = 0, environ: Mapping[str, str] | None = None) -> Lab:
    """Pick the device and mode, set torch's CPU threads, seed torch, and print the choices."""
    device = pick_device(verbose=False)
    mode = mode_for(device, environ)
    torch.set_num_threads(threads_for(mode))
    print(announce(device))  # after set_num_threads, so that the thread count printed is the one used
    environ = os.environ if environ is None else environ
    why = (f"{MODE_VARIABLE}={environ[MODE_VARIABLE].strip()}" if environ.get(MODE_VARIABLE, "").strip()
           else f"default on a {'CPU' if device.type == 'cpu' else 'GPU'}; set {MODE_VARIABLE}=quick or full to choose")
    print(f"mode: {mode} ({why})")
    torch.manual_seed(seed)
    return Lab(device, mode, sizes_for(mode), seed)
