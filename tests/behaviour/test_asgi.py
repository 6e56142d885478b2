"""The ASGI middleware (the behaviour table runs through it in test_behaviours.py): streaming,
errors, lifespan, WebSocket origin checks, and the wrong kind of application both ways."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.asgi import request_facts

from ..support.asgi_apps import (
    Message,
    RecordingASGIApp,
    Scope,
    call,
    http_scope,
    request,
    run_async,
)
from ..support.helpers import ALLOWED, EVIL, RecordingApp

POLICY = {"allow_origins": [ALLOWED], "allow_credentials": True}


def test_response_header_names_in_any_case_are_merged() -> None:
    """An app that sends Access-Control-Allow-Origin in capitals still gets one ACAO."""
    app = RecordingASGIApp()
    middleware = ASGICORSMiddleware(app, POLICY)

    async def shouting(scope: Scope, receive: Any, send: Any) -> None:
        headers = [(b"Access-Control-Allow-Origin", b"*"), (b"Vary", b"Accept")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    middleware = ASGICORSMiddleware(shouting, POLICY)
    for _ in range(2):  # the second time from the remembered kinds
        exchange = request(middleware, "GET", "/", {"Origin": ALLOWED})
        assert [v for n, v in exchange.headers if n.lower() == "access-control-allow-origin"] == [
            ALLOWED
        ]
        assert exchange.header("Vary") == "Accept, Origin"


@pytest.mark.parametrize(
    ("app_headers", "expected"),
    [
        # names the middleware has not seen: the plain append
        ([(b"x-new-one", b"1")], [(b"x-new-one", b"1")]),
        # a Vary to merge and a name it keeps
        (
            [(b"vary", b"Accept"), (b"content-type", b"text/plain")],
            [(b"vary", b"Accept, Origin"), (b"content-type", b"text/plain")],
        ),
    ],
)
@pytest.mark.parametrize("policy", [POLICY, {**POLICY, "expose_headers": ["x-new-one"]}])
def test_response_headers_may_be_any_iterable(
    app_headers: list[tuple[bytes, bytes]],
    expected: list[tuple[bytes, bytes]],
    policy: dict[str, Any],
) -> None:
    """The ASGI spec allows any iterable of pairs; a generator is read once, all of it kept."""

    async def generating(scope: Scope, receive: Any, send: Any) -> None:
        start = {
            "type": "http.response.start",
            "status": 200,
            "headers": (pair for pair in app_headers),
        }
        await send(start)
        await send({"type": "http.response.body", "body": b""})

    middleware = ASGICORSMiddleware(generating, policy)
    for _ in range(2):  # the second time from the remembered spellings
        exchange = run_async(call(middleware, http_scope("GET", "/", {"Origin": ALLOWED})))
        headers = exchange.messages[0]["headers"]
        for pair in expected:
            assert pair in headers
        assert (b"access-control-allow-origin", ALLOWED.encode()) in headers


def test_headers_are_lower_case_byte_pairs_built_once() -> None:
    middleware = ASGICORSMiddleware(RecordingASGIApp(), POLICY)
    exchange = run_async(call(middleware, http_scope("GET", "/", {"Origin": ALLOWED})))
    start = exchange.messages[0]
    assert all(isinstance(n, bytes) and n == n.lower() for n, _ in start["headers"])
    decision = middleware.evaluate(ALLOWED)
    assert decision.wire_headers == decision.wire_headers  # a field of the cached decision
    assert (b"access-control-allow-origin", ALLOWED.encode()) in start["headers"]


def test_body_chunks_stream_through_unbuffered() -> None:
    app = RecordingASGIApp(body=b"x" * 1024, chunks=50)
    exchange = request(ASGICORSMiddleware(app, POLICY), "GET", "/", {"Origin": ALLOWED})
    bodies = [m for m in exchange.messages if m["type"] == "http.response.body"]
    assert len(bodies) == 50  # one message out for each message in, none merged or held back
    assert [m["more_body"] for m in bodies] == [True] * 49 + [False]
    assert len(exchange.body) == 50 * 1024


@pytest.mark.parametrize(
    ("path", "root_path", "governed"),
    [
        ("/mount/api/x", "/mount", True),  # uvicorn --root-path: path holds the root path
        ("/api/x", "/mount", True),  # hypercorn, daphne, granian: path without it
        ("/api/x", "", False),  # no root path: /api/x is not under /mount
        ("/mount/other", "/mount", False),
        ("/other/api/x", "/mount", False),  # prefixed once, not matched as /mount/other/...
    ],
)
def test_per_path_policies_match_the_public_path(path: str, root_path: str, governed: bool) -> None:
    """Servers disagree on whether ``path`` holds ``root_path``; the public path is
    ``root_path + path`` unless ``path`` already starts with ``root_path``, so one
    configuration governs the same URL on every server."""
    middleware = ASGICORSMiddleware(RecordingASGIApp(), [("/mount/api/*", POLICY)])
    answer = request(middleware, "GET", path, {"Origin": ALLOWED}, root_path=root_path)
    assert (answer.header("Access-Control-Allow-Origin") == ALLOWED) is governed


def test_request_header_names_as_servers_send_them_and_duplicate_origins() -> None:
    middleware = ASGICORSMiddleware(RecordingASGIApp(), POLICY)
    scope = http_scope("GET", "/", {})
    scope["headers"].append((b"Origin", ALLOWED.encode()))  # not lower-cased: fails closed
    assert run_async(call(middleware, scope)).header("Access-Control-Allow-Origin") is None
    scope = http_scope("GET", "/", {"Origin": ALLOWED})
    scope["headers"].append((b"origin", EVIL.encode()))  # two Origins: no origin at all
    assert run_async(call(middleware, scope)).header("Access-Control-Allow-Origin") is None


@pytest.mark.parametrize(
    "name", [b"origin", b"host", b"sec-fetch-site", b"access-control-request-headers"]
)
def test_a_field_repeated_as_one_object_is_repeated(name: bytes) -> None:
    """HTTP/2's HPACK hands a repeated field as the same bytes object twice (Hypercorn): still
    two fields, joined as WSGI servers join them (two equal Origins are then invalid_origin)."""
    value = b"https://app.example.com"
    scope = http_scope("GET", "/", {})
    scope["headers"] = [(n, v) for n, v in scope["headers"] if n != name]
    scope["headers"] += [(name, value), (name, value)]  # one object, twice
    assert request_facts(scope, "GET")[name] == value + b", " + value
    if name == b"origin":  # and through the middleware's own (inlined) reading
        middleware = ASGICORSMiddleware(RecordingASGIApp(), {**POLICY, "debug": True})
        assert run_async(call(middleware, scope)).header("X-CORS-Reason") == "invalid_origin"


class Failing:
    """An ASGI app that raises before, or after, starting its response."""

    def __init__(self, after_start: bool) -> None:
        self.after_start = after_start

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if self.after_start:
            await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("the application failed")


def test_handle_app_errors_answers_500_with_cors_headers(caplog: pytest.LogCaptureFixture) -> None:
    middleware = ASGICORSMiddleware(Failing(after_start=False), POLICY, handle_app_errors=True)
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        exchange = request(middleware, "GET", "/boom", {"Origin": ALLOWED})
    assert exchange.status == 500
    assert exchange.header("Access-Control-Allow-Origin") == ALLOWED
    assert exchange.body == b"Internal Server Error"
    assert "unhandled exception in the application for GET /boom" in caplog.text


def test_errors_after_the_response_started_propagate() -> None:
    middleware = ASGICORSMiddleware(Failing(after_start=True), POLICY, handle_app_errors=True)
    with pytest.raises(RuntimeError, match="the application failed"):
        request(middleware, "GET", "/", {"Origin": ALLOWED})


def test_errors_propagate_without_handle_app_errors() -> None:
    with pytest.raises(RuntimeError):
        request(ASGICORSMiddleware(Failing(after_start=False), POLICY), "GET", "/")


def test_lifespan_passes_through_untouched() -> None:
    seen: list[Message] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        assert scope["type"] == "lifespan"
        seen.append(await receive())
        await send({"type": "lifespan.startup.complete"})

    sent: list[Message] = []

    async def run() -> None:
        async def receive() -> Message:
            return {"type": "lifespan.startup"}

        async def send(message: Message) -> None:
            sent.append(message)

        await ASGICORSMiddleware(app, POLICY)({"type": "lifespan"}, receive, send)

    run_async(run())
    assert seen == [{"type": "lifespan.startup"}]
    assert sent == [{"type": "lifespan.startup.complete"}]


class WebSocketApp:
    def __init__(self) -> None:
        self.accepted = 0

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        self.accepted += 1
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})


def websocket(middleware: Any, origin: str | None, host: str = "api.example.com") -> list[Message]:
    sent: list[Message] = []

    async def run() -> None:
        async def receive() -> Message:
            return {"type": "websocket.connect"}

        async def send(message: Message) -> None:
            sent.append(message)

        headers = {"Origin": origin} if origin else {}
        scope = http_scope("GET", "/ws", headers, scheme="wss", host=host)
        scope["type"] = "websocket"
        del scope["method"]
        await middleware(scope, receive, send)

    run_async(run())
    return sent


@pytest.mark.parametrize(
    ("origin", "checked", "accepted"),
    [
        pytest.param(ALLOWED, True, True, id="allowed origin"),
        pytest.param(EVIL, True, False, id="refused origin"),
        pytest.param("https://api.example.com", True, True, id="same origin"),
        pytest.param(None, True, True, id="no Origin: not a browser"),
        pytest.param(EVIL, False, True, id="check off: untouched"),
    ],
)
def test_websocket_origin_check(origin: str | None, checked: bool, accepted: bool) -> None:
    app = WebSocketApp()
    middleware = ASGICORSMiddleware(app, POLICY, check_websocket_origin=checked)
    sent = websocket(middleware, origin)
    assert app.accepted == int(accepted)
    if not accepted:
        assert sent == [{"type": "websocket.close", "code": 1008}]  # before any accept


GUARDED = {**POLICY, "allowed_hosts": "api.example.com", "refuse_untrusted_origins": True}


@pytest.mark.parametrize(
    ("origin", "host", "checked", "accepted"),
    [
        pytest.param(ALLOWED, "api.example.com", False, True, id="allowed origin"),
        pytest.param("https://api.example.com", "api.example.com", False, True, id="own origin"),
        pytest.param(None, "api.example.com", False, True, id="no Origin, allowed Host"),
        pytest.param(None, "rebind.test", False, False, id="no Origin, other Host"),
        pytest.param(
            "http://rebind.test", "rebind.test", False, False, id="rebound page (host_not_allowed)"
        ),
        pytest.param(EVIL, "api.example.com", False, False, id="untrusted origin (origin_refused)"),
        pytest.param(EVIL, "rebind.test", True, False, id="with check_websocket_origin too"),
    ],
)
def test_websocket_handshakes_are_guarded(
    origin: str | None, host: str, checked: bool, accepted: bool
) -> None:
    """allowed_hosts and refuse_untrusted_origins check every handshake, with or without
    check_websocket_origin: refused by websocket.close before accept (HTTP 403)."""
    app = WebSocketApp()
    middleware = ASGICORSMiddleware(app, GUARDED, check_websocket_origin=checked)
    sent = websocket(middleware, origin, host)
    assert app.accepted == int(accepted)
    if not accepted:
        assert sent == [{"type": "websocket.close", "code": 1008}]  # before any accept


def test_websocket_guard_follows_reconfigure() -> None:
    app = WebSocketApp()
    middleware = ASGICORSMiddleware(app, POLICY)
    websocket(middleware, None, "rebind.test")
    middleware.reconfigure(GUARDED)
    websocket(middleware, None, "rebind.test")
    assert app.accepted == 1


class FastAPILike:
    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None: ...


@pytest.mark.parametrize("app", [FastAPILike(), FastAPILike.__call__], ids=["instance", "function"])
def test_wsgi_middleware_refuses_an_asgi_app_naming_the_asgi_class(app: Any) -> None:
    with pytest.raises(ConfigError, match=r"cors_wsgi\.asgi\.CORSMiddleware"):
        CORSMiddleware(app, POLICY)


def test_asgi_middleware_refuses_a_wsgi_app_naming_the_wsgi_class() -> None:
    with pytest.raises(ConfigError, match=r"cors_wsgi\.CORSMiddleware"):
        ASGICORSMiddleware(RecordingApp(), POLICY)  # type: ignore[arg-type]

    def wsgi(environ: Any, start_response: Any) -> list[bytes]:
        return []

    with pytest.raises(ConfigError, match="is a WSGI application"):
        ASGICORSMiddleware(wsgi, POLICY)  # type: ignore[arg-type]


def test_real_framework_apps_are_told_apart() -> None:
    from fastapi import FastAPI
    from flask import Flask
    from starlette.applications import Starlette

    for asgi_app in (FastAPI(), Starlette()):
        ASGICORSMiddleware(asgi_app, POLICY)
        with pytest.raises(ConfigError):
            CORSMiddleware(asgi_app, POLICY)  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        ASGICORSMiddleware(Flask(__name__), POLICY)  # type: ignore[arg-type]


def test_same_evaluate_and_options_as_the_wsgi_class() -> None:
    policy = CORSPolicy(allow_origins=[ALLOWED])
    asgi = ASGICORSMiddleware(RecordingASGIApp(), policy)
    wsgi = CORSMiddleware(RecordingApp(), policy)
    for args in [(ALLOWED, "PUT"), (EVIL, "GET"), (ALLOWED, "GET", {"X-Api-Key": "1"})]:
        assert asgi.evaluate(*args) == wsgi.evaluate(*args)  # type: ignore[arg-type]
    assert asgi.policy == wsgi.policy == policy


def test_fastapi_add_middleware_with_a_dict_policy() -> None:
    from fastapi import FastAPI

    api = FastAPI()

    @api.get("/items")
    def items() -> list[int]:
        return [1, 2]

    api.add_middleware(ASGICORSMiddleware, policy={"allow_origins": ALLOWED})
    exchange = request(api, "GET", "/items", {"Origin": ALLOWED})
    assert exchange.status == 200
    assert exchange.header("Access-Control-Allow-Origin") == ALLOWED
    assert exchange.body == b"[1,2]"
    preflight = request(
        api, "OPTIONS", "/items", {"Origin": ALLOWED, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status == 200
