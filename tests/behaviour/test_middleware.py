"""The CORS behaviours through the real middleware, driven by WebTest (with WSGI lint on)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from cors_wsgi import CORSPolicy
from cors_wsgi.policy import PREFLIGHT_VARY
from cors_wsgi.response import vary_with_origin

from ..support.helpers import ALLOWED, EVIL, RecordingApp, client, cors_headers, header_values
from .runner import ADAPTERS

QUICKSTART = {
    "allow_origins": [ALLOWED, "https://*.example.org"],
    "allow_methods": ["GET", "POST", "PUT", "DELETE"],
    "allow_headers": ["Content-Type", "Authorization"],
    "expose_headers": ["X-Total-Count"],
    "allow_credentials": True,
    "max_age": 600,
}


def preflight(origin: str, method: str, headers: str | None = None, **extra: str) -> dict[str, str]:
    environ = {"Origin": origin, "Access-Control-Request-Method": method, **extra}
    if headers is not None:
        environ["Access-Control-Request-Headers"] = headers
    return environ


# -- 1. no Origin ------------------------------------------------------------------------------


def test_no_origin_passes_through_with_vary_origin(app: RecordingApp) -> None:
    response = client(QUICKSTART, app).get("/items")
    assert response.body == b"hello"
    assert cors_headers(response) == {}
    assert header_values(response, "Vary") == ["Origin"]
    assert app.calls == [("GET", "/items")]


def test_no_origin_with_fixed_star_sends_the_static_answer(app: RecordingApp) -> None:
    """Fetch, "CORS protocol and HTTP caches": a static * goes on every response, without Vary,
    so a cached answer to a navigation also serves a later cross-origin fetch."""
    response = client({"allow_origins": "*", "expose_headers": "X-Total-Count"}, app).get("/")
    assert cors_headers(response) == {
        "access-control-allow-origin": "*",
        "access-control-expose-headers": "X-Total-Count",
    }
    assert header_values(response, "Vary") == []
    with_origin = client({"allow_origins": "*"}, app).get("/", headers={"Origin": EVIL})
    assert with_origin.headers["Access-Control-Allow-Origin"] == "*"
    assert header_values(with_origin, "Vary") == []


def test_no_origin_with_a_listed_origin_says_only_vary(app: RecordingApp) -> None:
    response = client({"allow_origins": [ALLOWED]}, app).get("/")
    assert cors_headers(response) == {}
    assert header_values(response, "Vary") == ["Origin"]


def test_refused_origin_also_says_vary_origin() -> None:
    response = client(QUICKSTART).get("/", headers={"Origin": EVIL})
    assert header_values(response, "Vary") == ["Origin"]


# -- 2. actual requests from allowed origins ---------------------------------------------------


def test_allowed_actual_request(app: RecordingApp) -> None:
    response = client(QUICKSTART, app).get("/items", headers={"Origin": ALLOWED})
    assert cors_headers(response) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "X-Total-Count",
    }
    assert header_values(response, "Vary") == ["Origin"]
    assert app.calls == [("GET", "/items")]


def test_subdomain_origin_is_echoed() -> None:
    response = client(QUICKSTART).get("/", headers={"Origin": "https://a.b.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://a.b.example.org"


def test_star_without_credentials_sends_star() -> None:
    response = client({"allow_origins": "*", "expose_headers": "*"}).get(
        "/", headers={"Origin": "https://anyone.example"}
    )
    assert cors_headers(response) == {
        "access-control-allow-origin": "*",
        "access-control-expose-headers": "*",
    }
    assert header_values(response, "Vary") == []


@pytest.mark.parametrize(
    ("app_vary", "expected"),
    [
        pytest.param([], ["Origin"], id="none"),
        pytest.param(["Accept-Encoding"], ["Accept-Encoding, Origin"], id="kept and merged"),
        pytest.param(
            ["Accept-Encoding", "Cookie"], ["Accept-Encoding, Cookie, Origin"], id="two lines"
        ),
        pytest.param(["origin"], ["origin"], id="already there, any case"),
        pytest.param(["Accept, Origin"], ["Accept, Origin"], id="already in a list"),
        pytest.param(["*"], ["*"], id="star left alone"),
    ],
)
def test_vary_is_merged(app_vary: list[str], expected: list[str]) -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), *(("Vary", v) for v in app_vary)])
    response = client(QUICKSTART, app).get("/", headers={"Origin": ALLOWED})
    assert header_values(response, "Vary") == expected


@pytest.mark.parametrize(
    "status",
    [
        "400 Bad Request",
        "401 Unauthorized",
        "404 Not Found",
        "500 Internal Server Error",
        "503 Service Unavailable",
    ],
)
def test_error_responses_get_the_same_headers(status: str) -> None:
    app = RecordingApp(status=status, body=b"error")
    response = client(QUICKSTART, app).get("/", headers={"Origin": ALLOWED}, expect_errors=True)
    assert response.status == status
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


# -- 3. refused origins ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin", [EVIL, "null", "https://app.example.com.evil.net", "http://app.example.com"]
)
def test_refused_origin_gets_no_cors_headers_but_the_app_runs(origin: str) -> None:
    app = RecordingApp()
    response = client(QUICKSTART, app).post("/items", headers={"Origin": origin})
    assert cors_headers(response) == {}
    assert app.calls == [("POST", "/items")]


# -- 4. preflights -----------------------------------------------------------------------------


def test_allowed_preflight_is_answered_without_the_app(app: RecordingApp) -> None:
    response = client(QUICKSTART, app).options(
        "/items", headers=preflight(ALLOWED, "PUT", "content-type,authorization")
    )
    assert response.status_int == 200
    assert response.body == b""
    assert app.calls == []
    assert cors_headers(response) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, POST, PUT, DELETE",
        "access-control-allow-headers": (
            "Content-Type, Authorization, Accept, Accept-Language, Content-Language"
        ),
        "access-control-max-age": "600",
    }
    assert response.headers["Vary"] == PREFLIGHT_VARY


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        pytest.param(preflight(EVIL, "GET"), "origin", id="origin"),
        pytest.param(preflight(ALLOWED, "PATCH"), "method", id="method"),
        pytest.param(preflight(ALLOWED, "PUT", "content-type,x-secret"), "header", id="header"),
        pytest.param(preflight("null", "GET"), "origin", id="null"),
        pytest.param(preflight("https://APP.example.com", "GET"), "origin", id="invalid origin"),
    ],
)
def test_refused_preflight_gets_no_acao_and_never_reaches_the_app(
    request_: dict[str, str], reason: str
) -> None:
    app = RecordingApp()
    response = client(QUICKSTART, app).options("/items", headers=request_, expect_errors=True)
    assert response.status_int == 403
    assert cors_headers(response) == {}
    assert response.headers["Vary"] == PREFLIGHT_VARY
    assert app.calls == []


def test_allow_headers_star_reflects_requested_names_including_authorization() -> None:
    response = client({"allow_origins": [ALLOWED], "allow_headers": "*"}).options(
        "/", headers=preflight(ALLOWED, "POST", "authorization, X-Custom-Header")
    )
    assert response.headers["Access-Control-Allow-Headers"] == "authorization, x-custom-header"


def test_allow_methods_star_echoes_the_method() -> None:
    response = client({"allow_origins": [ALLOWED], "allow_methods": "*"}).options(
        "/", headers=preflight(ALLOWED, "PROPFIND")
    )
    assert response.headers["Access-Control-Allow-Methods"] == "PROPFIND"


def test_default_policy_allows_json_content_type() -> None:
    """The blog post's second error: Content-Type: application/json needs a preflight."""
    response = client({"allow_origins": [ALLOWED]}).options(
        "/", headers=preflight(ALLOWED, "POST", "content-type")
    )
    assert response.status_int == 200
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(("max_age", "expected"), [(None, None), (0, "0"), (7200, "7200")])
def test_max_age(max_age: int | None, expected: str | None) -> None:
    response = client({"allow_origins": [ALLOWED], "max_age": max_age}).options(
        "/", headers=preflight(ALLOWED, "GET")
    )
    assert response.headers.get("Access-Control-Max-Age") == expected


