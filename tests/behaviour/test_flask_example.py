"""examples/flask_dropin.py through ``app.test_client()``: a blueprint with credentials, a
public ``@cross_origin`` view, app-wide ``resources`` and Flask's own error pages, all through
``cors_wsgi.flask`` (the same app behind real servers: tests/integration/
test_flask_dropin_servers.py; in Chromium: tests/e2e/test_flask_dropin_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest

from examples.flask_dropin import app

from ..support.helpers import EVIL, EXAMPLE_ORIGIN

CREDENTIALED = {"Access-Control-Allow-Origin": EXAMPLE_ORIGIN,
                "Access-Control-Allow-Credentials": "true"}  # fmt: skip
ROWS = [
    # (method, path, request headers, status, CORS headers expected, absent)
    ("GET", "/api/items", {"Origin": EXAMPLE_ORIGIN}, 200,
     {**CREDENTIALED, "Access-Control-Expose-Headers": "X-Total-Count"}, ()),
    ("OPTIONS", "/api/items/7",
     {"Origin": EXAMPLE_ORIGIN, "Access-Control-Request-Method": "PUT",
      "Access-Control-Request-Headers": "content-type, authorization"}, 200,
     {**CREDENTIALED, "Access-Control-Max-Age": "600",
      "Access-Control-Allow-Headers": "content-type, authorization"}, ()),
    ("OPTIONS", "/api/items/7", {"Origin": EVIL, "Access-Control-Request-Method": "PUT"}, 403,
     {}, ("Access-Control-Allow-Origin",)),
    ("GET", "/api/items", {"Origin": EVIL}, 200, {"Vary": "Origin"},
     ("Access-Control-Allow-Origin",)),
    ("GET", "/api/items/gone", {"Origin": EXAMPLE_ORIGIN}, 404, CREDENTIALED, ()),
    ("GET", "/api/status", {"Origin": EVIL}, 200, {"Access-Control-Allow-Origin": "*"},
     ("Access-Control-Allow-Credentials",)),
    ("GET", "/api/version", {"Origin": EXAMPLE_ORIGIN}, 200,
     {"Access-Control-Allow-Origin": EXAMPLE_ORIGIN}, ("Access-Control-Allow-Credentials",)),
    ("GET", "/api/error", {"Origin": EXAMPLE_ORIGIN}, 500,
     {"Access-Control-Allow-Origin": EXAMPLE_ORIGIN}, ()),
    ("GET", "/elsewhere", {"Origin": EXAMPLE_ORIGIN}, 404, {},
     ("Access-Control-Allow-Origin", "Vary")),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "headers", "status", "expected", "absent"), ROWS)
def test_the_example_through_the_test_client(
    method: str,
    path: str,
    headers: dict[str, str],
    status: int,
    expected: dict[str, str],
    absent: tuple[str, ...],
) -> None:
    response: Any = app.test_client().open(path, method=method, headers=headers)
    assert response.status_code == status
    for name, value in expected.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))
    for name in absent:
        assert name not in response.headers


def test_the_example_takes_the_json_post_the_frontend_sends() -> None:
    response = app.test_client().post(
        "/api/items", json={"name": "x"}, headers={"Origin": EXAMPLE_ORIGIN}
    )
    assert response.status_code == 201 and response.json == {"id": 3, "received": {"name": "x"}}
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
