"""A plain WSGI application with no CORS code, made cross-origin readable by cors_wsgi.

Serve it:  gunicorn examples.plain_wsgi:application --bind 127.0.0.1:8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cors_wsgi import CORSMiddleware, CORSPolicy

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Items API: GET/POST /api/items, PUT/DELETE /api/items/<id>, GET /api/error is a 500."""
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
    payload: object
    if path == "/api/error":
        status, payload = "500 Internal Server Error", {"error": "this endpoint always fails"}
    elif path == "/api/items" and method in ("GET", "POST"):
        status, payload = (
            ("200 OK", [{"id": 1}, {"id": 2}]) if method == "GET" else ("201 Created", {"id": 3})
        )
    elif path.startswith("/api/items/") and method in ("PUT", "DELETE"):
        status, payload = "200 OK", {"id": path.rsplit("/", 1)[1], "method": method}
    else:
        status, payload = "404 Not Found", {"error": "not found"}
    body = json.dumps(payload).encode()
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Total-Count", "2"),
        ],
    )
    return [body]


policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

application = CORSMiddleware(app, policy)
