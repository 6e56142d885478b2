"""Small real ASGI pieces for the tests: a recording application and an in-process driver that
runs one request through an ASGI application the way a server does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
App = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


class RecordingASGIApp:
    """A plain ASGI app that records each request and answers 200 with fixed headers; with
    ``chunks`` it streams the body in that many messages."""

    def __init__(self, headers: Sequence[tuple[str, str]] = (("Content-Type", "text/plain"),),
                 body: bytes = b"hello", chunks: int = 1) -> None:  # fmt: skip
        self.headers, self.body, self.chunks = list(headers), body, chunks
        self.calls: list[tuple[str, str]] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        self.calls.append((scope["method"], scope["path"]))
        # ASGI: response header names "must be lowercased"
        headers = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in self.headers]
        headers.append((b"content-length", str(len(self.body) * self.chunks).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for index in range(self.chunks):
            more = index < self.chunks - 1
            await send({"type": "http.response.body", "body": self.body, "more_body": more})


@dataclass
class Exchange:
    """What a server would have sent for one request."""

    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    messages: list[Message] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        found = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(found) if found else None


def http_scope(method: str, path: str, headers: dict[str, str], *, host: str = "api.example.com",
               scheme: str = "https", root_path: str = "") -> Scope:  # fmt: skip
    raw = [(b"host", host.encode())] if host else []
    raw += [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers.items()]
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": scheme, "path": path, "raw_path": path.encode(), "root_path": root_path,
        "query_string": b"", "headers": raw, "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }  # fmt: skip


async def call(app: App, scope: Scope, body: bytes = b"") -> Exchange:
    """Run *scope* through *app* as a server would; collect what it sends."""
    exchange = Exchange()
    received = False

    async def receive() -> Message:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # a client that stays connected
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        exchange.messages.append(message)
        if message["type"] == "http.response.start":
            exchange.status = message["status"]
            exchange.headers = [
                (n.decode("latin-1"), v.decode("latin-1")) for n, v in message.get("headers", [])
            ]
        elif message["type"] == "http.response.body":
            exchange.body += message.get("body", b"")

    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    return exchange


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run *coroutine* to the end on a fresh event loop in a thread of its own: the browser
    tests' Playwright keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=30)


def request(app: App, method: str, path: str, headers: dict[str, str] | None = None,
            **scope_options: Any) -> Exchange:  # fmt: skip
    """One request through *app*, synchronously."""
    return run_async(call(app, http_scope(method, path, headers or {}, **scope_options)))
