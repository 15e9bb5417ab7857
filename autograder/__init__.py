"""The course's autograder: nbval-backed, with the instructor's expected outputs.

``python -m autograder chapters/<chapter>.ipynb`` grades a notebook from the terminal;
``from autograder import check`` then ``check("name")`` grades one exercise inline.
"""
from autograder.inline import check

__all__ = ["check"]
