"""Which chapter a student's notebook is, from the notebook itself rather than its file name.

``make student`` writes the chapter id and the course version into every student notebook's
metadata (``metadata.autograder.chapter`` and ``.course_version``), so a copy made by Jupyter's
"Duplicate" (``leaky_relu-Copy1.ipynb``), a renamed file (``smith_week3.ipynb``) or a file in
any folder is graded as the chapter it came from. Only a notebook without that metadata (made
before it existed, or by hand) falls back on its file name. A notebook generated for an older
course version is graded against today's checks, with a warning that says what changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.notebooks import SOLUTIONS, NotebookError
from autograder.spec import spec_names

COURSE_VERSION = 2
"""Raised whenever a change to the graded exercises can change a student's score."""

CHANGES = {
    2: "every elementwise exercise is now also checked on a 0-d input and on integer input (which "
       "must give float64), and each exercise's points changed; the exercises' names and "
       "signatures are the same",
}
"""What changed for students at each course version (version 1: notebooks without a version)."""


class UngradedChapter(NotebookError):
    """A notebook of a course page that has no graded exercises (the atlas, a lab without any)."""


@dataclass(frozen=True)
class Identity:
    """The chapter a notebook belongs to, how that was decided, and what the student should know."""

    chapter: str
    from_metadata: bool
    course_version: int
    warnings: tuple[str, ...] = ()


def known_chapters() -> list[str]:
    return spec_names()


def metadata(chapter: str) -> dict:
    """What ``make student`` records in a chapter notebook's metadata."""
    return {"chapter": chapter, "course_version": COURSE_VERSION}


def _no_chapter(path: Path, reason: str) -> NotebookError:
    return NotebookError(f"{path}: {reason}. It is not a notebook of this course's graded chapters "
                         f"({', '.join(known_chapters())}). Open the chapter notebook from chapters/ "
                         f"(or a copy of it: copies keep the chapter in their metadata) and grade that.")


def identify(notebook: nbformat.NotebookNode, path: Path) -> Identity:
    """The chapter of ``notebook`` (read from ``path``): metadata first, then the file name."""
    path = Path(path)
    recorded = notebook.metadata.get("autograder", {})
    if not isinstance(recorded, dict):
        recorded = {}
    chapter = recorded.get("chapter")
    if chapter is None and isinstance(recorded.get("generated_from"), str):
        chapter = Path(recorded["generated_from"]).stem   # course version 1 recorded only the source
    from_metadata = isinstance(chapter, str)
    if not from_metadata:
        chapter = path.stem
    if chapter not in known_chapters():
        if from_metadata and (SOLUTIONS / f"{chapter}.ipynb").exists():
            raise UngradedChapter(f"{path}: the page '{chapter}' has no graded exercises, so there is nothing to "
                                  f"grade; the graded chapters are {', '.join(known_chapters())}")
        if from_metadata:
            raise _no_chapter(path, f"its metadata names the chapter '{chapter}', which this version of the "
                                    f"course does not grade")
        raise _no_chapter(path, "its metadata names no chapter and its file name is no chapter's name")
    version = recorded.get("course_version", 1)
    version = version if isinstance(version, int) and not isinstance(version, bool) else 1
    warnings = []
    if version < COURSE_VERSION:
        changed = "; ".join(CHANGES[v] for v in range(version + 1, COURSE_VERSION + 1))
        warnings.append(f"this notebook was made for course version {version}; it is graded with version "
                        f"{COURSE_VERSION}'s checks. What changed: {changed}.")
    if not from_metadata:
        warnings.append(f"no chapter recorded in the notebook: graded as '{chapter}' from its file name")
    return Identity(chapter, from_metadata, version, tuple(warnings))
