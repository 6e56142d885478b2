"""The memo in front of the rules: for every request the memo answers what the rules answer,
under WSGI's text facts and ASGI's byte facts alike, lazily settled or not; and every cache
stays within its bound."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cors_wsgi import CORSPolicy, rules
from cors_wsgi.core import MAX_REMEMBERED_PATH, ROUTE_CACHE_SIZE, Decider, request_facts
from cors_wsgi.decision import Decision
from cors_wsgi.memo import (
    ASGI_KEYS,
    DECISION_CACHE_SIZE,
    MAX_CACHED_REQUEST_HEADERS,
    SERVER_ORIGIN_CACHE_SIZE,
    WSGI_KEYS,
    PolicyDecider,
)
from cors_wsgi.origin_func import ORIGIN_FUNC_CACHE_SIZE, OriginFunc
from cors_wsgi.origins import MAX_ORIGIN_LENGTH

from ..behaviour.behaviours import BEHAVIOURS, Behaviour
from ..support.helpers import SERVER

SINGLE = [pytest.param(row, id=row.id) for row in BEHAVIOURS if not isinstance(row.policy, list)]


def text_facts(row: Behaviour) -> dict[str, str]:
    headers = {k: v for k, v in row.request_headers.items() if k not in ("Origin", "Host")}
    facts = request_facts(row.method, row.request_headers.get("Origin"), headers, row.path, SERVER)
    if "Host" in row.request_headers:  # a Host of its own (allowed_hosts rows)
        facts["HTTP_HOST"] = row.request_headers["Host"]
    return facts


def byte_facts(facts: dict[str, str]) -> dict[Any, Any]:
    """The same request as the ASGI adapter hands it over: headers by lower-case byte name."""
    converted: dict[Any, Any] = {}
    for key, value in facts.items():
        if key.startswith("HTTP_"):
            name = key[5:].lower().replace("_", "-").encode("latin-1")
            converted[name] = value.encode("latin-1")
        elif key != "wsgi.url_scheme":
            converted[key] = value
    scheme = facts.get("wsgi.url_scheme", "http")
    converted["asgi.scope"] = {"scheme": scheme, "server": ("127.0.0.1", 8000)}
    return converted


def request_of(facts: dict[str, str]) -> rules.Request:
    """The rules' view of text facts."""
    host = facts.get("HTTP_HOST", "")
    scheme = facts.get("wsgi.url_scheme", "http")
    return rules.Request(
        facts["REQUEST_METHOD"],
        facts.get("HTTP_ORIGIN"),
        facts.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        facts.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""),
        facts.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true",
        facts.get("HTTP_SEC_FETCH_SITE"),
        host,
        f"{scheme}://{host}" if host else None,
    )


def eager(policy: CORSPolicy, facts: dict[str, str]) -> Decision:
    """The rules alone, with the function asked when they say it must be."""
    request = request_of(facts)
    decision = rules.decide(policy, request)
    if decision.reason == "origin_func_pending":
        assert policy.allow_origin_func is not None and request.origin is not None
        verdict = OriginFunc(policy.allow_origin_func, 0).ask(request.origin)
        decision = rules.decide(policy, request, verdict)
    return decision


def answer(decision: Decision) -> tuple[Any, ...]:
    """What a client sees of a decision."""
    return decision.action, decision.answer_code, decision.headers


@pytest.mark.parametrize("row", SINGLE)
def test_the_memo_answers_what_the_rules_answer(row: Behaviour) -> None:
    policy = CORSPolicy.from_dict(row.policy)
    facts = text_facts(row)
    expected = eager(policy, facts)
    for keys, given_facts in ((WSGI_KEYS, facts), (ASGI_KEYS, byte_facts(facts))):
        decider = PolicyDecider(policy, keys)
        for _ in range(2):  # a miss, then a hit
            decided = decider.decide(given_facts)
            if decided.ask is not None:
                origin = facts["HTTP_ORIGIN"]
                decided = decider.decide(given_facts, decided.ask.ask(origin))
            assert decided == expected
            # The lazy answer (respond, settled only when a reason is read) is the same answer.
            responded = decider.respond(given_facts)
            if responded.ask is None:
                assert answer(responded) == answer(decided)


