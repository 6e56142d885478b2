"""The response merge: every header a policy can set is owned (never doubled with the
application's), Vary is merged, and the rest of the application's headers stand."""

from __future__ import annotations

from typing import Any

import pytest

from cors_wsgi import CORSPolicy, rules
from cors_wsgi.decision import Decision, Reason
from cors_wsgi.options import OPTIONS
from cors_wsgi.response import OWNED_NAMES, Kind, kind_of, merge, merge_vary

APP = "https://app.example.com"
BASE: dict[str, Any] = {"allow_origins": [APP]}


def decisions(policy: CORSPolicy) -> list[Decision]:
    """What the policy answers to an allowed actual request, an allowed preflight asking for a
    header, a refused request and a request without Origin."""
    asked = rules.Request("OPTIONS", APP, "GET", "x-a", True)
    return [
        rules.decide(policy, rules.Request("GET", APP)),
        rules.decide(policy, asked),
        rules.decide(policy, rules.Request("GET", "https://evil.example")),
        rules.decide(policy, rules.Request("GET")),
    ]


@pytest.mark.parametrize("entry", OPTIONS, ids=lambda entry: entry.name)
def test_every_header_an_option_makes_a_policy_send_is_owned(entry: Any) -> None:
    """An option that sets a header outside Access-Control-* must declare it in its table entry
    (Option.sets); otherwise the application's copy would be sent beside it."""
    options = {**BASE, "allow_headers": "*", entry.name: entry.example}
    if entry.name in ("allow_origins", "allow_origin_func"):
        options = {entry.name: entry.example, "allow_headers": "*"}
    try:
        policy = CORSPolicy.from_dict(options)
    except Exception:  # an example that needs other options: the defaults speak for it
        policy = CORSPolicy.from_dict(BASE)
    for decision in decisions(policy):
        for name, _ in decision.headers:
            assert kind_of(name) is not Kind.KEEP, f"{entry.name} sets {name}, which is not owned"


def test_the_debug_header_is_owned() -> None:
    assert "x-cors-reason" in OWNED_NAMES
    policy = CORSPolicy(allow_origins=[APP], debug=True)
    decision = rules.decide(policy, rules.Request("GET", APP))
    app_headers = [("Content-Type", "text/plain"), ("x-cors-reason", "the app's own")]
    merged = merge(app_headers, decision)
    assert [v for n, v in merged if n.lower() == "x-cors-reason"] == ["allowed"]


@pytest.mark.parametrize(
    ("app_headers", "expected"),
    [
        ([("Access-Control-Allow-Origin", "*")], [("Access-Control-Allow-Origin", APP)]),
        ([("Vary", "Cookie")], [("Access-Control-Allow-Origin", APP), ("Vary", "Cookie, Origin")]),
        ([("vary", "*")], [("Access-Control-Allow-Origin", APP), ("Vary", "*")]),
        (
            [("X-Own", "1")],
            [("X-Own", "1"), ("Access-Control-Allow-Origin", APP), ("Vary", "Origin")],
        ),
    ],
)
def test_merge_table(app_headers: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    decision = rules.decide(CORSPolicy(allow_origins=[APP]), rules.Request("GET", APP))
    merged = merge(app_headers, decision)
    assert [h for h in merged if h[0] != "Vary"] == [h for h in expected if h[0] != "Vary"]
    assert [h for h in merged if h[0] == "Vary"] == [h for h in expected if h[0] == "Vary"] or (
        not [h for h in expected if h[0] == "Vary"]
    )


def test_keep_app_cors_headers_keeps_the_first_of_each() -> None:
    policy = CORSPolicy(allow_origins=[APP], keep_app_cors_headers=True, debug=True)
    decision = rules.decide(policy, rules.Request("GET", APP))
    app_headers = [
        ("Access-Control-Allow-Origin", "https://a"),
        ("access-control-allow-origin", "https://b"),
    ]
    merged = merge(app_headers, decision)
    assert [v for n, v in merged if n.lower() == "access-control-allow-origin"] == ["https://a"]
    assert ("X-CORS-Reason", "allowed") in merged  # the debug header is still the policy's


@pytest.mark.parametrize(
    ("app_vary", "ours", "expected"),
    [
        ("Cookie", "Origin, Accept", "Cookie, Origin, Accept"),
        ("origin", "Origin", "origin"),
        ("*", "Origin", "*"),
    ],
)
def test_merge_vary(app_vary: str, ours: str, expected: str) -> None:
    assert merge_vary(app_vary, ours) == expected


def test_a_refused_decision_adds_only_vary() -> None:
    decision = rules.decide(
        CORSPolicy(allow_origins=[APP]), rules.Request("GET", "https://evil.example")
    )
    assert decision.reason is Reason.ORIGIN_NOT_ALLOWED
    assert merge([("Content-Type", "text/plain")], decision) == [
        ("Content-Type", "text/plain"),
        ("Vary", "Origin"),
    ]


def test_header_memos_at_their_bound_are_as_documented() -> None:
    """response.HEADER_MEMO_SIZE's docstring: about 0.45 MB in all for 60-character names."""
    import tracemalloc

    from cors_wsgi import response

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(response.HEADER_MEMO_SIZE + 10):
            kind_of(f"X-Header-{i:05}" + "h" * 46)
            kind_of(f"x-header-{i:05}".encode() + b"h" * 46)
            response.vary_with_origin(f"Accept, X-{i:05}" + "v" * 45)
        size = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(response._kinds) <= response.HEADER_MEMO_SIZE
    assert len(response.keep_names) <= response.HEADER_MEMO_SIZE
    assert size < 600_000, size
