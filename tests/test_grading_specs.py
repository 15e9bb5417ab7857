"""The grading declarations are consistent with the lessons: one answer key, every exercise
checked, every check with explicit points, and the points a lesson announces are the points the
grader gives."""
from __future__ import annotations

import re

import nbformat
import pytest

import activations
from autograder.compare import judge
from autograder.elementwise import Activation, SampleInputs, Variant
from autograder.generate import grading_notebook
from autograder.notebooks import EXERCISE_TAG, SOLUTIONS, NotebookError, checks, read, tag_value
from autograder.runner import load_notebook, run_in_process
from autograder.spec import Chapter, CheckCell, Exercise, SpecError, check, load, spec_names

CHAPTERS = spec_names()
ANNOUNCED = re.compile(r"\((\d+) points?\)")


def _solution(chapter: str) -> nbformat.NotebookNode:
    return read(SOLUTIONS / f"{chapter}.ipynb")


def _exercise_cells(chapter: str) -> list[str]:
    return [tag_value(c, EXERCISE_TAG) for c in _solution(chapter).cells if tag_value(c, EXERCISE_TAG)]


LIBRARY_EXERCISES = [(chapter, exercise.name) for chapter in CHAPTERS for exercise in load(chapter).exercises
                     if hasattr(activations, exercise.name)]


@pytest.mark.parametrize("chapter, exercise", LIBRARY_EXERCISES, ids=[e for _, e in LIBRARY_EXERCISES])
def test_the_lessons_answer_agrees_with_the_reference_library_on_every_check(chapter, exercise):
    spec = load(chapter)
    grading = grading_notebook(spec)
    names = [e.name for e in spec.exercises]
    lesson, _ = load_notebook(_solution(chapter), names)
    library = {**lesson, exercise: getattr(activations, exercise)}
    from_lesson = run_in_process(grading, [exercise], lesson).actual
    from_library = run_in_process(grading, [exercise], library).actual
    assert from_lesson.keys() == from_library.keys() and from_lesson
    for index, text in from_lesson.items():
        assert judge(text, from_library[index]).passed, f"check {index}:\nlesson:\n{text}\nlibrary:\n{from_library[index]}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_declared_exercise_is_an_exercise_cell_of_the_lesson_and_back(chapter):
    declared = [e.name for e in load(chapter).exercises]
    assert declared == _exercise_cells(chapter)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_check_cell_names_a_declared_exercise_and_states_its_points(chapter):
    spec = load(chapter)
    committed = checks(read(SOLUTIONS.parent / "autograder" / "grading" / f"{chapter}.ipynb"))
    assert {c.exercise for c in committed} == {e.name for e in spec.exercises}
    assert sum(c.points for c in committed) == spec.points


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_points_the_lesson_announces_are_the_points_the_grader_gives(chapter):
    spec = load(chapter)
    announced, last = {}, None
    for cell in _solution(chapter).cells:
        if cell.cell_type == "markdown" and ANNOUNCED.search(cell.source):
            last = int(ANNOUNCED.search(cell.source).group(1))
        name = tag_value(cell, EXERCISE_TAG)
        if name:
            assert last is not None, f"{chapter}: no '(N points)' before the exercise {name}"
            announced[name], last = last, None
    assert announced == {e.name: e.points for e in spec.exercises}


def test_a_check_cell_without_points_is_an_error_not_one_point():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("probe.values('t', 'f', {})")])
    notebook.cells[0].metadata["tags"] = ["exercise:f"]
    with pytest.raises(NotebookError, match="points"):
        checks(notebook)


@pytest.mark.parametrize("points", [0, -1, 1.5, True, None])
def test_a_declared_check_needs_positive_integer_points(points):
    with pytest.raises(SpecError, match="points"):
        CheckCell("t", points, "probe.values('t', EXERCISE, {})")


def test_a_hand_written_check_takes_its_title_from_the_probe_call_and_its_name_from_the_exercise():
    exercise = Exercise("f", "f(x)", (check(2, 'probe.values("on a grid", EXERCISE, {"x": grid})'),))
    (cell, source), = exercise.cell_sources()
    assert cell.title == "on a grid" and cell.points == 2
    assert source == "probe.values(\"on a grid\", 'f', {\"x\": grid})"


def test_an_exercise_declared_twice_in_a_chapter_is_an_error():
    exercise = Exercise("f", "f(x)", (check(1, "probe.values('t', EXERCISE, {})"),))
    with pytest.raises(SpecError, match="twice"):
        Chapter("c", "C", (exercise, exercise))


def test_an_activation_declares_three_exercises_from_fifteen_lines_or_fewer():
    source = (SOLUTIONS.parent / "autograder" / "specs" / "leaky_relu.py").read_text()
    declaration = source[source.index("LEAKY_RELU = "):source.index("CHAPTER = ")]
    assert len(declaration.strip().splitlines()) <= 15
    assert [e.name for e in load("leaky_relu").exercises] == ["leaky_relu", "leaky_relu_grad", "leaky_relu_backward"]


def test_a_grid_that_misses_a_kink_is_refused():
    with pytest.raises(SpecError, match="kink"):
        Activation("relu", kinks=(0.0,), grid=(-3.0, 3.0, 12))


def test_a_variant_with_an_undeclared_parameter_is_refused():
    with pytest.raises(SpecError, match="unknown"):
        Activation("leaky_relu", params={"alpha": 0.01}, kinks=(0.0,), variants=(Variant({"slope": 2}, "t"),))


def test_the_standard_checks_cover_every_shape_dtype_and_the_kink_for_all_three_roles():
    relu = Activation("relu", kinks=(0.0,))
    titles = {role: [c.title for c in getattr(relu, role)().checks] for role in ("forward", "grad", "backward")}
    for role, found in titles.items():
        for title in ("a 0-d input", "an n-d input keeps its shape", "float32 in, float32 out",
                      "integers in, float64 out"):
            assert title in found, (role, title)
    assert "a valid subgradient at the kink x = 0" in titles["grad"]
    assert "agrees with centred finite differences" in titles["grad"]
    assert "agrees with dout times centred finite differences" in titles["backward"]


def test_the_subgradient_interval_at_a_kink_comes_from_the_reference_one_sided_derivatives():
    leaky = Activation("leaky_relu", params={"alpha": 0.01}, kinks=(0.0,), variants=(Variant({"alpha": 0.2}, "t"),))
    (kink,) = [c for c in leaky.grad().checks if "subgradient" in c.title]
    assert "low=0.2, high=1.0" in kink.source


def test_derivative_inputs_step_around_the_kink_without_touching_it():
    inputs = SampleInputs(grid=(-3.0, 3.0, 13))
    x = inputs.away_from(0.0)
    assert 0.0 not in x and -1e-3 in x and 1e-3 in x and x.size == 14


def test_the_grading_notebook_is_generated_identically_twice():
    spec = load("leaky_relu")
    assert nbformat.writes(grading_notebook(spec)) == nbformat.writes(grading_notebook(spec))
