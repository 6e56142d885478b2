"""A deliberately broken CORS setup, for showing that the scanner bites: it echoes any Origin
with credentials, the classic misconfiguration. Never copy this."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    headers = [("Content-Type", "text/plain"), ("Content-Length", "2")]
    origin = environ.get("HTTP_ORIGIN")
    if origin:
        headers += [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Credentials", "true"),
        ]
    start_response("200 OK", headers)
    return [b"ok"]
