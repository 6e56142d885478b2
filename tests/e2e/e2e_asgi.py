"""The browser tests' API as an ASGI stack: the same JSON API and per-path policies as
e2e_api.py, wrapped in cors_wsgi.asgi.CORSMiddleware between two recorders, plus a WebSocket
echo at /ws/* with the handshake's Origin checked.

Served by uvicorn: ``uvicorn tests.e2e.e2e_asgi:application``. E2E_PAGE_ORIGIN and E2E_BROKEN
mean what they mean for e2e_api.py.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from typing import Any

from cors_wsgi.asgi import CORSMiddleware

from .e2e_api import LOG, api, log_body, policies


async def asgi_api(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    """The same API as e2e_api.api, answered over ASGI; a WebSocket echo at /ws/*."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] == "websocket":
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        message = await receive()
        if message["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": "echo: " + (message.get("text") or "")})
        await send({"type": "websocket.close", "code": 1000})
        return
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    environ = {"REQUEST_METHOD": scope["method"], "SCRIPT_NAME": "", "PATH_INFO": scope["path"]}
    if "cookie" in headers:
        environ["HTTP_COOKIE"] = headers["cookie"]
    started: list[Any] = []

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> Any:
        started.extend([status, response_headers])

    body = b"".join(api(environ, start_response))  # type: ignore[arg-type]
    status, response_headers = started
    raw = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in response_headers]
    await send({"type": "http.response.start", "status": int(status.split()[0]), "headers": raw})
    await send({"type": "http.response.body", "body": body})


class Recorder:
    """Logs each http or websocket request that reaches the wrapped app under *name*;
    /__log serves every log, /__reset empties them."""

    def __init__(self, app: Any, name: str) -> None:
        self.app, self.name = app, name
        self.lock = threading.Lock()

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] in ("/__log", "/__reset"):
            if scope["path"] == "/__reset":
                with self.lock:
                    for entries in LOG.values():
                        entries.clear()
            body = log_body() if scope["path"] == "/__log" else b""
            status = 200 if body else 204
            headers = [(b"content-type", b"application/json")] if body else []
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] in ("http", "websocket"):
            found = {n.decode("latin-1"): v.decode("latin-1") for n, v in scope["headers"]}
            with self.lock:
                LOG[self.name].append(
                    {
                        "method": scope.get("method", "WEBSOCKET"),
                        "path": scope["path"],
                        "cookie": found.get("cookie", ""),
                        "headers": found.get("access-control-request-headers", ""),
                        "private_network": found.get("access-control-request-private-network", ""),
                        "fetch_site": found.get("sec-fetch-site", ""),
                    }
                )
        await self.app(scope, receive, send)


ROUTES = [*policies(), ("/ws/*", {"allow_origins": policies()[0][1]["allow_origins"]})]
application = Recorder(
    CORSMiddleware(Recorder(asgi_api, "app"), ROUTES, check_websocket_origin=True), "server"
)
