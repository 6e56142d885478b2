"""Known CORS attack patterns, one row each, through the core, the WSGI middleware and the
ASGI middleware (runner.py); input bounds."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSPolicy
from cors_wsgi.core import request_facts
from cors_wsgi.decision import REFUSALS
from cors_wsgi.memo import DECISION_CACHE_SIZE, PolicyDecider
from cors_wsgi.routes import MAX_REGEX_PATH_LENGTH

from ..support.helpers import ALLOWED, EVIL
from .runner import ADAPTERS, through_core

STRICT = {"allow_origins": [ALLOWED], "allow_credentials": True}
PATTERN = {"allow_origins": ["https://*.example.com"], "allow_credentials": True}
REGEX = {"allow_origin_regex": r"https://api\.example\.com", "allow_credentials": True}
UNESCAPED = {"allow_origin_regex": r"https://api.example.com"}  # the classic mistake

# policy, hostile Origin: the response must carry no Access-Control-* header at all
ATTACKS = [
    pytest.param(STRICT, EVIL, id="reflection of an arbitrary origin"),
    pytest.param(STRICT, "null", id="null from a sandboxed iframe"),
    pytest.param(STRICT, "https://app.example.com.evil.net", id="suffix appended"),
    pytest.param(STRICT, "https://evilapp.example.com", id="prefix prepended"),
    pytest.param(STRICT, "http://app.example.com", id="downgraded scheme"),
    pytest.param(STRICT, "https://app.example.com:443", id="default port written out"),
    pytest.param(STRICT, "https://APP.EXAMPLE.COM", id="upper case"),
    pytest.param(STRICT, "https://app.example.com/", id="trailing slash"),
    pytest.param(STRICT, "https://app.example.com@evil.net", id="userinfo"),
    pytest.param(STRICT, "https://evil.net#@app.example.com", id="fragment"),
    pytest.param(STRICT, "https://app.example.com%2e", id="percent-encoded dot"),
    pytest.param(STRICT, "https://[::ffff:7f00:1]", id="IPv6 form"),
    pytest.param(STRICT, "https://app.example.com\r\nSet-Cookie: x=1", id="header injection"),
    pytest.param(STRICT, " https://app.example.com", id="leading space"),
    pytest.param(PATTERN, "https://example.com", id="pattern: bare domain"),
    pytest.param(PATTERN, "https://evilexample.com", id="pattern: missing dot"),
    pytest.param(PATTERN, "https://a.example.com.evil.net", id="pattern: suffix appended"),
    pytest.param(PATTERN, "http://a.example.com", id="pattern: http against https"),
    pytest.param(PATTERN, "https://a.example.com:8443", id="pattern: other port"),
    pytest.param(PATTERN, "null", id="pattern: null"),
    pytest.param(REGEX, "https://api.example.com.evil.net", id="regex: prefix match"),
    pytest.param(REGEX, "https://apixexample.com", id="regex: escaped dot holds"),
    pytest.param(REGEX, "https://evil.com?https://api.example.com", id="regex: search"),
    pytest.param(REGEX, "null", id="regex: null"),
    pytest.param(UNESCAPED, "https://api.example.com/", id="regex: only real origins tried"),
]


PREFLIGHT = {"Access-Control-Request-Method": "GET"}


@pytest.mark.parametrize(("policy", "origin"), ATTACKS)
def test_attack_is_refused_by_the_core(policy: dict[str, Any], origin: str) -> None:
    for method, extra in (("GET", {}), ("OPTIONS", PREFLIGHT)):
        decision = through_core(policy, method, "/", {"Origin": origin, **extra})
        assert decision.reason in REFUSALS, (method, decision.reason)
        assert not [
            name for name, _ in decision.headers if name.lower().startswith("access-control-")
        ]


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize(("policy", "origin"), ATTACKS)
def test_attack_gets_no_cors_headers(policy: dict[str, Any], origin: str, adapter: str) -> None:
    answer = ADAPTERS[adapter](policy, "GET", "/", {"Origin": origin})
    assert answer.status == 200
    assert answer.cors_headers() == {}
    assert "origin" in (answer.header("Vary") or "").lower()
    assert answer.app_called  # simple requests still run: CORS is not access control


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize(("policy", "origin"), ATTACKS)
def test_attack_preflight_is_refused(policy: dict[str, Any], origin: str, adapter: str) -> None:
    answer = ADAPTERS[adapter](policy, "OPTIONS", "/", {"Origin": origin, **PREFLIGHT})
    assert answer.status == 403
    assert answer.cors_headers() == {}
    assert not answer.app_called


def test_unescaped_regex_dot_is_a_warning_not_a_hole_we_can_close() -> None:
    """An unescaped dot matches any character: that is the regex's meaning, so the policy
    allows https://apixexample.com; `check` warns about it (see test_cli)."""
    assert CORSPolicy(**UNESCAPED).origin_allowed("https://apixexample.com")


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        pytest.param({"allow_origins": "*", "allow_credentials": True}, "'*' cannot be combined", id="star + credentials"),
        pytest.param({"allow_origins": "null", "allow_credentials": True}, "'null' cannot be combined", id="null + credentials"),
        pytest.param({"allow_origins": "https://*", "allow_credentials": True}, "leftmost label", id="https://*"),
        pytest.param({"allow_origins": "https://*.com", "allow_credentials": True}, "too broad", id="public suffix"),
        pytest.param({"allow_origins": "*://app.example.com"}, "leftmost label", id="scheme wildcard"),
        pytest.param({"allow_origins": "https://*example.com"}, "leftmost label", id="wildcard without dot"),
        pytest.param({"allow_origin_regex": r"https://(a+)+\.example\.com"}, "ReDoS", id="nested repetition"),
        pytest.param({"allow_origin_regex": r"https://(a|a)*\.example\.com"}, "ReDoS", id="alternatives repeated"),
        pytest.param({"allow_origins": "*", "allow_private_network": True}, "private-network", id="star + PNA"),
    ],
)  # fmt: skip
def test_dangerous_configurations_are_refused(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy.from_dict(options)
    assert fragment in str(raised.value)


ROUTES = [
    ("/api/*", {"allow_origins": "*"}),
    ("/private/*", {"allow_origins": [ALLOWED], "allow_credentials": True}),
]


@pytest.mark.parametrize(
    ("path", "acao"),
    [
        pytest.param("/api/x", "*", id="permissive path"),
        pytest.param("/private/x", None, id="strict path, other origin"),
        pytest.param("/api/../private/x", None, id="dot-dot into the strict path"),
        pytest.param("/api/./../private/x", None, id="dot and dot-dot"),
        pytest.param("//api/../private/x", None, id="double slash"),
        pytest.param("/API/x", None, id="case: no policy, not the permissive one"),
        pytest.param("/api%2F..%2Fprivate/x", None, id="encoded slashes stay one segment"),
        pytest.param("/api;x/../private/x", None, id="semicolon parameter"),
        pytest.param("/api+/x", None, id="plus is not a separator"),
        pytest.param("/api/..", None, id="up out of the prefix"),
    ],
)
def test_per_path_choice_cannot_be_steered_to_a_more_permissive_policy(
    path: str, acao: str | None
) -> None:
    decision = through_core(ROUTES, "GET", path, {"Origin": EVIL})
    assert dict(decision.headers).get("Access-Control-Allow-Origin") == acao
    for adapter in ADAPTERS.values():
        answer = adapter(ROUTES, "GET", path, {"Origin": EVIL})
        assert answer.header("Access-Control-Allow-Origin") == acao, adapter.__name__


HOSTILE_POLICY = CORSPolicy(
    allow_origins=[ALLOWED, "https://*.example.org"],
    allow_origin_regex=r"https://.*[a-z]\.example\.net",  # linear: the costliest shape allowed
    allow_headers="*",
)
BOUND_SECONDS = 0.005  # per decision; measured worst case 0.2 ms (1500 header names)
REGEX_BOUND_SECONDS = 0.005  # the policy's own regex on a 300-character Origin: ~20 us


def preflight_facts(origin: str, method: str, headers: str = "") -> dict[str, str]:
    """A preflight's request facts, as a WSGI environ has them."""
    asked = {"Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
    return request_facts("OPTIONS", origin, asked)


@pytest.mark.parametrize(
    "decide",
    [
        pytest.param(lambda p: p.decide(request_facts("GET", "https://" + "a" * 65536 + ".example.com")), id="64 KiB Origin"),
        pytest.param(lambda p: p.decide(request_facts("GET", "https://" + "a." * 140 + "example.org")), id="many labels"),
        pytest.param(lambda p: p.decide(preflight_facts(ALLOWED, "GET", "x" * 65536)), id="64 KiB request headers"),
        pytest.param(lambda p: p.decide(preflight_facts(ALLOWED, "GET", ",".join(f"x-h{i}" for i in range(1500)))), id="1500 header names"),
        pytest.param(lambda p: p.decide(preflight_facts("https://" + "a" * 65536, "GET")), id="64 KiB preflight Origin"),
    ],
)  # fmt: skip
def test_each_decision_is_bounded(decide: Any) -> None:
    best = float("inf")
    for _ in range(3):
        decider = PolicyDecider(HOSTILE_POLICY)  # a fresh one: nothing cached
        started = time.perf_counter()
        decide(decider)
        best = min(best, time.perf_counter() - started)
    assert best < BOUND_SECONDS, f"{best * 1e3:.2f} ms"


def test_regex_cost_is_bounded_by_the_origin_cap() -> None:
    """Regexes whose worst case is slow on 300 characters are refused at construction; an
    accepted one runs on at most 300 characters, since longer Origin values are refused
    before any matching."""
    best = float("inf")
    for _ in range(3):
        decider = PolicyDecider(HOSTILE_POLICY)
        started = time.perf_counter()
        assert not decider.decide(request_facts("GET", "https://" + "a" * 290)).allowed
        best = min(best, time.perf_counter() - started)
    assert best < REGEX_BOUND_SECONDS, f"{best * 1e3:.2f} ms"


@pytest.mark.parametrize(
    ("extra", "method"),
    [
        pytest.param({"Origin": "https://" + "a" * 65536 + ".example.com"}, "GET", id="64 KiB Origin"),
        pytest.param({"Origin": "https://" + "a." * 32768 + "example.com"}, "GET", id="64 KiB of labels"),
        pytest.param({"Origin": ALLOWED, "Access-Control-Request-Method": "GET",
                      "Access-Control-Request-Headers": "x" * 65536}, "OPTIONS", id="64 KiB request headers"),
        pytest.param({"Origin": ALLOWED, "Access-Control-Request-Method": "GET",
                      "Access-Control-Request-Headers": ",".join(f"x-h{i}" for i in range(1500))}, "OPTIONS", id="1500 header names"),
        pytest.param({"Origin": "https://" + "a" * 290}, "GET", id="regex worst case at the cap"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("adapter", ADAPTERS)
def test_hostile_input_decides_in_bounded_time(
    extra: dict[str, str], method: str, adapter: str
) -> None:
    policy = {
        "allow_origins": [ALLOWED, "https://*.example.org"],
        "allow_origin_regex": r"https://.*[a-z]\.example\.net",  # linear, allowed
        "allow_headers": "*",
    }
    started = time.perf_counter()
    answer = ADAPTERS[adapter](policy, method, "/", extra)
    elapsed = time.perf_counter() - started
    assert answer.header("Access-Control-Allow-Origin") is None or method == "OPTIONS"
    assert elapsed < 0.5, elapsed  # end to end, generous for loaded machines


LONG_PATH_ROUTES = [
    (re.compile(r"/api/.*"), {"allow_origins": [ALLOWED], "cross_origin_protection": True}),
    ("/*", {"allow_origins": "*"}),
]


@pytest.mark.parametrize(
    ("method", "status", "acao"),
    [pytest.param("GET", 200, None, id="read: no CORS"), pytest.param("POST", 403, None, id="write: refused")],
)  # fmt: skip
@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_path_too_long_for_regex_routes_is_closed_not_handed_to_the_catch_all(
    adapter: str, method: str, status: int, acao: str | None
) -> None:
    """Over 2,048 characters no regex is tried: the path must not reach the permissive `/*`
    behind the regex route, nor lose its cross_origin_protection."""
    path = "/api/" + "a" * MAX_REGEX_PATH_LENGTH
    answer = ADAPTERS[adapter](LONG_PATH_ROUTES, method, path, {"Origin": EVIL})
    assert answer.status == status
    assert answer.header("Access-Control-Allow-Origin") == acao


def test_decision_cache_is_bounded_under_an_origin_spray() -> None:
    decider = PolicyDecider(CORSPolicy(allow_origins=["https://*.example.org"]))
    for i in range(5000):
        decider.respond(request_facts("GET", f"https://o{i}.example.org"))
        decider.respond(request_facts("GET", f"https://evil{i}.example"))
    assert 0 < decider.remembered <= DECISION_CACHE_SIZE
