"""Fixtures for the browser tests: each of Chromium, Firefox and WebKit (see engines.py), a page
on two origins, the API on a third. Every test that uses a browser runs once per engine, with
the engine in its id.

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

from ..support.servers import free_port, gunicorn, request, serve
from .engines import ENGINES, INSTALL, Chromium, Engine, Page, missing

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


def fetch_from(chromium: Chromium, origin: str, url: str, **init: Any) -> dict[str, Any]:
    """``fetch(url, init)`` from a page of *origin*: what JavaScript could read, or its error."""
    page = chromium.open(origin + "/")
    try:
        result: dict[str, Any] = page.evaluate(FETCH_JS, [url, init])
        return result
    finally:
        page.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip an engine that is not installed, except in CI, where .ci/run installs all three."""
    if os.environ.get("CI"):
        return
    for item in items:
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("engine") if callspec else None
        if "test_demo" in item.nodeid:
            engine = "chromium"
        if not isinstance(engine, str):
            continue
        absent = missing(engine)
        if absent:
            reason = f"{engine}: {absent} not found; install with: {INSTALL[engine]}"
            item.add_marker(pytest.mark.skip(reason=reason))


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


@pytest.fixture(scope="session", params=["wsgi", "asgi"])
def api(request: pytest.FixtureRequest, page_origin: str) -> Iterator[str]:
    """The API on http://localhost:C: the WSGI stack under gunicorn, or the ASGI stack
    (cors_wsgi.asgi) under uvicorn; every browser scenario runs against both."""
    env = {"E2E_PAGE_ORIGIN": page_origin, "E2E_BROKEN": os.environ.get("E2E_BROKEN", "")}
    if request.param == "asgi":
        with serve("uvicorn", "tests.e2e.e2e_asgi:application", env) as url:
            yield localhost(url)
        return
    args = ["--permit-unconventional-http-method"]
    with gunicorn(["tests.e2e.e2e_api:application"], env=env, extra_args=args) as url:
        yield localhost(url)


@pytest.fixture(scope="session")
def shared_chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    """One Playwright Chromium for the session: the sync API allows one per thread."""
    chromium = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chromium
    finally:
        chromium.quit()


@pytest.fixture(scope="session", params=sorted(ENGINES))
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One browser engine, started once for the session."""
    name: str = request.param
    if name == "chromium":
        yield request.getfixturevalue("shared_chromium")
        return
    started = ENGINES[name](tmp_path_factory.mktemp(f"{name}-profile"))
    try:
        yield started
    finally:
        started.quit()


@pytest.fixture(scope="session")
def chromium_context(shared_chromium: Chromium) -> Any:
    """A Playwright Chromium context, for the demo's checks of the rendered page."""
    return shared_chromium.context


class Browser:
    """A page opened on one origin, which runs fetch() against the API and reads its log."""

    def __init__(self, page: Page, api: str, engine: str) -> None:
        self.page, self.api, self.engine = page, api, engine

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
def browser_factory(engine: Engine, page_server: None, api: str) -> Iterator[Any]:
    pages: list[Page] = []

    def open_page(origin: str, api_url: str = api) -> Browser:
        page = engine.open(origin + "/")
        pages.append(page)
        return Browser(page, api_url, engine.name)

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
