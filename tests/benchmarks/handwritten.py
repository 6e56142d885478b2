"""The yardstick: the least work a hand-written WSGI middleware does to send correct headers for
one fixed policy (dict and set lookups, headers built once). It validates nothing, supports no
patterns and does not merge an existing Vary; it is here only to be measured against.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class HandWrittenCORS:
    def __init__(self, app: WSGIApplication, origins: list[str], methods: list[str],
                 headers: list[str], max_age: int) -> None:  # fmt: skip
        self.app = app
        self.origins = frozenset(origins)
        self.methods = frozenset(methods)
        self.headers = frozenset(h.lower() for h in headers)
        self.preflight = [
            ("Access-Control-Allow-Methods", ", ".join(methods)),
            ("Access-Control-Allow-Headers", ", ".join(headers)),
            ("Access-Control-Max-Age", str(max_age)),
            ("Vary", "Origin"),
        ]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        origin = environ.get("HTTP_ORIGIN")
        extra = [("Vary", "Origin")]
        if origin in self.origins:
            method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
            if environ["REQUEST_METHOD"] == "OPTIONS" and method:
                requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",")
                if method in self.methods and all(
                    h.strip().lower() in self.headers for h in requested if h.strip()
                ):
                    start_response(
                        "200 OK",
                        [
                            ("Access-Control-Allow-Origin", origin),
                            *self.preflight,
                            ("Content-Length", "0"),
                        ],
                    )
                    return []
            extra = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]

        def cors_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            return start_response(status, headers + extra, exc_info)

        return self.app(environ, cors_start_response)
