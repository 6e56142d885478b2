"""PEP 3333 conformance: validated on both sides, close() always reached, no buffering,
exc_info and the write() callable passed through (behaviour 10)."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

from cors_wsgi import CORSMiddleware

from ..support.helpers import ALLOWED

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

POLICY = {"allow_origins": [ALLOWED], "allow_credentials": True, "expose_headers": "*"}


class StreamingBody:
    """An app iterable that records how far it was consumed and whether close() ran."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.produced = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for index in range(self.count):
            if index == self.fail_at:
                raise RuntimeError("boom mid-stream")
            self.produced += 1
            yield b"chunk"

    def close(self) -> None:
        self.closed = True


class StreamingApp:
    def __init__(self, **body: Any) -> None:
        self.body_options = body
        self.bodies: list[StreamingBody] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        body = StreamingBody(**self.body_options)
        self.bodies.append(body)
        return body


def call(
    app: Any, origin: str | None = ALLOWED, method: str = "GET", **extra: str
) -> tuple[list[Any], Iterable[bytes]]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
    }
    setup_testing_defaults(environ)
    if origin is not None:
        environ["HTTP_ORIGIN"] = origin
    environ.update(extra)
    captured: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured[:] = [status, headers, exc_info]
        return lambda data: None

    return captured, app(environ, start_response)


@pytest.mark.parametrize(
    ("origin", "method", "extra"),
    [
        pytest.param(ALLOWED, "GET", {}, id="allowed"),
        pytest.param("https://evil.example", "GET", {}, id="refused"),
        pytest.param(None, "GET", {}, id="no origin"),
        pytest.param(
            ALLOWED, "OPTIONS", {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}, id="preflight"
        ),
        pytest.param(
            ALLOWED,
            "OPTIONS",
            {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "DELETE"},
            id="refused preflight",
        ),
    ],
)
def test_wsgiref_validator_on_both_sides(
    origin: str | None, method: str, extra: dict[str, str]
) -> None:
    inner = validator(StreamingApp(count=3))
    outer = validator(CORSMiddleware(inner, POLICY))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the validator reports some problems as warnings
        _, body = call(outer, origin, method, **extra)
        b"".join(body)
        body.close()  # type: ignore[attr-defined]


def test_body_is_streamed_not_buffered() -> None:
    app = StreamingApp(count=1000)
    captured, body = call(CORSMiddleware(app, POLICY))
    assert captured[0] == "200 OK"  # headers are known before the body is read
    iterator = iter(body)
    assert next(iterator) == b"chunk"
    assert app.bodies[0].produced == 1  # nothing was read ahead
    assert body is app.bodies[0]  # the app's own iterable, untouched


@pytest.mark.parametrize("origin", [ALLOWED, "https://evil.example", None])
def test_close_reaches_the_app_iterable(origin: str | None) -> None:
    app = StreamingApp(count=3)
    _, body = call(CORSMiddleware(app, POLICY), origin)
    next(iter(body))
    body.close()  # type: ignore[attr-defined]
    assert app.bodies[0].closed


def test_close_runs_after_a_mid_stream_error() -> None:
    app = StreamingApp(count=5, fail_at=2)
    _, body = call(CORSMiddleware(app, POLICY))
    with pytest.raises(RuntimeError, match="mid-stream"):
        list(body)
    body.close()  # type: ignore[attr-defined]
    assert app.bodies[0].closed


def test_exc_info_is_passed_through_with_cors_headers() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            raise ValueError("view failed")
        except ValueError:
            start_response(
                "500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info()
            )
        return [b"error"]

    captured, _ = call(CORSMiddleware(app, POLICY))
    status, headers, exc_info = captured
    assert status.startswith("500")
    assert ("Access-Control-Allow-Origin", ALLOWED) in headers
    assert exc_info is not None and isinstance(exc_info[1], ValueError)
    assert isinstance(exc_info[2], TracebackType)


def test_exc_info_reraise_after_headers_sent_propagates() -> None:
    """Servers re-raise exc_info once headers are sent; the middleware must not eat it."""
    sent: list[str] = []

    def server_start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        if exc_info is not None and sent:
            raise exc_info[1].with_traceback(exc_info[2])
        sent.append(status)
        return lambda data: None

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise KeyError("late")
        except KeyError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b""]

    environ: dict[str, Any] = {"HTTP_ORIGIN": ALLOWED}
    setup_testing_defaults(environ)
    with pytest.raises(KeyError, match="late"):
        CORSMiddleware(app, POLICY)(environ, server_start_response)


def test_write_callable_is_returned() -> None:
    written: list[bytes] = []

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"legacy ")
        return [b"body"]

    environ: dict[str, Any] = {"HTTP_ORIGIN": ALLOWED}
    setup_testing_defaults(environ)

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return written.append

    body = CORSMiddleware(app, POLICY)(environ, start_response)
    assert written == [b"legacy "]
    assert list(body) == [b"body"]


def test_exception_before_start_response_propagates_unchanged() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        raise LookupError("no start_response")

    with pytest.raises(LookupError, match="no start_response"):
        call(CORSMiddleware(app, POLICY))
