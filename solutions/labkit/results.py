"""Recorded full-size results: saved from a GPU run, committed beside the labs, shown to every reader.

A lab run in full mode on a GPU with ``COURSE_RECORD=1`` writes ``lab_results/<lab>/results.json``
(its numbers, with the device name, torch version and date) and its figures as PNG files. Every
later run of the page, on any machine, loads that file and draws the recorded numbers next to
its own, so a reader on a laptop CPU still sees the full-size picture. Without such a file the
page says that no GPU run has been recorded; nothing is ever filled in by hand.
"""
from __future__ import annotations

import datetime
import json
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import matplotlib.pyplot as plt
import torch

from labkit.device import device_name
from labkit.lab import Lab

RESULTS_ROOT = Path(__file__).resolve().parent.parent / "lab_results"   # solutions/lab_results
RECORD_VARIABLE = "COURSE_RECORD"
RESULTS_FILE = "results.json"
NOT_RECORDED = ("No GPU run of this lab has been recorded yet, so this page shows only its own run "
                "({}). The course's README says how to record the full-size results on a GPU.")


@dataclass(frozen=True)
class Recorded:
    """A lab's stored full-size results: ``meta`` says where and when, ``data`` holds the numbers."""

    meta: dict
    data: dict

    @property
    def label(self) -> str:
        return f"recorded: {self.meta['device']}, torch {self.meta['torch']}, {self.meta['date'][:10]}"


def metadata(lab: Lab) -> dict:
    """Where and when a run happened: device name and type, torch version, mode, UTC date."""
    return {"device": device_name(lab.device), "device_type": lab.device.type, "torch": torch.__version__,
            "mode": lab.mode, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def save(name: str, data: dict, meta: dict, figures: Mapping[str, plt.Figure] = {},
         root: Path = RESULTS_ROOT) -> Path:
    """Write ``root/<name>/results.json`` (meta and data) and each figure as ``<key>.png``; return the JSON path."""
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RESULTS_FILE
    path.write_text(json.dumps({"meta": meta, "data": data}, indent=1, sort_keys=True) + "\n")
    for key, figure in figures.items():
        figure.savefig(folder / f"{key}.png", dpi=120, bbox_inches="tight")
    return path


def load(name: str, root: Path = RESULTS_ROOT) -> Recorded | None:
    """The recorded results of lab ``name``, or None if none were recorded."""
    path = Path(root) / name / RESULTS_FILE
    if not path.exists():
        return None
    stored = json.loads(path.read_text())
    return Recorded(stored["meta"], stored["data"])


def status(recorded: Recorded | None, lab: Lab, width: int = 80) -> str:
    """One sentence for the page, wrapped to ``width``: which recorded run is shown, or that there is none."""
    if recorded is None:
        text = NOT_RECORDED.format(f"{lab.mode} mode on {lab.device.type}")
    else:
        text = (f"Shown beside this page's own run ({lab.mode} mode on {lab.device.type}): the full-size run "
                f"recorded on {recorded.meta['device']} with torch {recorded.meta['torch']} on "
                f"{recorded.meta['date'][:10]}.")
    return textwrap.fill(text, width)


def record_if_asked(name: str, data: dict, lab: Lab, figures: Mapping[str, plt.Figure] = {},
                    environ: Mapping[str, str] | None = None, root: Path = RESULTS_ROOT) -> Path | None:
    """With ``COURSE_RECORD=1``, save this run as lab ``name``'s recorded results, if it is full size on a GPU.

    Prints what it did, and why not when it refuses: recorded results are the full-size GPU
    picture, so a quick or CPU run never replaces them.
    """
    environ = os.environ if environ is None else environ
    if environ.get(RECORD_VARIABLE, "") != "1":
        return None
    if lab.mode != "full" or lab.device.type == "cpu":
        print(f"{RECORD_VARIABLE}=1 ignored: only a full-mode run on a GPU is recorded "
              f"(this one: {lab.mode} mode on {lab.device.type})")
        return None
    path = save(name, data, metadata(lab), figures, root)
    print(f"recorded this run in {path}")
    return path


def side_by_side(draw: Callable, mine, recorded_data, lab: Lab, recorded: Recorded | None,
                 ncols: int = 1, panel_size: tuple[float, float] = (5.0, 3.4), same_scale: bool = True,
                 nrows: int = 1) -> plt.Figure:
    """This run's panels, drawn by ``draw(axes, data)``, and below them the recorded run's.

    Each run gets a block of ``nrows`` x ``ncols`` panels, passed to ``draw`` as a flat list.
    ``recorded_data`` is the recorded counterpart of ``mine``; when nothing is recorded the
    figure has only this run's block. Each block is titled with where its run happened, and
    with ``same_scale`` both blocks share each panel's y-range so that they can be compared by eye.
    """
    rows = [(mine, f"this run: {lab.mode} mode, {device_name(lab.device)}")]
    if recorded is not None:
        rows.append((recorded_data, recorded.label))
    fig = plt.figure(figsize=(panel_size[0] * ncols, (panel_size[1] * nrows + 0.3) * len(rows)), layout="constrained")
    grid = []
    for sub, (data, label) in zip(fig.subfigures(len(rows), 1, squeeze=False)[:, 0], rows):
        axes = list(sub.subplots(nrows, ncols, squeeze=False).ravel())
        draw(axes, data)
        sub.suptitle(label, fontsize=9, color="0.3")
        grid.append(axes)
    if same_scale and len(grid) > 1:
        for column in zip(*grid):
            low = min(ax.get_ylim()[0] for ax in column)
            high = max(ax.get_ylim()[1] for ax in column)
            for ax in column:
                ax.set_ylim(low, high)
    return fig
