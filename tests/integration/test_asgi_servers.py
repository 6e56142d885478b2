"""The ASGI examples (FastAPI, Starlette, Django's ASGI handler, plain ASGI) served by real
uvicorn, hypercorn, granian and daphne on 127.0.0.1, and WebSocket handshakes checked against
the policy."""

from __future__ import annotations

import socket

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from ..support.example_checks import ORIGIN, PREFLIGHT, check_example
from ..support.root_path_app import ORIGIN as ROOT_PATH_ORIGIN
from ..support.servers import ASGI_SERVERS, keeps_connection_open, request, serve


def socket_to(host: str, port: int) -> socket.socket:
    return socket.create_connection((host, port), timeout=10)


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


#: How each server is told the root path it is mounted under.
ROOT_PATH_OPTIONS = {
    "uvicorn": ["--root-path", "/svc"],
    "hypercorn": ["--root-path", "/svc"],
    "daphne": ["--root-path", "/svc"],
    "granian": ["--url-path-prefix", "/svc"],
}


@pytest.mark.parametrize("server", ASGI_SERVERS)
def test_one_configuration_governs_the_public_path_on_every_server(server: str) -> None:
    """Behind a proxy that strips /svc, the server gets /api/items: uvicorn puts the root path
    in the scope's path, the others do not; the rules see /svc/api/items on all four, so CORS
    and cross_origin_protection hold on every server."""
    path = "/api/items"
    with serve(server, "tests.support.root_path_app:app", options=ROOT_PATH_OPTIONS[server]) as url:
        status, headers, _ = request(url, "GET", path, {"Origin": ROOT_PATH_ORIGIN})
        assert (status, headers["Access-Control-Allow-Origin"]) == (200, ROOT_PATH_ORIGIN)
        status, headers, _ = request(
            url, "POST", path, {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        )
        assert status == 403, headers["X-CORS-Reason"]


@pytest.mark.parametrize("server", ASGI_SERVERS)
def test_allowed_hosts_and_untrusted_origins_on_every_server(server: str) -> None:
    """Each server hands the Host over as it came: loopback names pass, a rebound name and an
    untrusted Origin are answered 403 before the application, WebSocket handshakes included."""
    with serve(server, "tests.support.rebinding_app:guarded") as url:
        port = url.rsplit(":", 1)[1]
        for host, origin, expected in [
            (f"localhost:{port}", None, 200),
            (f"[::1]:{port}", None, 200),
            (f"rebind.test:{port}", None, 403),
            (f"127.0.0.1:{port}", "https://evil.example", 403),
        ]:
            headers = {"Host": host, **({"Origin": origin} if origin else {})}
            status, answer, _ = request(url, "GET", "/secret", headers)
            assert status == expected, (host, origin, answer.get("X-CORS-Reason"))
        ws_url = url.replace("http://", "ws://") + "/ws"
        with connect(ws_url, open_timeout=10) as websocket:
            websocket.send("hi")
            assert websocket.recv(timeout=10) == "echo hi"
        rebound = f"ws://rebind.test:{port}/ws"  # Host: rebind.test, over a socket to 127.0.0.1
        for target, origin in ((rebound, None), (ws_url, Origin("https://evil.example"))):
            sock = socket_to("127.0.0.1", int(port))
            with pytest.raises(InvalidStatus) as refused:
                connect(target, sock=sock, origin=origin, open_timeout=10)
            sock.close()
            assert refused.value.response.status_code == 403
