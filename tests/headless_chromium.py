"""Headless Chromium driven over the Chrome DevTools Protocol (CDP), for the browser tests.

Only what tests/test_browser.py needs: start Chromium with a throw-away profile, attach to
its page over the DevTools websocket (the ``websocket-client`` package), send commands,
and keep every event (network requests, JavaScript exceptions) for later inspection.
Nothing here talks to anything but 127.0.0.1.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

# Flags that keep a headless run quiet and deterministic: no GPU, no sandbox (containers),
# and none of the browser's own background traffic (updates, sync, field trials).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--window-size=1280,900",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]
CANDIDATE_BINARIES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


class CDPError(RuntimeError):
    """A CDP command failed, the browser died, or a wait ran out of time."""


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM if set, else the first candidate on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    for name in CANDIDATE_BINARIES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """A headless Chromium process with a fresh profile; a context manager.

    ``with Chromium(binary) as browser: page = browser.page()`` gives a :class:`CDPSession`
    on the browser's first tab.
    """

    def __init__(self, binary: str, startup_timeout: float = 60.0, command_timeout: float = 60.0):
        self.binary = binary
        self.startup_timeout = startup_timeout
        self.command_timeout = command_timeout
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._proc: subprocess.Popen | None = None
        self._log = None
        self._sessions: list[CDPSession] = []
        self.port: int | None = None

    def __enter__(self) -> "Chromium":
        self._tmp = tempfile.TemporaryDirectory(prefix="book-chromium-")
        profile = Path(self._tmp.name) / "profile"
        profile.mkdir()
        self.log_path = Path(self._tmp.name) / "chromium.log"
        self._log = open(self.log_path, "wb")
        self._proc = subprocess.Popen(
            [self.binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so close() ends all its children
        )
        try:
            self.port = self._wait_for_port(profile / "DevToolsActivePort")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait_for_port(self, port_file: Path) -> int:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise CDPError(f"Chromium exited with status {self._proc.returncode} at start-up:\n"
                               + self.log_tail())
            try:
                first_line = port_file.read_text().splitlines()[0]
                return int(first_line)
            except (FileNotFoundError, IndexError, ValueError):
                time.sleep(0.1)
        raise CDPError(f"Chromium wrote no {port_file.name} within {self.startup_timeout:.0f} s:\n"
                       + self.log_tail())

    def log_tail(self, n_chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n_chars:]
        except OSError:
            return "(no Chromium log)"

    def page(self) -> "CDPSession":
        """A CDP session on the first page target (the about:blank tab opened at start)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list",
                                    timeout=self.command_timeout) as reply:
            targets = json.load(reply)
        pages = [t for t in targets if t.get("type") == "page"]
        if not pages:
            raise CDPError(f"Chromium has no page target: {targets}")
        session = CDPSession(pages[0]["webSocketDebuggerUrl"], self.command_timeout)
        self._sessions.append(session)
        return session

    def close(self) -> None:
        for session in self._sessions:
            session.close()
        self._sessions.clear()
        if self._proc is not None and self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGTERM)
                self._proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self._proc.wait(timeout=10)
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


class CDPSession:
    """One CDP websocket connection. Commands are synchronous; events are buffered in order."""

    def __init__(self, ws_url: str, timeout: float):
        import websocket  # websocket-client; imported here so a missing package fails clearly

        self.timeout = timeout
        # Chromium rejects websocket handshakes that carry an Origin header unless started
        # with --remote-allow-origins; a test client needs none.
        self._ws = websocket.create_connection(ws_url, timeout=timeout, suppress_origin=True)
        self._timeout_error = websocket.WebSocketTimeoutException
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        try:
            self._ws.close()
        except Exception:
            pass

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        """The next message, or None once ``deadline`` (time.monotonic()) has passed."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        self._ws.settimeout(remaining)
        try:
            return json.loads(self._ws.recv())
        except self._timeout_error:
            return None

    def send(self, method: str, timeout: float | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and return its result; events that arrive meanwhile are buffered."""
        self._next_id += 1
        command_id = self._next_id
        self._ws.send(json.dumps({"id": command_id, "method": method, "params": params}))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = self._receive(deadline)
            if message is None:
                raise CDPError(f"no reply to {method} within {timeout or self.timeout:.0f} s")
            if message.get("id") == command_id:
                if "error" in message:
                    raise CDPError(f"{method} failed: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def pump(self, seconds: float) -> None:
        """Buffer the events that arrive within the next ``seconds``."""
        deadline = time.monotonic() + seconds
        while (message := self._receive(deadline)) is not None:
            if "method" in message:
                self.events.append(message)

    def wait_for_event(self, method: str, timeout: float, since: int = 0) -> dict[str, Any]:
        """The first buffered-or-arriving event named ``method`` at index >= ``since``."""
        deadline = time.monotonic() + timeout
        index = since
        while True:
            for event in self.events[index:]:
                if event["method"] == method:
                    return event
            index = len(self.events)
            message = self._receive(deadline)
            if message is None:
                raise CDPError(f"no {method} event within {timeout:.0f} s")
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str, timeout: float | None = None) -> Any:
        """Evaluate JavaScript in the page (awaiting a returned promise); return its value."""
        result = self.send("Runtime.evaluate", timeout=timeout, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise CDPError(f"JavaScript failed: {text}")
        return result["result"].get("value")

    def wait_until(self, expression: str, timeout: float, poll: float = 0.2) -> Any:
        """Poll a JavaScript expression until it is truthy; return its last value either way."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() >= deadline:
                return value
            self.pump(poll)

    def set_viewport(self, width: int, height: int) -> None:
        """Emulate a desktop window of ``width`` x ``height`` CSS pixels at scale 1."""
        self.viewport = (width, height)
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def screenshot(self, path: Path, max_height: int = 16000) -> None:
        """Save a PNG of the whole page (at most ``max_height`` px tall), as laid out in the
        current viewport's width. The viewport is stretched to the page's height for the shot
        (capturing beyond a short viewport can lay a page out differently) and then restored.
        """
        width, height = getattr(self, "viewport", (1280, 900))
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        full_height = max(height, min(int(size["height"]), max_height))
        self.set_viewport(width, full_height)
        try:
            # two animation frames: the resize has been laid out and painted
            self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            shot = self.send("Page.captureScreenshot", format="png")
        finally:
            self.set_viewport(width, height)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
