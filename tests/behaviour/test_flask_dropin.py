"""``cors_wsgi.flask``, the flask-cors drop-in, against flask-cors itself: real Flask apps set
up the same way with either library (``resources`` with regexes, credentials, decorated views,
blueprints, config keys, expose, max age, errors), each request a browser would send replayed
on both, and on cors_wsgi's ``CORSMiddleware`` with what ``migrate`` reads from each app. A
browser's verdict is the same everywhere but for the documented refusals, where flask-cors's
answer is unsafe."""

from __future__ import annotations

import datetime
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import flask
import flask_cors
import pytest

from cors_wsgi import ConfigError, CORSMiddleware
from cors_wsgi import flask as dropin
from cors_wsgi.browser import check_allow_origin
from cors_wsgi.migrate import from_flask_cors
from cors_wsgi.migrate.flask_cors import config_of

from ..support.helpers import ALLOWED, EVIL
from ..support.peers import (
    ORG_SUBDOMAIN,
    ORIGINS,
    SCENARIOS,
    SUFFIXED,
    Send,
    browser_verdict,
    disagreements,
)

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
#: Neither library: the routes alone, for the middleware that ``migrate``'s output configures.
BARE = types.SimpleNamespace(
    CORS=lambda *args, **kwargs: types.SimpleNamespace(init_app=lambda app: None),
    cross_origin=lambda **_: _same,
)


def _same(view: Callable[..., Any]) -> Callable[..., Any]:
    return view


def ok(**variables: object) -> tuple[str, dict[str, str]]:
    return "ok", {"X-Total": "2", "X-Internal": "1"}


def boom() -> str:
    raise RuntimeError("a bug in the view")


def missing() -> NoReturn:
    flask.abort(404)


Setup = Callable[[Any, Any], None]  # (the library, the app)


def regex_resources(lib: Any, app: Any) -> None:
    lib.CORS(app, supports_credentials=True, max_age=600, expose_headers=["X-Total"],
             resources={r"/api/v[0-9]+/.*": {"origins": [r"https://app\.example\.com",
                                                          r"https://.*\.example\.org"]},
                        "/public/*": {"origins": "*", "supports_credentials": False},
                        "/exact": {"origins": ALLOWED, "methods": ["GET", "PUT"]}})  # fmt: skip
    for path in ("/api/v1/items", "/public/doc", "/exact", "/other"):
        app.add_url_rule(path, path, ok, methods=METHODS)


def views_and_app(lib: Any, app: Any) -> None:
    lib.CORS(app, origins=[ALLOWED], allow_headers=["Content-Type"])
    special = lib.cross_origin(origins=[ORG_SUBDOMAIN], methods=["GET", "PUT"], max_age=60)(ok)
    app.add_url_rule("/special/<int:item>", "special", special, methods=METHODS)
    app.add_url_rule("/items", "items", ok, methods=METHODS)


def blueprint(lib: Any, app: Any) -> None:
    bp = flask.Blueprint("bp", __name__)
    bp.add_url_rule("/bp/items", "items", ok, methods=METHODS)
    lib.CORS(bp, origins=[ALLOWED], supports_credentials=True, expose_headers="X-Total")
    app.register_blueprint(bp)
    app.add_url_rule("/plain", "plain", ok, methods=METHODS)


def config_keys(lib: Any, app: Any) -> None:
    app.config.update(CORS_ORIGINS=[ALLOWED, ORG_SUBDOMAIN], CORS_SUPPORTS_CREDENTIALS=True,
                      CORS_ALLOW_HEADERS=["Content-Type", "Authorization"],
                      CORS_EXPOSE_HEADERS=["X-Total"], CORS_MAX_AGE=datetime.timedelta(minutes=10),
                      CORS_METHODS=["GET", "DELETE"], CORS_RESOURCES={r"/api/*": {}})  # fmt: skip
    lib.CORS().init_app(app)
    app.add_url_rule("/api/items", "items", ok, methods=METHODS)
    app.add_url_rule("/outside", "outside", ok, methods=METHODS)


def errors(lib: Any, app: Any) -> None:
    lib.CORS(app, resources=r"/api/.*", origins=[ALLOWED])
    app.add_url_rule("/api/boom", "boom", boom, methods=METHODS)
    app.add_url_rule("/api/missing", "missing", missing, methods=METHODS)


def decorators_only(lib: Any, app: Any) -> None:
    app.add_url_rule("/open", "open", lib.cross_origin()(ok), methods=METHODS)
    secret = lib.cross_origin(origins=[ALLOWED], supports_credentials=True,
                              allow_headers=["Authorization", "Content-Type"])(ok)  # fmt: skip
    app.add_url_rule("/secret", "secret", secret, methods=METHODS)
    app.add_url_rule("/none", "none", ok, methods=METHODS)


