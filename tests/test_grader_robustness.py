"""Any submission at all: each bad kind fails its own exercise with a clear message, the other
exercises are still graded, the grader neither crashes nor hangs, and the notebook is unchanged.
"""
from __future__ import annotations

import json

import pytest

from submissions import grade, solution_sources, submission

BAD_SUBMISSIONS = {
    "syntax error": ("def leaky_relu(x, alpha=0.01)\n    return x", "has a syntax error at line 1"),
    "missing function": ("def leakyrelu(x, alpha=0.01):\n    return x", "does not define a function named leaky_relu"),
    "wrong signature": ("import numpy as np\ndef leaky_relu(x):\n    return np.maximum(x, 0.01 * x)",
                        "unexpected keyword argument 'alpha'"),
    "exception": ("def leaky_relu(x, alpha=0.01):\n    return 1 / 0", "raised ZeroDivisionError"),
    "error at definition time": ("undefined_name\ndef leaky_relu(x, alpha=0.01):\n    return x",
                                 "does not run (NameError"),
    "infinite loop": ("def leaky_relu(x, alpha=0.01):\n    while True:\n        pass", "did not finish within 5 s"),
    "huge output": ("import numpy as np\nprint('spam' * 10**7)\ndef leaky_relu(x, alpha=0.01):\n"
                    "    print('more spam' * 10**6)\n    return np.where(x > 0, x, alpha * x)", None),
    "sys.exit": ("import sys\ndef leaky_relu(x, alpha=0.01):\n    sys.exit(1)", "sys.exit(1) was called"),
    "sys.exit in the cell": ("import sys\nsys.exit(0)\ndef leaky_relu(x, alpha=0.01):\n    return x",
                             "sys.exit(0) was called"),
    "os._exit": ("import os\ndef leaky_relu(x, alpha=0.01):\n    os._exit(3)", "os._exit(3) was called"),
    "os.kill": ("import os, signal\ndef leaky_relu(x, alpha=0.01):\n    os.kill(os.getpid(), signal.SIGKILL)",
                "stopped or hung the Python kernel"),
    "returns a list": ("def leaky_relu(x, alpha=0.01):\n    return [v if v > 0 else alpha * v for v in x]",
                       "returned a list"),
    "returns None": ("def leaky_relu(x, alpha=0.01):\n    x = x * 2", "returned None (did you forget `return`?)"),
    "returns NaN": ("import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    return np.full_like(x, np.nan)",
                    "actual nan"),
    "wrong shape": ("import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    return np.where(x > 0, x, alpha * x).ravel()",
                    "returned shape (24,); expected (2, 3, 4)"),
    "monkeypatches numpy": ("import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                            "def leaky_relu(x, alpha=0.01):\n    return x", "the grader put the original back"),
    "monkeypatches builtins": ("import builtins\nbuiltins.print = lambda *a, **k: None\nbuiltins.max = lambda *a, **k: 0\n"
                               "def leaky_relu(x, alpha=0.01):\n    return x", "replaced builtins.max, builtins.print"),
}


@pytest.mark.parametrize("kind", list(BAD_SUBMISSIONS))
def test_bad_submission_fails_only_its_exercise_and_leaves_the_notebook_unchanged(kind, tmp_path):
    answers = solution_sources("leaky_relu")
    answers["leaky_relu"], message = BAD_SUBMISSIONS[kind]
    path = submission(tmp_path, "leaky_relu", **answers)
    before = path.read_bytes()
    report = tmp_path / "report.json"
    result = grade(path, "--json", str(report), timeout=240)
    assert path.read_bytes() == before, "the grader modified the student's notebook"
    assert "Traceback" not in result.stdout
    exercises = {e["name"]: e for e in json.loads(report.read_text())["exercises"]}
    if message is None:  # output floods are swallowed and a correct answer still passes
        assert exercises["leaky_relu"]["passed"], exercises["leaky_relu"]["feedback"]
    else:
        assert not exercises["leaky_relu"]["passed"]
        assert message in exercises["leaky_relu"]["feedback"]
    assert exercises["leaky_relu_grad"]["passed"], exercises["leaky_relu_grad"]["feedback"]
    assert exercises["leaky_relu_backward"]["passed"], exercises["leaky_relu_backward"]["feedback"]