def test_no_credentials_header_when_credentials_are_off() -> None:
    response = client({"allow_origins": [ALLOWED]}).options("/", headers=preflight(ALLOWED, "GET"))
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_private_network_only_when_enabled_and_requested() -> None:
    pna = {"Access-Control-Request-Private-Network": "true"}
    enabled = client({"allow_origins": [ALLOWED], "allow_private_network": True})
    asked = enabled.options("/", headers=preflight(ALLOWED, "GET", **pna))
    assert asked.headers["Access-Control-Allow-Private-Network"] == "true"
    assert asked.headers["Vary"].endswith("Access-Control-Request-Private-Network")
    not_asked = enabled.options("/", headers=preflight(ALLOWED, "GET"))
    assert "Access-Control-Allow-Private-Network" not in not_asked.headers


def test_private_network_preflight_with_the_option_off_is_answered_as_any_other() -> None:
    """No engine sends PNA preflights any more; a 403 here broke Chrome 104-141 pages."""
    app = RecordingApp()
    pna = {"Access-Control-Request-Private-Network": "true"}
    response = client({"allow_origins": [ALLOWED]}, app).options(
        "/", headers=preflight(ALLOWED, "GET", **pna)
    )
    assert response.status_int == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Private-Network" not in response.headers
    assert app.calls == []


