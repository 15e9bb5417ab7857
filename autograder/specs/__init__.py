"""One module per graded chapter, each defining ``CHAPTER`` (an :class:`autograder.spec.Chapter`).

The grading notebooks in ``autograder/grading/`` are generated from these by
``make regrade-reference``; see :mod:`autograder.spec`.
"""
