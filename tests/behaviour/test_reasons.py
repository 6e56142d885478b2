"""Reason codes: every one through the core (and the public evaluate()), the WSGI middleware and
the ASGI middleware (runner.py); the DEBUG log line (sanitised) and the opt-in X-CORS-Reason
header."""

from __future__ import annotations

import logging
import re

import pytest

from cors_wsgi import CORSMiddleware, CORSPolicy, Reason
from cors_wsgi.decision import REFUSALS

from ..support.helpers import ALLOWED, EVIL, SERVER, RecordingApp, client
from ..support.servers import PROJECT
from .runner import ADAPTERS, through_core

POLICY = {
    "allow_origins": [ALLOWED],
    "allow_methods": ["GET", "POST", "PUT"],
    "allow_headers": ["X-Allowed"],
}
ROUTES = [("/api/*", POLICY)]

ACRM, ACRH = "Access-Control-Request-Method", "Access-Control-Request-Headers"
PNA = "Access-Control-Request-Private-Network"

# reason, method, request headers (Origin included), expected detail
CASES = [
    pytest.param(Reason.ALLOWED, "GET", {"Origin": ALLOWED}, "", id="allowed"),
    pytest.param(
        Reason.ALLOWED, "OPTIONS", {"Origin": ALLOWED, ACRM: "PUT"}, "", id="allowed preflight"
    ),
    pytest.param(Reason.NO_ORIGIN, "GET", {}, "", id="no_origin"),
    pytest.param(Reason.SAME_ORIGIN, "POST", {"Origin": SERVER}, "", id="same_origin"),
    pytest.param(
        Reason.INVALID_ORIGIN, "GET", {"Origin": "https://App.example.com"}, "", id="invalid_origin"
    ),
    pytest.param(
        Reason.ORIGIN_NOT_ALLOWED, "GET", {"Origin": "https://evil.example"}, "", id="refused"
    ),
    pytest.param(
        Reason.METHOD_NOT_ALLOWED, "OPTIONS", {"Origin": ALLOWED, ACRM: "DELETE"}, "DELETE",
        id="method_not_allowed",
    ),
    pytest.param(
        Reason.HEADER_NOT_ALLOWED, "OPTIONS",
        {"Origin": ALLOWED, ACRM: "GET", ACRH: "x-allowed,x-api-key"}, "x-api-key",
        id="header_not_allowed",
    ),
    pytest.param(
        Reason.ALLOWED, "OPTIONS", {"Origin": ALLOWED, ACRM: "GET", PNA: "true"}, "",
        id="private network preflight answered as any other",
    ),
]  # fmt: skip


def split(headers: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    rest = {k: v for k, v in headers.items() if k != "Origin"}
    return headers.get("Origin"), rest


@pytest.mark.parametrize(("reason", "method", "headers", "detail"), CASES)
def test_every_reason_through_the_core(
    reason: str, method: str, headers: dict[str, str], detail: str
) -> None:
    assert through_core(POLICY, method, "/api/items", headers).reason == reason
    origin, rest = split(headers)
    decision = CORSPolicy.from_dict(POLICY).evaluate(origin, method, rest, request_origin=SERVER)
    assert decision.reason == reason
    assert decision.detail.lower() == detail.lower()
    assert decision.allowed is (reason == Reason.ALLOWED)
    assert decision.refused is (reason in REFUSALS)
    acao = dict(decision.headers).get("Access-Control-Allow-Origin")
    assert acao == (ALLOWED if decision.allowed else None)


def test_no_policy_for_path_through_the_pure_function() -> None:
    middleware = CORSMiddleware(RecordingApp(), ROUTES)
    assert middleware.evaluate(ALLOWED, "GET", path="/other").reason == Reason.NO_POLICY_FOR_PATH
    assert middleware.evaluate(ALLOWED, "GET", path="/api/x").reason == Reason.ALLOWED


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize(("reason", "method", "headers", "detail"), CASES)
def test_every_reason_through_the_middleware_debug_header(
    reason: str, method: str, headers: dict[str, str], detail: str, adapter: str
) -> None:
    answer = ADAPTERS[adapter]({**POLICY, "debug": True}, method, "/api/items", headers)
    expected = f"{reason} {detail}" if detail else reason
    assert (answer.header("X-CORS-Reason") or "").lower() == expected.lower()


def test_no_policy_for_path_through_the_middleware(caplog: pytest.LogCaptureFixture) -> None:
    app = client(ROUTES)
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        response = app.get("/elsewhere", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert [r.getMessage() for r in caplog.records] == [
        f"CORS no_policy_for_path: GET /elsewhere from Origin {ALLOWED}"
    ]


def test_debug_header_is_off_by_default() -> None:
    response = client(POLICY).get("/", headers={"Origin": EVIL})
    assert "X-CORS-Reason" not in response.headers


def test_debug_header_never_carries_the_origin() -> None:
    response = client({**POLICY, "debug": "yes"}).get("/", headers={"Origin": EVIL})
    assert response.headers["X-CORS-Reason"] == "origin_not_allowed"


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize(("reason", "method", "headers", "detail"), CASES)
def test_refusals_are_logged_at_debug_and_nothing_else_is(
    caplog: pytest.LogCaptureFixture,
    reason: str,
    method: str,
    headers: dict[str, str],
    detail: str,
    adapter: str,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        ADAPTERS[adapter](POLICY, method, "/p", headers)
    messages = [r.getMessage() for r in caplog.records]
    if reason in REFUSALS:
        assert len(messages) == 1
        assert messages[0].startswith(f"CORS {reason}")
        assert caplog.records[0].levelno == logging.DEBUG
    else:
        assert messages == []


def test_log_line_is_sanitised_against_injection(caplog: pytest.LogCaptureFixture) -> None:
    hostile = (
        "https://evil.example\r\nCORS allowed: GET / from Origin https://bank.example" + "A" * 500
    )
    app = client(POLICY)
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        app.get("/x", extra_environ={"HTTP_ORIGIN": hostile})
    (message,) = [r.getMessage() for r in caplog.records]
    assert "\r" not in message and "\n" not in message
    assert "\\r\\n" in message
    assert message.startswith("CORS invalid_origin: GET /x from Origin https://evil.example\\r\\n")
    assert message.endswith(f"...(+{len(hostile) - 200} chars)")
    assert len(message) < 300


def test_nothing_is_logged_when_debug_logging_is_off(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        client(POLICY).get("/", headers={"Origin": EVIL})
    assert caplog.records == []


def test_same_origin_post_gets_no_cors_headers_and_no_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        response = client(POLICY).post(
            "/", headers={"Origin": "http://localhost"}, extra_environ={"HTTP_HOST": "localhost:80"}
        )
    assert "Access-Control-Allow-Origin" not in response.headers
    assert caplog.records == []


def test_reason_codes_are_unique_and_documented() -> None:
    codes = [v for k, v in vars(Reason).items() if k.isupper() and isinstance(v, str)]
    assert len(codes) == len(set(codes)) == 14
    page = (PROJECT / "docs" / "reference" / "reasons.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_]+)` \| .+ \|$", page, flags=re.MULTILINE)
    assert sorted(rows) == sorted(codes)
