"""Real django-cors-headers configurations replayed request by request (preflights, actual
requests, allowed and refused origins) against django-cors-headers itself, against
cors_wsgi.django and against what ``migrate django`` makes of them: a browser reaches the same
verdict on all three, except where cors_wsgi refuses on purpose (documented per row)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

pytest.importorskip("corsheaders")

from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings

from cors_wsgi import CORSMiddleware
from cors_wsgi.migrate import from_django
from examples import django_app  # configures Django once for the process

from ..support.helpers import ALLOWED
from ..support.peers import (
    ORG_SUBDOMAIN,
    SCENARIOS,
    SUFFIXED,
    Send,
    disagreements,
    django_sender,
    plain_wsgi,
    wsgi_sender,
)

PREFIX_REGEX = "prefix-matched regex: django-cors-headers also allows app.example.com.evil.example"


@dataclass
class Row:
    id: str
    config: dict[str, Any]
    paths: tuple[str, ...] = ("/api/items",)
    #: (origin, scenario) pairs where cors_wsgi refuses what the peer allows, and why.
    refusals: dict[tuple[str, str], str] = field(default_factory=dict)
    #: A check_request_enabled receiver enabling /api/ for every origin.
    signal: bool = False


def each(origin: str, why: str) -> dict[tuple[str, str], str]:
    return {(origin, scenario): why for scenario in SCENARIOS}


ROWS = [
    Row("origins", {"CORS_ALLOWED_ORIGINS": [ALLOWED, ORG_SUBDOMAIN]}),
    Row("legacy whitelist", {"CORS_ORIGIN_WHITELIST": [ALLOWED]}),
    Row("regexes + credentials",
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://app\.example\.com"],
         "CORS_ALLOW_CREDENTIALS": True},
        # X-Custom is no default header: the peer refuses that one too
        refusals={k: v for k, v in each(SUFFIXED, PREFIX_REGEX).items()
                  if k[1] != "POST with X-Custom"}),
    Row("legacy regex whitelist, anchored",
        {"CORS_ORIGIN_REGEX_WHITELIST": [r"^https://\w+\.example\.org$"]}),
    Row("URLs regex", {"CORS_ALLOWED_ORIGINS": [ALLOWED], "CORS_URLS_REGEX": r"^/api/"},
        paths=("/api/items", "/public")),
    Row("allow all", {"CORS_ALLOW_ALL_ORIGINS": True}),
    Row("legacy allow all", {"CORS_ORIGIN_ALLOW_ALL": True, "CORS_ALLOW_METHODS": ["GET", "PUT"]}),
    Row("headers, methods, expose, max-age",
        {"CORS_ALLOWED_ORIGINS": [ALLOWED], "CORS_ALLOW_HEADERS": ["content-type", "x-custom"],
         "CORS_ALLOW_METHODS": ["GET", "POST"], "CORS_EXPOSE_HEADERS": ["X-Total"],
         "CORS_PREFLIGHT_MAX_AGE": 0, "CORS_ALLOW_CREDENTIALS": True}),
    Row("signal", {"CORS_ALLOWED_ORIGINS": [ALLOWED], "CORS_URLS_REGEX": r"^/never/"},
        paths=("/api/items", "/public"), signal=True),
]  # fmt: skip


assert django_app is not None


def enable_api(sender: object, request: Any, **kwargs: Any) -> bool:
    return bool(request.path.startswith("/api/"))


@contextmanager
def receivers(row: Row) -> Iterator[None]:
    if not row.signal:
        yield
        return
    from corsheaders.signals import check_request_enabled as theirs

    from cors_wsgi.django import check_request_enabled as ours

    theirs.connect(enable_api)
    ours.connect(enable_api)
    try:
        yield
    finally:
        theirs.disconnect(enable_api)
        ours.disconnect(enable_api)


def dropin_sender(config: dict[str, Any]) -> Send:
    """cors_wsgi.django as a Django project runs it: first in MIDDLEWARE, the settings kept."""
    common = {"ROOT_URLCONF": "tests.support.peers", "ALLOWED_HOSTS": ["*"], **config}
    with override_settings(MIDDLEWARE=["cors_wsgi.django.CorsMiddleware"], **common):
        send = wsgi_sender(WSGIHandler())

    def with_settings(
        method: str, path: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str]]:
        with override_settings(**common):
            return send(method, path, headers)

    return with_settings


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
def test_a_browser_reaches_the_same_verdict_on_the_peer_the_dropin_and_migrate(row: Row) -> None:
    senders = {"cors_wsgi.django": dropin_sender(row.config)}
    if not row.signal:  # a signal is code: migrate carries the settings only
        migrated = from_django(row.config).policy_config()
        senders["migrate"] = wsgi_sender(CORSMiddleware(plain_wsgi, migrated))
    peer = django_sender(row.config)
    with receivers(row):
        differences = {
            (d.sender, d.origin, d.scenario): (d.path, d.theirs, d.mine)
            for d in disagreements(peer, senders, row.paths)
        }
    undocumented = {k: v for k, v in differences.items() if k[1:] not in row.refusals}
    assert not undocumented
    for verdicts in differences.values():  # only ever safer: the peer allows, cors_wsgi refuses
        assert verdicts[1:] == (True, False)
    assert {k[1:] for k in differences} == set(row.refusals), (
        "documented refusals that never happen"
    )
