"""A plain ASGI application with no CORS code, made cross-origin readable by cors_wsgi's ASGI
twin.

Serve it:  uvicorn examples.plain_asgi:app --host 127.0.0.1 --port 8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from typing import Any

from cors_wsgi import CORSPolicy
from cors_wsgi.asgi import CORSMiddleware


async def api(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    """Items API: GET/POST /api/items, PUT/DELETE /api/items/<id>, GET /api/error raises."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    method, path = scope["method"], scope["path"]
    if path == "/api/error":
        raise RuntimeError("this endpoint always fails")
    payload: object
    if path == "/api/items" and method in ("GET", "POST"):
        status, payload = (200, [{"id": 1}, {"id": 2}]) if method == "GET" else (201, {"id": 3})
    elif path.startswith("/api/items/") and method in ("PUT", "DELETE"):
        status, payload = 200, {"id": path.rsplit("/", 1)[1], "method": method}
    else:
        status, payload = 404, {"error": "not found"}
    body = json.dumps(payload).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-total-count", b"2"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

# handle_app_errors: nothing else turns this app's exceptions into a (readable) 500.
app = CORSMiddleware(api, policy, handle_app_errors=True)
