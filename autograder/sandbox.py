"""Run a student's code without letting it take the grader down.

Everything here runs inside the kernel that executes the student's cells (or inside the
student's own kernel, for the inline ``check``). It guards against what real submissions do:
endless loops (a timer interrupts them), ``sys.exit()`` and ``os._exit()`` (turned into an
ordinary exception), floods of output (captured and capped), and monkeypatching of numpy or
builtins such as ``np.allclose = lambda *a, **k: True`` (undone after every call, and reported).

It is not a security boundary: a determined cheat runs arbitrary code. It is a seatbelt for
honest mistakes, which are what a grader meets.
"""
from __future__ import annotations

import builtins
import contextlib
import dis
import io
import linecache
import math
import os
import signal
import threading
import types
import warnings
from dataclasses import dataclass, field

import numpy as np

LOAD_TIMEOUT_S = 10.0
CALL_TIMEOUT_S = 5.0
OUTPUT_CAP = 2_000  # characters of a student's own prints kept for feedback

_GUARDED_MODULES = (builtins, math, np, np.random, np.linalg, os)
_OUR_PATCHES = {("os", "_exit")}


class CheckTimeout(BaseException):
    """Raised inside student code when it runs past its time limit.

    A BaseException, like KeyboardInterrupt, so that a student's ``except Exception`` does not
    swallow it.
    """


class ProcessExit(BaseException):
    """What ``os._exit()`` raises while student code runs, instead of killing the kernel."""


class _CappedText(io.TextIOBase):
    def __init__(self):
        self.kept = io.StringIO()
        self.total = 0

    def writable(self):
        return True

    def write(self, text):
        room = OUTPUT_CAP - self.kept.tell()
        if room > 0:
            self.kept.write(text[:room])
        self.total += len(text)
        return len(text)


@dataclass
class Guarded:
    """What happened while guarded code ran."""

    error: BaseException | None = None
    warnings: list[str] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)
    printed: int = 0


def _snapshot():
    return {module: dict(vars(module)) for module in _GUARDED_MODULES}


def _restore(snapshot) -> list[str]:
    """Put back every attribute the guarded code replaced; name the ones it touched."""
    tampered = []
    for module, original in snapshot.items():
        current = vars(module)
        for name, value in original.items():
            if current.get(name, _MISSING) is not value:
                setattr(module, name, value)
                if (module.__name__, name) not in _OUR_PATCHES:
                    tampered.append(f"{module.__name__}.{name}")
    return tampered


_MISSING = object()


def _refuse_exit(status=0):
    raise ProcessExit(f"os._exit({status}) was called")


def _on_alarm(signum, frame):
    raise CheckTimeout()


@contextlib.contextmanager
def guard(seconds: float = CALL_TIMEOUT_S):
    """Run the body with a time limit, captured output, exit refused and patches undone."""
    record = Guarded()
    snapshot = _snapshot()
    sink = _CappedText()
    timed = threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    os._exit = _refuse_exit
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                try:
                    yield record
                except BaseException as error:  # the student's code may raise anything at all
                    record.error = error
        record.warnings = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        record.tampered = _restore(snapshot)
        record.printed = sink.total


def describe_error(error: BaseException, seconds: float = CALL_TIMEOUT_S) -> dict:
    """A deterministic description of an exception (no addresses, no tracebacks)."""
    if isinstance(error, CheckTimeout):
        return {"raised": "Timeout", "message": f"did not finish within {seconds:g} s"}
    if isinstance(error, ProcessExit):
        return {"raised": "SystemExit", "message": str(error)}
    if isinstance(error, SystemExit):
        return {"raised": "SystemExit", "message": f"sys.exit({error.code!r}) was called"}
    message = str(error).splitlines()[0] if str(error) else ""
    return {"raised": type(error).__name__, "message": message[:300]}


def global_names(code: types.CodeType) -> list[str]:
    """The global names a function's code reads, in order of first use (nested functions included).

    Only real global loads count: ``loss.backward()`` reads the attribute ``backward`` of
    ``loss``, which is not the chapter's function ``backward``.
    """
    names = []
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and isinstance(instruction.argval, str):
            names.append(instruction.argval)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += global_names(const)
    return list(dict.fromkeys(names))


def load_exercise(name: str, source: str, namespace: dict) -> dict:
    """Execute the student's cell for exercise ``name`` into ``namespace``; report its status.

    Returns a dict with ``status`` (ok, syntax error, error, missing, not callable), a
    ``message`` for anything but ok, the global names the function refers to (``calls``, used
    to say "fix X first") and the module attributes it replaced (``tampered``).
    """
    filename = f"<your cell for {name}>"
    # Kept where inspect finds it, as IPython keeps a cell's text: feedback reads the source.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as error:
        return {"exercise": name, "status": "syntax error",
                "message": f"line {error.lineno}: {error.msg}"}
    with guard(LOAD_TIMEOUT_S) as record:
        exec(code, namespace)
    status = {"exercise": name, "status": "ok"}
    if record.tampered:
        status["tampered"] = sorted(record.tampered)
    if record.error is not None:
        error = describe_error(record.error, LOAD_TIMEOUT_S)
        status.update(status="error", message=f"{error['raised']}: {error['message']}")
    else:
        status.update(function_status(name, namespace, f"its cell does not define a function named {name}; "
                                                       f"keep the name and signature the exercise gives"))
    return status


def function_status(name: str, namespace: dict, if_missing: str) -> dict:
    """Whether ``namespace`` holds a function ``name``, and which global names it refers to.

    Returns ``status`` ok (with ``calls``, used to say "fix X first"), missing (with the
    message ``if_missing``) or not callable.
    """
    fn = namespace.get(name)
    if fn is None:
        return {"exercise": name, "status": "missing", "message": if_missing}
    if not callable(fn):
        return {"exercise": name, "status": "not callable", "message": f"{name} is a {type(fn).__name__}, not a function"}
    code = getattr(fn, "__code__", None)
    return {"exercise": name, "status": "ok", "calls": global_names(code) if code else []}
