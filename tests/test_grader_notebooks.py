"""How the grader reads a student's notebook: which cell answers an exercise, which imports it
needs, and how an answer becomes a stub."""
from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.notebooks import NotebookError, exercise_source, import_lines, stub


def _notebook(*sources: str, tags=None) -> nbformat.NotebookNode:
    cells = [new_code_cell(source) for source in sources]
    for index, tag in (tags or {}).items():
        cells[index].metadata["tags"] = [tag]
    return new_notebook(cells=cells)


def test_only_the_imports_an_exercise_uses_are_taken():
    notebook = _notebook("import numpy as np\nimport torch\nfrom sklearn.datasets import make_moons\nimport math",
                         "def f(x):\n    return np.sqrt(x) + math.pi")
    assert import_lines(notebook, [notebook.cells[1].source]) == "import numpy as np\nimport math"


def test_star_imports_are_always_taken_and_dotted_imports_bind_their_top_name():
    notebook = _notebook("from numpy import *\nimport numpy.linalg\nimport os", "def f(x):\n    return numpy.linalg.norm(x)")
    assert import_lines(notebook, [notebook.cells[1].source]) == "from numpy import *\nimport numpy.linalg"


def test_the_last_cell_that_defines_the_function_is_the_answer_even_untagged():
    notebook = _notebook("def f(x):\n    return 1", "def f(x):\n    return 2", "print(f(0))",
                         tags={0: "exercise:f"})
    assert exercise_source(notebook, "f") == "def f(x):\n    return 2"


def test_a_cell_with_a_syntax_error_is_still_found_as_the_answer():
    notebook = _notebook("def f(x)\n    return 1", tags={0: "exercise:f"})
    assert exercise_source(notebook, "f") == "def f(x)\n    return 1"


def test_a_stub_keeps_signature_docstring_and_indentation():
    source = 'def f(x):\n    """Doc."""\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION'
    assert stub(source, "f") == 'def f(x):\n    """Doc."""\n    raise NotImplementedError("f: your code here")'


def test_an_unclosed_answer_block_is_an_error_not_a_silent_leak():
    with pytest.raises(NotebookError, match="without a matching"):
        stub("def f(x):\n    # BEGIN SOLUTION\n    return x", "f")
