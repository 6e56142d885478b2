"""Properties over arbitrary origins, methods, request headers, paths and policies (Hypothesis):
whatever arrives, the middleware never raises, never emits an unsafe header value, sends at most
one Access-Control-Allow-Origin, and only ever the origin itself (allowed and valid) or *."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.options import OPTION_NAMES, OPTIONS, Option
from cors_wsgi.origins import is_serialized_origin

from ..support.asgi_apps import RecordingASGIApp, call, http_scope, run_async
from ..support.helpers import RecordingApp

LATIN1 = st.characters(min_codepoint=0, max_codepoint=255)
LABEL = st.text(alphabet="abcxyz019-_", min_size=1, max_size=8)
VALID_ORIGIN = st.builds(
    lambda scheme, labels, port: f"{scheme}://{'.'.join(labels)}{port}",
    st.sampled_from(["http", "https", "chrome-extension"]),
    st.lists(LABEL, min_size=1, max_size=4),
    st.sampled_from(["", ":8080", ":443", ":80", ":0443", ":99999"]),
)
TRICKY = st.sampled_from(
    ["null", "NULL", "https://app.example.com", "https://app.example.com/", "https://APP.example.com",
     "https://a.example.com", "https://example.com", "https://evilexample.com", "*", "",
     "https://app.example.com\r\nX: y", "https://app.example.com\x00", " https://app.example.com"]
)  # fmt: skip
ORIGINS = st.one_of(VALID_ORIGIN, TRICKY, st.text(alphabet=LATIN1, max_size=40))
METHODS = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "patch", "OPTIONS", "HEAD"]),
    st.text(alphabet=LATIN1, max_size=12),
)
HEADER_NAMES = st.one_of(
    st.sampled_from(["content-type", "authorization", "x-api-key", "X-Custom", "accept"]),
    st.text(alphabet=LATIN1, max_size=12),
)
PATHS = st.one_of(
    st.sampled_from(["/", "/api/x", "/api/../admin/x", "//api/x", "/admin", "/API/x", "/api"]),
    st.text(alphabet=LATIN1, max_size=30).map(lambda s: "/" + s),
)


def is_example_net(origin: str) -> bool:
    """An ``allow_origin_func``: allows https origins under .example.net."""
    return origin.startswith("https://") and origin.endswith(".example.net")


#: Values to try for each option of the table, by name; boolean options need no entry.
OPTION_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "allow_origins": st.lists(
        st.sampled_from(
            [
                "https://app.example.com",
                "https://*.example.com",
                "null",
                "*",
                "http://localhost:3000",
                "https://*.example.org:8443",
            ]
        ),
        max_size=3,
        unique=True,
    ),
    "allow_origin_regex": st.sampled_from([r"https://[a-z]+\.example\.net", ".*"]),
    "allow_origin_func": st.sampled_from([None, is_example_net]),
    "origin_func_cache_seconds": st.sampled_from([0, 60, "0.5"]),
    "origin_func_timeout": st.sampled_from([2, 0.5, "1"]),
    "origin_func_concurrency": st.sampled_from([1, 16, "4"]),
    "allow_methods": st.one_of(
        st.just("*"), st.lists(st.sampled_from(["GET", "POST", "PUT", "patch"]), unique=True)
    ),
    "allow_headers": st.one_of(
        st.just("*"), st.lists(st.sampled_from(["Authorization", "X-Api-Key"]), unique=True)
    ),
    "expose_headers": st.one_of(st.just("*"), st.lists(st.sampled_from(["X-Total"]))),
    "max_age": st.one_of(st.none(), st.integers(0, 100_000)),
    "allowed_hosts": st.sampled_from(["", "loopback", "api.example.com:*", "*.example.com"]),
}
FLAG_VALUES = st.one_of(st.booleans(), st.sampled_from(["yes", "off"]))


def option_values(entry: Option) -> st.SearchStrategy[Any] | None:
    """What to try for one option: its row above, or any boolean form for a flag."""
    return OPTION_VALUES.get(entry.name, FLAG_VALUES if entry.is_flag else None)


def test_every_option_of_the_table_is_generated() -> None:
    """An option without values here would silently never be tried by the properties."""
    assert [entry.name for entry in OPTIONS if option_values(entry) is None] == []
    assert set(OPTION_VALUES) <= set(OPTION_NAMES)


POLICIES = st.fixed_dictionaries(
    {"allow_origins": OPTION_VALUES["allow_origins"]},
    optional={
        entry.name: values
        for entry in OPTIONS
        if entry.name != "allow_origins" and (values := option_values(entry)) is not None
    },
)

APP_HEADERS = st.lists(
    st.tuples(
        st.sampled_from(["Content-Type", "Vary", "vary", "Access-Control-Allow-Origin",
                         "access-control-allow-credentials", "X-Total", "Set-Cookie"]),
        st.sampled_from(["*", "Accept-Encoding", "origin", "text/plain", "a=b"]),
    ),
    max_size=5,
)  # fmt: skip


def build(options: dict[str, Any]) -> CORSPolicy | None:
    try:
        return CORSPolicy.from_dict(options)
    except ConfigError:
        return None  # e.g. "*" with credentials: refused at construction, as it must be


def run(middleware: CORSMiddleware, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    captured: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured[:] = [status, headers]
        return lambda data: None

    body = middleware(environ, start_response)
    b"".join(body)
    return captured[0], captured[1]


def run_asgi(
    options: Any, app_headers: list[tuple[str, str]], per_path: bool, method: str, path: str,
    request_headers: dict[str, str],
) -> tuple[str, list[tuple[str, str]], bool]:  # fmt: skip
    """The same request through the ASGI middleware: status, headers, whether the app ran."""
    app = RecordingASGIApp(headers=app_headers)
    middleware = ASGICORSMiddleware(app, [("/api/*", options)] if per_path else options)
    exchange = run_async(call(middleware, http_scope(method, path, request_headers, host="")))
    return str(exchange.status), exchange.headers, bool(app.calls)


@pytest.mark.parametrize("adapter", ["wsgi", "asgi"])
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    options=POLICIES,
    origin=st.one_of(st.none(), ORIGINS),
    method=METHODS,
    request_method=st.one_of(st.none(), METHODS),
    request_headers=st.one_of(st.none(), st.lists(HEADER_NAMES, max_size=6).map(",".join)),
    private_network=st.booleans(),
    path=PATHS,
    app_headers=APP_HEADERS,
    per_path=st.booleans(),
)
def test_middleware_invariants(
    adapter: str,
    options: dict[str, Any],
    origin: str | None,
    method: str,
    request_method: str | None,
    request_headers: str | None,
    private_network: bool,
    path: str,
    app_headers: list[tuple[str, str]],
    per_path: bool,
) -> None:
    policy = build(options)
    if policy is None:
        return
    app = RecordingApp(headers=list(app_headers))
    middleware = CORSMiddleware(app, [("/api/*", policy)] if per_path else policy)
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "",
                               "SERVER_NAME": "api.example.com", "SERVER_PORT": "443",
                               "wsgi.url_scheme": "https"}  # fmt: skip
    if origin is not None:
        environ["HTTP_ORIGIN"] = origin
    if request_method is not None:
        environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = request_method
    if request_headers is not None:
        environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = request_headers
    if private_network:
        environ["HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"] = "true"

    if adapter == "wsgi":
        status, headers = run(middleware, environ)  # never raises
        app_called = bool(app.calls)
    else:
        asgi_headers = {
            name[5:].replace("_", "-").title(): value
            for name, value in environ.items()
            if name.startswith("HTTP_")
        }
        status, headers, app_called = run_asgi(
            policy, list(app_headers), per_path, method, path, asgi_headers
        )

    governed = middleware.policy_for_path(path) is not None
    cors_headers = [(n, v) for n, v in headers if n.lower().startswith("access-control-")]
    for name, value in headers:
        (name + value).encode("latin-1")  # never a header a server cannot send
        assert "\r" not in value and "\n" not in value
    acao = [v for n, v in headers if n.lower() == "access-control-allow-origin"]
    assert len(acao) <= 1 or not governed  # ungoverned paths are the application's alone
    preflight = (
        governed and origin is not None and method == "OPTIONS" and request_method is not None
    )
    if preflight and not policy.preflight_continue:
        assert not app_called  # a preflight never reaches the app, unless it should
        assert status.startswith(("200", "403"))
    if not governed or (policy.keep_app_cors_headers and not preflight and any(
        n.lower().startswith("access-control-") for n, _ in app_headers
    )):  # fmt: skip
        return  # the application's own headers stand: nothing more is ours to check
    if acao:
        asked = policy.allow_origin_func is not None and is_example_net(origin or "")
        allowed = policy.origin_allowed(origin or "") or asked
        assert acao[0] == "*" or (acao[0] == origin and is_serialized_origin(origin) and allowed)
        if acao[0] != "*":
            vary = ", ".join(v for n, v in headers if n.lower() == "vary").lower()
            assert "origin" in vary or "*" in vary
    else:
        assert not [
            n for n, _ in cors_headers if n.lower() != "access-control-allow-private-network"
        ]
