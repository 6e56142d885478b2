"""Fixtures for the browser tests: headless Chromium, a page on two origins, the API on a third.

The page is served on http://127.0.0.1:A (allowed by the API's policies) and http://127.0.0.1:B
(not allowed); the API on http://localhost:C, a different origin and site.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..servers import free_port, gunicorn, request

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The Fetch standard's rule that a literal "*" never covers Authorization; Chromium applies
    # it only with this feature on, Firefox and Safari always.
    "--enable-features=CorsNonWildcardRequestHeadersSupport",
]

# fetch() in the page; returns what JavaScript could see, or the error it got.
FETCH_JS = """async ([url, init]) => {
  try {
    const response = await fetch(url, init);
    const headers = {};
    response.headers.forEach((value, name) => { headers[name] = value; });
    return {ok: true, status: response.status, body: await response.text(), headers};
  } catch (error) {
    return {ok: false, error: error.name + ": " + error.message};
  }
}"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(
            reason=f"{CHROMIUM} not found; install it with: sudo apt-get install -y chromium"
        )
        for item in items:
            if "e2e" in item.nodeid:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def page_ports() -> tuple[int, int]:
    return free_port(), free_port()


@pytest.fixture(scope="session")
def page_origin(page_ports: tuple[int, int]) -> str:
    return f"http://127.0.0.1:{page_ports[0]}"


@pytest.fixture(scope="session")
def other_origin(page_ports: tuple[int, int]) -> str:
    return f"http://127.0.0.1:{page_ports[1]}"


@pytest.fixture(scope="session")
def page_server(page_ports: tuple[int, int]) -> Iterator[None]:
    with gunicorn(["tests.e2e.page:application"], ports=page_ports):
        yield


def localhost(url: str) -> str:
    """The same server under the name localhost: another origin (and site) than 127.0.0.1."""
    return url.replace("127.0.0.1", "localhost")


@pytest.fixture(scope="session")
def api(page_origin: str) -> Iterator[str]:
    env = {"E2E_PAGE_ORIGIN": page_origin, "E2E_BROKEN": os.environ.get("E2E_BROKEN", "")}
    args = ["--permit-unconventional-http-method"]
    with gunicorn(["tests.e2e.e2e_api:application"], env=env, extra_args=args) as url:
        yield localhost(url)


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    # Cookies between 127.0.0.1 and localhost are third-party; allow them in this profile.
    (profile / "Default").mkdir()
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"profile": {"cookie_controls_mode": 0}}), encoding="utf-8"
    )
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


class Browser:
    """A page opened on one origin, which runs fetch() against the API and reads its log."""

    def __init__(self, page: Any, api: str) -> None:
        self.page, self.api = page, api

    def fetch(self, url: str, **init: Any) -> dict[str, Any]:
        target = url if url.startswith("http") else self.api + url
        result: dict[str, Any] = self.page.evaluate(FETCH_JS, [target, init])
        return result

    def log(self, who: str) -> list[dict[str, str]]:
        """Requests that reached the server ("server") or the application ("app")."""
        _, _, body = request(self.api.replace("localhost", "127.0.0.1"), "GET", "/__log")
        entries: list[dict[str, str]] = json.loads(body)[who]
        return entries

    def methods(self, who: str, path_part: str) -> list[str]:
        return [e["method"] for e in self.log(who) if path_part in e["path"]]


@pytest.fixture
def browser_factory(browser_context: Any, page_server: None, api: str) -> Iterator[Any]:
    pages: list[Any] = []

    def open_page(origin: str, api_url: str = api) -> Browser:
        page = browser_context.new_page()
        pages.append(page)
        page.goto(origin + "/")
        return Browser(page, api_url)

    request(api.replace("localhost", "127.0.0.1"), "GET", "/__reset")
    yield open_page
    for page in pages:
        page.close()


@pytest.fixture
def browser(browser_factory: Any, page_origin: str) -> Browser:
    """A page on the allowed origin."""
    result: Browser = browser_factory(page_origin)
    return result


@pytest.fixture
def project() -> Path:
    return Path(__file__).resolve().parent.parent.parent
