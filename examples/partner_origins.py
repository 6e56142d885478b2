"""Origins decided at run time: partner sites listed in a database table, for WSGI and ASGI.

Serve it:  gunicorn examples.partner_origins:application --threads 4 --bind 127.0.0.1:8000
      or:  uvicorn examples.partner_origins:app --port 8000

``https://app.example.com`` is always allowed; any other origin is allowed while it is listed
in the ``partners`` table (sqlite here; your ORM or tenant service in practice). Answers are
remembered for 30 s per origin, so a partner removed from the table is refused within 30 s.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cors_wsgi import CORSMiddleware
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

#: One in-memory database shared by every thread of this process.
DATABASE = "file:cors_wsgi_partners?mode=memory&cache=shared"
_keep_alive = sqlite3.connect(DATABASE, uri=True)  # the database lives while one is open
_keep_alive.execute("CREATE TABLE IF NOT EXISTS partners (origin TEXT PRIMARY KEY)")
_keep_alive.execute("INSERT OR IGNORE INTO partners VALUES ('https://shop.partner.example')")
_keep_alive.commit()
_local = threading.local()


def is_partner(origin: str) -> bool:
    """The allow_origin_func: is *origin* in the partners table? (Thread-safe: one
    connection per thread.)"""
    if not hasattr(_local, "db"):
        _local.db = sqlite3.connect(DATABASE, uri=True)
    row = _local.db.execute("SELECT 1 FROM partners WHERE origin = ?", (origin,)).fetchone()
    return row is not None


async def is_partner_async(origin: str) -> bool:
    """The same for ASGI, as an async def (an async driver would be awaited here)."""
    return await asyncio.to_thread(is_partner, origin)


POLICY: dict[str, Any] = {
    "allow_origins": ["https://app.example.com"],
    "allow_methods": ["GET", "POST"],
    "allow_headers": ["Content-Type", "Authorization"],
    "allow_credentials": True,
    "origin_func_cache_seconds": 30,
}
BODY = json.dumps({"partner": "data"}).encode()


def wsgi_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(BODY)))])  # fmt: skip
    return [BODY]


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


application = CORSMiddleware(wsgi_app, {**POLICY, "allow_origin_func": is_partner})
app = ASGICORSMiddleware(asgi_app, {**POLICY, "allow_origin_func": is_partner_async})
