"""Progress bars for training loops: a widget in Jupyter (with ipywidgets), text elsewhere.

Bars disappear when their loop ends (``leave=False``), so a finished notebook keeps its
results, not a stack of stale bars. The book hides the cells' stderr, where the text bars go.
"""
from __future__ import annotations

import warnings

from tqdm import TqdmWarning

with warnings.catch_warnings():
    # Without ipywidgets tqdm.auto falls back to text bars, and warns about it once: the
    # fallback is what we want, so the warning is noise.
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm


def bar(iterable=None, desc: str = "", total: int | None = None):
    """``iterable`` wrapped in a progress bar labelled ``desc``."""
    return tqdm(iterable, desc=desc, total=total, leave=False, mininterval=0.5)
