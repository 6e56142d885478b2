"""Migration from flask-cors, django-cors-headers, Starlette and wsgicors, proven by differential
tests: each peer itself and cors_wsgi with the migrated configuration answer the same browser
scenarios, and a browser's verdict (the Fetch checks of cors_wsgi.browser) is the same on both,
except for the documented refusals, where the peer's answer is unsafe and cors_wsgi's is not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware
from cors_wsgi.browser import (
    check_allow_origin,
    check_preflight,
    preflight_reasons,
    unsafe_header_names,
)
from cors_wsgi.migrate import PEERS, Migration

from ..support.asgi_apps import request as asgi_request
from ..support.helpers import ALLOWED, EVIL

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
                                  ROOT_URLCONF="tests.unit.test_migrate", ALLOWED_HOSTS=["*"],
                                  **config)  # fmt: skip
    overrides.enable()
    handler = WSGIHandler()
    overrides.disable()
    send = wsgi_sender(handler)
    assert django_app is not None

    def with_settings(
        method: str, path: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str]]:
        with override_settings(
            ROOT_URLCONF="tests.unit.test_migrate", ALLOWED_HOSTS=["*"], **config
        ):
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


@dataclass
class Row:
    """A real-world configuration of a peer, and where cors_wsgi refuses what the peer allows
    (origin, scenario) with why."""

    id: str
    peer: str
    config: dict[str, Any]
    paths: tuple[str, ...] = ("/api/items",)
    refusals: dict[tuple[str, str], str] = field(default_factory=dict)
    safe: bool = True


def each(origin: str, why: str) -> dict[tuple[str, str], str]:
    return {(origin, scenario): why for scenario in SCENARIOS}


PREFIX_REGEX = "prefix-matched regex: the peer also allows app.example.com.evil.example"
ROWS = [
    Row("flask-cors defaults", "flask-cors", {}),
    Row("flask-cors origins + credentials", "flask-cors",
        {"origins": [ALLOWED], "supports_credentials": True}),
    Row("flask-cors regex origin", "flask-cors",
        {"origins": [r"https://app\.example\.com", r"https://.*\.example\.org"]},
        refusals=each(SUFFIXED, PREFIX_REGEX)),
    Row("flask-cors resources", "flask-cors",
        {"resources": {r"/api/*": {"origins": ALLOWED}}, "methods": ["GET", "PUT"]},
        paths=("/api/items", "/public")),
    Row("flask-cors config keys", "flask-cors",
        {"CORS_ORIGINS": [ALLOWED, ORG_SUBDOMAIN], "CORS_ALLOW_HEADERS": ["Content-Type"],
         "CORS_EXPOSE_HEADERS": ["X-Total"], "CORS_MAX_AGE": 600}),
    Row("flask-cors * with credentials", "flask-cors", {"supports_credentials": True}, safe=False),
    Row("django origins", "django", {"CORS_ALLOWED_ORIGINS": [ALLOWED, ORG_SUBDOMAIN]}),
    Row("django regexes + credentials", "django",
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://app\.example\.com"],
         "CORS_ALLOW_CREDENTIALS": True},
        refusals=each(SUFFIXED, PREFIX_REGEX)),
    Row("django URLs regex", "django",
        {"CORS_ALLOWED_ORIGINS": [ALLOWED], "CORS_URLS_REGEX": r"^/api/"},
        paths=("/api/items", "/public")),
    Row("django allow all", "django", {"CORS_ALLOW_ALL_ORIGINS": True}),
    Row("django allow all + credentials", "django",
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}, safe=False),
    Row("starlette FastAPI tutorial", "starlette",
        {"allow_origins": [ALLOWED], "allow_credentials": True, "allow_methods": ["*"],
         "allow_headers": ["*"]}),
    Row("starlette defaults", "starlette", {"allow_origins": [ALLOWED]}),
    Row("starlette regex", "starlette",
        {"allow_origin_regex": r"https://.*\.example\.org", "allow_methods": ["GET", "PUT"]}),
    Row("starlette * with credentials", "starlette",
        {"allow_origins": ["*"], "allow_credentials": True}, safe=False),
    Row("wsgicors policy", "wsgicors",
        {"policy": "web", "web_origin": ALLOWED, "web_methods": "GET, PUT, DELETE",
         "web_headers": "content-type, authorization", "web_credentials": "true",
         "web_maxage": "600"}),
    Row("wsgicors copy", "wsgicors",
        {"policy": "any", "any_origin": "copy", "any_methods": "GET", "any_credentials": "true"},
        safe=False),
]  # fmt: skip


def migrate(row: Row) -> Migration:
    return PEERS[row.peer](row.config)


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS if r.safe])
def test_a_browser_reaches_the_same_verdict_on_the_peer_and_on_cors_wsgi(row: Row) -> None:
    migration = migrate(row)
    assert migration.safe, migration.unsafe
    peer = PEER_SENDERS[row.peer](row.config)
    ours = wsgi_sender(CORSMiddleware(plain_wsgi, migration.policy_config()))
    differences = {}
    for path in row.paths:
        for origin in ORIGINS:
            for scenario in SCENARIOS:
                theirs = browser_verdict(peer, path, origin, scenario)
                mine = browser_verdict(ours, path, origin, scenario)
                if theirs != mine:
                    differences[(origin, scenario)] = (path, theirs, mine)
    documented = {key for key in differences if key in row.refusals}
    assert set(differences) == documented, differences
    for key in documented:  # only ever safer: the peer allows, cors_wsgi refuses
        assert differences[key][1:] == (True, False)
    assert documented or not row.refusals, "documented refusals that never happen"


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS if not r.safe])
def test_unsafe_configurations_are_refused_with_what_to_write(row: Row) -> None:
    migration = migrate(row)
    assert not migration.safe
    assert any("list the trusted origins" in problem for problem in migration.unsafe)


def test_the_peers_defaults_are_carried_over_explicitly() -> None:
    assert migrate(ROWS[0]).options["allow_methods"] == [
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    ]
    assert migrate(ROWS[0]).options["allow_headers"] == "*"
    django = PEERS["django"]({"CORS_ALLOWED_ORIGINS": [ALLOWED]}).options
    assert "authorization" in django["allow_headers"] and django["max_age"] == 86400
    assert PEERS["starlette"]({"allow_origins": [ALLOWED]}).options["allow_methods"] == ["GET"]


def test_notes_say_where_meaning_differs() -> None:
    notes = " ".join(PEERS["django"](ROWS[7].config).notes)
    assert "prefix" in notes and "whole origin" in notes
    assert "path" in " ".join(PEERS["django"](ROWS[8].config).notes)
