"""The ASGI examples (FastAPI, Starlette, Django's ASGI handler, plain ASGI) served by real
uvicorn, hypercorn, granian and daphne on 127.0.0.1, and WebSocket handshakes checked against
the policy."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from ..support.example_checks import ORIGIN, PREFLIGHT, check_example
from ..support.servers import ASGI_SERVERS, keeps_connection_open, serve

EXAMPLES = ["fastapi_app", "starlette_app", "django_asgi", "plain_asgi"]


@pytest.mark.parametrize("server", ASGI_SERVERS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_asgi_example_behind_each_server(server: str, example: str) -> None:
    with serve(server, f"examples.{example}:app") as url:
        check_example(url)
        assert keeps_connection_open(url, "OPTIONS", "/api/items/7", PREFLIGHT)


@pytest.mark.parametrize("server", ASGI_SERVERS)
@pytest.mark.parametrize("example", ["fastapi_app", "starlette_app"])
def test_websocket_handshake_from_an_allowed_origin_connects(server: str, example: str) -> None:
    with serve(server, f"examples.{example}:app") as url:
        ws_url = url.replace("http://", "ws://") + "/ws"
        with connect(ws_url, origin=Origin(ORIGIN), open_timeout=10) as socket:
            socket.send("ping")
            assert socket.recv(timeout=10) == "ping"
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url, origin=Origin("https://evil.example"), open_timeout=10)
        assert refused.value.response.status_code == 403
        with connect(ws_url, open_timeout=10) as socket:  # no Origin: not a browser
            socket.send("pong")
            assert socket.recv(timeout=10) == "pong"