def test_preflight_with_star_origin_and_no_credentials() -> None:
    response = client({"allow_origins": "*"}).options(
        "/", headers=preflight("https://x.example", "POST")
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"


# -- 5. OPTIONS that is not a preflight --------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Origin": ALLOWED}, id="no request method"),
        pytest.param({"Access-Control-Request-Method": "PUT"}, id="no origin"),
        pytest.param({}, id="plain"),
    ],
)
def test_options_without_preflight_headers_reaches_the_app(headers: dict[str, str]) -> None:
    app = RecordingApp()
    response = client(QUICKSTART, app).options("/items", headers=headers)
    assert response.status_int == 200
    assert app.calls == [("OPTIONS", "/items")]


# -- 6. the middleware owns Access-Control-* ---------------------------------------------------


APP_SET_CORS = [
    ("Content-Type", "text/plain"),
    ("Access-Control-Allow-Origin", "*"),
    ("access-control-allow-credentials", "true"),
    ("Access-Control-Expose-Headers", "X-Secret"),
]


def test_app_set_cors_headers_are_replaced_for_an_allowed_origin() -> None:
    response = client(QUICKSTART, RecordingApp(headers=APP_SET_CORS)).get(
        "/", headers={"Origin": ALLOWED}
    )
    assert header_values(response, "Access-Control-Allow-Origin") == [ALLOWED]
    assert header_values(response, "Access-Control-Allow-Credentials") == ["true"]
    assert header_values(response, "Access-Control-Expose-Headers") == ["X-Total-Count"]


@pytest.mark.parametrize("origin", [EVIL, None])
def test_app_set_cors_headers_are_dropped_for_refused_and_absent_origins(
    origin: str | None,
) -> None:
    headers = {"Origin": origin} if origin else {}
    response = client(QUICKSTART, RecordingApp(headers=APP_SET_CORS)).get("/", headers=headers)
    assert cors_headers(response) == {}


def test_app_header_list_is_not_mutated() -> None:
    shared = [("Content-Type", "text/plain")]
    app = RecordingApp(headers=shared)
    client(QUICKSTART, app).get("/", headers={"Origin": ALLOWED})
    assert shared == [("Content-Type", "text/plain")]


