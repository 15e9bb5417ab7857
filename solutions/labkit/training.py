"""A small training loop: mini-batch training with a progress bar and per-epoch histories."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from labkit.data import Split
from labkit.device import synchronize
from labkit.progress import bar

BATCH_SIZE = 64
LEARNING_RATE = 1e-3


@dataclass
class History:
    """Per-epoch measurements of one training run (plain lists, so they serialise to JSON)."""

    train_loss: list[float] = field(default_factory=list)     # mean over the epoch's mini-batches
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)  # training only, evaluation excluded
    observations: list = field(default_factory=list)          # whatever ``observe`` returned

    def as_dict(self) -> dict:
        return asdict(self)


def adam(parameters, lr: float = LEARNING_RATE) -> torch.optim.Optimizer:
    """The default optimiser: Adam with PyTorch's defaults and learning rate ``lr``."""
    return torch.optim.Adam(parameters, lr=lr)


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on (x, y)."""
    logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(dim=1) == y).float().mean().item()


def train(model: nn.Module, data: Split, *, epochs: int, seed: int = 0, batch_size: int = BATCH_SIZE,
          optimizer: Callable[..., torch.optim.Optimizer] = adam, desc: str = "",
          observe: Callable[[int, nn.Module], object] | None = None) -> History:
    """Train ``model`` with cross-entropy on ``data``; evaluate on the test split after each epoch.

    Mini-batches are drawn in a seeded random order. ``observe(step, model)``, if given, is
    called after each backward pass (gradients present, before the update); what it returns,
    unless None, is kept in ``History.observations``.
    """
    device = data.x_train.device
    order = torch.Generator().manual_seed(seed)
    opt = optimizer(model.parameters())
    history, step, n = History(), 0, len(data.y_train)
    for _ in bar(range(epochs), desc=desc):
        model.train()
        synchronize(device)
        start = time.perf_counter()
        total = torch.zeros((), device=device)
        for index in torch.randperm(n, generator=order).to(device).split(batch_size):
            loss = F.cross_entropy(model(data.x_train[index]), data.y_train[index])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if observe is not None and (seen := observe(step, model)) is not None:
                history.observations.append(seen)
            opt.step()
            total += loss.detach() * len(index)
            step += 1
        history.train_loss.append(total.item() / n)  # .item() waits for the device
        history.epoch_seconds.append(time.perf_counter() - start)
        model.eval()
        test_loss, accuracy = evaluate(model, data.x_test, data.y_test)
        history.test_loss.append(test_loss)
        history.test_accuracy.append(accuracy)
    return history
