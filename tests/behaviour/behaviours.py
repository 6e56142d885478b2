"""One table of behaviours, request facts -> expected status, headers and reason, replayed
through the core, the WSGI middleware and the ASGI middleware (test_behaviours.py).

``status`` is the status the client sees: 200 from the application (``app_called``) or the
middleware's own answer. ``headers`` maps a response header name to its expected value, or
to None when it must be absent. The application answers ``200`` with ``app_headers`` and a
``Content-Length``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..support.helpers import ALLOWED, EVIL, PARTNER, SERVER

ACRM = "Access-Control-Request-Method"
ACRH = "Access-Control-Request-Headers"
PNA = "Access-Control-Request-Private-Network"
ACAO = "Access-Control-Allow-Origin"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

BASE: dict[str, Any] = {
    "allow_origins": [ALLOWED, "https://*.example.org"],
    "allow_methods": ["GET", "POST", "PUT"],
    "allow_headers": ["Authorization"],
    "expose_headers": ["X-Total"],
    "allow_credentials": True,
    "max_age": 600,
}
WITH_FUNC: dict[str, Any] = {**BASE, "allow_origin_func": "tests.support.origin_funcs:is_partner"}
PROTECTED: dict[str, Any] = {**BASE, "cross_origin_protection": True}
#: allowed_hosts and refuse_untrusted_origins: the guards against DNS rebinding.
GUARDED: dict[str, Any] = {**BASE, "allowed_hosts": ["api.example.com"],
                           "refuse_untrusted_origins": True}  # fmt: skip
LOCAL: dict[str, Any] = {"allowed_hosts": "loopback", "refuse_untrusted_origins": True}
#: A DNS-rebinding page: its origin and the Host of its requests name the attacker's host.
REBOUND = {"Origin": "http://rebind.test:8000", "Host": "rebind.test:8000",
           "Sec-Fetch-Site": "same-origin"}  # fmt: skip
REGEX_ROUTES: list[tuple[Any, dict[str, Any]]] = [
    (re.compile(r"/v[0-9]+/.*"), {"allow_origins": [ALLOWED]}),
]
ROUTES: list[tuple[str, dict[str, Any]]] = [
    ("/api/*", {"allow_origins": [ALLOWED]}),
    ("/admin/*", {"allow_origins": []}),
]


@dataclass(frozen=True)
class Behaviour:
    """One row: a configuration, a request, and what must come back."""

    id: str
    request_headers: dict[str, str]
    status: int
    headers: dict[str, str | None]
    reason: str
    method: str = "GET"
    path: str = "/api/items"
    policy: Any = field(default_factory=lambda: BASE)
    app_headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/plain"),)
    app_called: bool = True


BEHAVIOURS = [
    Behaviour("no Origin", {}, 200, {ACAO: None, "Vary": "Origin"}, "no_origin"),
    Behaviour("no Origin, fixed *", {}, 200, {ACAO: "*", "Vary": None}, "no_origin",
              policy={"allow_origins": "*"}),
    Behaviour("allowed", {"Origin": ALLOWED}, 200,
              {ACAO: ALLOWED, "Access-Control-Allow-Credentials": "true",
               "Access-Control-Expose-Headers": "X-Total", "Vary": "Origin"}, "allowed"),
    Behaviour("allowed by pattern", {"Origin": "https://a.b.example.org"}, 200,
              {ACAO: "https://a.b.example.org", "Vary": "Origin"}, "allowed"),
    Behaviour("fixed * with an origin", {"Origin": EVIL}, 200, {ACAO: "*", "Vary": None},
              "allowed", policy={"allow_origins": "*"}),
    Behaviour("refused origin", {"Origin": EVIL}, 200,
              {ACAO: None, "Access-Control-Allow-Credentials": None, "Vary": "Origin"},
              "origin_not_allowed"),
    Behaviour("invalid origin", {"Origin": "https://APP.example.com"}, 200, {ACAO: None},
              "invalid_origin"),
    Behaviour("same origin", {"Origin": SERVER}, 200, {ACAO: None, "Vary": "Origin"},
              "same_origin", method="POST"),
    Behaviour("allowed preflight", {"Origin": ALLOWED, ACRM: "PUT", ACRH: "authorization"}, 200,
              {ACAO: ALLOWED, "Access-Control-Allow-Methods": "GET, POST, PUT",
               "Access-Control-Allow-Headers": "Authorization, Accept, Accept-Language, Content-Language, Content-Type",
               "Access-Control-Max-Age": "600", "Access-Control-Allow-Credentials": "true",
               "Vary": PREFLIGHT_VARY, "Content-Length": "0"},
              "allowed", method="OPTIONS", app_called=False),
    Behaviour("preflight, method refused", {"Origin": ALLOWED, ACRM: "DELETE"}, 403,
              {ACAO: None, "Vary": PREFLIGHT_VARY}, "method_not_allowed", method="OPTIONS",
              app_called=False),
    Behaviour("preflight, header refused", {"Origin": ALLOWED, ACRM: "GET", ACRH: "x-secret"},
              403, {ACAO: None}, "header_not_allowed", method="OPTIONS", app_called=False),
    Behaviour("preflight, origin refused", {"Origin": EVIL, ACRM: "GET"}, 403, {ACAO: None},
              "origin_not_allowed", method="OPTIONS", app_called=False),
    Behaviour("OPTIONS without Access-Control-Request-Method", {"Origin": ALLOWED}, 200,
              {ACAO: ALLOWED}, "allowed", method="OPTIONS"),
    Behaviour("private network preflight, option off", {"Origin": ALLOWED, ACRM: "GET", PNA: "true"},
              200, {ACAO: ALLOWED, "Access-Control-Allow-Private-Network": None}, "allowed",
              method="OPTIONS", app_called=False),
    Behaviour("private network preflight, option on", {"Origin": ALLOWED, ACRM: "GET", PNA: "true"},
              200, {"Access-Control-Allow-Private-Network": "true",
                    "Vary": PREFLIGHT_VARY + ", Access-Control-Request-Private-Network"},
              "allowed", method="OPTIONS", app_called=False,
              policy={"allow_origins": [ALLOWED], "allow_private_network": True}),
    Behaviour("methods and headers echoed", {"Origin": ALLOWED, ACRM: "PATCH", ACRH: "x-a,x-b"},
              200, {"Access-Control-Allow-Methods": "PATCH", "Access-Control-Allow-Headers": "x-a, x-b"},
              "allowed", method="OPTIONS", app_called=False,
              policy={"allow_origins": [ALLOWED], "allow_methods": "*", "allow_headers": "*"}),
    Behaviour("path without a policy", {"Origin": ALLOWED}, 200, {ACAO: None, "Vary": None},
              "no_policy_for_path", path="/public/x", policy=ROUTES),
    Behaviour("preflight on a path without a policy", {"Origin": ALLOWED, ACRM: "PUT"}, 200,
              {ACAO: None}, "no_policy_for_path", method="OPTIONS", path="/public/x",
              policy=ROUTES),
    Behaviour("path normalised before routing", {"Origin": ALLOWED}, 200, {ACAO: None},
              "origin_not_allowed", path="/api/../admin/x", policy=ROUTES),
    Behaviour("per-path policy", {"Origin": ALLOWED}, 200, {ACAO: ALLOWED}, "allowed",
              path="/api/x", policy=ROUTES),
    Behaviour("app's CORS headers replaced, Vary merged", {"Origin": ALLOWED}, 200,
              {ACAO: ALLOWED, "Vary": "Accept-Encoding, Origin"}, "allowed",
              app_headers=(("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*"),
                           ("Vary", "Accept-Encoding"))),
    Behaviour("app's CORS headers kept", {"Origin": ALLOWED}, 200, {ACAO: "https://mine.example"},
              "allowed", policy={"allow_origins": [ALLOWED], "keep_app_cors_headers": True},
              app_headers=(("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "https://mine.example"))),
    Behaviour("expose * with credentials lists the response's names", {"Origin": ALLOWED}, 200,
              {"Access-Control-Expose-Headers": "Content-Type, X-Total, Content-Length"}, "allowed",
              policy={"allow_origins": [ALLOWED], "expose_headers": "*", "allow_credentials": True},
              app_headers=(("Content-Type", "text/plain"), ("X-Total", "3"), ("Set-Cookie", "a=b"))),
    Behaviour("allowed by allow_origin_func", {"Origin": PARTNER}, 200,
              {ACAO: PARTNER, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"},
              "allowed", policy=WITH_FUNC),
    Behaviour("refused by allow_origin_func", {"Origin": EVIL}, 200,
              {ACAO: None, "Access-Control-Allow-Credentials": None, "Vary": "Origin"},
              "origin_not_allowed", policy=WITH_FUNC),
    Behaviour("no Origin with allow_origin_func", {}, 200, {ACAO: None, "Vary": "Origin"},
              "no_origin", policy=WITH_FUNC),
    Behaviour("preflight allowed by allow_origin_func", {"Origin": PARTNER, ACRM: "PUT"}, 200,
              {ACAO: PARTNER, "Access-Control-Allow-Methods": "GET, POST, PUT"}, "allowed",
              method="OPTIONS", app_called=False, policy=WITH_FUNC),
    Behaviour("allow_origin_func failed", {"Origin": PARTNER}, 200, {ACAO: None, "Vary": "Origin"},
              "origin_check_failed",
              policy={**BASE, "allow_origin_func": "tests.support.origin_funcs:broken"}),
    Behaviour("preflight, allow_origin_func failed", {"Origin": PARTNER, ACRM: "GET"}, 403,
              {ACAO: None}, "origin_check_failed", method="OPTIONS", app_called=False,
              policy={**BASE, "allow_origin_func": "tests.support.origin_funcs:broken"}),
    Behaviour("allow_origin_func returned no bool", {"Origin": PARTNER}, 200, {ACAO: None},
              "origin_check_failed",
              policy={**BASE, "allow_origin_func": "tests.support.origin_funcs:says_yes_as_text"}),
    Behaviour("preflight_continue: the app answers, with the headers", {"Origin": ALLOWED, ACRM: "PUT"},
              200, {ACAO: ALLOWED, "Access-Control-Allow-Methods": "GET, POST, PUT",
                    "Vary": PREFLIGHT_VARY}, "allowed", method="OPTIONS",
              policy={**BASE, "preflight_continue": True}),
    Behaviour("preflight_continue, refused: the app answers, without", {"Origin": ALLOWED, ACRM: "DELETE"},
              200, {ACAO: None, "Access-Control-Allow-Methods": None, "Vary": PREFLIGHT_VARY},
              "method_not_allowed", method="OPTIONS", policy={**BASE, "preflight_continue": True}),
    Behaviour("preflight_continue merges the app's Vary", {"Origin": ALLOWED, ACRM: "PUT"}, 200,
              {"Vary": "Accept-Encoding, " + PREFLIGHT_VARY}, "allowed", method="OPTIONS",
              policy={**BASE, "preflight_continue": True},
              app_headers=(("Content-Type", "text/plain"), ("Vary", "Accept-Encoding"))),
    Behaviour("max_age as a timedelta", {"Origin": ALLOWED, ACRM: "GET"}, 200,
              {"Access-Control-Max-Age": "300"}, "allowed", method="OPTIONS", app_called=False,
              policy={**BASE, "max_age": timedelta(minutes=5)}),
    Behaviour("regex path policy", {"Origin": ALLOWED}, 200, {ACAO: ALLOWED}, "allowed",
              path="/v2/items", policy=REGEX_ROUTES),
    Behaviour("regex path policy matches the whole path", {"Origin": ALLOWED}, 200, {ACAO: None},
              "no_policy_for_path", path="/api/v2/items", policy=REGEX_ROUTES),
    Behaviour("regex path policy, normalised path", {"Origin": ALLOWED}, 200, {ACAO: None},
              "no_policy_for_path", path="/v2/../admin", policy=REGEX_ROUTES),
    Behaviour("cross_origin_protection refuses a cross-site write",
              {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, 403,
              {ACAO: None, "Vary": "Origin", "Content-Length": "0"}, "cross_origin_request_refused",
              method="POST", app_called=False, policy=PROTECTED),
    Behaviour("cross_origin_protection lets an allowed origin write",
              {"Origin": ALLOWED, "Sec-Fetch-Site": "cross-site"}, 200, {ACAO: ALLOWED}, "allowed",
              method="POST", policy=PROTECTED),
    Behaviour("cross_origin_protection lets a safe method through",
              {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, 200, {ACAO: None},
              "origin_not_allowed", policy=PROTECTED),
    Behaviour("Sec-Fetch-Site same-origin is same_origin", {"Origin": "https://api.internal",
              "Sec-Fetch-Site": "same-origin"}, 200, {ACAO: None, "Vary": "Origin"}, "same_origin",
              method="POST", policy=PROTECTED),
    Behaviour("debug header", {"Origin": ALLOWED, ACRM: "DELETE"}, 403,
              {"X-CORS-Reason": "method_not_allowed DELETE"}, "method_not_allowed",
              method="OPTIONS", app_called=False, policy={**BASE, "debug": True}),
    Behaviour("preflight_continue: the app's own CORS headers never stand on a refused preflight",
              {"Origin": EVIL, ACRM: "GET"}, 200,
              {ACAO: None, "Access-Control-Allow-Credentials": None, "Vary": PREFLIGHT_VARY},
              "origin_not_allowed", method="OPTIONS",
              app_headers=(("Content-Type", "text/plain"), (ACAO, "*"),
                           ("Access-Control-Allow-Credentials", "true")),
              policy={**BASE, "preflight_continue": True, "keep_app_cors_headers": True}),
    Behaviour("allowed_hosts: an allowed Host passes", {}, 200, {ACAO: None}, "no_origin",
              policy=GUARDED),
    Behaviour("allowed_hosts: any other Host is refused, Origin or not", {"Host": "rebind.test"},
              403, {ACAO: None, "Content-Length": "0"}, "host_not_allowed", app_called=False,
              policy=GUARDED),
    Behaviour("allowed_hosts: a rebound page's read is refused", REBOUND, 403, {ACAO: None},
              "host_not_allowed", app_called=False, policy=GUARDED),
    Behaviour("allowed_hosts: a rebound page's write is refused", REBOUND, 403, {ACAO: None},
              "host_not_allowed", method="POST", app_called=False, policy=GUARDED),
    Behaviour("allowed_hosts: upper case and a trailing dot are the same host",
              {"Host": "API.Example.COM."}, 200, {}, "no_origin", policy=GUARDED),
    Behaviour("allowed_hosts: host without a port matches no other port",
              {"Host": "api.example.com:8443"}, 403, {}, "host_not_allowed", app_called=False,
              policy=GUARDED),
    Behaviour("allowed_hosts: an empty Host matches nothing", {"Host": ""}, 403, {},
              "host_not_allowed", app_called=False, policy=GUARDED),
    Behaviour("allowed_hosts: X-Forwarded-Host is not read",
              {"Host": "rebind.test", "X-Forwarded-Host": "api.example.com"}, 403, {},
              "host_not_allowed", app_called=False, policy=GUARDED),
    Behaviour("allowed_hosts: a preflight to another Host is refused",
              {"Origin": ALLOWED, ACRM: "PUT", "Host": "rebind.test"}, 403, {ACAO: None},
              "host_not_allowed", method="OPTIONS", app_called=False, policy=GUARDED),
    Behaviour("loopback: localhost on any port", {"Host": "localhost:8000"}, 200, {},
              "no_origin", policy=LOCAL),
    Behaviour("loopback: [::1] on any port", {"Host": "[::1]:49152"}, 200, {}, "no_origin",
              policy=LOCAL),
    Behaviour("loopback: 127.0.0.1 without a port", {"Host": "127.0.0.1"}, 200, {}, "no_origin",
              policy=LOCAL),
    Behaviour("loopback: not another loopback address", {"Host": "127.0.0.2:8000"}, 403, {},
              "host_not_allowed", app_called=False, policy=LOCAL),
    Behaviour("loopback: a page on another local port is the server's own",
              {"Host": "localhost:8000", "Origin": "http://localhost:6274"}, 200, {ACAO: None},
              "origin_not_allowed", policy=LOCAL),
    Behaviour("loopback: a site's GET is refused before the app",
              {"Host": "127.0.0.1:8000", "Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, 403,
              {ACAO: None}, "origin_refused", app_called=False, policy=LOCAL),
    Behaviour("refuse_untrusted_origins: a site's GET is refused before the app", {"Origin": EVIL},
              403, {ACAO: None, "Vary": "Origin", "Content-Length": "0"}, "origin_refused",
              app_called=False, policy=GUARDED),
    Behaviour("refuse_untrusted_origins: an allowed origin is served", {"Origin": ALLOWED}, 200,
              {ACAO: ALLOWED}, "allowed", policy=GUARDED),
    Behaviour("refuse_untrusted_origins: the server's own origin writes", {"Origin": SERVER}, 200,
              {ACAO: None}, "same_origin", method="POST", policy=GUARDED),
    Behaviour("refuse_untrusted_origins: Sec-Fetch-Site does not vouch for an origin off the list",
              {"Origin": "https://api.internal", "Sec-Fetch-Site": "same-origin"}, 403, {},
              "origin_refused", method="POST", app_called=False, policy=GUARDED),
    Behaviour("refuse_untrusted_origins: null is refused", {"Origin": "null"}, 403, {},
              "origin_refused", app_called=False, policy=GUARDED),
    Behaviour("refuse_untrusted_origins: an invalid origin is refused",
              {"Origin": "https://App.example.com"}, 403, {}, "origin_refused", app_called=False,
              policy=GUARDED),
    Behaviour("refuse_untrusted_origins: a preflight from a site is refused", {"Origin": EVIL,
              ACRM: "PUT"}, 403, {ACAO: None}, "origin_refused", method="OPTIONS",
              app_called=False, policy=GUARDED),
    Behaviour("refuse_untrusted_origins: ... even under preflight_continue",
              {"Origin": EVIL, ACRM: "PUT"}, 403, {ACAO: None}, "origin_refused",
              method="OPTIONS", app_called=False, policy={**GUARDED, "preflight_continue": True}),
    Behaviour("refuse_untrusted_origins: an allowed origin's preflight keeps its own reason",
              {"Origin": ALLOWED, ACRM: "DELETE"}, 403, {ACAO: None}, "method_not_allowed",
              method="OPTIONS", app_called=False, policy=GUARDED),
    Behaviour("refuse_untrusted_origins: before cross_origin_protection",
              {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, 403, {}, "origin_refused",
              method="POST", app_called=False,
              policy={**GUARDED, "cross_origin_protection": True}),
    Behaviour("refuse_untrusted_origins: an origin allow_origin_func allows is served",
              {"Origin": PARTNER}, 200, {ACAO: PARTNER}, "allowed",
              policy={**WITH_FUNC, "refuse_untrusted_origins": True}),
    Behaviour("refuse_untrusted_origins: an origin allow_origin_func refuses is refused",
              {"Origin": "https://shop.other.example"}, 403, {}, "origin_refused",
              app_called=False, policy={**WITH_FUNC, "refuse_untrusted_origins": True}),
    Behaviour("refuse_untrusted_origins alone: a rebound page looks same-origin (check warns)",
              REBOUND, 200, {ACAO: None}, "same_origin",
              policy={**BASE, "refuse_untrusted_origins": True}),
    Behaviour("allowed_hosts: paths no policy governs are not guarded", {"Host": "rebind.test"},
              200, {}, "no_policy_for_path", path="/other", policy=[("/api/*", GUARDED)]),
    Behaviour("allowed_hosts: per-path policy guards its paths", {"Host": "rebind.test"},
              403, {}, "host_not_allowed", app_called=False, policy=[("/api/*", GUARDED)]),
]  # fmt: skip
