"""What every served example (examples/) must answer, whichever server serves it: the checks
tests/integration/test_servers.py and test_asgi_servers.py run against each."""

from __future__ import annotations

import json

from .helpers import EVIL, EXAMPLE_ORIGIN
from .servers import request

ORIGIN = EXAMPLE_ORIGIN
#: A preflight for a PUT: the examples allow it.
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}


def check_example(url: str) -> None:
    """Preflight, JSON POST, an allowed GET, a refused origin and a 500, as a browser would
    send them."""
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

    status, headers, body = request(url, "GET", "/api/items", {"Origin": ORIGIN})
    assert status == 200
    assert headers.get_all("Access-Control-Allow-Origin") == [ORIGIN]
    assert headers["Access-Control-Expose-Headers"] == "X-Total-Count"
    assert json.loads(body) == [{"id": 1}, {"id": 2}]

    status, headers, _ = request(url, "GET", "/api/items", {"Origin": EVIL})
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers
    assert "Origin" in headers["Vary"]

    status, headers, _ = request(url, "GET", "/api/error", {"Origin": ORIGIN})
    assert status == 500
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
