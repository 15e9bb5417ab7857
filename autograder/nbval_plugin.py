"""A pytest plugin that records what nbval saw for every cell, keyed on the cell's metadata.

nbval names its items ``Cell 0``, ``Cell 1``...: positions, which shift whenever a cell is
added. The grader needs to know which check each result belongs to, so this plugin writes,
for every cell item, the cell's own metadata, nbval's outcome (``error`` when the item could not
even be set up, e.g. because the kernel did not start), the actual outputs nbval collected and
the exception a cell raised (``raised``: the grader's own cells never should) and nbval's
error message, as JSON lines to the file named by ``AUTOGRADER_RESULTS``.
"""
from __future__ import annotations

import json
import os

import pytest

from autograder.notebooks import cell_text


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cell = getattr(item, "cell", None)
    path = os.environ.get("AUTOGRADER_RESULTS")
    if cell is None or path is None or not (report.when == "call" or report.failed):
        return  # a failed setup is recorded too: that is how a kernel that cannot start shows
    if report.when != "call":
        state = "error"
    elif hasattr(report, "wasxfail"):
        state = "xpassed" if report.passed else "xfailed"  # only after an nbval timeout
    else:
        state = report.outcome
    outputs = getattr(item, "test_outputs", None) or []
    errors = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}" for out in outputs
              if out.get("output_type") == "error"]
    record = {
        "metadata": dict(cell.metadata),
        "outcome": state,
        "actual": cell_text({"outputs": outputs}),
        "raised": errors[0] if errors else None,
        "message": "" if report.passed else str(report.longrepr)[-2000:],
    }
    with open(path, "a", encoding="utf-8") as sink:
        sink.write(json.dumps(record) + "\n")
