"""labkit: the shared code of the course's PyTorch training labs.

One concept per module:

* :mod:`labkit.device`: pick the device (CUDA, then MPS, then CPU), name it, synchronise it.
* :mod:`labkit.mode`: quick or full size (``COURSE_MODE``), and the sizes of each.
* :mod:`labkit.lab`: ``start()``, the first call of every lab (device, mode, seeds, threads).
* :mod:`labkit.data`: the digits and moons data sets, split and standardised.
* :mod:`labkit.models`: MLPs with a chosen activation and weight initialisation.
* :mod:`labkit.training`: a mini-batch training loop returning per-epoch histories.
* :mod:`labkit.progress`: progress bars (tqdm) that keep a finished notebook clean.
* :mod:`labkit.bandwidth`: timing an elementwise operation as achieved memory bandwidth.
* :mod:`labkit.results`: recorded full-size GPU results, saved, loaded and drawn beside a run.
* :mod:`labkit.tables`: result tables as HTML, for Jupyter and the book alike.
"""
from labkit.lab import Lab, start

__all__ = ["Lab", "start"]
