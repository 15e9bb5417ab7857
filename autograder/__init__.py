"""The course's autograder: nbval-backed, with the instructor's expected outputs.

``python -m autograder chapters/<chapter>.ipynb`` grades a notebook from the terminal;
``from autograder import check`` then ``check("name")`` grades one exercise inline.
"""
__all__ = ["check"]


def __getattr__(name: str):
    # ``check`` is imported on first use: the grading kernel imports only the probes, and
    # importing check's machinery (nbformat, whose jsonschema import alone takes 0.7 s here)
    # would slow every graded notebook.
    if name == "check":
        from autograder.inline import check
        return check
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
