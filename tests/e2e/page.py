"""The page the browser tests load: a blank HTML page, served on two origins by gunicorn."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

HTML = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>cors_wsgi e2e</title></head>
<body><p>cors_wsgi browser tests</p></body></html>
"""


def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(HTML)))],
    )
    return [HTML]
