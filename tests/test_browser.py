"""Every page of the built book, opened in headless Chromium, renders completely, offline and
accessibly.

The book is served over http://127.0.0.1 (not file://) and each page in _toc.yml is loaded
once by Playwright driving the system's Chromium; the tests below then check what the browser
saw. A full-page screenshot of each page is saved to _build/screenshots/<docname>.png, and
axe-core checks each page for accessibility.

Without Chromium or Playwright the tests skip; with REQUIRE_BROWSER=1 (set by .ci/run) they fail.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_support import LOCAL_HOST, Traffic, chromium, recording_context

# The first test to run may trigger `make book` through the built_book fixture.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(3600)]

PAGE_LOAD_TIMEOUT = 60.0   # seconds, for the load event
MATHJAX_TIMEOUT = 30.0     # seconds, for MathJax to typeset every formula
IMAGES_TIMEOUT = 30.0      # seconds, for every <img> to finish loading
NETWORK_QUIET_TIMEOUT = 30.0

# Sphinx marks math source with class "math": <span class="math"> inline, <div class="math">
# display. MathJax 3 puts an <mjx-container> inside each one it typesets, and an <mjx-merror>
# where the TeX does not parse.
MATH_STATE_JS = """(() => {
  const math = [...document.querySelectorAll('.math')];
  const typeset = math.filter(el => el.querySelector('mjx-container')).length;
  const errors = [...document.querySelectorAll('mjx-merror')]
    .map(el => el.getAttribute('data-mjx-error') || el.textContent);
  return {total: math.length, typeset: typeset, errors: errors,
          done: math.length === 0 || typeset === math.length};
})()"""

# Resolves once every <img> has loaded or failed (lazy images are made eager first), then
# lists the broken ones.
BROKEN_IMAGES_JS = """(async () => {
  const images = [...document.images];
  images.forEach(img => { if (img.loading === 'lazy') img.loading = 'eager'; });
  const settled = img => img.complete ? Promise.resolve() : new Promise(resolve => {
    img.addEventListener('load', resolve, {once: true});
    img.addEventListener('error', resolve, {once: true});
  });
  const timeout = new Promise(resolve => setTimeout(resolve, %d));
  await Promise.race([Promise.all(images.map(settled)), timeout]);
  return images.filter(img => !(img.complete && img.naturalWidth > 0))
    .map(img => img.currentSrc || img.getAttribute('src') || img.outerHTML.slice(0, 200));
})()""" % int(IMAGES_TIMEOUT * 1000)

# myst-nb renders an exception as <div class="output traceback ...">, inside the cell's
# container <div class="cell tag_<tag> ...">. Cells tagged raises-exception show their error
# on purpose; anything else is a failure. textContent, not innerText: collapsed outputs count.
ERROR_OUTPUTS_JS = """(() => {
  const onPurpose = el => el.closest('.tag_raises-exception') !== null;
  const errorBlocks = '.output.traceback, .output.error';
  const found = [];
  document.querySelectorAll(errorBlocks).forEach(el => {
    if (!onPurpose(el)) found.push('error output: ' + el.textContent.trim().slice(0, 500));
  });
  document.querySelectorAll('.cell_output').forEach(el => {
    if (!onPurpose(el) && !el.querySelector(errorBlocks)
        && el.textContent.includes('Traceback (most recent call last)'))
      found.push('traceback in output: ' + el.textContent.trim().slice(0, 500));
  });
  return found;
})()"""


@dataclass
class PageReport:
    """What the browser saw while loading one page."""
    url: str
    math: dict
    broken_images: list[str]
    error_outputs: list[str]
    traffic: Traffic
    accessibility: list[dict]   # axe-core's violations: id, impact, help, nodes
    screenshot: Path


@pytest.fixture(scope="module")
def book_url(built_book: Path):
    """The built book, served over http on an ephemeral port of 127.0.0.1."""
    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((LOCAL_HOST, 0), functools.partial(QuietHandler, directory=str(built_book)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-http", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser_page():
    """A page in a fresh headless Chromium context, and the traffic log of that context."""
    traffic = Traffic()
    with chromium() as browser:
        context = recording_context(browser, traffic)
        try:
            yield context.new_page(), traffic
        finally:
            context.close()


@pytest.fixture(scope="module")
def visit(browser_page, book_url: str, built_book: Path):
    """visit(docname) -> PageReport; each page is loaded once per module."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    page, traffic = browser_page
    axe = Axe()
    screenshots = built_book.parent / "screenshots"
    reports: dict[str, PageReport | Exception] = {}

    def visit(docname: str) -> PageReport:
        if docname not in reports:
            try:
                reports[docname] = _load(page, traffic, axe, f"{book_url}/{docname}.html",
                                         screenshots / f"{docname}.png")
            except PlaywrightError as error:
                reports[docname] = error
        report = reports[docname]
        if isinstance(report, Exception):
            pytest.fail(f"could not load {docname}: {report}", pytrace=False)
        return report

    return visit