# -- 7. what may be echoed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://app.example.com/",
        "https://APP.example.com",
        "https://app.example.com:443",
        "https://user@app.example.com",
        "https://app.example.com\tx",
    ],
)
def test_only_serialized_allowed_origins_are_echoed(origin: str) -> None:
    policy = {"allow_origins": [ALLOWED], "allow_origin_regex": r"https://.*app.*"}
    response = client(policy).get("/", headers={"Origin": origin})
    assert cors_headers(response) == {}


def test_expose_star_with_credentials_lists_the_response_headers() -> None:
    app = RecordingApp(
        headers=[("Content-Type", "text/plain"), ("X-Total-Count", "3"), ("Set-Cookie", "a=b")]
    )
    response = client(
        {"allow_origins": [ALLOWED], "allow_credentials": True, "expose_headers": "*"}, app
    ).get("/", headers={"Origin": ALLOWED})
    assert (
        response.headers["Access-Control-Expose-Headers"]
        == "Content-Type, X-Total-Count, Content-Length"
    )


# -- 9. case rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allowed", "requested", "ok"),
    [
        (["PATCH"], "PATCH", True),
        (["PATCH"], "patch", False),
        (["patch"], "patch", True),
        (["patch"], "PATCH", False),
    ],
)
def test_methods_compare_case_sensitively(allowed: list[str], requested: str, ok: bool) -> None:
    response = client({"allow_origins": [ALLOWED], "allow_methods": allowed}).options(
        "/", headers=preflight(ALLOWED, requested), expect_errors=True
    )
    assert (response.status_int == 200) is ok


@pytest.mark.parametrize(
    "requested", ["x-api-key", "X-API-KEY", "X-Api-Key", " x-api-key , accept "]
)
def test_header_names_compare_case_insensitively(requested: str) -> None:
    response = client({"allow_origins": [ALLOWED], "allow_headers": ["X-Api-Key"]}).options(
        "/", headers=preflight(ALLOWED, "GET", requested)
    )
    assert response.status_int == 200


# -- per-path policies -------------------------------------------------------------------------


ROUTES: list[tuple[str, Any]] = [
    ("/api/public", {"allow_origins": "*"}),
    ("/api/*", {"allow_origins": [ALLOWED]}),
    ("/admin/*", CORSPolicy()),
]


@pytest.mark.parametrize(
    ("path", "acao"),
    [
        pytest.param("/api/public", "*", id="exact path first"),
        pytest.param("/api/items", ALLOWED, id="prefix"),
        pytest.param("/api", ALLOWED, id="prefix root"),
        pytest.param("/api/public/x", ALLOWED, id="exact does not cover children"),
        pytest.param("/apix", None, id="prefix is segment-wise"),
        pytest.param("/admin/users", None, id="deny-all policy"),
        pytest.param("/api/../admin/users", None, id="dot segments resolved"),
        pytest.param("/api//items", ALLOWED, id="double slash"),
        pytest.param("/API/items", None, id="case-sensitive"),
    ],
)
def test_per_path_policies(path: str, acao: str | None) -> None:
    response = client(ROUTES).get(path, headers={"Origin": ALLOWED})
    assert response.headers.get("Access-Control-Allow-Origin") == acao


def test_unmatched_path_gets_no_cors_handling_at_all() -> None:
    app = RecordingApp(
        headers=[("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*")]
    )
    response = client(ROUTES, app).options("/other", headers=preflight(ALLOWED, "GET"))
    assert app.calls == [("OPTIONS", "/other")]  # the preflight reached the app
    assert header_values(response, "Access-Control-Allow-Origin") == ["*"]  # untouched
    assert header_values(response, "Vary") == []


