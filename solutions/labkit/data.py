"""The labs' data: real handwritten digits and a synthetic set, both shipped with scikit-learn.

Nothing is downloaded: ``load_digits`` reads a file inside the scikit-learn package and
``make_moons`` generates its points. Features are standardised with the *training* split's
mean and standard deviation only, so no information leaks from the test split.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_digits, make_moons
from sklearn.model_selection import train_test_split

TEST_FRACTION = 0.25
MOONS_SAMPLES = 2000
MOONS_NOISE = 0.3      # classes overlap: no activation can reach 100 %, so differences can show


@dataclass(frozen=True)
class Split:
    """A standardised train/test split as float32 features and int64 labels on one device."""

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def n_features(self) -> int:
        return self.x_train.shape[1]

    @property
    def n_classes(self) -> int:
        return int(torch.cat([self.y_train, self.y_test]).max()) + 1


def split(name: str, x: np.ndarray, y: np.ndarray, seed: int = 0,
          device: torch.device | str = "cpu") -> Split:
    """A stratified, seeded train/test split of (x, y), standardised by the training split."""
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=TEST_FRACTION, random_state=seed, stratify=y)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)  # a few digit pixels are always 0 in the training split

    def features(a):
        return torch.tensor((a - mean) / std, dtype=torch.float32, device=device)

    def labels(a):
        return torch.tensor(a, dtype=torch.int64, device=device)

    return Split(name, features(x_train), labels(y_train), features(x_test), labels(y_test))


def digits(seed: int = 0, device: torch.device | str = "cpu") -> Split:
    """1797 real 8x8 handwritten digits: 64 pixel features, each one of 17 grey levels (0 to 16); 10 classes."""
    data = load_digits()
    return split("digits", data.data, data.target, seed, device)


def moons(seed: int = 0, device: torch.device | str = "cpu") -> Split:
    """Two interleaving half-moons with Gaussian noise: 2 features, 2 classes."""
    x, y = make_moons(n_samples=MOONS_SAMPLES, noise=MOONS_NOISE, random_state=seed)
    return split("moons", x, y, seed, device)
