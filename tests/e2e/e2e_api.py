"""The API the browser tests call: a plain WSGI app with no CORS code, wrapped in cors_wsgi with
one policy per path prefix, between two recorders that log what reached the server and the app.

Served by gunicorn: ``gunicorn tests.e2e.e2e_api:application``. The allowed page origin comes from
E2E_PAGE_ORIGIN. With E2E_BROKEN=1 every policy is deliberately too strict in the way its
scenario checks, and with E2E_BROKEN=permissive every policy allows everything, so each browser
scenario can be seen to fail.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cors_wsgi import CORSMiddleware

from .page import HTML

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PAGE = os.environ.get("E2E_PAGE_ORIGIN", "http://127.0.0.1:1")
BROKEN = os.environ.get("E2E_BROKEN") == "1"
PERMISSIVE = os.environ.get("E2E_BROKEN") == "permissive"
ALLOW_EVERYTHING = {
    "allow_origins": "*",
    "allow_methods": "*",
    "allow_headers": "*",
    "expose_headers": "*",
    "max_age": 0,
}


def api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A small JSON API; every response says no-store so only the preflight cache is in play."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    if path.startswith("/literal-star/"):
        # Hand-written CORS with literal wildcards (no cors_wsgi policy covers this path), so
        # the engines themselves can be compared: does ACAH "*" cover Authorization?
        headers += [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Headers", "*")]
        if environ["REQUEST_METHOD"] == "OPTIONS":
            start_response("200 OK", [*headers, ("Content-Length", "0")])
            return []
    if path.endswith("/page.html"):
        # A page on the API's own origin, for same-origin writes (cross_origin_protection).
        page = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(HTML)))]
        start_response("200 OK", page)
        return [HTML]
    status = "200 OK"
    payload: dict[str, Any] = {"path": path, "method": environ["REQUEST_METHOD"]}
    if "/error" in path:
        status, payload = "500 Internal Server Error", {"error": "server failed"}
    if path.endswith("/set-cookie"):
        # A third-party cookie over http://localhost: the first is what Chromium accepts,
        # WebKit refuses Secure there and keeps only the second (see the README's table).
        headers.append(("Set-Cookie", "session=s3cret; Path=/; SameSite=None; Secure"))
        headers.append(("Set-Cookie", "plain=s3cret; Path=/"))
    payload["cookie"] = environ.get("HTTP_COOKIE", "")
    headers.append(("X-Total-Count", "42"))
    body = json.dumps(payload).encode()
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]


def policies() -> list[tuple[str, dict[str, Any]]]:
    if PERMISSIVE:
        return [("/*", ALLOW_EVERYTHING)]
    page = [PAGE] if not BROKEN else ["https://wrong.example"]
    ok = {"allow_origins": [PAGE]}
    return [
        ("/simple/*", {"allow_origins": page}),
        ("/json/*", {"allow_origins": page, "allow_methods": ["GET", "POST"]}),
        ("/headers/*", {**ok, "allow_headers": ["X-Allowed"] if not BROKEN else ["X-Nothing"]}),
        ("/creds/*", {**ok, "allow_credentials": not BROKEN}),
        ("/expose/*", {**ok, "expose_headers": [] if BROKEN else ["X-Total-Count"]}),
        ("/noexpose/*", {**ok, "expose_headers": ["X-Total-Count"] if BROKEN else []}),
        ("/starheaders/*", {**ok, "allow_headers": ["X-Other"] if BROKEN else "*"}),
        ("/maxage600/*", {**ok, "allow_headers": ["X-Preflight"], "max_age": 0 if BROKEN else 600}),
        ("/maxage0/*", {**ok, "allow_headers": ["X-Preflight"], "max_age": 600 if BROKEN else 0}),
        ("/maxage3600/*", {**ok, "allow_headers": ["X-Preflight"], "max_age": 3600}),
        (
            "/methods/*",
            {**ok, "allow_methods": ["GET"] if BROKEN else ["GET", "PUT", "DELETE", "patch"]},
        ),
        ("/fewmethods/*", {**ok, "allow_methods": "*" if BROKEN else ["GET", "POST"]}),
        ("/error/*", {"allow_origins": page}),
        ("/api/*", {"allow_origins": page}),
        ("/admin/*", {"allow_origins": [PAGE] if BROKEN else []}),
        # Writes from the refused page must be refused (broken: protection off) ...
        ("/protected/*", {**ok, "cross_origin_protection": not BROKEN}),
        # ... and from the allowed page must pass (broken: that page is not allowed either).
        ("/trusted/*", {"allow_origins": page, "cross_origin_protection": True}),
    ]


class Recorder:
    """Logs each request that reaches the wrapped app under *name*; /__log serves every log."""

    def __init__(
        self, app: WSGIApplication, name: str, log: dict[str, list[dict[str, str]]]
    ) -> None:
        self.app, self.name, self.log = app, name, log
        self.lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/__log":
            body = log_body()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        if path == "/__reset":
            with self.lock:
                for entries in self.log.values():
                    entries.clear()
            start_response("204 No Content", [])
            return []
        with self.lock:
            self.log[self.name].append(
                {
                    "method": environ["REQUEST_METHOD"],
                    "path": path,
                    "cookie": environ.get("HTTP_COOKIE", ""),
                    "headers": environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""),
                    "private_network": environ.get(
                        "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK", ""
                    ),
                    "fetch_site": environ.get("HTTP_SEC_FETCH_SITE", ""),
                }
            )
        return self.app(environ, start_response)


LOG: dict[str, list[dict[str, str]]] = {"server": [], "app": []}


def log_body() -> bytes:
    """Every log as JSON, for /__log."""
    return json.dumps(LOG).encode()


application = Recorder(CORSMiddleware(Recorder(api, "app", LOG), policies()), "server", LOG)
