"""examples/flask_dropin.py (flask-cors's API on ``cors_wsgi.flask``) under gunicorn, read by a
page on another origin in Chromium: the blueprint's cookies and exposed header, a JSON PUT's
preflight, the public ``@cross_origin`` view, Flask's error pages, and a refused page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..support.servers import gunicorn
from .conftest import fetch_from, localhost
from .engines import Chromium


@pytest.fixture(scope="module")
def flask_api(page_origin: str) -> Iterator[str]:
    with gunicorn(["examples.flask_dropin:application"],
                  env={"CORS_ALLOW_ORIGINS": page_origin}) as url:  # fmt: skip
        yield localhost(url)


def test_a_page_reads_the_flask_drop_in_api_as_it_read_flask_cors(
    shared_chromium: Chromium, page_server: None, page_origin: str, flask_api: str
) -> None:
    def fetch(path: str, **init: Any) -> dict[str, Any]:
        return fetch_from(shared_chromium, page_origin, flask_api + path, **init)

    listed = fetch("/api/items", credentials="include")
    assert listed["ok"] and listed["status"] == 200, listed
    assert listed["headers"]["x-total-count"] == "2"  # exposed by the blueprint's CORS()
    put = fetch("/api/items/7", method="PUT", credentials="include",
                headers={"Content-Type": "application/json"}, body="{}")  # fmt: skip
    assert put["ok"] and '"PUT"' in put["body"], put
    public = fetch("/api/status")
    assert public["ok"] and "ok" in public["body"], public
    # a public view sends '*', which a browser refuses with cookies
    assert not fetch("/api/status", credentials="include")["ok"]
    for path, status in (("/api/items/gone", 404), ("/api/error", 500)):
        answered = fetch(path)
        assert answered["ok"] and answered["status"] == status, answered  # readable errors


def test_a_page_on_another_origin_is_refused(
    shared_chromium: Chromium, page_server: None, other_origin: str, flask_api: str
) -> None:
    refused = fetch_from(shared_chromium, other_origin, flask_api + "/api/items")
    assert not refused["ok"] and "TypeError" in refused["error"], refused
    public = fetch_from(shared_chromium, other_origin, flask_api + "/api/status")
    assert public["ok"], public
