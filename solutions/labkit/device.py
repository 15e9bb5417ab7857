"""Which device the labs run on: the first of CUDA, Apple's MPS and the CPU that is available."""
from __future__ import annotations

import platform
from pathlib import Path

import torch


def pick_device(verbose: bool = True) -> torch.device:
    """``cuda`` if a CUDA GPU is available, else ``mps`` (Apple silicon), else ``cpu``.

    With ``verbose`` it prints what it picked, so every lab's output says where it ran.
    """
    if torch.cuda.is_available():
        device = torch.device("cuda")
    elif torch.backends.mps.is_available():
        device = torch.device("mps")
    else:
        device = torch.device("cpu")
    if verbose:
        print(announce(device))
    return device


def announce(device: torch.device) -> str:
    """The line a lab prints about its device, e.g. ``device: cuda (NVIDIA H100 80GB HBM3)``."""
    return f"device: {device.type} ({device_name(device)})"


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for text in cpuinfo.read_text(errors="replace").splitlines():
            if text.startswith("model name"):
                return text.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def device_name(device: torch.device) -> str:
    """A human-readable name: the GPU's model, or the CPU's model and thread count."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return f"Apple GPU (MPS) on {platform.machine()}"
    threads = torch.get_num_threads()
    return f"{_cpu_model()}, {threads} thread{'s' if threads > 1 else ''}"


def synchronize(device: torch.device) -> None:
    """Wait for the device to finish queued work (GPU kernels run asynchronously), before timing."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()
