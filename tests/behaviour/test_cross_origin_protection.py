"""cross_origin_protection: method x Sec-Fetch-Site x Origin x Host, through the core and both
adapters. A refused write is answered 403 by the middleware and never reaches the app."""

from __future__ import annotations

from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.core import Decider, request_facts
from cors_wsgi.decision import Action

from ..support.asgi_apps import RecordingASGIApp, request
from ..support.helpers import ALLOWED, EVIL, HOST, SERVER, RecordingApp

PROTECTED: Any = [
    ("/webhooks/*", {"allow_origins": [ALLOWED]}),  # must accept cross-site posts: protection off
    ("/*", {"allow_origins": [ALLOWED], "cross_origin_protection": True,
            "allow_origin_func": "tests.support.origin_funcs:is_partner"}),
]  # fmt: skip
PASS, REFUSE = True, False
# (id, method, Sec-Fetch-Site, Origin, Host, path, passes?, reason)
CASES = [
    ("GET cross-site", "GET", "cross-site", EVIL, HOST, "/x", PASS, "origin_not_allowed"),
    ("HEAD cross-site", "HEAD", "cross-site", EVIL, HOST, "/x", PASS, "origin_not_allowed"),
    ("OPTIONS, not a preflight", "OPTIONS", "cross-site", EVIL, HOST, "/x", PASS, "origin_not_allowed"),
    ("POST same-origin", "POST", "same-origin", SERVER, HOST, "/x", PASS, "same_origin"),
    ("POST same-origin, proxy rewrote Host", "POST", "same-origin", SERVER, "internal:8080", "/x", PASS, "same_origin"),
    ("POST none (address bar)", "POST", "none", None, HOST, "/x", PASS, "no_origin"),
    ("POST same-site, not allowed", "POST", "same-site", "https://admin.example.com", HOST, "/x", REFUSE, "cross_origin_request_refused"),
    ("POST cross-site, refused origin", "POST", "cross-site", EVIL, HOST, "/x", REFUSE, "cross_origin_request_refused"),
    ("POST cross-site, allowed origin", "POST", "cross-site", ALLOWED, HOST, "/x", PASS, "allowed"),
    ("POST cross-site, allowed by the function", "POST", "cross-site", "https://a.partner.example", HOST, "/x", PASS, "allowed"),
    ("PUT cross-site", "PUT", "cross-site", EVIL, HOST, "/x", REFUSE, "cross_origin_request_refused"),
    ("DELETE cross-site, no Origin", "DELETE", "cross-site", None, HOST, "/x", REFUSE, "cross_origin_request_refused"),
    ("PATCH cross-site, allowed origin", "PATCH", "cross-site", ALLOWED, HOST, "/x", PASS, "allowed"),
    ("POST no Sec-Fetch-Site, no Origin", "POST", None, None, HOST, "/x", PASS, "no_origin"),
    ("POST no Sec-Fetch-Site, own origin", "POST", None, SERVER, HOST, "/x", PASS, "same_origin"),
    ("POST no Sec-Fetch-Site, own host over http", "POST", None, "http://api.example.com", HOST, "/x", PASS, "origin_not_allowed"),
    ("POST no Sec-Fetch-Site, Host with default port", "POST", None, SERVER, HOST + ":443", "/x", PASS, "same_origin"),
    ("POST no Sec-Fetch-Site, other port", "POST", None, SERVER + ":8443", HOST, "/x", REFUSE, "cross_origin_request_refused"),
    ("POST no Sec-Fetch-Site, refused origin", "POST", None, EVIL, HOST, "/x", REFUSE, "cross_origin_request_refused"),
    ("POST no Sec-Fetch-Site, allowed origin", "POST", None, ALLOWED, HOST, "/x", PASS, "allowed"),
    ("POST no Sec-Fetch-Site, null", "POST", None, "null", HOST, "/x", REFUSE, "cross_origin_request_refused"),
    ("POST cross-site to a webhook path", "POST", "cross-site", EVIL, HOST, "/webhooks/stripe", PASS, "origin_not_allowed"),
]  # fmt: skip
ROWS = [pytest.param(*case[1:], id=case[0]) for case in CASES]


