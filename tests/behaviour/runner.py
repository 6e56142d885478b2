"""One request through each of the three ways a policy decides: the core alone, the WSGI
middleware and the ASGI middleware. The behaviour, attack and reason tables replay their rows
through all three with these functions, so a row that holds for one holds for the others.

Every request is sent to ``https://api.example.com`` (:data:`SERVER`), the server's own origin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webtest import TestApp

from cors_wsgi import CORSMiddleware
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.core import Decider, request_facts
from cors_wsgi.decision import Decision

from ..support.asgi_apps import RecordingASGIApp, request
from ..support.helpers import HOST, SERVER, RecordingApp

PLAIN_APP: tuple[tuple[str, str], ...] = (("Content-Type", "text/plain"),)


@dataclass(frozen=True)
class Answer:
    """What the client got back from an adapter, and whether the application ran."""

    status: int
    headers: list[tuple[str, str]]
    app_called: bool

    def header(self, name: str) -> str | None:
        """The value of header *name* (any case), the values joined when it repeats."""
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return ", ".join(found) if found else None

    def cors_headers(self) -> dict[str, str]:
        """The ``Access-Control-*`` headers, by lower-cased name."""
        return {
            name.lower(): value
            for name, value in self.headers
            if name.lower().startswith("access-control-")
        }


def through_core(
    policy: Any, method: str, path: str, request_headers: Mapping[str, str]
) -> Decision:
    """The core's decision for the request, asking ``allow_origin_func`` when it must (as the
    WSGI middleware does), without any adapter around it."""
    decider = Decider(policy)
    others = {name: value for name, value in request_headers.items() if name != "Origin"}
    facts = request_facts(method, request_headers.get("Origin"), others, path, SERVER)
    if "Host" in request_headers:  # a Host of its own (the server's origin stays https)
        facts["HTTP_HOST"] = request_headers["Host"]
    decision = decider.decide(facts)
    if decision.ask is not None:  # allow_origin_func is asked, then the facts decided again
        assert decision.reason == "origin_func_pending"
        decision = decider.decide_asking(facts)
    return decision


def through_wsgi(
    policy: Any,
    method: str,
    path: str,
    request_headers: Mapping[str, str],
    app_headers: Sequence[tuple[str, str]] = PLAIN_APP,
) -> Answer:
    """The request through the WSGI middleware around a recording app, under WebTest's lint."""
    app = RecordingApp(headers=list(app_headers))
    client = TestApp(CORSMiddleware(app, policy), lint=True)
    environ = {"HTTP_HOST": HOST, "wsgi.url_scheme": "https", "PATH_INFO": path}
    # WebTest would not send a header value with CR or LF in it: pass the headers as the
    # server's environ instead, which is what a hostile value reaches the middleware as.
    environ |= {"HTTP_" + k.upper().replace("-", "_"): v for k, v in request_headers.items()}
    response = client.request("/", method=method, environ=environ, expect_errors=True)
    return Answer(response.status_int, list(response.headerlist), bool(app.calls))


def through_asgi(
    policy: Any,
    method: str,
    path: str,
    request_headers: Mapping[str, str],
    app_headers: Sequence[tuple[str, str]] = PLAIN_APP,
) -> Answer:
    """The request through the ASGI middleware around a recording app, driven in-process the
    way a server drives it."""
    app = RecordingASGIApp(headers=app_headers)
    headers = {name: value for name, value in request_headers.items() if name != "Host"}
    host = request_headers.get("Host", HOST)  # "" sends no Host at all
    exchange = request(ASGICORSMiddleware(app, policy), method, path, headers, host=host)
    return Answer(exchange.status, exchange.headers, bool(app.calls))


#: The two adapters, by name, for tables that replay a row through each.
ADAPTERS: dict[str, Callable[..., Answer]] = {"wsgi": through_wsgi, "asgi": through_asgi}
