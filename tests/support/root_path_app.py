"""An ASGI app whose CORS and cross-origin protection cover only ``/svc/api/*``: served under a
root path ``/svc`` by each ASGI server, as behind a proxy that strips the prefix."""

from __future__ import annotations

from typing import Any

from cors_wsgi.asgi import CORSMiddleware

ORIGIN = "https://app.example.com"


async def created(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    status = 201 if scope["method"] == "POST" else 200
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"2")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


app = CORSMiddleware(
    created,
    [("/svc/api/*", {"allow_origins": [ORIGIN], "cross_origin_protection": True, "debug": True})],
)
