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


class HandWrittenASGICORS:
    """The same yardstick for ASGI: one pass over the request headers, byte headers built
    once, a ``send`` wrapper that appends them to ``http.response.start``."""

    def __init__(self, app: Any, origins: list[str], methods: list[str], headers: list[str],
                 max_age: int) -> None:  # fmt: skip
        self.app = app
        self.origins = frozenset(o.encode() for o in origins)
        self.methods = frozenset(m.encode() for m in methods)
        self.headers = frozenset(h.lower().encode() for h in headers)
        self.preflight = [
            (b"access-control-allow-methods", ", ".join(methods).encode()),
            (b"access-control-allow-headers", ", ".join(headers).encode()),
            (b"access-control-max-age", str(max_age).encode()),
            (b"vary", b"Origin"),
            (b"content-length", b"0"),
        ]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = method = None
        requested = b""
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                method = value
            elif name == b"access-control-request-headers":
                requested = value
        extra = [(b"vary", b"Origin")]
        if origin in self.origins:
            if (
                scope["method"] == "OPTIONS"
                and method is not None
                and method in self.methods
                and all(
                    h.strip().lower() in self.headers for h in requested.split(b",") if h.strip()
                )
            ):
                headers = [(b"access-control-allow-origin", origin), *self.preflight]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            extra = [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]

        async def cors_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, cors_send)