@dataclass
class Row:
    id: str
    setup: Setup
    paths: tuple[str, ...]
    #: (path, origin) -> why cors_wsgi refuses what flask-cors allows.
    refusals: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Paths without a route: flask-cors's preflight gets Flask's 404, which fails it;
    #: cors_wsgi answers preflights before routing, so the page reads the request's 404.
    unrouted: tuple[str, ...] = ()


PREFIX = "a prefix-matched origin regex: flask-cors also allows app.example.com.evil.example"
ROWS = [
    Row("resources with regexes and credentials", regex_resources,
        ("/api/v1/items", "/public/doc", "/exact", "/other", "/api/v2/nowhere"),
        {("/api/v1/items", SUFFIXED): PREFIX, ("/api/v2/nowhere", SUFFIXED): PREFIX},
        unrouted=("/api/v2/nowhere",)),
    Row("decorated view over app-wide CORS", views_and_app, ("/special/3", "/items", "/nowhere"),
        unrouted=("/nowhere",)),
    Row("blueprint", blueprint, ("/bp/items", "/plain")),
    Row("config keys", config_keys, ("/api/items", "/outside")),
    Row("errors: 500, abort(404), no route", errors, ("/api/boom", "/api/missing", "/api/none"),
        unrouted=("/api/none",)),
    Row("decorators only", decorators_only, ("/open", "/secret", "/none")),
]  # fmt: skip


def app_with(lib: Any, setup: Setup) -> Any:
    app = flask.Flask(__name__)
    setup(lib, app)
    return app


