"""The documentation site, built strictly and served on 127.0.0.1, in headless Chromium: the
start page, the tutorial and the options reference open with no broken in-page anchor and no
script error, and the search box finds pages."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from ..support.docs import build_site
from ..support.servers import free_port, stop, wait_for_port
from .engines import INSTALL, Chromium, missing

pytestmark = pytest.mark.browser

# The in-page anchors (href="#...") of the page whose target element is missing.
MISSING_ANCHORS_JS = """() => Array.from(document.querySelectorAll('a[href^="#"]'))
  .map((a) => decodeURIComponent(a.getAttribute('href').slice(1)))
  .filter((id) => id !== '' && document.getElementById(id) === null)"""


SEARCH_FINISHED_JS = """() => (document.querySelector('#search-results .search-summary')
  ?.textContent || '').includes('found')"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("site")
    built = build_site(out)
    assert built.returncode == 0, built.stdout + built.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> Chromium:
    """The session's Chromium (Playwright's sync API allows one per thread)."""
    absent = missing("chromium")
    if absent and not os.environ.get("CI"):
        pytest.skip(f"chromium: {absent} not found; install with: {INSTALL['chromium']}")
    shared: Chromium = request.getfixturevalue("shared_chromium")
    return shared


@pytest.fixture
def errors() -> list[str]:
    """The script errors of the test's page."""
    return []


@pytest.fixture
def page(chromium: Chromium, errors: list[str]) -> Iterator[Any]:
    """A Playwright page that records its script errors in ``errors``."""
    page = chromium.context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        page.close()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/index.html", "cors_wsgi"),
        ("/tutorial/index.html", "Tutorial: the donuts API, from a CORS error to a working POST"),
        ("/reference/options.html", "Options"),
    ],
)
def test_page_opens_with_every_anchor_present(
    page: Any, errors: list[str], site_url: str, path: str, heading: str
) -> None:
    response = page.goto(site_url + path)
    assert response is not None and response.status == 200
    assert page.locator("article h1").first.inner_text().rstrip("#¶ \n") == heading
    assert page.evaluate(MISSING_ANCHORS_JS) == []
    assert page.locator('article a[href^="#"]').count() > 0  # there were anchors to check
    assert errors == []


def test_options_reference_lists_every_option(page: Any, site_url: str) -> None:
    from cors_wsgi.options import OPTION_NAMES

    page.goto(site_url + "/reference/options.html")
    first_column = page.locator("article table").first.locator("tbody tr td:first-child")
    assert first_column.all_inner_texts() == list(OPTION_NAMES)


def test_search_box_finds_pages(page: Any, errors: list[str], site_url: str) -> None:
    page.goto(site_url + "/index.html")
    page.locator("input.sidebar-search").first.fill("preflight")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=preflight*")
    # The page loads the index and lists results by script, one at a time, then sums them up.
    page.wait_for_function(SEARCH_FINISHED_JS)
    titles = page.locator("#search-results ul.search li > a").all_inner_texts()
    assert len(titles) >= 3
    assert any("Troubleshooting" in title for title in titles), titles
    assert errors == []