def headers_for(site: str | None, origin: str | None) -> dict[str, str]:
    headers = {"Sec-Fetch-Site": site} if site else {}
    return {**headers, **({"Origin": origin} if origin else {})}


@pytest.mark.parametrize(("method", "site", "origin", "host", "path", "passes", "reason"), ROWS)
def test_through_the_core(method: str, site: str | None, origin: str | None, host: str,
                          path: str, passes: bool, reason: str) -> None:  # fmt: skip
    decider = Decider(PROTECTED)
    headers = {"Sec-Fetch-Site": site} if site else {}
    facts: dict[str, Any] = request_facts(method, origin, headers, path, f"https://{host}")
    decision = decider.decide_asking(facts)
    assert decision.reason == reason
    assert (decision.action is Action.ANSWER) is not passes


@pytest.mark.parametrize(("method", "site", "origin", "host", "path", "passes", "reason"), ROWS)
def test_through_wsgi(method: str, site: str | None, origin: str | None, host: str,
                      path: str, passes: bool, reason: str) -> None:  # fmt: skip
    app = RecordingApp()
    client = TestApp(CORSMiddleware(app, with_debug(PROTECTED)))
    response = client.request(path, method=method, headers=headers_for(site, origin),
                              expect_errors=True,
                              environ={"HTTP_HOST": host, "wsgi.url_scheme": "https"})  # fmt: skip
    assert bool(app.calls) is passes
    assert response.status_int == (200 if passes else 403)
    assert response.headers["X-CORS-Reason"] == reason


@pytest.mark.parametrize(("method", "site", "origin", "host", "path", "passes", "reason"), ROWS)
def test_through_asgi(method: str, site: str | None, origin: str | None, host: str,
                      path: str, passes: bool, reason: str) -> None:  # fmt: skip
    app = RecordingASGIApp()
    middleware = ASGICORSMiddleware(app, with_debug(PROTECTED))
    exchange = request(middleware, method, path, headers_for(site, origin), host=host)
    assert bool(app.calls) is passes
    assert exchange.status == (200 if passes else 403)
    assert exchange.header("x-cors-reason") == reason


def with_debug(pairs: Any) -> Any:
    return [(pattern, {**options, "debug": True}) for pattern, options in pairs]


def test_off_by_default_and_evaluate_tells() -> None:
    assert CORSPolicy().cross_origin_protection is False
    unprotected = CORSPolicy(allow_origins=[ALLOWED]).evaluate(
        EVIL, "POST", {"Content-Type": "text/plain"}
    )
    assert unprotected.reason == "origin_not_allowed" and unprotected.action is not Action.ANSWER
    protected = CORSPolicy(allow_origins=[ALLOWED], cross_origin_protection=True)
    refused = protected.evaluate(EVIL, "POST", {"Content-Type": "text/plain",
                                               "Sec-Fetch-Site": "cross-site"})  # fmt: skip
    assert refused.reason == "cross_origin_request_refused" and refused.answer_code == 403
    assert protected.evaluate(ALLOWED, "POST", {"Sec-Fetch-Site": "cross-site"}).allowed


def test_refusals_are_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    client = TestApp(CORSMiddleware(RecordingApp(), PROTECTED))
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        client.post("/x", headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, status=403)
    assert any("cross_origin_request_refused" in r.getMessage() for r in caplog.records)


def test_the_documented_example_protects_all_but_webhooks(tmp_path: Any) -> None:
    from ..support.servers import PROJECT

    page = PROJECT / "docs" / "explanation" / "cross-origin-protection.md"
    ini = page.read_text(encoding="utf-8").split("```ini\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "cors.ini"
    path.write_text(ini, encoding="utf-8")
    app = RecordingApp()
    client = TestApp(CORSMiddleware.from_ini(app, path))
    cross_site = {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}
    client.post("/webhooks/stripe", headers=cross_site, status=200)
    client.post("/account/email", headers=cross_site, status=403)
    client.post(
        "/account/email", headers={"Origin": ALLOWED, "Sec-Fetch-Site": "cross-site"}, status=200
    )
    assert app.calls == [("POST", "/webhooks/stripe"), ("POST", "/account/email")]