def _load(page, traffic: Traffic, axe, url: str, screenshot: Path) -> PageReport:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    mark = traffic.mark()
    page.goto(url, wait_until="load", timeout=PAGE_LOAD_TIMEOUT * 1000)
    try:
        page.wait_for_function(MATH_STATE_JS + ".done", timeout=MATHJAX_TIMEOUT * 1000)
    except PlaywrightTimeout:
        pass  # test_math_is_typeset_by_mathjax reports how far MathJax got
    math = page.evaluate(MATH_STATE_JS)
    broken_images = page.evaluate(BROKEN_IMAGES_JS)
    error_outputs = page.evaluate(ERROR_OUTPUTS_JS)
    try:
        # no request in flight for 500 ms: everything the page asked for has been logged
        page.wait_for_load_state("networkidle", timeout=NETWORK_QUIET_TIMEOUT * 1000)
    except PlaywrightTimeout:
        pass  # a page that never goes quiet is judged on the requests logged so far
    page.screenshot(path=screenshot, full_page=True)
    # preload off: axe would fetch every stylesheet again for one rule (css-orientation-lock),
    # and it resolves theme.css's `@import "../basic.css"` against the wrong base (a 404).
    accessibility = axe.run(page, options={"resultTypes": ["violations"], "preload": False})
    accessibility = accessibility.response["violations"]
    return PageReport(url, math, broken_images, error_outputs, traffic.since(mark),
                      accessibility, screenshot)


def _listing(items) -> str:
    return "\n".join(f"  {item}" for item in items)


# --- the checks, one per property, for every page in _toc.yml -------------------------------

def test_math_is_typeset_by_mathjax(visit, toc_page):
    math = visit(toc_page).math
    assert math["typeset"] == math["total"], (
        f"{toc_page}: MathJax typeset {math['typeset']} of {math['total']} formulas "
        f"within {MATHJAX_TIMEOUT:.0f} s (is _static/mathjax/tex-chtml.js served?)"
    )
    assert not math["errors"], f"{toc_page}: MathJax could not parse:\n{_listing(math['errors'])}"


def test_root_page_has_math_so_mathjax_is_exercised(visit, book_pages):
    root = book_pages[0]
    assert visit(root).math["total"] > 0, f"{root} has no formula; the MathJax check would be vacuous"


def test_every_image_loads(visit, toc_page):
    broken = visit(toc_page).broken_images
    assert not broken, f"{toc_page}: images that did not load:\n{_listing(broken)}"


def test_no_error_output_except_cells_tagged_raises_exception(visit, toc_page):
    errors = visit(toc_page).error_outputs
    assert not errors, f"{toc_page}: cell errors (tag the cell raises-exception if deliberate):\n{_listing(errors)}"


def test_no_request_leaves_localhost(visit, toc_page):
    external = visit(toc_page).traffic.external_requests()
    assert not external, f"{toc_page}: requests to hosts other than {LOCAL_HOST}:\n{_listing(external)}"


def test_every_local_request_succeeds(visit, toc_page):
    failed = [r for r in visit(toc_page).traffic.failed_requests
              if urlsplit(r.split(": ", 1)[-1]).hostname in (LOCAL_HOST, None)
              and not r.endswith("/favicon.ico")]
    assert not failed, f"{toc_page}: failed requests:\n{_listing(failed)}"


# Sphinx 7.4 registers an inline <script> added after the builder starts twice (once with
# filename None, once with ""; its duplicate check compares the two as different). sphinx-thebe
# adds its config that way, so every page declares `const THEBE_JS_URL` twice and the second
# declaration throws. Harmless: the first one stands, and thebe is off in this book.
KNOWN_HARMLESS_JS_EXCEPTIONS = ("Identifier 'THEBE_JS_URL' has already been declared",)


def test_no_uncaught_javascript_exception(visit, toc_page):
    exceptions = [e for e in visit(toc_page).traffic.js_exceptions
                  if not any(known in e for known in KNOWN_HARMLESS_JS_EXCEPTIONS)]
    assert not exceptions, f"{toc_page}: uncaught JavaScript exceptions:\n{_listing(exceptions)}"


