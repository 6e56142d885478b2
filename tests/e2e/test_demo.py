"""The README's demo, started exactly as documented, judged in headless Chromium."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..support.servers import PROJECT, free_port, stop, wait_for_port

pytestmark = pytest.mark.browser

EXPECTED = {
    "allowed-get": "readable",
    "blocked-origin": "blocked",
    "blocked-header": "blocked",
    "credentials": "readable",
    "preflighted-put": "readable",
    "server-error": "readable",
}
SCREENSHOT = PROJECT / "examples" / "demo" / "screenshot.png"
# The README's screenshot is refreshed only on request, so a test run leaves the checkout as is.
UPDATE_SCREENSHOT = os.environ.get("CORS_WSGI_UPDATE_SCREENSHOT") == "1"


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[str, str]]:
    api_port, page_port, other_port = free_port(), free_port(), free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "examples.demo",
            "--api-port", str(api_port), "--page-port", str(page_port),
            "--other-port", str(other_port),
        ],
        cwd=PROJECT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        for port in (api_port, page_port, other_port):
            wait_for_port(port, process)  # type: ignore[arg-type]
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"page on http://127.0.0.1:{page_port}" in banner
        yield f"http://127.0.0.1:{page_port}", banner
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does
        try:
            process.wait(timeout=30)
        finally:
            stop(process)  # type: ignore[arg-type]
            if process.stdout is not None:
                process.stdout.close()
    assert process.returncode == 0


def test_demo_page_shows_each_outcome_and_its_headers(
    demo: tuple[str, str], chromium_context: Any, tmp_path: Path
) -> None:
    url, _ = demo
    page = chromium_context.new_page()
    try:
        page.goto(url + "/")
        page.wait_for_selector("body[data-done=true]", timeout=30_000)
        outcomes = {
            row.get_attribute("data-case"): row.get_attribute("data-outcome")
            for row in page.query_selector_all("tr[data-case]")
        }
        assert outcomes == EXPECTED
        wire = {
            row.get_attribute("data-case"): row.query_selector("pre").inner_text()
            for row in page.query_selector_all("tr[data-case]")
        }
        assert f"Access-Control-Allow-Origin: {url}" in wire["allowed-get"]
        assert "Access-Control-Expose-Headers: X-Total-Count" in wire["allowed-get"]
        assert "(no Access-Control-Allow-Origin" in wire["blocked-origin"]
        assert wire["blocked-header"].startswith("OPTIONS /api/items \u2192 403")
        assert "Access-Control-Allow-Credentials: true" in wire["credentials"]
        assert wire["preflighted-put"].startswith("OPTIONS /api/items/7 \u2192 200")
        assert "PUT /api/items/7 \u2192 200" in wire["preflighted-put"]
        assert "GET /api/error \u2192 500" in wire["server-error"]
        page.set_viewport_size({"width": 1280, "height": 800})
        shot = SCREENSHOT if UPDATE_SCREENSHOT else tmp_path / "demo.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    finally:
        page.close()


def test_screenshot_is_in_the_readme() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "examples/demo/screenshot.png" in readme
    assert SCREENSHOT.stat().st_size > 10_000