@pytest.mark.parametrize("row", [pytest.param(row, id=row.id) for row in BEHAVIOURS])
def test_settling_changes_only_the_reason(row: Behaviour) -> None:
    """The one shortcut of respond: same_origin reported as origin_not_allowed, same answer.
    Over the whole behaviour table, per-path rows included, under both adapters' facts: the
    lazy decision (respond) and the eager one (decide) answer alike, so a reason read later
    (by the refusal log, say) never changes what the client got."""
    facts = text_facts(row)
    for keys, given_facts in ((WSGI_KEYS, facts), (ASGI_KEYS, byte_facts(facts))):
        decider = Decider(row.policy, keys)
        responded = decider.respond(given_facts)
        settled = decider.decide(given_facts)
        assert answer(responded) == answer(settled)
        if responded.reason != settled.reason:
            assert (responded.reason, settled.reason) == ("origin_not_allowed", "same_origin")


ORIGINS = st.sampled_from([
    "https://app.example.com", "https://a.b.example.org", "https://evil.example", "null",
    "https://APP.example.com", SERVER, "http://api.example.com", "https://shop.partner.example",
])  # fmt: skip
METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "patch", "X Y"])
POLICIES = [
    CORSPolicy(allow_origins=["https://app.example.com", "https://*.example.org"],
               allow_credentials=True, allow_headers=["Authorization"], expose_headers="*"),
    CORSPolicy(allow_origins="*", allow_methods="*", allow_headers="*"),
    CORSPolicy(allow_origins=["https://app.example.com"], cross_origin_protection=True,
               allow_origin_func="tests.support.origin_funcs:is_partner", debug=True),
    CORSPolicy(allow_origins=["https://app.example.com"], cross_origin_protection=True),
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    policy=st.sampled_from(POLICIES),
    origin=st.none() | ORIGINS,
    method=METHODS,
    requested_method=st.none() | METHODS,
    requested_headers=st.none() | st.sampled_from(["", "authorization", "x-a, X-B", "a b"]),
    site=st.none() | st.sampled_from(["same-origin", "cross-site", "none", "same-site"]),
)
def test_memo_and_rules_agree(
    policy: CORSPolicy,
    origin: str | None,
    method: str,
    requested_method: str | None,
    requested_headers: str | None,
    site: str | None,
) -> None:
    headers = {"Sec-Fetch-Site": site} if site else {}
    if requested_method is not None:
        headers["Access-Control-Request-Method"] = requested_method
    if requested_headers is not None:
        headers["Access-Control-Request-Headers"] = requested_headers
    facts = request_facts(method, origin, headers, "/", SERVER)
    expected = eager(policy, facts)
    for keys, given_facts in ((WSGI_KEYS, facts), (ASGI_KEYS, byte_facts(facts))):
        decider = PolicyDecider(policy, keys)
        decided = decider.decide(given_facts)
        if decided.ask is not None:
            assert origin is not None
            decided = decider.decide(given_facts, decided.ask.ask(origin))
        assert answer(decided) == answer(expected)
        assert decided.reason == expected.reason


# -- bounds -----------------------------------------------------------------------------------


