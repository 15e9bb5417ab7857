"""Where the course's notebooks are, and how their cells are marked.

Three notebooks per chapter, all named after the chapter (``leaky_relu``):

* ``solutions/leaky_relu.ipynb``: the single source, a book page with the answers. Each
  exercise cell carries the tag ``exercise:<function name>`` and its answer between
  ``# BEGIN SOLUTION`` and ``# END SOLUTION``.
* ``chapters/leaky_relu.ipynb``: the student's copy, generated from the solution.
* ``autograder/grading/leaky_relu.ipynb``: the checks, one per cell, each tagged
  ``exercise:<function name>`` and ``points:<n>``; cells tagged ``setup`` prepare the inputs.
  Its stored outputs are the expected outputs, produced by running it against the solutions.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
CHAPTERS = ROOT / "chapters"
GRADING = Path(__file__).resolve().parent / "grading"

EXERCISE_TAG = "exercise:"
POINTS_TAG = "points:"
SETUP_TAG = "setup"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


class NotebookError(Exception):
    """A notebook that cannot be graded, with a message that says what to do."""


def read(path: Path) -> nbformat.NotebookNode:
    path = Path(path)
    if not path.exists():
        raise NotebookError(f"{path}: no such file. Give the path of a chapter notebook, "
                            f"e.g. chapters/leaky_relu.ipynb.")
    if path.suffix != ".ipynb":
        raise NotebookError(f"{path}: not a notebook (.ipynb). Give the path of a chapter notebook.")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several unrelated types for a broken file
        raise NotebookError(f"{path}: cannot be read as a notebook ({type(error).__name__}: {error}). "
                            f"If you edited it by hand, restore it from version control or "
                            f"regenerate a fresh copy with `make student`.") from error


def tag_value(cell, prefix: str) -> str | None:
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag.startswith(prefix):
            return tag[len(prefix):]
    return None


def has_tag(cell, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


@dataclass(frozen=True)
class Check:
    """One check cell of a grading notebook."""

    index: int
    exercise: str
    points: int
    source: str
    expected: str
    fingerprints: dict


def cell_text(cell) -> str:
    """The stdout text a cell printed (its stored or actual outputs)."""
    return "".join(out.get("text", "") for out in cell.get("outputs", [])
                   if out.get("output_type") == "stream" and out.get("name") == "stdout")


def checks(grading: nbformat.NotebookNode) -> list[Check]:
    found = []
    for index, cell in enumerate(grading.cells):
        exercise = tag_value(cell, EXERCISE_TAG)
        if cell.cell_type != "code" or exercise is None:
            continue
        points = tag_value(cell, POINTS_TAG)
        if points is None or not points.isdigit() or int(points) < 1:
            raise NotebookError(f"grading cell {index} ({exercise}) has no valid `{POINTS_TAG}<n>` tag: every "
                                f"check states its points (regenerate it with `make regrade-reference`)")
        points = int(points)
        found.append(Check(index, exercise, points, cell.source, cell_text(cell),
                           dict(cell.metadata.get("fingerprints", {}))))
    return found


def setup_sources(grading: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in grading.cells if c.cell_type == "code" and has_tag(c, SETUP_TAG)]


def exercises(grading: nbformat.NotebookNode) -> list[str]:
    """Exercise names in the order the grading notebook first checks them."""
    return list(dict.fromkeys(check.exercise for check in checks(grading)))


def grading_notebook_for(student_path: Path) -> Path:
    """The grading notebook for a student's chapter notebook, by chapter name."""
    path = GRADING / f"{Path(student_path).stem}.ipynb"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in GRADING.glob("*.ipynb"))) or "none"
        raise NotebookError(f"{student_path}: no grading notebook for a chapter named "
                            f"'{Path(student_path).stem}' (graded chapters: {known}). Keep the "
                            f"chapter's file name, e.g. chapters/leaky_relu.ipynb; a copy under "
                            f"another name can be graded as chapters/<chapter>.ipynb.")
    return path


def grading_notebook_with(exercise: str) -> Path:
    """The grading notebook that checks ``exercise`` (names are unique course-wide)."""
    for path in sorted(GRADING.glob("*.ipynb")):
        if exercise in exercises(read(path)):
            return path
    raise NotebookError(f"no exercise named '{exercise}' in any chapter; check the spelling "
                        f"(it is the name of the function the exercise asks for).")


def _defines(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return re.search(rf"^def\s+{re.escape(name)}\s*\(", source, re.MULTILINE) is not None
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name
               for node in tree.body)


def exercise_source(notebook: nbformat.NotebookNode, name: str) -> str | None:
    """The student's cell for exercise ``name``: the tagged cell, else the last that defines it."""
    code = [c for c in notebook.cells if c.cell_type == "code"]
    tagged = [c for c in code if tag_value(c, EXERCISE_TAG) == name]
    defining = [c for c in code if _defines(c.source, name)]
    candidates = defining or tagged
    return candidates[-1].source if candidates else None


def _bound_names(node: ast.Import | ast.ImportFrom) -> set[str]:
    """The names an import statement binds (``*`` for a star import)."""
    return {alias.asname or alias.name.split(".")[0] for alias in node.names}


def _used_names(source: str) -> set[str]:
    try:
        return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    except SyntaxError:  # the grader will report the syntax error; guess the names it uses
        return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))


def import_lines(notebook: nbformat.NotebookNode, used_by: list[str]) -> str:
    """The notebook's top-level import statements that the code in ``used_by`` needs.

    An import is kept when a name it binds is used in that code (or it is a star import), so a
    lesson's heavy imports for its own experiments (torch, scikit-learn) stay out of grading.
    """
    used = set().union(*(_used_names(source) for source in used_by)) if used_by else set()
    lines = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        lines += [ast.get_source_segment(cell.source, node) for node in tree.body
                  if isinstance(node, (ast.Import, ast.ImportFrom)) and _bound_names(node) & (used | {"*"})]
    return "\n".join(dict.fromkeys(lines))


def stub(source: str, name: str) -> str:
    """Replace each answer block by a stub that raises NotImplementedError."""
    out, skipping = [], False
    for text in source.splitlines():
        marker = text.strip()
        if marker == BEGIN:
            indent = text[: len(text) - len(text.lstrip())]
            out.append(f'{indent}raise NotImplementedError("{name}: your code here")')
            skipping = True
        elif marker == END:
            skipping = False
        elif not skipping:
            out.append(text)
    if skipping:
        raise NotebookError(f"exercise {name}: '{BEGIN}' without a matching '{END}'")
    return "\n".join(out)