def test_script_name_is_part_of_the_path() -> None:
    app = client(ROUTES)
    response = app.get("/items", headers={"Origin": ALLOWED}, extra_environ={"SCRIPT_NAME": "/api"})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_per_path_preflight() -> None:
    app = RecordingApp()
    response = client(ROUTES, app).options(
        "/admin/x", headers=preflight(ALLOWED, "GET"), expect_errors=True
    )
    assert response.status_int == 403
    assert app.calls == []


@pytest.mark.parametrize(
    ("app_vary", "expected"),
    [
        ("Accept-Encoding", "Accept-Encoding, Origin"),
        ("origin", "origin"),
        ("Accept,ORIGIN", "Accept,ORIGIN"),
        ("X-Origin-Hint", "X-Origin-Hint, Origin"),
        ("*", "*"),
        ("Accept, *", "Accept, *"),
    ],
)
def test_vary_with_origin_table(app_vary: str, expected: str) -> None:
    assert vary_with_origin(app_vary) == expected
    assert vary_with_origin(app_vary) == expected  # remembered: the same answer


# -- keep_app_cors_headers ---------------------------------------------------------------------


KEEP = {"allow_origins": [ALLOWED], "keep_app_cors_headers": True}


def test_keep_app_cors_headers_lets_the_app_values_stand() -> None:
    app = RecordingApp(
        headers=[("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*")]
    )
    response = client(KEEP, app).get("/", headers={"Origin": ALLOWED})
    assert header_values(response, "Access-Control-Allow-Origin") == ["*"]
    assert header_values(response, "Vary") == ["Origin"]


def test_keep_app_cors_headers_adds_the_policy_headers_when_the_app_sets_none() -> None:
    response = client(KEEP).get("/", headers={"Origin": ALLOWED})
    assert header_values(response, "Access-Control-Allow-Origin") == [ALLOWED]


def test_keep_app_cors_headers_never_lets_two_acao_through() -> None:
    """Found by the property test: an app sending the header twice."""
    app = RecordingApp(
        headers=[
            ("Content-Type", "text/plain"),
            ("Access-Control-Allow-Origin", "*"),
            ("access-control-allow-origin", "*"),
        ]
    )
    response = client(KEEP, app).get("/", headers={"Origin": ALLOWED})
    assert len(header_values(response, "Access-Control-Allow-Origin")) == 1


def test_keep_app_cors_headers_still_answers_preflights() -> None:
    app = RecordingApp()
    response = client(KEEP, app).options("/", headers=preflight(ALLOWED, "GET"))
    assert response.status_int == 200 and app.calls == []


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
def test_a_header_the_policy_sets_is_never_doubled(adapter: str) -> None:
    """The merge owns every header a policy sets, the debug header included: the
    application's copy is replaced, not sent beside the policy's."""
    policy = {"allow_origins": [ALLOWED], "debug": True}
    app_headers = [("Content-Type", "text/plain"), ("X-CORS-Reason", "the app's own")]
    answer = ADAPTERS[adapter](policy, "GET", "/", {"Origin": ALLOWED}, app_headers)
    assert answer.header("x-cors-reason") == "allowed"


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
def test_a_refusal_is_logged_once_debug_is_switched_on(
    adapter: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The refusal log follows the level as it changes while serving (the adapters remember
    logging's last answer only until a level changes)."""
    policy = {"allow_origins": [ALLOWED]}
    caplog.set_level(logging.INFO, logger="cors_wsgi")
    ADAPTERS[adapter](policy, "GET", "/", {"Origin": EVIL})
    assert not caplog.records
    caplog.set_level(logging.DEBUG, logger="cors_wsgi")
    ADAPTERS[adapter](policy, "GET", "/", {"Origin": EVIL})
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["CORS origin_not_allowed"]
    caplog.set_level(logging.INFO, logger="cors_wsgi")
    ADAPTERS[adapter](policy, "GET", "/", {"Origin": EVIL})
    assert len(caplog.records) == 1