def test_oversized_values_are_never_remembered() -> None:
    decider = PolicyDecider(CORSPolicy(allow_origins=["https://app.example.com"]))
    decider.respond(request_facts("GET", "https://" + "a" * MAX_ORIGIN_LENGTH))
    long_headers = ",".join(["x-a"] * (MAX_CACHED_REQUEST_HEADERS // 4 + 1))
    asked = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": long_headers}
    decider.respond(request_facts("OPTIONS", "https://app.example.com", asked))
    assert decider.remembered == 0
    assert not decider._preflights


def test_server_origin_and_route_caches_are_bounded() -> None:
    policy = {"allow_origins": ["https://app.example.com"]}
    decider = Decider([("/api/*", policy), ("/*", policy)])
    for i in range(3 * max(ROUTE_CACHE_SIZE, SERVER_ORIGIN_CACHE_SIZE)):
        facts = request_facts("GET", "https://evil.example", {}, f"/p{i}", f"https://h{i}.example")
        decider.decide(facts)
    assert 0 < len(decider._route_memo) <= ROUTE_CACHE_SIZE
    for route_decider in decider._routes.values:
        assert len(route_decider._server_origins) <= SERVER_ORIGIN_CACHE_SIZE


def full_preflight_cache(keys: Any) -> PolicyDecider:
    """A decider whose preflight cache is at its bound with the largest remembered keys."""
    # The largest decisions: the origin and every header name echoed, as text and as bytes.
    policy = CORSPolicy(
        allow_origins=["https://*.example.com"], allow_methods="*", allow_headers="*"
    )
    decider = PolicyDecider(policy, keys)
    names = ",".join(f"x-{i:04}" for i in range(MAX_CACHED_REQUEST_HEADERS // 7))
    origin = "https://" + "a" * (MAX_ORIGIN_LENGTH - 20) + ".example.com"
    for i in range(DECISION_CACHE_SIZE):
        facts = request_facts("OPTIONS", origin, {"Access-Control-Request-Method": f"M{i}",
                                                  "Access-Control-Request-Headers": names})  # fmt: skip
        decider.respond(facts if keys is WSGI_KEYS else byte_facts(facts))
    return decider


@pytest.mark.parametrize("keys", [WSGI_KEYS, ASGI_KEYS], ids=["text", "bytes"])
def test_preflight_cache_size_at_its_bound_is_as_documented(keys: Any) -> None:
    """memo.DECISION_CACHE_SIZE's docstring: about 7.3 MB (text) and 9.1 MB (bytes)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        decider = full_preflight_cache(keys)
        size = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(decider._preflights) == DECISION_CACHE_SIZE
    assert 6_000_000 < size < 10_000_000, size


def test_origin_cache_size_at_its_bound_is_as_documented() -> None:
    """memo.DECISION_CACHE_SIZE's docstring: about 1.5 MB for 1,024 echoed 300-character origins."""
    policy = CORSPolicy(allow_origins=["https://*.example.com"])
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        decider = PolicyDecider(policy)
        for i in range(DECISION_CACHE_SIZE):
            origin = f"https://{i:05}" + "a" * (MAX_ORIGIN_LENGTH - 26) + ".example.com"
            decider.respond(request_facts("GET", origin))
        size = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert decider.remembered == DECISION_CACHE_SIZE
    assert 1_000_000 < size < 2_000_000, size


def traced(build: Any) -> tuple[Any, int]:
    """What *build* returns, and the bytes it left allocated."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = build()
        return kept, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_route_memo_size_at_its_bound_is_as_documented() -> None:
    """core.ROUTE_CACHE_SIZE's docstring: about 1.1 MB for paths at MAX_REMEMBERED_PATH; longer
    paths are never remembered."""
    routes: list[tuple[str, dict[str, Any]]] = [
        ("/api/*", {"allow_origins": ["https://a.example"]}),
        ("/*", {"allow_origins": []}),
    ]

    def build() -> Decider:
        decider = Decider(routes)
        for i in range(ROUTE_CACHE_SIZE):
            path = f"/api/{i:06}" + "x" * (MAX_REMEMBERED_PATH - 11)
            decider.respond(request_facts("GET", None, {}, path))
        decider.respond(request_facts("GET", None, {}, "/api/" + "x" * 65536))
        return decider

    decider, size = traced(build)
    assert len(decider._route_memo) == ROUTE_CACHE_SIZE
    assert all(len(path) <= MAX_REMEMBERED_PATH for path in decider._route_memo)
    assert 800_000 < size < 1_500_000, size


def test_server_origin_cache_size_at_its_bound_is_as_documented() -> None:
    """memo.SERVER_ORIGIN_CACHE_SIZE's docstring: about 50 KB for 270-character hosts."""

    def build() -> PolicyDecider:
        decider = PolicyDecider(CORSPolicy(allow_origins=["https://a.example"]))
        for i in range(SERVER_ORIGIN_CACHE_SIZE):
            host = f"https://{i:04}" + "h" * 254 + ".example:8443"
            decider.decide(request_facts("GET", "https://evil.example", {}, "/", host))
        return decider

    decider, size = traced(build)
    assert len(decider._server_origins) == SERVER_ORIGIN_CACHE_SIZE
    assert 20_000 < size < 100_000, size


def test_origin_func_cache_size_at_its_bound_is_as_documented() -> None:
    """origin_func.ORIGIN_FUNC_CACHE_SIZE's docstring: about 0.45 MB for 300-character origins."""

    def build() -> OriginFunc:
        answers = OriginFunc(lambda origin: True, 60)
        for i in range(ORIGIN_FUNC_CACHE_SIZE + 10):
            answers.ask(f"https://{i:05}" + "a" * 270 + ".example.com")
        return answers

    answers, size = traced(build)
    assert len(answers._answers) == ORIGIN_FUNC_CACHE_SIZE
    assert 300_000 < size < 700_000, size
