"""DNS rebinding in headless Chromium: a page on http://rebind.test:P, a name that now resolves
to 127.0.0.1 (``--host-resolver-rules``), reads a local server on port P. Guarded by CORS alone
it succeeds, over fetch() and a WebSocket: the page is same-origin to the browser. Guarded by
``allowed_hosts = loopback`` and ``refuse_untrusted_origins`` it is refused: 403 before the
application, and the WebSocket handshake refused.

The attacker's page comes from the attacker's server before the name is rebound; here Playwright
answers for it, so the page never touches the local server. Chromium 142 and later ask the user
before a public page reaches a loopback address (Local Network Access); the browser here has that
turned off, to stand for the browsers without it and for a user who allows it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from ..support.rebinding_app import SECRET
from ..support.servers import serve
from .engines import CHROMIUM, CHROMIUM_ARGS, Chromium, missing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.environ.get("CI") and missing("chromium") is not None,
        reason="chromium not installed",
    ),
]

ATTACKER = "rebind.test"
REBINDING_ARGS = [
    *CHROMIUM_ARGS,
    f"--host-resolver-rules=MAP {ATTACKER} 127.0.0.1",
    "--disable-features=LocalNetworkAccessChecks,LocalNetworkAccessChecksWebSockets,"
    "PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests",
]
ATTACKER_PAGE = "<!doctype html><title>a page on the attacker's name</title>"
# What the page reads of the local server: fetch('/secret') and a WebSocket echo, same-origin.
READ_JS = """async () => {
  const found = {};
  try {
    const response = await fetch('/secret');
    found.http = {status: response.status, body: await response.text(),
                  reason: response.headers.get('x-cors-reason')};
  } catch (error) {
    found.http = {error: String(error)};
  }
  found.ws = await new Promise((resolve) => {
    const socket = new WebSocket(`ws://${location.host}/ws`);
    socket.onopen = () => socket.send('hi');
    socket.onmessage = (event) => { resolve({data: event.data}); socket.close(); };
    socket.onerror = () => resolve({error: 'refused'});
    setTimeout(() => resolve({error: 'timeout'}), 10000);
  });
  return found;
}"""


@pytest.fixture(scope="module")
def rebinding_browser(shared_chromium: Chromium) -> Iterator[Any]:
    """A second Chromium from the session's Playwright: the resolver rule is a launch flag."""
    browser = shared_chromium.playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=REBINDING_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


def read_from_rebound_page(browser: Any, app: str) -> dict[str, Any]:
    """Serve *app* on 127.0.0.1:P, open the attacker's page on http://rebind.test:P and let it
    read the server; what the page got."""
    with serve("uvicorn", f"tests.support.rebinding_app:{app}") as url:
        page_url = f"http://{ATTACKER}:{url.rsplit(':', 1)[1]}/"
        page = browser.new_page()
        try:
            page.route(
                page_url,
                lambda route: route.fulfill(
                    status=200, content_type="text/html", body=ATTACKER_PAGE
                ),
            )
            page.goto(page_url)
            found: dict[str, Any] = page.evaluate(READ_JS)
            return found
        finally:
            page.close()


def test_a_rebound_page_reads_a_server_guarded_by_cors_alone(rebinding_browser: Any) -> None:
    found = read_from_rebound_page(rebinding_browser, "cors_only")
    assert found["http"]["status"] == 200 and found["http"]["body"] == SECRET.decode()
    assert found["http"]["reason"] == "no_origin"  # a same-origin GET carries no Origin at all
    assert found["ws"] == {"data": "echo hi"}  # check_websocket_origin passes it, too


def test_allowed_hosts_refuses_the_rebound_page(rebinding_browser: Any) -> None:
    found = read_from_rebound_page(rebinding_browser, "guarded")
    assert found["http"] == {"status": 403, "body": "", "reason": "host_not_allowed"}
    assert found["ws"] == {"error": "refused"}
