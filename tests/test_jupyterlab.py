"""Where students work: a chapter notebook in JupyterLab, exercise answered, inline check run.

A JupyterLab server is started on a temporary copy of chapters/ (127.0.0.1, a port the OS
picks, a fresh token, its own config, runtime, settings and workspace folders) and headless
Chromium opens chapters/leaky_relu.ipynb in it, as `make lab` would for a student. The tests
replace the exercise cell with an answer, run it and the `check("leaky_relu")` cell under it,
and read the grader's verdict from the page. Afterwards the kernel's session is deleted and the
server shut down; chapters/ itself is never touched.

Without Chromium or Playwright the tests skip; with REQUIRE_BROWSER=1 (set by .ci/run) they fail.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from browser_support import LOCAL_HOST, Traffic, chromium, recording_context

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

REPO_ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "leaky_relu"
EXERCISE_SIGNATURE = "def leaky_relu(x, alpha=0.01):"
CORRECT_ANSWER = EXERCISE_SIGNATURE + "\n    return np.where(x > 0, x, alpha * x)\n"
WRONG_ANSWER = EXERCISE_SIGNATURE + "\n    return np.maximum(x, 0)\n"   # ReLU: no negative slope

SERVER_START_TIMEOUT = 120.0  # seconds; measured 2.5 to 5 s, more under load
KERNEL_TIMEOUT = 120_000      # milliseconds, page open to an idle kernel (measured 5 to 8 s)
RUN_TIMEOUT = 120_000         # milliseconds, for a cell to run (the inline check grades in ~2 s)
UI_TIMEOUT = 30_000           # milliseconds, for the page to react to a click or a key

# JupyterLab settings for the test: no autosave (it would rewrite the notebook behind the
# test's back), no news or update check (a pop-up over the notebook, and a request outside),
# and every cell in the DOM (windowing renders only the cells in view).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _digest(folder: Path) -> dict[str, str]:
    """Every file's SHA-256, but JupyterLab's own checkpoints (it writes one on opening)."""
    return {p.relative_to(folder).as_posix(): _sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


@pytest.fixture(scope="module")
def chapter_before() -> str:
    return _sha256(REPO_ROOT / "chapters" / f"{CHAPTER}.ipynb")


@dataclass
class LabServer:
    url: str       # http://127.0.0.1:<port>/
    token: str
    root: Path     # the temporary copy of chapters/ it serves
    root_before: dict[str, str]   # _digest(root) before the server started
    log: Path

    def api(self, method: str, path: str):
        request = urllib.request.Request(f"{self.url}api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def log_tail(self) -> str:
        return _tail(self.log)


def _tail(log: Path, n_chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-n_chars:]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, checked for before the server starts so that a skip is immediate."""
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def lab_server(browser, chapter_before, tmp_path_factory):
    """JupyterLab on a temporary copy of chapters/; its sessions deleted and it stopped after.
    (``chapter_before`` is asked for so that it is taken before the server starts.)"""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "chapters"
    shutil.copytree(REPO_ROOT / "chapters", root)
    served_before = _digest(root)
    for plugin, settings in LAB_SETTINGS.items():
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    folders = {name: home / name for name in ("config", "data", "runtime", "workspaces")}
    for folder in folders.values():
        folder.mkdir()
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(folders["config"]), "JUPYTER_DATA_DIR": str(folders["data"]),
           "JUPYTER_RUNTIME_DIR": str(folders["runtime"]),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(folders["workspaces"])}
    token = secrets.token_hex(24)
    log = home / "server.log"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--allow-root",                          # CI runs as root; harmless otherwise
               f"--ServerApp.ip={LOCAL_HOST}", "--ServerApp.port=0",   # the OS picks a free port
               f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}",
               "--LabApp.news_url=None",                # no announcements feed from outside
               "--LabApp.extension_manager=readonly"]   # no extension search on PyPI
    with open(log, "wb") as log_file:
        server = subprocess.Popen(command, cwd=home, env=env, stdin=subprocess.DEVNULL,
                                  stdout=log_file, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # a kill reaches its children
    lab = None
    try:
        lab = _wait_until_serving(server, folders["runtime"], token, root, served_before, log)
        yield lab
    finally:
        try:
            kernels_left = _end_sessions(lab) if lab is not None else []
        finally:
            _stop(server, asked_to_shut_down=lab is not None)
    assert not kernels_left, f"kernels still running after their sessions were deleted: {kernels_left}"


def _wait_until_serving(server: subprocess.Popen, runtime: Path, token: str, root: Path,
                        root_before: dict[str, str], log: Path) -> LabServer:
    """The server once its REST API answers; it writes its URL to jpserver-<pid>.json."""
    info_file = runtime / f"jpserver-{server.pid}.json"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with status {server.returncode}:\n{_tail(log)}",
                        pytrace=False)
        if info_file.is_file():
            try:
                lab = LabServer(json.loads(info_file.read_text())["url"], token, root, root_before, log)
                lab.api("GET", "status")
                return lab
            except (ValueError, KeyError, OSError):
                pass  # the file is half written, or the server not yet listening
        time.sleep(0.1)
    pytest.fail(f"JupyterLab did not serve within {SERVER_START_TIMEOUT:.0f} s:\n{_tail(log)}",
                pytrace=False)


def _end_sessions(lab: LabServer) -> list[dict]:
    """Delete every session (a kernel outlives the page that started it), ask the server to
    shut down, and return the kernels that were still running before it did."""
    for session in lab.api("GET", "sessions"):
        lab.api("DELETE", f"sessions/{session['id']}")
    kernels_left = lab.api("GET", "kernels")
    lab.api("POST", "shutdown")
    return kernels_left


