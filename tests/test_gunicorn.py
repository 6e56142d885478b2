"""Every example served by real gunicorn on 127.0.0.1 answers a preflight and an actual request."""

from __future__ import annotations

import json

import pytest

from .servers import gunicorn, request

ORIGIN = "http://localhost:3000"
TARGETS = [
    pytest.param(["examples.plain_wsgi:application"], id="plain WSGI"),
    pytest.param(["examples.flask_app:application"], id="Flask"),
    pytest.param(["examples.django_app:application"], id="Django"),
    pytest.param(["examples.bottle_app:application"], id="Bottle"),
    pytest.param(["examples.falcon_app:application"], id="Falcon"),
    pytest.param(["--paste", "examples/cors.ini"], id="PasteDeploy INI"),
]


@pytest.mark.parametrize("target", TARGETS)
def test_example_behind_gunicorn(target: list[str]) -> None:
    with gunicorn(target) as url:
        status, headers, body = request(
            url,
            "OPTIONS",
            "/api/items",
            {
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, authorization",
            },
        )
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "authorization" in headers["Access-Control-Allow-Headers"].lower()
        assert body == b""

        status, headers, body = request(
            url,
            "POST",
            "/api/items",
            {"Origin": ORIGIN, "Content-Type": "application/json"},
            json.dumps({"name": "x"}).encode(),
        )
        assert status == 201
        assert headers["Access-Control-Allow-Origin"] == ORIGIN
        assert headers.get_all("Access-Control-Allow-Origin") == [ORIGIN]
        assert json.loads(body)["id"] == 3

        status, headers, _ = request(url, "GET", "/api/items", {"Origin": "https://evil.example"})
        assert status == 200
        assert "Access-Control-Allow-Origin" not in headers
        assert "Origin" in headers["Vary"]

        status, headers, _ = request(url, "GET", "/api/error", {"Origin": ORIGIN})
        assert status == 500
        assert headers["Access-Control-Allow-Origin"] == ORIGIN
