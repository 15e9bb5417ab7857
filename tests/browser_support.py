"""Headless Chromium for the browser tests, driven by Playwright.

Playwright drives the system's Chromium (Debian's package: `apt-get install chromium`) through
``executable_path``; its own browser download is never used. Every request a page makes is
recorded, and one to any host but 127.0.0.1 is aborted before it leaves the machine, so the
tests can both assert and guarantee that nothing goes out.

Without Chromium or Playwright the browser tests skip with the reason; with REQUIRE_BROWSER=1
(set by .ci/run) they fail instead.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

LOCAL_HOST = "127.0.0.1"
CANDIDATE_BINARIES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
# Playwright already starts Chromium headless, without a sandbox (we run as root in
# containers) and without background networking; these add what containers also need.
CHROMIUM_ARGS = ["--disable-dev-shm-usage", "--disable-gpu", "--disable-quic"]
VIEWPORT = {"width": 1280, "height": 900}


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM if set, else the first candidate on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    return next((found for name in CANDIDATE_BINARIES if (found := shutil.which(name))), None)


def unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail where REQUIRE_BROWSER=1 says the browser must be there."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine: 127.0.0.1, and data:, blob:, about: URLs."""
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname == LOCAL_HOST


@dataclass
class Traffic:
    """What a browser context asked for and what went wrong, as it happened."""
    requests: list[str] = field(default_factory=list)         # every URL, websockets included
    failed_requests: list[str] = field(default_factory=list)  # HTTP >= 400, or no response
    js_exceptions: list[str] = field(default_factory=list)    # uncaught, in any page
    console_errors: list[str] = field(default_factory=list)   # console.error and the like

    def external_requests(self) -> list[str]:
        return sorted({url for url in self.requests if not is_local(url)})

    def mark(self) -> dict[str, int]:
        """Positions to slice from, to see only what happened after this point."""
        return {name: len(getattr(self, name)) for name in self.__dataclass_fields__}

    def since(self, mark: dict[str, int]) -> "Traffic":
        return Traffic(**{name: getattr(self, name)[start:] for name, start in mark.items()})


@contextmanager
def chromium() -> Iterator:
    """A headless Playwright Chromium browser, or a skip (a failure under REQUIRE_BROWSER=1)."""
    binary = find_chromium()
    if binary is None:
        unavailable("chromium not found: apt-get install chromium, or set CHROMIUM=/path/to/it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright not installed: pip install -c constraints.txt -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def recording_context(browser, traffic: Traffic, **options):
    """A fresh context (no cache, light theme, fixed viewport) whose pages log into ``traffic``
    and cannot reach any host but 127.0.0.1."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light",
                                  service_workers="block", **options)

    def on_request(request) -> None:
        traffic.requests.append(request.url)

    def on_response(response) -> None:
        if response.status >= 400:
            traffic.failed_requests.append(f"HTTP {response.status}: {response.url}")

    def on_request_failed(request) -> None:
        # Aborted remote requests are reported by external_requests(); a request the page
        # itself cancelled (net::ERR_ABORTED) is not a failure.
        if is_local(request.url) and request.failure != "net::ERR_ABORTED":
            traffic.failed_requests.append(f"{request.failure}: {request.url}")

    def on_page(page) -> None:
        def on_console(message) -> None:
            if message.type == "error":
                where = message.location
                traffic.console_errors.append(
                    f"{message.text} ({where.get('url', '?')}:{where.get('lineNumber', '?')})")

        page.on("pageerror", lambda error: traffic.js_exceptions.append(f"{page.url}: {error}"))
        page.on("console", on_console)
        page.on("websocket", lambda socket: traffic.requests.append(socket.url))

    context.on("request", on_request)
    context.on("response", on_response)
    context.on("requestfailed", on_request_failed)
    context.on("page", on_page)
    # Routing also turns Playwright's HTTP cache off: every page load logs every request.
    context.route(lambda url: not is_local(url), lambda route: route.abort("blockedbyclient"))
    return context
