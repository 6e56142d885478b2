"""The peers (flask-cors, django-cors-headers, Starlette, wsgicors) as their users run them, and
a browser's verdict on an answer: what the differential tests of the migration and the drop-ins
replay requests through.

A :data:`Send` takes ``(method, path, headers)`` and returns ``(status, lower-cased headers)``;
:func:`browser_verdict` sends what a browser would (a preflight first when the Fetch standard
asks for one) and runs every check a browser runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi.browser import (
    check_allow_origin,
    check_preflight,
    preflight_reasons,
    unsafe_header_names,
)

from .asgi_apps import request as asgi_request
from .helpers import ALLOWED, EVIL

ORG_SUBDOMAIN = "https://shop.example.org"
SUFFIXED = "https://app.example.com.evil.example"  # what a prefix-matched regex lets through
ORIGINS = (ALLOWED, ORG_SUBDOMAIN, EVIL, SUFFIXED)
#: (method, request headers, credentials): what pages ask for.
SCENARIOS = {
    "GET": ("GET", [], False),
    "GET with cookies": ("GET", [], True),
    "PUT JSON": ("PUT", [("Content-Type", "application/json")], False),
    "DELETE with cookies": ("DELETE", [], True),
    "PATCH": ("PATCH", [], False),
    "GET with Authorization": ("GET", [("Authorization", "Bearer x")], False),
    "POST with X-Custom": ("POST", [("X-Custom", "1")], False),
}
Send = Callable[[str, str, dict[str, str]], tuple[int, dict[str, str]]]


def browser_verdict(send: Send, path: str, origin: str, scenario: str) -> bool:
    """Would a browser let the page read the answer? Preflight first when the Fetch standard
    asks for one, then the request; every check a browser runs."""
    method, headers, credentials = SCENARIOS[scenario]
    if preflight_reasons(method, headers):
        names = unsafe_header_names(headers)
        asked = {"Origin": origin, "Access-Control-Request-Method": method}
        if names:
            asked["Access-Control-Request-Headers"] = ",".join(names)
        status, answer = send("OPTIONS", path, asked)
        if not all(
            c.passed for c in check_preflight(origin, method, names, credentials, status, answer)
        ):
            return False
    status, answer = send(method, path, {"Origin": origin, **dict(headers)})
    return all(c.passed for c in check_allow_origin(origin, credentials, answer, preflight=False))


@dataclass(frozen=True)
class Disagreement:
    """One request on which a browser's verdict differs between the peer and one of ours."""

    sender: str
    path: str
    origin: str
    scenario: str
    theirs: bool
    mine: bool


def disagreements(peer: Send, ours: Mapping[str, Send], paths: Iterable[str]) -> list[Disagreement]:
    """Replay every scenario from every origin on every path against the peer and each of
    *ours*; the requests on which a browser's verdict differs."""
    found = []
    for path in paths:
        for origin in ORIGINS:
            for scenario in SCENARIOS:
                theirs = browser_verdict(peer, path, origin, scenario)
                for name, send in ours.items():
                    mine = browser_verdict(send, path, origin, scenario)
                    if mine != theirs:
                        found.append(Disagreement(name, path, origin, scenario, theirs, mine))
    return found


def wsgi_sender(app: Any) -> Send:
    client = TestApp(app)

    def send(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        response = client.request(path, method=method, headers=headers, expect_errors=True)
        return response.status_int, {n.lower(): v for n, v in response.headerlist}

    return send


def asgi_sender(app: Any) -> Send:
    def send(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        exchange = asgi_request(app, method, path, headers, scheme="http", host="api.example.com")
        return exchange.status, {n.lower(): v for n, v in exchange.headers}

    return send


def plain_wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


async def plain_asgi(scope: Any, receive: Any, send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})  # fmt: skip


# -- the peers, as their users run them --------------------------------------------------------


def flask_cors_sender(config: dict[str, Any]) -> Send:
    flask = pytest.importorskip("flask")
    from flask_cors import CORS

    app = flask.Flask(__name__)
    methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
    app.add_url_rule("/<path:path>", "any", lambda path: "ok", methods=methods)
    app.add_url_rule("/", "root", lambda: "ok", methods=methods)
    app.config.update({k: v for k, v in config.items() if k.startswith("CORS_")})  # config keys
    CORS(app, **{k: v for k, v in config.items() if not k.startswith("CORS_")})
    client = app.test_client()

    def send(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        response = client.open(path, method=method, headers=headers)
        return response.status_code, {n.lower(): v for n, v in response.headers.items()}

    return send


def django_sender(config: dict[str, Any]) -> Send:
    pytest.importorskip("corsheaders")
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    from examples import django_app  # configures Django once for the process

    overrides = override_settings(MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"],
                                  ROOT_URLCONF="tests.support.peers", ALLOWED_HOSTS=["*"],
                                  **config)  # fmt: skip
    overrides.enable()
    handler = WSGIHandler()
    overrides.disable()
    send = wsgi_sender(handler)
    assert django_app is not None

    def with_settings(
        method: str, path: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str]]:
        with override_settings(ROOT_URLCONF="tests.support.peers", ALLOWED_HOSTS=["*"], **config):
            return send(method, path, headers)

    return with_settings


def django_urlpatterns() -> list[Any]:
    from django.http import HttpResponse
    from django.urls import re_path
    from django.views.decorators.csrf import csrf_exempt

    return [re_path(r"^.*$", csrf_exempt(lambda request: HttpResponse("ok")))]


def __getattr__(name: str) -> Any:  # Django's ROOT_URLCONF while the django rows run
    if name == "urlpatterns":
        return django_urlpatterns()
    raise AttributeError(name)


def starlette_sender(config: dict[str, Any]) -> Send:
    from starlette.middleware.cors import CORSMiddleware as StarletteCORS

    return asgi_sender(StarletteCORS(plain_asgi, **config))


def wsgicors_sender(config: dict[str, Any]) -> Send:
    from wsgicors import CORS

    return wsgi_sender(CORS(plain_wsgi, **config))


PEER_SENDERS: dict[str, Callable[[dict[str, Any]], Send]] = {
    "flask-cors": flask_cors_sender,
    "django": django_sender,
    "starlette": starlette_sender,
    "wsgicors": wsgicors_sender,
}
