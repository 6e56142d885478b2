"""The FastAPI example set up with Starlette's keywords (examples/fastapi_dropin.py) under
uvicorn, judged by Chromium: a page on one origin reads the API on another with cookies and a
bearer token, and a page on an origin not listed cannot."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from ..support.servers import request, serve
from .conftest import fetch_from, localhost
from .engines import Chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dropin_api(page_origin: str) -> Iterator[str]:
    with serve(
        "uvicorn", "examples.fastapi_dropin:app", {"CORS_ALLOW_ORIGINS": page_origin}
    ) as url:
        yield localhost(url)  # another origin and site than the page's 127.0.0.1


def test_the_allowed_page_reads_and_writes_with_credentials(
    shared_chromium: Chromium, page_server: None, page_origin: str, dropin_api: str
) -> None:
    listed = fetch_from(
        shared_chromium, page_origin, dropin_api + "/api/items", credentials="include"
    )
    assert listed["ok"], listed
    assert listed["status"] == 200 and listed["headers"]["x-total-count"].isdigit()
    created = fetch_from(shared_chromium, page_origin, dropin_api + "/api/items",
        method="POST", credentials="include", body='{"name": "x"}',
        headers={"Content-Type": "application/json", "Authorization": "Bearer demo-token"},
    )  # fmt: skip
    assert created["ok"] and created["status"] == 201, created
    deleted = fetch_from(shared_chromium, page_origin, dropin_api + "/api/items/1",
        method="DELETE", headers={"Authorization": "Bearer demo-token"})  # fmt: skip
    assert deleted["ok"] and deleted["status"] == 200, deleted


def test_a_page_on_another_origin_cannot_read(
    shared_chromium: Chromium, page_server: None, other_origin: str, dropin_api: str
) -> None:
    result = fetch_from(shared_chromium, other_origin, dropin_api + "/api/items")
    assert not result["ok"] and result["error"].startswith("TypeError"), result
    result = fetch_from(shared_chromium, other_origin, dropin_api + "/api/items/2",
        method="DELETE", headers={"Authorization": "Bearer demo-token"})  # fmt: skip
    assert not result["ok"], result
    # Refused at the preflight: the DELETE never reached the application.
    _, _, body = request(dropin_api.replace("localhost", "127.0.0.1"), "GET", "/api/items")
    assert {"id": 2} in json.loads(body)
