"""Test helpers: small real WSGI applications and a WebTest client factory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from webtest import TestApp

from cors_wsgi import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

#: The origins the tests send, defined once: allowed by the policies under test, refused by
#: them, and allowed only by ``tests.support.origin_funcs:is_partner``.
ALLOWED = "https://app.example.com"
OTHER_ALLOWED = "https://admin.example.com"
EVIL = "https://evil.example"
PARTNER = "https://shop.partner.example"
#: The server's own origin, for the tests that send ``Host: api.example.com`` over https.
SERVER = "https://api.example.com"
HOST = "api.example.com"
#: The page origin the examples (examples/) allow.
EXAMPLE_ORIGIN = "http://localhost:3000"


class RecordingApp:
    """A plain WSGI app that records each request it receives and answers with fixed headers."""

    def __init__(
        self,
        status: str = "200 OK",
        headers: list[tuple[str, str]] | None = None,
        body: bytes = b"hello",
    ) -> None:
        self.status = status
        self.headers = headers if headers is not None else [("Content-Type", "text/plain")]
        self.body = body
        self.calls: list[tuple[str, str]] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.calls.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        headers = [*self.headers, ("Content-Length", str(len(self.body)))]
        start_response(self.status, headers)
        return [self.body]


def client(policy: Any, app: Any = None) -> TestApp:
    """Wrap *app* (a RecordingApp by default) in the middleware and return a linted TestApp."""
    wrapped = CORSMiddleware(app if app is not None else RecordingApp(), policy)
    return TestApp(wrapped, lint=True)


def cors_headers(response: Any) -> dict[str, str]:
    """The Access-Control-* headers of a WebTest response, by lower-cased name."""
    return {
        name.lower(): value
        for name, value in response.headerlist
        if name.lower().startswith("access-control-")
    }


def header_values(response: Any, name: str) -> list[str]:
    return [v for n, v in response.headerlist if n.lower() == name.lower()]


def chunks(count: int, size: int) -> Iterator[bytes]:
    for _ in range(count):
        yield b"x" * size
