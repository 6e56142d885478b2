"""Starlette's (FastAPI's) keywords on cors_wsgi's own middlewares: ``app.add_middleware(
CORSMiddleware, allow_origins=[...], ...)`` after changing only the import.

Differential: each real Starlette configuration answers the same browser scenarios through
Starlette's ``CORSMiddleware``, through cors_wsgi's ASGI and WSGI middlewares given the same
keywords, and through the configuration ``migrate starlette`` writes; a browser reaches the
same verdict on all of them. The configurations Starlette serves unsafely are refused when the
middleware is built, naming the option.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware as StarletteCORS

import cors_wsgi
from cors_wsgi import ConfigError, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware
from cors_wsgi.migrate import PEERS

from ..peer_suites.starlette_differences import DIFFERENCES
from ..support.asgi_apps import request
from ..support.helpers import ALLOWED, EVIL
from ..support.peers import (
    ORG_SUBDOMAIN,
    ORIGINS,
    SCENARIOS,
    asgi_sender,
    browser_verdict,
    plain_asgi,
    plain_wsgi,
    starlette_sender,
    wsgi_sender,
)
from ..support.servers import PROJECT

#: Real Starlette configurations (keywords as users pass them to add_middleware).
CONFIGS: dict[str, dict[str, Any]] = {
    "FastAPI tutorial": {"allow_origins": [ALLOWED, "http://localhost:8080"],
                         "allow_credentials": True, "allow_methods": ["*"],
                         "allow_headers": ["*"]},
    "defaults": {"allow_origins": [ALLOWED]},
    "regex": {"allow_origin_regex": r"https://.*\.example\.org",
              "allow_methods": ["GET", "PUT"]},
    "regex and origins with credentials": {
        "allow_origins": [ALLOWED], "allow_origin_regex": r"https://[a-z]+\.example\.org",
        "allow_credentials": True, "allow_methods": ["GET", "POST", "DELETE"],
        "allow_headers": ["Authorization", "X-Custom"]},
    "expose headers": {"allow_origins": [ALLOWED], "expose_headers": ["X-Total-Count"],
                       "allow_methods": ["GET", "PATCH"]},
    "max age": {"allow_origins": [ALLOWED], "max_age": 3600, "allow_headers": ["X-Custom"]},
    "no max age": {"allow_origins": [ALLOWED], "max_age": 0},
    "private network": {"allow_origins": [ALLOWED], "allow_private_network": True,
                        "allow_methods": ["*"]},
    "any origin": {"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"]},
}  # fmt: skip
#: What Starlette serves and cors_wsgi refuses when built: the option named in the error.
REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    "* with credentials": ({"allow_origins": ["*"], "allow_credentials": True}, "allow_origins"),
    "match-anything regex with credentials": (
        {"allow_origin_regex": "https://.*", "allow_credentials": True}, "allow_origin_regex"),
    "* with private network": (
        {"allow_origins": ["*"], "allow_private_network": True}, "allow_private_network"),
}  # fmt: skip


#: Both middlewares, each with an app of its kind.
BOTH: list[tuple[Any, Any]] = [(CORSMiddleware, plain_asgi), (cors_wsgi.CORSMiddleware, plain_wsgi)]


def senders(config: dict[str, Any]) -> dict[str, Any]:
    migration = PEERS["starlette"].translate(config)
    assert migration.safe, migration.unsafe
    return {
        "asgi keywords": asgi_sender(CORSMiddleware(plain_asgi, **config)),
        "wsgi keywords": wsgi_sender(cors_wsgi.CORSMiddleware(plain_wsgi, **config)),
        "migrate": asgi_sender(CORSMiddleware(plain_asgi, migration.policy_config())),
    }


@pytest.mark.parametrize("name", CONFIGS)
def test_a_browser_reaches_starlettes_verdict_on_every_form(name: str) -> None:
    config = CONFIGS[name]
    peer = starlette_sender(config)
    ours = senders(config)
    verdicts = []
    for origin in ORIGINS:
        for scenario in SCENARIOS:
            expected = browser_verdict(peer, "/api/items", origin, scenario)
            got = {form: browser_verdict(send, "/api/items", origin, scenario)
                   for form, send in ours.items()}  # fmt: skip
            assert set(got.values()) == {expected}, (origin, scenario, got)
            verdicts.append(expected)
    assert True in verdicts, "the configuration allows something"


@pytest.mark.parametrize("method", ["OPTIONS", "QUERY", "PROPFIND"])
def test_methods_of_star_are_starlettes(method: str) -> None:
    """``allow_methods=["*"]`` is Starlette's fixed list (OPTIONS and QUERY included), not every
    method: a preflight asking for another is refused by both."""
    config = CONFIGS["FastAPI tutorial"]
    asked = {"Origin": ALLOWED, "Access-Control-Request-Method": method}
    theirs, _ = starlette_sender(config)("OPTIONS", "/", asked)
    for form, send in senders(config).items():
        status, headers = send("OPTIONS", "/", asked)
        assert (status == 200) == (theirs == 200), form
        assert (headers.get("access-control-allow-origin") == ALLOWED) == (theirs == 200), form


@pytest.mark.parametrize("name", REFUSED)
def test_what_starlette_serves_unsafely_is_refused_when_built(name: str) -> None:
    config, option = REFUSED[name]
    starlette_sender(config)  # Starlette takes it
    for cls, app in BOTH:
        with pytest.raises(ConfigError) as error:
            cls(app, **config)
        assert error.value.problems[0].key == option
        assert "list the trusted origins" in str(error.value)


@pytest.mark.parametrize(
    ("keywords", "option", "closest"),
    [
        ({"allow_origin": [ALLOWED]}, "allow_origin", "allow_origins"),
        ({"allow_origins": [ALLOWED], "allow_header": ["X-A"]}, "allow_header", "allow_headers"),
        ({"allow_origins": [ALLOWED], "expose_headrs": ["X-A"]}, "expose_headrs", "expose_headers"),
        ({"allow_origins": [ALLOWED], "max_ag": 5}, "max_ag", "max_age"),
    ],
)
def test_a_misspelt_keyword_fails_at_construction_naming_the_closest(
    keywords: dict[str, Any], option: str, closest: str
) -> None:
    for cls, app in BOTH:
        with pytest.raises(ConfigError) as error:
            cls(app, **keywords)
        assert error.value.problems[0].key == option
        assert f"did you mean {closest}?" in str(error.value)


def test_through_add_middleware_a_misspelt_keyword_fails_before_the_first_request() -> None:
    """Starlette builds its middleware stack on the first request (or at start-up under a
    server): that is where the error is raised, as the request never reaches the app."""
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origin=[ALLOWED])  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="did you mean allow_origins"):
        app.build_middleware_stack()


def test_add_middleware_with_starlettes_keywords_answers_as_configured() -> None:
    app = FastAPI()

    @app.get("/api/items")
    def items() -> list[int]:
        return [1, 2]

    app.add_middleware(
        CORSMiddleware, allow_origins=[ALLOWED], allow_credentials=True, allow_methods=["*"],
        allow_headers=["*"], expose_headers=["X-Total"], max_age=120,
    )  # fmt: skip
    preflight = request(app, "OPTIONS", "/api/items", {
        "Origin": ALLOWED, "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "authorization"})  # fmt: skip
    assert preflight.status == 200
    assert preflight.header("access-control-allow-origin") == ALLOWED
    assert preflight.header("access-control-allow-headers") == "authorization"
    assert preflight.header("access-control-max-age") == "120"
    actual = request(app, "GET", "/api/items", {"Origin": ALLOWED})
    assert (actual.status, actual.body) == (200, b"[1,2]")
    assert actual.header("access-control-allow-credentials") == "true"
    assert actual.header("access-control-expose-headers") == "X-Total"
    refused = request(app, "GET", "/api/items", {"Origin": EVIL})
    assert refused.header("access-control-allow-origin") is None


def test_middleware_entries_and_direct_construction_take_the_keywords() -> None:
    entry = Middleware(CORSMiddleware, allow_origin_regex=r"https://.*\.example\.org")
    app = Starlette(middleware=[entry])
    answer = request(app, "GET", "/", {"Origin": ORG_SUBDOMAIN})
    assert answer.header("access-control-allow-origin") == ORG_SUBDOMAIN
    direct = CORSMiddleware(plain_asgi, allow_origins=[ALLOWED], debug=True)
    assert direct.policy == CORSPolicy(allow_origins=[ALLOWED], allow_methods=["GET"], debug=True)


@pytest.mark.parametrize("cls", [CORSMiddleware, cors_wsgi.CORSMiddleware])
def test_policy_or_keywords_exactly_one(cls: Any) -> None:
    app = plain_asgi if cls is CORSMiddleware else plain_wsgi
    with pytest.raises(ConfigError) as both:
        cls(app, {"allow_origins": ALLOWED}, allow_origins=[ALLOWED])
    assert "not both" in str(both.value) and "policy=CORSPolicy(allow_origins=...)" in str(
        both.value
    )
    with pytest.raises(ConfigError) as neither:
        cls(app)
    assert "allow_origins=[...]" in str(neither.value)
    assert "cors_wsgi.django.CorsMiddleware" in str(neither.value)
    assert cls(app, policy={"allow_origins": ALLOWED}).policy.allow_methods == (
        "GET",
        "HEAD",
        "POST",
    )


def test_keywords_are_keyword_only() -> None:
    """Starlette 0.51 broke subclasses by adding a positional parameter: none can shift here."""
    for cls in (CORSMiddleware, cors_wsgi.CORSMiddleware):
        parameters = inspect.signature(cls.__init__).parameters
        assert list(parameters)[:3] == ["self", "app", "policy"]
        assert parameters["options"].kind is inspect.Parameter.VAR_KEYWORD
        assert all(
            p.kind is inspect.Parameter.KEYWORD_ONLY for p in list(parameters.values())[3:-1]
        )


def test_a_string_is_split_as_a_list_not_taken_character_by_character() -> None:
    """Starlette takes ``allow_origins="https://a"`` as a collection of characters (``in`` then
    matches substrings); cors_wsgi splits strings on commas and whitespace, as in INI files."""
    policy = CORSMiddleware(plain_asgi, allow_origins=ALLOWED, allow_methods="GET, PUT").policy
    assert policy == CORSPolicy(allow_origins=[ALLOWED], allow_methods=["GET", "PUT"])


def test_starlettes_defaults_are_its_own() -> None:
    """What the keywords leave out is what Starlette leaves out, as migrate writes it."""
    ours = CORSMiddleware(plain_asgi, allow_origins=[ALLOWED]).policy
    theirs = StarletteCORS(plain_asgi, allow_origins=[ALLOWED])
    assert ours is not None
    assert ours.allow_methods == tuple(theirs.allow_methods)
    assert ours.max_age == 600 and ours.allow_headers == () and not ours.allow_credentials


def test_every_documented_difference_has_its_section_in_the_migration_guide() -> None:
    page = PROJECT / "docs" / "howto" / "migrate-starlette.md"
    text = page.read_text(encoding="utf-8")
    for node, difference in DIFFERENCES.items():
        path, _, anchor = difference.docs.partition("#")
        assert path == "howto/migrate-starlette.html", node
        assert f"({anchor})=" in text, (node, anchor)


@pytest.mark.parametrize("allowed", [True, False])
def test_a_private_network_preflight_gets_starlettes_grant_or_none(allowed: bool) -> None:
    """Browsers that sent these preflights required ``Access-Control-Allow-Private-Network:
    true``: present on both when allowed, absent on both when not (Starlette then answers 400,
    cors_wsgi 200 without it: refused by the browser alike)."""
    config = {"allow_origins": [ALLOWED], "allow_private_network": allowed}
    asked = {"Origin": ALLOWED, "Access-Control-Request-Method": "GET",
             "Access-Control-Request-Private-Network": "true"}  # fmt: skip
    _, theirs = starlette_sender(config)("OPTIONS", "/", asked)
    for form, send in senders(config).items():
        _, ours = send("OPTIONS", "/", asked)
        grant = ours.get("access-control-allow-private-network")
        assert grant == theirs.get("access-control-allow-private-network"), form
        assert grant == ("true" if allowed else None), form