def _stop(server: subprocess.Popen, asked_to_shut_down: bool) -> None:
    """Wait for the server to exit after its shutdown request; end it if it does not."""
    if not asked_to_shut_down and server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # it shuts its kernels down on SIGTERM too
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


@dataclass
class OpenNotebook:
    page: object       # playwright.sync_api.Page
    traffic: Traffic
    lab: LabServer

    def cell(self, text: str):
        """The notebook cell whose source contains ``text``."""
        return self.page.locator(".jp-Notebook .jp-Cell").filter(
            has=self.page.locator(".jp-InputArea-editor", has_text=text))

    def run(self, cell, source: str | None = None) -> None:
        """Enter the cell's editor (replacing its source with ``source``, if given) and press
        Shift+Enter, JupyterLab's run-and-advance."""
        from playwright.sync_api import expect

        editor = cell.locator(".cm-content")
        editor.click()
        # typing or pressing keys in command mode would act on cells, not on text
        expect(self.page.get_by_text("Mode: Edit", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
        if source is not None:
            # fill() inserts the text as it is; keyboard.type() would auto-indent every line
            editor.fill(source)
        self.page.keyboard.press("Shift+Enter")

    def wait_until_nothing_runs(self) -> None:
        from playwright.sync_api import expect

        busy = self.page.locator(".jp-InputPrompt", has_text="[*]")
        expect(busy).to_have_count(0, timeout=RUN_TIMEOUT)

    def answer_and_check(self, answer: str):
        """Replace the exercise cell with ``answer``, run it and its check; the check's output."""
        self.run(self.cell(EXERCISE_SIGNATURE), answer)
        check_cell = self.cell(f'check("{CHAPTER}")')
        self.run(check_cell)
        return check_cell.locator(".jp-Cell-outputArea")


@pytest.fixture(scope="module")
def notebook(browser, lab_server: LabServer):
    """chapters/leaky_relu.ipynb open in JupyterLab, its kernel idle, its imports cell run."""
    from playwright.sync_api import expect

    traffic = Traffic()
    context = recording_context(browser, traffic)
    page = context.new_page()
    try:
        # the token in the first URL logs the browser in; ?reset starts from a clean workspace
        page.goto(f"{lab_server.url}lab/tree/{CHAPTER}.ipynb?reset&token={lab_server.token}")
        # "Kernel ready" is the status bar's kernel item, not the execution indicator (which is
        # idle before any kernel exists)
        kernel_status = page.get_by_title(f"Change kernel for {CHAPTER}.ipynb")
        opened = OpenNotebook(page, traffic, lab_server)
        imports = opened.cell("from autograder import check")
        try:
            expect(kernel_status).to_have_text(re.compile(r"^Python 3.*\| Idle$"), timeout=KERNEL_TIMEOUT)
            opened.run(imports)
            expect(imports.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]:"),
                                                                      timeout=RUN_TIMEOUT)
        except AssertionError as error:
            pytest.fail(f"{error}\n\nthe end of JupyterLab's log:\n{lab_server.log_tail()}", pytrace=False)
        yield opened
    finally:
        context.close()


def _screenshot(locator, name: str) -> None:
    path = REPO_ROOT / "_build" / "screenshots" / "jupyterlab" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=path)


# --- what a student sees ------------------------------------------------------------------

def test_a_correct_answer_passes_the_inline_check(notebook: OpenNotebook):
    from playwright.sync_api import expect

    output = notebook.answer_and_check(CORRECT_ANSWER)
    expect(output).to_contain_text(re.compile(rf"{CHAPTER}: (\d+)/\1 points, pass"), timeout=RUN_TIMEOUT)
    expect(output).to_contain_text("all checks pass")
    notebook.wait_until_nothing_runs()
    _screenshot(notebook.cell(f'check("{CHAPTER}")'), "check_pass")


def test_a_wrong_answer_gets_the_hint_for_its_mistake(notebook: OpenNotebook):
    from playwright.sync_api import expect

    output = notebook.answer_and_check(WRONG_ANSWER)
    expect(output).to_contain_text(re.compile(rf"{CHAPTER}: \d+/\d+ points, not yet"), timeout=RUN_TIMEOUT)
    expect(output).to_contain_text("likely mistake:")
    notebook.wait_until_nothing_runs()
    _screenshot(notebook.cell(f'check("{CHAPTER}")'), "check_hint")


# --- and what the session did around it -----------------------------------------------------

def test_no_request_leaves_localhost(notebook: OpenNotebook):
    external = notebook.traffic.external_requests()
    assert not external, f"JupyterLab requested hosts other than {LOCAL_HOST}: {external}"


def test_no_javascript_exception_or_console_error(notebook: OpenNotebook):
    problems = notebook.traffic.js_exceptions + notebook.traffic.console_errors
    assert not problems, "\n".join(problems)


def test_the_served_notebooks_are_not_saved_behind_the_students_back(notebook: OpenNotebook):
    """Autosave is off and nothing is saved: the answers typed above live only in the page."""
    assert _digest(notebook.lab.root) == notebook.lab.root_before


def test_the_repository_chapter_is_untouched(notebook: OpenNotebook, chapter_before: str):
    """The server and its kernel work in a temporary copy; chapters/ is only read. (Only the
    opened chapter is compared: others may be regenerated meanwhile by `make student`.)"""
    assert _sha256(REPO_ROOT / "chapters" / f"{CHAPTER}.ipynb") == chapter_before
