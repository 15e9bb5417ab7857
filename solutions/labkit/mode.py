"""Quick or full: how big the labs' experiments are.

Full size is meant for a GPU; quick mode keeps each lab under about a minute on two CPU cores
(what the book build and CI have). ``COURSE_MODE=quick`` or ``COURSE_MODE=full`` forces a mode;
unset, the device decides: full on a GPU (CUDA or MPS), quick on a CPU.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

import torch

MODE_VARIABLE = "COURSE_MODE"
MODES = ("quick", "full")


@dataclass(frozen=True)
class Sizes:
    """Every size the three labs use, for one mode."""

    # Lab 1, the activation shoot-out.
    seeds: int                       # independent runs per activation and data set
    epochs: int
    width: int                       # hidden units per layer of the shoot-out MLP
    # Lab 2, gradients through depth.
    depths: tuple[int, ...]          # MLP depths (hidden layers) for the gradient-norm sweep
    deep_width: int                  # hidden units per layer of the deep MLPs
    train_depth: int                 # depth of the networks trained while recording gradients
    train_epochs: int
    dead_epochs: int                 # epochs of each dead-unit run
    learning_rates: tuple[float, ...]   # Adam learning rates of the dead-unit runs
    bias_inits: tuple[float, ...]       # of the dead-unit runs
    # Lab 3, a custom activation made fast.
    elements: tuple[int, ...]        # tensor sizes of the bandwidth benchmark
    compile: bool                    # whether to benchmark torch.compile (a C++/Triton build step)


QUICK = Sizes(seeds=3, epochs=10, width=64,
              depths=(10, 20, 30, 40, 50), deep_width=64, train_depth=20, train_epochs=5, dead_epochs=5,
              learning_rates=(0.001, 0.01, 0.1), bias_inits=(0.0, -1.0, -2.0),
              elements=(10**4, 10**5, 10**6), compile=False)
FULL = Sizes(seeds=10, epochs=60, width=256,
             depths=(10, 20, 30, 40, 50), deep_width=256, train_depth=50, train_epochs=30, dead_epochs=30,
             learning_rates=(0.0003, 0.001, 0.003, 0.01, 0.03, 0.1), bias_inits=(0.0, -0.5, -1.0, -1.5, -2.0, -3.0),
             elements=(10**6, 10**7, 10**8), compile=True)
SIZES = {"quick": QUICK, "full": FULL}


def mode_for(device: torch.device, environ: Mapping[str, str] | None = None) -> str:
    """``COURSE_MODE`` if set (``quick`` or ``full``), else full on a GPU and quick on a CPU.

    Raises ValueError, naming the allowed values, for anything else.
    """
    environ = os.environ if environ is None else environ
    requested = environ.get(MODE_VARIABLE, "").strip().lower()
    if not requested:
        return "quick" if device.type == "cpu" else "full"
    if requested not in MODES:
        raise ValueError(f"{MODE_VARIABLE}={environ[MODE_VARIABLE]!r} is not a mode: set it to 'quick' (small, "
                         f"about a minute per lab on a laptop CPU) or 'full' (full size, meant for a GPU), "
                         f"or unset it to let the device decide")
    return requested


def sizes_for(mode: str) -> Sizes:
    """The sizes of ``mode`` (``quick`` or ``full``)."""
    return SIZES[mode]
