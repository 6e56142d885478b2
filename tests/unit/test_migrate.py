"""Migration from flask-cors, django-cors-headers, Starlette and wsgicors, proven by differential
tests: each peer itself and cors_wsgi with the migrated configuration answer the same browser
scenarios, and a browser's verdict (the Fetch checks of cors_wsgi.browser) is the same on both,
except for the documented refusals, where the peer's answer is unsafe and cors_wsgi's is not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware
from cors_wsgi.migrate import PEERS, Migration

from ..support.helpers import ALLOWED
from ..support.peers import (
    ORG_SUBDOMAIN,
    PEER_SENDERS,
    SCENARIOS,
    SUFFIXED,
    disagreements,
    plain_wsgi,
    wsgi_sender,
)


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
    return PEERS[row.peer].translate(row.config)


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS if r.safe])
def test_a_browser_reaches_the_same_verdict_on_the_peer_and_on_cors_wsgi(row: Row) -> None:
    migration = migrate(row)
    assert migration.safe, migration.unsafe
    peer = PEER_SENDERS[row.peer](row.config)
    ours = wsgi_sender(CORSMiddleware(plain_wsgi, migration.policy_config()))
    differences = {
        (d.origin, d.scenario): (d.path, d.theirs, d.mine)
        for d in disagreements(peer, {"migrate": ours}, row.paths)
    }
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
    django = PEERS["django"].translate({"CORS_ALLOWED_ORIGINS": [ALLOWED]}).options
    assert "authorization" in django["allow_headers"] and django["max_age"] == 86400
    assert PEERS["starlette"].translate({"allow_origins": [ALLOWED]}).options["allow_methods"] == [
        "GET"
    ]


def test_notes_say_where_meaning_differs() -> None:
    notes = " ".join(PEERS["django"].translate(ROWS[7].config).notes)
    assert "prefix" in notes and "whole origin" in notes
    assert "path" in " ".join(PEERS["django"].translate(ROWS[8].config).notes)
