"""The API the differential browser test calls, as a WSGI stack (``application``, for gunicorn)
and as an ASGI stack (``asgi_application``, for uvicorn): a small JSON app behind cors_wsgi with
one policy per case path, between two recorders.

The per-path policies are read at start from the JSON file named by CORS_DIFF_CONFIG: a list of
``[path_pattern, policy_options]`` pairs. The outer recorder logs every request that reached the
server (method, path, for a preflight its Access-Control-Request-* values, and the answer's
Access-Control-Allow-Headers); the inner one
logs what reached the application (a preflight reaches it under ``preflight_continue``). ``GET /__log`` answers both logs as JSON and empties them;
``GET /__page`` is a blank page on the API's own origin, for same-origin cases.

With CORS_DIFF_BREAK=server the WSGI stack drops ``Access-Control-Allow-Credentials`` from every
answer of the middleware, so the test can be seen to fail.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cors_wsgi import CORSMiddleware
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware

from .page import HTML

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: The application's own response headers; JavaScript may read only some of them cross-origin.
APP_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),  # only the preflight cache is in play
    ("Content-Language", "en"),
    ("X-Total-Count", "42"),
    ("X-Secret", "s3cret"),
)
LOG_PATH, PAGE_PATH = "/__log", "/__page"
BREAK = os.environ.get("CORS_DIFF_BREAK", "")


def origin_is_localhost(origin: str) -> bool:
    """An ``allow_origin_func`` for the cases: localhost and its subdomains, any port."""
    host = origin.partition("://")[2].rpartition(":")[0]
    return host == "localhost" or host.endswith(".localhost")


def load_routes() -> list[tuple[str, dict[str, Any]]]:
    """The per-path policies from the file named by CORS_DIFF_CONFIG."""
    path = os.environ.get("CORS_DIFF_CONFIG")
    if not path:
        return []
    pairs = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(pattern, options) for pattern, options in pairs]


class Log:
    """What reached the server and what reached the app; read and emptied at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[str, list[dict[str, Any]]] = {"server": [], "app": []}

    def add(self, who: str, entry: dict[str, Any]) -> None:
        with self.lock:
            self.entries[who].append(entry)

    def drain(self) -> bytes:
        with self.lock:
            body = json.dumps(self.entries).encode()
            for entries in self.entries.values():
                entries.clear()
        return body


def server_entry(method: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """A request as the server saw it; a CORS preflight is OPTIONS with Origin and ACRM."""
    preflight = (
        method == "OPTIONS" and "origin" in headers and ("access-control-request-method" in headers)
    )
    return {
        "method": method,
        "path": path,
        "preflight": preflight,
        "origin": headers.get("origin"),
        "acrm": headers.get("access-control-request-method"),
        "acrh": headers.get("access-control-request-headers"),
    }


def answered_allow_headers(headers: Iterable[tuple[str, str]]) -> str | None:
    """The Access-Control-Allow-Headers value of an answer (None when absent)."""
    values = [v for n, v in headers if n.lower() == "access-control-allow-headers"]
    return ", ".join(values) if values else None


def app_body(method: str, path: str) -> bytes:
    return json.dumps({"method": method, "path": path}).encode()


# -- WSGI -------------------------------------------------------------------------------------


def wsgi_headers(environ: WSGIEnvironment) -> dict[str, str]:
    return {
        key[5:].lower().replace("_", "-"): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }


def wsgi_path(environ: WSGIEnvironment) -> str:
    return str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))


class WSGIRecorder:
    """Logs each request under *who* before passing it on; the outer one answers /__log and
    /__page itself."""

    def __init__(self, app: WSGIApplication, who: str, log: Log) -> None:
        self.app, self.who, self.log = app, who, log

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = wsgi_path(environ), environ["REQUEST_METHOD"]
        if self.who == "server" and path in (LOG_PATH, PAGE_PATH):
            body = self.log.drain() if path == LOG_PATH else HTML
            kind = "application/json" if path == LOG_PATH else "text/html; charset=utf-8"
            start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
            return [body]
        if self.who == "server":
            entry = server_entry(method, path, wsgi_headers(environ))
            self.log.add("server", entry)

            def noting(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                entry["acah"] = answered_allow_headers(headers)
                return start_response(status, headers, exc_info)

            return self.app(environ, noting)
        else:
            entry = server_entry(method, path, wsgi_headers(environ))
            self.log.add("app", {"method": method, "path": path, "preflight": entry["preflight"]})
        return self.app(environ, start_response)


def wsgi_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The JSON app: answers every method, OPTIONS included, with 200."""
    body = app_body(environ["REQUEST_METHOD"], wsgi_path(environ))
    start_response("200 OK", [*APP_HEADERS, ("Content-Length", str(len(body)))])
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


class DropAllowCredentials:
    """CORS_DIFF_BREAK=server: the middleware's answers lose Access-Control-Allow-Credentials."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def dropping(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [h for h in headers if h[0].lower() != "access-control-allow-credentials"]
            return start_response(status, kept, exc_info)

        return self.app(environ, dropping)


def build_wsgi(log: Log) -> WSGIApplication:
    cors: WSGIApplication = CORSMiddleware(WSGIRecorder(wsgi_app, "app", log), load_routes())
    if BREAK == "server":
        cors = DropAllowCredentials(cors)
    return WSGIRecorder(cors, "server", log)


# -- ASGI -------------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]


def asgi_headers(scope: Scope) -> dict[str, str]:
    return {n.decode("latin-1").lower(): v.decode("latin-1") for n, v in scope["headers"]}


async def send_body(send: Any, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    raw = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def asgi_app(scope: Scope, receive: Any, send: Any) -> None:
    """The same JSON app over ASGI."""
    await send_body(send, 200, list(APP_HEADERS), app_body(scope["method"], scope["path"]))


class ASGIRecorder:
    """The ASGI form of :class:`WSGIRecorder`; the outer one also runs the lifespan."""

    def __init__(self, app: Any, who: str, log: Log) -> None:
        self.app, self.who, self.log = app, who, log

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        path, method = scope["path"], scope["method"]
        if self.who == "server" and path in (LOG_PATH, PAGE_PATH):
            body = self.log.drain() if path == LOG_PATH else HTML
            kind = "application/json" if path == LOG_PATH else "text/html; charset=utf-8"
            await send_body(send, 200, [("Content-Type", kind)], body)
            return
        if self.who == "server":
            entry = server_entry(method, path, asgi_headers(scope))
            self.log.add("server", entry)

            async def noting(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    headers = [
                        (n.decode("latin-1"), v.decode("latin-1")) for n, v in message["headers"]
                    ]
                    entry["acah"] = answered_allow_headers(headers)
                await send(message)

            await self.app(scope, receive, noting)
            return
        else:
            entry = server_entry(method, path, asgi_headers(scope))
            self.log.add("app", {"method": method, "path": path, "preflight": entry["preflight"]})
        await self.app(scope, receive, send)


def build_asgi(log: Log) -> ASGIRecorder:
    cors = ASGICORSMiddleware(ASGIRecorder(asgi_app, "app", log), load_routes())
    return ASGIRecorder(cors, "server", log)


# Each server process imports this module once and serves one of the two.
application = build_wsgi(Log())
asgi_application = build_asgi(Log())