# pydata-sphinx-theme logs the first on a reader's first visit: the page sets data-mode from
# localStorage, empty until the reader picks a theme, and the theme then falls back to "auto".
# Chromium logs the second for every failed request: test_every_local_request_succeeds
# reports those, with the exceptions that apply to them.
KNOWN_HARMLESS_CONSOLE_ERRORS = ("Got invalid theme mode: . Resetting to auto.",
                                 "Failed to load resource: ")


def test_no_console_error(visit, toc_page):
    errors = [e for e in visit(toc_page).traffic.console_errors
              if not any(known in e for known in KNOWN_HARMLESS_CONSOLE_ERRORS)]
    assert not errors, f"{toc_page}: console errors:\n{_listing(errors)}"


# axe-core's findings that stay, as (rule, element), each with the reason; README.md
# ("Accessibility") lists the same. Anything else of any impact fails the test below it.
ACCEPTED_ACCESSIBILITY_VIOLATIONS = {
    ("region", ".sidebar-primary-items__start > .sidebar-primary-item:nth-child(1)"):
        "the book's title link at the top of the left sidebar is outside any landmark: "
        "sphinx-book-theme's sidebar template puts it there; an ordinary link named by its text, "
        "reached by keyboard and screen readers like any other (only landmark navigation skips it)",
}
BLOCKING_IMPACTS = ("serious", "critical")


def _violations(report: PageReport, impacts) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']}: {' '.join(node['target'])}"
            for v in report.accessibility if v["impact"] in impacts for node in v["nodes"]
            if (v["id"], " ".join(node["target"])) not in ACCEPTED_ACCESSIBILITY_VIOLATIONS]


def test_no_serious_or_critical_accessibility_violation(visit, toc_page):
    found = _violations(visit(toc_page), BLOCKING_IMPACTS)
    assert not found, f"{toc_page}: axe-core finds:\n{_listing(found)}"


def test_moderate_and_minor_accessibility_violations_are_only_the_accepted_ones(visit, toc_page):
    found = _violations(visit(toc_page), ("moderate", "minor"))
    assert not found, (f"{toc_page}: axe-core finds (fix them, or accept them with a reason in "
                       f"ACCEPTED_ACCESSIBILITY_VIOLATIONS and README.md):\n{_listing(found)}")


def test_full_page_screenshot_is_saved(visit, toc_page):
    shot = visit(toc_page).screenshot
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"no PNG at {shot}"


# --- the error-output check itself catches what it should ----------------------------------

def test_error_check_flags_untagged_tracebacks_only(browser_page):
    """Guard against the error check silently passing: feed it myst-nb's markup directly."""
    def cell(tags: str, text: str) -> str:
        return (f'<div class="cell docutils container {tags}"><div class="cell_output docutils container">'
                f'<div class="output traceback highlight-ipythontb notranslate"><pre>{text}</pre></div>'
                f'</div></div>')

    page, _ = browser_page
    page.set_content(cell("tag_raises-exception", "ValueError  Traceback (most recent call last) ON PURPOSE")
                     + cell("tag_hide-output", "KeyError  Traceback (most recent call last) BY MISTAKE")
                     + '<div class="cell_output"><pre>Traceback (most recent call last): PRINTED</pre></div>')
    found = page.evaluate(ERROR_OUTPUTS_JS)
    assert len(found) == 2 and "BY MISTAKE" in found[0] and "PRINTED" in found[1], found


def test_accessibility_check_flags_an_image_without_alt_text(browser_page):
    """Guard against the axe check silently passing: an <img> without alt is critical."""
    from axe_playwright_python.sync_playwright import Axe

    page, _ = browser_page
    page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>')
    report = PageReport("about:blank", {}, [], [], Traffic(),
                        Axe().run(page).response["violations"], Path())
    assert _violations(report, BLOCKING_IMPACTS) == ["image-alt (critical): Images must have "
                                                     "alternative text: img"], report.accessibility


def test_a_remote_request_is_logged_and_blocked(browser_page):
    """Guard against the offline check silently passing: a page asks a host on the reserved
    .invalid domain for an image; the log shows it, and the route aborts it before it is sent."""
    page, traffic = browser_page
    mark = traffic.mark()
    with page.expect_event("requestfailed") as failed:
        page.set_content('<img alt="remote" src="http://images.example.invalid/plot.png">')
    seen = traffic.since(mark)
    assert seen.external_requests() == ["http://images.example.invalid/plot.png"], seen
    # aborted by the route (a request that had been sent would fail name resolution instead)
    assert failed.value.failure.startswith("net::ERR_BLOCKED_BY_CLIENT"), failed.value.failure