def sender(app: Any) -> Send:
    client = app.test_client()

    def send(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        response = client.open(path, method=method, headers=headers)
        return response.status_code, {n.lower(): v for n, v in response.headers.items()}

    return send


def readable_headers(send: Send, path: str, origin: str) -> frozenset[str] | None:
    """The response headers a page on *origin* can read from a GET of *path* (beyond the
    safelisted ones), or None when it cannot read the response."""
    _, headers = send("GET", path, {"Origin": origin})
    if not all(c.passed for c in check_allow_origin(origin, False, headers, preflight=False)):
        return None
    exposed = {
        n.strip().lower() for n in headers.get("access-control-expose-headers", "").split(",")
    }
    return frozenset(name for name in headers if name in exposed or "*" in exposed)


def migrated(app: Any, setup: Setup) -> Send:
    """The routes alone behind cors_wsgi, configured by what ``migrate`` reads from *app*."""
    migration = from_flask_cors(config_of(app))
    assert migration.safe, migration.unsafe
    bare = app_with(BARE, setup)
    bare.wsgi_app = CORSMiddleware(bare.wsgi_app, migration.policy_config())
    return sender(bare)


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
def test_a_browser_reaches_the_same_verdict_on_flask_cors_the_drop_in_and_migrate(
    row: Row,
) -> None:
    peer_app, our_app = app_with(flask_cors, row.setup), app_with(dropin, row.setup)
    peer = sender(peer_app)
    ours = {
        "cors_wsgi.flask": sender(our_app),
        "migrate from the flask-cors app": migrated(peer_app, row.setup),
        "migrate from the cors_wsgi.flask app": migrated(our_app, row.setup),
    }
    differences = {
        (d.sender, d.path, d.origin, d.scenario): (d.theirs, d.mine)
        for d in disagreements(peer, ours, row.paths)
    }
    for path in row.paths:  # which response headers the page can read, where it can read any
        for origin in ORIGINS:
            theirs_seen = readable_headers(peer, path, origin)
            for name, send in ours.items():
                assert readable_headers(send, path, origin) == theirs_seen or (
                    (path, origin) in row.refusals
                ), (name, path, origin)
    refused = {k for k, v in differences.items() if v == (True, False)}
    unrouted = {k for k, v in differences.items() if v == (False, True) and k[1] in row.unrouted}
    assert set(differences) == refused | unrouted, differences
    assert {(k[1], k[2]) for k in refused} == set(row.refusals), "stale or new refusals"
    # before routing: only preflighted requests, never to a refused origin
    assert all(SCENARIOS[k[3]][1] or k[3] != "GET" for k in unrouted)
    assert all(k[2] in (ALLOWED, ORG_SUBDOMAIN) for k in unrouted), unrouted
    assert {k[1] for k in unrouted} == set(row.unrouted), "stale unrouted paths"


def test_the_peer_allows_some_requests_of_each_row() -> None:
    """The rows exercise CORS: flask-cors lets a page read something on each."""
    for row in ROWS:
        send = sender(app_with(flask_cors, row.setup))
        assert any(
            browser_verdict(send, path, ALLOWED, s) or browser_verdict(send, path, ORG_SUBDOMAIN, s)
            for path in row.paths
            for s in SCENARIOS
        ), row.id


# -- the drop-in's own surface ------------------------------------------------------------------


def get(
    app: Any, path: str, origin: str | None = ALLOWED, method: str = "GET", **headers: str
) -> Any:
    sent = {"Origin": origin, **headers} if origin else headers
    return app.test_client().open(path, method=method, headers=sent)


def test_it_wraps_wsgi_app_so_flask_s_own_error_pages_carry_the_headers() -> None:
    app = app_with(dropin, errors)
    for path, status in (("/api/boom", 500), ("/api/missing", 404), ("/api/none", 404)):
        response = get(app, path)
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert isinstance(app.wsgi_app, CORSMiddleware)  # after the first request: no extra layer


def test_a_registered_error_handler_s_response_carries_the_headers() -> None:
    app = app_with(dropin, errors)
    app.register_error_handler(404, lambda error: ("handled", 200))
    response = get(app, "/api/missing")
    assert (response.status_code, response.headers["Access-Control-Allow-Origin"]) == (
        200,
        ALLOWED,
    )


def test_a_decorated_view_works_without_cors_on_the_app_from_the_first_request() -> None:
    app = app_with(dropin, decorators_only)
    client = app.test_client()
    for _ in range(2):  # the first is decided in the view, the next by the middleware
        preflight = client.options(
            "/secret",
            headers={
                "Origin": ALLOWED,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    fresh = app_with(dropin, decorators_only)
    first = get(fresh, "/secret", EVIL, "OPTIONS", **{"Access-Control-Request-Method": "PUT"})
    assert first.status_code == 403 and "Access-Control-Allow-Origin" not in first.headers
    assert "Access-Control-Allow-Origin" not in get(fresh, "/none").headers


def test_a_plain_options_request_to_a_decorated_view_gets_flask_s_answer() -> None:
    response = get(app_with(dropin, decorators_only), "/open", method="OPTIONS")
    assert response.status_code == 200 and "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda app: dropin.CORS(app, supports_credentials=True), "E017"),
        (lambda app: dropin.CORS(app, origins="*", allow_private_network=True), "E021"),
        (lambda app: dropin.CORS(app, origin=[ALLOWED]), "E001"),
        (lambda app: dropin.cross_origin(resources="/x"), "E001"),
    ],
    ids=["* with credentials", "private network with *", "misspelt keyword", "not a view kw"],
)
def test_what_cannot_be_served_safely_is_a_configuration_error(
    setup: Callable[[Any], Any], code: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        setup(flask.Flask(__name__))
    assert raised.value.problems[0].code == code


def test_a_misspelt_keyword_names_the_closest_one() -> None:
    with pytest.raises(ConfigError, match="did you mean 'origins'"):
        dropin.CORS(flask.Flask(__name__), origin=[ALLOWED])


def test_a_decorator_with_star_and_credentials_refuses_the_app_at_its_first_request() -> None:
    app = flask.Flask(__name__)
    app.testing = True  # Flask lets the error through instead of answering 500
    app.add_url_rule("/x", "x", dropin.cross_origin(supports_credentials=True)(ok))
    for _ in range(2):  # decided in the view, then by the middleware: refused both times
        with pytest.raises(ConfigError, match="'\\*' with credentials"):
            app.test_client().get("/x", headers={"Origin": ALLOWED})


def test_config_keys_set_after_cors_are_not_read_by_the_app_layer_as_in_flask_cors() -> None:
    app = flask.Flask(__name__)
    dropin.CORS(app, origins=[ALLOWED])
    app.config["CORS_ORIGINS"] = [EVIL]  # flask-cors read the keys at CORS() time
    app.add_url_rule("/x", "x", ok)
    assert get(app, "/x").headers["Access-Control-Allow-Origin"] == ALLOWED


def test_migrate_reads_the_drop_in_s_configuration() -> None:
    app = app_with(dropin, blueprint)
    migration = from_flask_cors(config_of(app))
    (path, options), *_ = migration.paths
    assert options["allow_origins"] == [ALLOWED] and options["allow_credentials"] is True
    assert path.startswith("re:") and "bp" in path


@pytest.mark.parametrize("setup", [errors, views_and_app], ids=["resources", "decorated view"])
def test_a_path_without_its_leading_slash_is_routed_as_with_it(setup: Setup) -> None:
    """Werkzeug's test client passes ``client.get("api/x")`` on without the slash PEP 3333
    asks for; Flask routes it all the same, and so do the per-path policies."""
    app = app_with(dropin, setup)
    path = "api/missing" if setup is errors else "special/3"
    origin = ALLOWED if setup is errors else ORG_SUBDOMAIN
    assert get(app, path, origin).headers["Access-Control-Allow-Origin"] == origin
