"""The first cell of every lab: pick the device and the mode, fix the seeds, say what was chosen."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import torch

from labkit.device import pick_device
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


def start(seed: int = 0, environ: Mapping[str, str] | None = None) -> Lab:
    """Pick the device and mode, seed torch, use every allowed CPU core, and print the choice."""
    torch.set_num_threads(cpu_threads())
    device = pick_device()
    mode = mode_for(device, environ)
    environ = os.environ if environ is None else environ
    why = (f"{MODE_VARIABLE}={environ[MODE_VARIABLE].strip()}" if environ.get(MODE_VARIABLE, "").strip()
           else f"default on a {'CPU' if device.type == 'cpu' else 'GPU'}; set {MODE_VARIABLE}=quick or full to choose")
    print(f"mode: {mode} ({why})")
    torch.manual_seed(seed)
    return Lab(device, mode, sizes_for(mode), seed)
