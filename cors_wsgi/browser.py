"""The browser's side of CORS, after the Fetch standard: which requests are same-origin, when a
preflight is sent and what it asks for, the CORS checks a browser runs on the answers, and the
sequence of requests a page's ``fetch()`` turns into. ``evaluate()``, ``explain`` and ``probe``
all follow this one model; it builds on the core (it decides through
:meth:`~cors_wsgi.core.Decider.decide`) and never on an adapter.

Where the engines measured (Chromium, Firefox, WebKit) differ from the standard, both verdicts
are kept: see :data:`DIFFERENCES`. Messages follow Chromium's wording, so they match what a
developer sees in the console.

Public API:

* the safelists: :func:`is_safelisted_header`, :func:`unsafe_headers`,
  :func:`unsafe_header_names`, :func:`preflight_reasons`, :func:`parse_single_range`,
  :func:`mime_essence`, :func:`unsafe_value`, :func:`is_forbidden_request_header`,
  :func:`normalise_method`;
* same-origin: :func:`is_same_origin`, :func:`url_origin`, :func:`browser_fetch_site`;
* the simulation behind ``evaluate()``: :func:`simulate`, :func:`asking`,
  :func:`as_same_origin`, :func:`preflight_request_headers`;
* the browser's checks: :class:`Check`, :class:`Difference`, :data:`DIFFERENCES`,
  :func:`check_allow_origin`, :func:`check_preflight`, :func:`until_first_failure`;
* the exchanges of ``explain`` and ``probe``: :class:`BrowserRequest`, :class:`Exchange`,
  :class:`Outcome`, :func:`explain_exchanges`, :func:`probe_exchanges`, :func:`outcome`,
  :func:`smallest_fix`, :func:`server_fix`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from ._http import (
    NORMALISED_METHODS,
    SAFELISTED_CONTENT_TYPES,
    SAFELISTED_METHODS,
    normalise_method,
)
from .decision import DEBUG_HEADER, Action, Decision, Reason
from .memo import request_facts
from .options import ALWAYS_ALLOWED_HEADERS, TOKEN, Options, describe_function
from .origin_func import Verdict
from .origins import explain_bad_origin, is_serialized_origin, server_origin

__all__ = [
    "ASSUMED_FETCH_SITE",
    "DIFFERENCES",
    "ENGINES",
    "GUARD_CHECKS",
    "MAX_SAFELISTED_TOTAL",
    "MAX_SAFELISTED_VALUE",
    "NORMALISED_METHODS",
    "REFUSED_HOST",
    "REFUSED_ORIGIN",
    "REFUSED_WRITE",
    "SAFELISTED_CONTENT_TYPES",
    "SAFELISTED_HEADER_NAMES",
    "SAFELISTED_METHODS",
    "SEC_FETCH_SITES",
    "BrowserRequest",
    "Check",
    "Decide",
    "Difference",
    "Exchange",
    "Outcome",
    "Send",
    "as_same_origin",
    "asking",
    "browser_fetch_site",
    "check_allow_origin",
    "check_preflight",
    "explain_exchanges",
    "is_forbidden_request_header",
    "is_safelisted_header",
    "is_same_origin",
    "lowered",
    "mime_essence",
    "normalise_method",
    "outcome",
    "parse_single_range",
    "preflight_reasons",
    "preflight_request_headers",
    "probe_exchanges",
    "server_fix",
    "simulate",
    "smallest_fix",
    "unsafe_header_names",
    "unsafe_headers",
    "unsafe_value",
    "until_first_failure",
    "url_origin",
]

#: ``decide(facts)``: the final decision for request facts (see :mod:`cors_wsgi.core`), with
#: ``allow_origin_func`` already asked. :func:`asking` makes one from a decider's ``decide``.
Decide = Callable[[dict[str, Any]], Decision]
#: ``send(method, headers)``: sends one request, returns its status and response headers.
Send = Callable[[str, dict[str, str]], tuple[int, list[tuple[str, str]]]]

# -- the safelists --------------------------------------------------------------------------------

#: https://fetch.spec.whatwg.org/#cors-safelisted-request-header: the names that may be
#: safelisted, each only with a value its rule accepts.
SAFELISTED_HEADER_NAMES: Final = frozenset(
    {"accept", "accept-language", "content-language", "content-type", "range"}
)
#: Longest value a safelisted header may have, and the most all safelisted values of one
#: request may total before every one of them counts as unsafe (bytes).
MAX_SAFELISTED_VALUE: Final = 128
MAX_SAFELISTED_TOTAL: Final = 1024
#: https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte: below 0x20 but tab, DEL,
#: and ``"():<>?@[\]{}``.
UNSAFE_BYTES: Final = frozenset(
    {chr(byte) for byte in range(0x20) if byte != 0x09} | set('"():<>?@[\\]{}\x7f')
)
#: What Accept-Language and Content-Language values may consist of.
LANGUAGE_CHARACTERS: Final = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;="
)
#: https://fetch.spec.whatwg.org/#http-whitespace, stripped from values set by a page.
HTTP_WHITESPACE: Final = " \t\r\n"
#: https://fetch.spec.whatwg.org/#simple-range-header-value, without whitespace.
SINGLE_RANGE: Final = re.compile(r"bytes=([0-9]*)-([0-9]*)")
#: https://fetch.spec.whatwg.org/#forbidden-request-header: set by the browser alone; a page
#: that sets one is ignored.
FORBIDDEN_REQUEST_HEADERS: Final = frozenset(
    {
        "accept-charset", "accept-encoding", "access-control-request-headers",
        "access-control-request-method", "access-control-request-private-network",
        "connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host",
        "keep-alive", "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding",
        "upgrade", "via",
    }
)  # fmt: skip
FORBIDDEN_PREFIXES: Final = ("proxy-", "sec-")
METHOD_OVERRIDES: Final = frozenset(
    {"x-http-method", "x-http-method-override", "x-method-override"}
)
#: https://fetch.spec.whatwg.org/#forbidden-method
FORBIDDEN_METHODS: Final = frozenset({"CONNECT", "TRACE", "TRACK"})


def normalise_value(value: str) -> str:
    """A header value as the page's ``Headers`` keep it: leading and trailing HTTP whitespace
    removed (https://fetch.spec.whatwg.org/#concept-header-value-normalize)."""
    return value.strip(HTTP_WHITESPACE)


def byte_length(value: str) -> int:
    """The length of *value* in bytes, as a browser sends it (one byte a character: header
    values are byte strings; text a page cannot send is counted in UTF-8)."""
    try:
        return len(value.encode("latin-1"))
    except UnicodeEncodeError:
        return len(value.encode("utf-8"))


def is_forbidden_request_header(name: str, value: str | None = None) -> bool:
    """A header only the browser sets (https://fetch.spec.whatwg.org/#forbidden-request-header):
    ``Cookie``, ``Origin``, ``Sec-*``, ``Access-Control-Request-*``... and a method override
    naming a forbidden method."""
    lower = name.lower()
    if lower in FORBIDDEN_REQUEST_HEADERS or lower.startswith(FORBIDDEN_PREFIXES):
        return True
    if lower in METHOD_OVERRIDES and value is not None:
        return any(m.strip().upper() in FORBIDDEN_METHODS for m in value.split(","))
    return False


def parse_single_range(value: str) -> tuple[int | None, int | None] | None:
    """``bytes=N-``, ``bytes=N-M`` or ``bytes=-M`` as (start, end), or None when *value* is not
    one range (https://fetch.spec.whatwg.org/#simple-range-header-value, whitespace not
    allowed): ``bytes`` in lower case, ASCII digits, at least one bound, start <= end."""
    match = SINGLE_RANGE.fullmatch(value)
    if match is None:
        return None
    start = int(match[1]) if match[1] else None
    end = int(match[2]) if match[2] else None
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        return None
    return start, end


def mime_essence(value: str) -> str | None:
    """The essence (``type/subtype``, lower case) of *value* parsed as a MIME type, or None when
    it does not parse (https://mimesniff.spec.whatwg.org/#parse-a-mime-type); parameters do not
    make a parse fail."""
    text = value.strip(HTTP_WHITESPACE)
    kind, slash, rest = text.partition("/")
    subtype = rest.partition(";")[0].rstrip(HTTP_WHITESPACE)
    if not slash or not TOKEN.fullmatch(kind) or not TOKEN.fullmatch(subtype):
        return None
    return f"{kind}/{subtype}".lower()


def unsafe_value(name: str, value: str) -> str | None:
    """Why *value* keeps the safelisted header *name* (lower case) from being safelisted, or
    None when it is safelisted; "" when no more needs saying than that it is not.

    https://fetch.spec.whatwg.org/#cors-safelisted-request-header, step by step.
    """
    size = byte_length(value)
    if size > MAX_SAFELISTED_VALUE:
        return f"its value is {size} bytes, more than {MAX_SAFELISTED_VALUE}"
    if name in ("accept", "content-type"):
        bad = next((char for char in value if char in UNSAFE_BYTES), None)
        if bad is not None:
            return f"its value contains {bad!r}, a CORS-unsafe request-header byte"
    if name in ("accept-language", "content-language"):
        bad = next((char for char in value if char not in LANGUAGE_CHARACTERS), None)
        if bad is not None:
            return f"its value contains {bad!r}; only 0-9, A-Z, a-z, space and *,-.;= may appear"
    if name == "content-type":
        essence = mime_essence(value)
        if essence is None:
            return "its value is not a MIME type"
        if essence not in SAFELISTED_CONTENT_TYPES:
            return ""
    if name == "range":
        parsed = parse_single_range(value)
        if parsed is None:
            return "its value is not a single range bytes=start-end without whitespace"
        if parsed[0] is None:  # browsers have never sent bytes=-500 on their own
            return "a range without a start, as bytes=-500, is not safelisted"
    return None


def is_safelisted_header(name: str, value: str | None) -> bool:
    """A CORS-safelisted request header (https://fetch.spec.whatwg.org/#cors-safelisted-request-header),
    taken on its own (see :func:`unsafe_headers` for the 1,024-byte rule).

    *value* is normalised first, as ``Headers`` does; None means unknown: safelisted for the
    names any plain value passes (Accept, Accept-Language, Content-Language), not for
    Content-Type and Range.
    """
    lower = name.lower()
    if lower not in SAFELISTED_HEADER_NAMES:
        return False
    if value is None:
        return lower in ("accept", "accept-language", "content-language")
    return unsafe_value(lower, normalise_value(value)) is None


def unsafe_headers(headers: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """The CORS-unsafe request-header names (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names),
    lower-cased, sorted and unique, each with why ("" when its name says it all).

    When the safelisted values total more than 1,024 bytes, every one of them is unsafe too.
    """
    unsafe: dict[str, str] = {}
    potentially_unsafe: list[str] = []
    total = 0
    for name, value in headers:
        lower = name.lower()
        if lower not in SAFELISTED_HEADER_NAMES:
            unsafe.setdefault(lower, "")
        elif value is None:
            if is_safelisted_header(lower, None):
                potentially_unsafe.append(lower)
            else:
                unsafe.setdefault(lower, "")
        else:
            normalised = normalise_value(value)
            why = unsafe_value(lower, normalised)
            if why is None:
                potentially_unsafe.append(lower)
                total += byte_length(normalised)
            else:
                unsafe.setdefault(lower, why)
    if total > MAX_SAFELISTED_TOTAL:
        why = f"the safelisted values total {total} bytes, more than {MAX_SAFELISTED_TOTAL}"
        for lower in potentially_unsafe:
            unsafe.setdefault(lower, why)
    return {name: unsafe[name] for name in sorted(unsafe)}


def unsafe_header_names(headers: Iterable[tuple[str, str | None]]) -> list[str]:
    """The names a browser lists in Access-Control-Request-Headers: the CORS-unsafe ones,
    lower-cased, sorted, unique."""
    return list(unsafe_headers(headers))


def preflight_reasons(method: str, headers: Iterable[tuple[str, str | None]]) -> list[str]:
    """Why a browser would send a preflight first for a cross-origin request with *method* (as
    sent) and the page's *headers*; empty when it would not.

    https://fetch.spec.whatwg.org/#main-fetch: a CORS preflight when the method is not
    safelisted or some request-header name is CORS-unsafe.
    """
    reasons = []
    if method not in SAFELISTED_METHODS:
        reasons.append(f"the method {method} is not GET, HEAD or POST")
    for name, why in unsafe_headers(headers).items():
        detail = f" ({why})" if why else ""
        reasons.append(f"the request header {name} is not CORS-safelisted{detail}")
    return reasons


# -- same-origin ----------------------------------------------------------------------------------

#: Sec-Fetch-Site's values (https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header).
SEC_FETCH_SITES: Final = ("cross-site", "same-site", "same-origin", "none")
#: What ``explain`` assumes the browser sends: it explains a page calling another origin.
ASSUMED_FETCH_SITE: Final = "cross-site"


def is_same_origin(
    origin: str | None, request_origin: str | None = None, fetch_site: str | None = None
) -> bool:
    """True when the page's *origin* is the server's own: ``Sec-Fetch-Site: same-origin``, or
    *origin* equal to *request_origin* (``https://api.example.com``, default port or not)."""
    if fetch_site == "same-origin":
        return True
    if origin is None or request_origin is None:
        return False
    scheme, _, host = request_origin.partition("://")
    return origin == server_origin(scheme, host)


def url_origin(target: Any) -> str:
    """The origin of a URL split by :func:`urllib.parse.urlsplit`, serialized as browsers send
    it."""
    return server_origin(target.scheme, target.netloc.rpartition("@")[2])


def browser_fetch_site(origin: str, target: Any) -> str | None:
    """The Sec-Fetch-Site a browser sends from *origin* to *target* (split by ``urlsplit``):
    only to potentially trustworthy URLs (https, loopback),
    https://w3c.github.io/webappsec-fetch-metadata/. ``same-site`` is not told apart from
    ``cross-site``: cross_origin_protection treats both alike (only an allowed origin
    passes)."""
    host = target.hostname or ""
    loopback = host in ("localhost", "::1") or host.endswith(".localhost") or host[:4] == "127."
    if target.scheme != "https" and not loopback:
        return None
    return "same-origin" if origin == url_origin(target) else "cross-site"


def as_same_origin(decision: Decision) -> Decision:
    """The decision for a same-origin request: ``same_origin`` where the core allowed the origin
    too (its CORS headers are still added; the browser ignores them), else the core's own."""
    if decision.reason is Reason.ALLOWED:
        return dataclasses.replace(decision, reason=Reason.SAME_ORIGIN)
    return decision


# -- the simulation behind evaluate() ------------------------------------------------------------


def asking(decide: Callable[..., Decision]) -> Decide:
    """*decide* (a :class:`~cors_wsgi.core.Decider`'s ``decide(facts, verdict=None)``) with
    ``allow_origin_func`` asked when a decision waits for it, at most once for a preflight and
    its request together."""
    verdicts: list[Verdict] = []  # allow_origin_func's answer, asked once for both

    def decide_asked(facts: dict[str, Any]) -> Decision:
        decision = decide(facts, *verdicts)
        if decision.ask is not None:
            verdicts.append(decision.ask.ask(facts["HTTP_ORIGIN"]))
            decision = decide(facts, *verdicts)
        return decision

    return decide_asked


def preflight_request_headers(method: str, names: list[str]) -> dict[str, str]:
    """The headers of the preflight for *method* and the CORS-unsafe header *names*
    (https://fetch.spec.whatwg.org/#cors-preflight-fetch, steps 2 to 5)."""
    headers = {"Access-Control-Request-Method": method}
    if names:
        headers["Access-Control-Request-Headers"] = ",".join(names)
    return headers


def simulate(
    decide: Decide,
    origin: str | None,
    method: str = "GET",
    request_headers: Mapping[str, str] | None = None,
    path: str = "/",
    request_origin: str | None = None,
) -> Decision:
    """What a browser's ``fetch()`` gets: the decision :meth:`CORSPolicy.evaluate` answers.

    *decide* is a :data:`Decide`; *method* as passed to ``fetch()``; *request_headers* by name,
    any case: the page's headers (the ones it may not set, as ``Sec-*``, are the browser's own
    and never make a preflight) with ``Sec-Fetch-Site`` when the browser sends it;
    *request_origin* is the server's own origin.

    * A raw preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is decided as such.
    * Same-origin (*origin* is *request_origin*, or ``Sec-Fetch-Site: same-origin``): no
      preflight and no CORS check, whatever the method and headers
      (https://fetch.spec.whatwg.org/#main-fetch, same-origin with "basic" tainting goes
      straight to scheme fetch); the request's decision, as ``same_origin``.
    * Otherwise, when the method or a header is not safelisted, the preflight first: refused
      (or on a path without a policy), it is the answer, since the browser sends nothing more.
      Then the actual request's decision.
    """
    found = {name.lower(): value for name, value in (request_headers or {}).items()}
    if method == "OPTIONS" and "access-control-request-method" in found:
        return decide(request_facts(method, origin, found, path, request_origin))
    method = normalise_method(method)
    actual = request_facts(method, origin, found, path, request_origin)
    if is_same_origin(origin, request_origin, found.get("sec-fetch-site")):
        return as_same_origin(decide(actual))
    page_headers = [(n, v) for n, v in found.items() if not is_forbidden_request_header(n, v)]
    unsafe = unsafe_header_names(page_headers)
    if method not in SAFELISTED_METHODS or unsafe:  # as preflight_reasons(), computed once
        asked = preflight_request_headers(method, unsafe)
        preflight = decide(request_facts("OPTIONS", origin, asked, path, request_origin))
        if preflight.refused or preflight.reason is Reason.NO_POLICY_FOR_PATH:
            return preflight
    return decide(actual)


# -- the browser's checks -------------------------------------------------------------------------

#: The engines whose behaviour :data:`DIFFERENCES` records, as named in messages.
ENGINES: Final = ("Chromium", "Firefox", "WebKit")


@dataclass(frozen=True)
class Difference:
    """A check on which the engines measured and the Fetch standard disagree."""

    #: Stable identifier, for ``--json`` readers.
    key: str
    #: What the standard says: True when the check passes.
    standard: bool
    #: (engine, passes) for each of :data:`ENGINES`, as measured.
    engines: tuple[tuple[str, bool], ...]
    #: Where the difference is discussed.
    link: str
    #: The engine versions it was measured on.
    measured: str

    @property
    def engines_pass(self) -> bool:
        """True when every engine measured lets the check pass: what ``explain`` and ``probe``
        follow (the request goes on)."""
        return all(passes for _, passes in self.engines)

    @property
    def verdict(self) -> str:
        """``allowed by Chromium, Firefox and WebKit today; blocked by the Fetch standard``."""
        allowing = [name for name, passes in self.engines if passes]
        blocking = [name for name, passes in self.engines if not passes]
        parts = [f"allowed by {_and(allowing)} today"] if allowing else []
        parts += [f"blocked by {_and(blocking)} today"] if blocking else []
        parts.append(f"{'allowed' if self.standard else 'blocked'} by the Fetch standard")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "verdict": self.verdict,
            "standard": self.standard,
            "engines": {name.lower(): passes for name, passes in self.engines},
            "link": self.link,
            "measured": self.measured,
        }


def _and(names: list[str]) -> str:
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"


#: Known differences between the engines and the Fetch standard, by key. The checks below look
#: their case up here; a new entry needs a key, both verdicts and a link.
DIFFERENCES: Final[Mapping[str, Difference]] = {
    difference.key: difference
    for difference in (
        # https://fetch.spec.whatwg.org/#cors-preflight-fetch: "*" in Access-Control-Allow-
        # Headers never covers Authorization; every engine still accepts it.
        Difference(
            "acah-wildcard-authorization",
            standard=False,
            engines=tuple((engine, True) for engine in ENGINES),
            link="https://github.com/whatwg/fetch/issues/1919",
            measured="Chromium 156, Firefox ESR 153, WebKitGTK 2.50",
        ),
    )
}


@dataclass(frozen=True)
class Check:
    """One check a browser makes, and what it would say when it fails.

    ``passed`` is what browsers do today; where they differ from the Fetch standard,
    ``difference`` says so and ``standard_passed`` is the standard's verdict.
    """

    name: str
    passed: bool
    message: str
    difference: Difference | None = None

    @property
    def standard_passed(self) -> bool:
        """The Fetch standard's verdict on this check."""
        return self.difference.standard if self.difference is not None else self.passed

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "check": self.name,
            "passed": self.passed,
            "message": self.message,
        }
        if self.difference is not None:
            found["standard_passed"] = self.standard_passed
            found["difference"] = self.difference.as_dict()
        return found


def _values(headers: Mapping[str, str], name: str) -> list[str]:
    return [v.strip() for v in headers.get(name, "").split(",") if v.strip()]


def until_first_failure(checks: list[Check]) -> list[Check]:
    """Browsers stop at the first failing check and report that one."""
    for index, check in enumerate(checks):
        if not check.passed:
            return checks[: index + 1]
    return checks


def check_allow_origin(
    origin: str, credentials: bool, headers: Mapping[str, str], preflight: bool
) -> list[Check]:
    """The CORS check (https://fetch.spec.whatwg.org/#concept-cors-check):
    Access-Control-Allow-Origin and, with credentials, -Allow-Credentials.

    *headers* maps lower-cased response header names to values (repeated headers joined by
    ", ", as HTTP combines them). Checks are returned up to the first failure.
    """
    lead = "Response to preflight request doesn't pass access control check: " if preflight else ""
    allow_origin = headers.get("access-control-allow-origin")
    if allow_origin is None:
        result = Check(
            "Access-Control-Allow-Origin",
            False,
            f"{lead}No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        )
    elif "," in allow_origin:
        result = Check(
            "Access-Control-Allow-Origin",
            False,
            f"{lead}The 'Access-Control-Allow-Origin' header contains multiple values "
            f"'{allow_origin}', but only one is allowed.",
        )
    elif allow_origin == "*" and credentials:
        result = Check(
            "Access-Control-Allow-Origin",
            False,
            f"{lead}The value of the 'Access-Control-Allow-Origin' header in the response must "
            "not be the wildcard '*' when the request's credentials mode is 'include'.",
        )
    elif allow_origin not in ("*", origin):
        result = Check(
            "Access-Control-Allow-Origin",
            False,
            f"{lead}The 'Access-Control-Allow-Origin' header has a value '{allow_origin}' that "
            "is not equal to the supplied origin.",
        )
    else:
        result = Check("Access-Control-Allow-Origin", True, f"is {allow_origin!r}")
    checks = [result]
    if credentials:
        value = headers.get("access-control-allow-credentials", "")
        checks.append(
            Check("Access-Control-Allow-Credentials", True, "is 'true'")
            if value == "true"
            else Check(
                "Access-Control-Allow-Credentials",
                False,
                f"{lead}The value of the 'Access-Control-Allow-Credentials' header in the "
                f"response is '{value}' which must be 'true' when the request's credentials "
                "mode is 'include'.",
            )
        )
    return until_first_failure(checks)


def check_preflight(
    origin: str,
    method: str,
    header_names: list[str],
    credentials: bool,
    status: int,
    headers: Mapping[str, str],
) -> list[Check]:
    """The checks a browser runs on a preflight answer, in its order, up to the first failure
    (https://fetch.spec.whatwg.org/#cors-preflight-fetch, steps 7 and on)."""
    checks = [
        Check("status", True, f"{status} is an ok status")
        if 200 <= status <= 299
        else Check(
            "status",
            False,
            "Response to preflight request doesn't pass access control check: "
            f"It does not have HTTP ok status ({status}).",
        )
    ]
    checks += check_allow_origin(origin, credentials, headers, preflight=True)
    methods = _values(headers, "access-control-allow-methods")
    if method in SAFELISTED_METHODS or method in methods or ("*" in methods and not credentials):
        checks.append(Check("Access-Control-Allow-Methods", True, f"covers {method}"))
    else:
        checks.append(
            Check(
                "Access-Control-Allow-Methods",
                False,
                f"Method {method} is not allowed by Access-Control-Allow-Methods in preflight "
                "response.",
            )
        )
    allowed = {name.lower() for name in _values(headers, "access-control-allow-headers")}
    for name in header_names:
        check = f"Access-Control-Allow-Headers: {name}"
        if name in allowed:
            checks.append(Check(check, True, f"covers {name}"))
        elif "*" in allowed and not credentials and name == "authorization":
            # Step 10.8: a wildcard never covers Authorization; the engines disagree.
            difference = DIFFERENCES["acah-wildcard-authorization"]
            checks.append(
                Check(
                    check,
                    difference.engines_pass,
                    f"* does not cover authorization in the Fetch standard: "
                    f"{difference.verdict} ({difference.link})",
                    difference,
                )
            )
        elif "*" in allowed and not credentials:
            checks.append(Check(check, True, f"* covers {name}"))
        else:
            checks.append(
                Check(
                    check,
                    False,
                    f"Request header field {name} is not allowed by "
                    "Access-Control-Allow-Headers in preflight response.",
                )
            )
    return until_first_failure(checks)


#: The check an exchange fails when cross_origin_protection refused it: the write never ran.
REFUSED_WRITE: Final = Check(
    "cross-origin write",
    False,
    "the server refused the request (403) before the application ran: cross_origin_protection "
    "lets only origins the policy allows write from another site",
)
#: The check an exchange fails when allowed_hosts refused it.
REFUSED_HOST: Final = Check(
    "allowed host",
    False,
    "the server refused the request (403) before the application ran: allowed_hosts does not "
    "list the host the page reached it by (a DNS-rebinding page reaches it by the attacker's)",
)
#: The check an exchange fails when refuse_untrusted_origins refused it.
REFUSED_ORIGIN: Final = Check(
    "trusted origin",
    False,
    "the server refused the request (403) before the application ran: refuse_untrusted_origins "
    "refuses, on every method, each origin the policy neither allows nor counts as its own",
)
#: The failed check of each refusal the middleware answers itself, by reason code.
GUARD_CHECKS: Final[dict[str, Check]] = {
    Reason.CROSS_ORIGIN_REQUEST_REFUSED: REFUSED_WRITE,
    Reason.HOST_NOT_ALLOWED: REFUSED_HOST,
    Reason.ORIGIN_REFUSED: REFUSED_ORIGIN,
}


# -- explain and probe ----------------------------------------------------------------------------


def lowered(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Response headers by lower-cased name, repeated ones joined as HTTP combines them."""
    found: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        found[key] = f"{found[key]}, {value}" if key in found else value
    return found


@dataclass
class Exchange:
    """One request/response as the browser sees it, and the checks it ran."""

    request: str
    status: int
    headers: list[tuple[str, str]]
    checks: list[Check] = field(default_factory=list)
    reason: str = ""
    #: The core's decision, when the exchange was decided offline (``explain``).
    decision: Decision | None = field(default=None, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        """Every check passed, as browsers decide today."""
        return all(check.passed for check in self.checks)

    @property
    def exposes_response_headers(self) -> bool:
        """The middleware lists the response's own header names in
        ``Access-Control-Expose-Headers`` (``expose_headers="*"`` with credentials): every
        header the application sends is readable, which an offline answer cannot name."""
        return self.decision is not None and self.decision.expose_response_headers

    def as_dict(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "status": self.status,
            "headers": [list(h) for h in self.headers],
            "exposes_response_headers": self.exposes_response_headers,
            "checks": [check.as_dict() for check in self.checks],
            "passed": self.passed,
            **({"reason": self.reason} if self.reason else {}),
        }


@dataclass
class BrowserRequest:
    """What the page asks for, as a browser would send it."""

    origin: str
    #: As sent: normalised (``put`` becomes ``PUT``).
    method: str
    #: As the page sets them; a None value is unknown (see :func:`is_safelisted_header`).
    headers: list[tuple[str, str | None]]
    credentials: bool = False
    #: What the browser says in Sec-Fetch-Site; None when it sends none.
    fetch_site: str | None = ASSUMED_FETCH_SITE
    #: The page is on the server's own origin: no preflight, no CORS check.
    same_origin: bool = False

    #: The ``Host`` the requests carry (explain: None sends one the policy allows).
    host: str | None = None

    def actual_checks(self, headers: list[tuple[str, str]], *, refused_by: str) -> list[Check]:
        """The browser's checks of the actual request's response: none from the server's own
        origin; the failed one of :data:`GUARD_CHECKS` when *refused_by* (a reason code) says
        the middleware answered 403 itself."""
        checks = []
        if not self.same_origin:
            checks = check_allow_origin(
                self.origin, self.credentials, lowered(headers), preflight=False
            )
        guard = GUARD_CHECKS.get(refused_by)
        return [*checks, guard] if guard is not None else checks

    def site_headers(self) -> dict[str, str]:
        return {"Sec-Fetch-Site": self.fetch_site} if self.fetch_site else {}

    @property
    def page_headers(self) -> list[tuple[str, str | None]]:
        """The headers the page may set (forbidden ones are the browser's alone)."""
        return [(n, v) for n, v in self.headers if not is_forbidden_request_header(n, v)]

    @property
    def preflight_reasons(self) -> list[str]:
        """Why a preflight is sent first; empty when none is (always for same-origin)."""
        return [] if self.same_origin else preflight_reasons(self.method, self.page_headers)

    @property
    def unsafe_names(self) -> list[str]:
        return unsafe_header_names(self.page_headers)

    def preflight_headers(self) -> dict[str, str]:
        headers = preflight_request_headers(self.method, self.unsafe_names)
        return {"Origin": self.origin, **headers, **self.site_headers()}

    @property
    def sent_origin(self) -> str | None:
        """The ``Origin`` the actual request carries: none on a same-origin GET or HEAD
        (https://fetch.spec.whatwg.org/#append-a-request-origin-header: only CORS requests and
        methods other than GET and HEAD carry it)."""
        if self.same_origin and self.method in ("GET", "HEAD"):
            return None
        return self.origin

    def actual_headers(self) -> dict[str, str]:
        sent = {name: value or "x" for name, value in self.headers}
        has_type = any(name.lower() == "content-type" for name in sent)
        if self.method not in ("GET", "HEAD") and not has_type:
            sent["Content-Type"] = "text/plain;charset=UTF-8"  # what fetch() sends for a string
        origin = {"Origin": self.sent_origin} if self.sent_origin is not None else {}
        return {**sent, **origin, **self.site_headers()}


def explain_exchanges(decide: Decide, request: BrowserRequest, path: str) -> list[Exchange]:
    """The requests a browser sends for *request* to a server deciding with *decide*, each with
    the status and headers the middleware gives it and the browser's checks; the browser stops
    after a failed preflight. Each exchange carries its decision."""
    exchanges: list[Exchange] = []
    host = {} if request.host is None else {"HTTP_HOST": request.host}
    if request.preflight_reasons:
        decision = decide(
            request_facts("OPTIONS", request.origin, request.preflight_headers(), path) | host
        )
        status = 200 if decision.allowed else 403
        if decision.reason == Reason.NO_POLICY_FOR_PATH:
            status = 200  # the application answers; cors_wsgi adds nothing
        exchange = Exchange(
            f"OPTIONS {path} (preflight)", status, list(decision.headers), decision=decision
        )
        exchange.checks = check_preflight(
            request.origin, request.method, request.unsafe_names, request.credentials,
            status, lowered(exchange.headers),
        )  # fmt: skip
        exchange.reason = decision.reason + (f" {decision.detail}" if decision.detail else "")
        exchanges.append(exchange)
        if not exchange.passed:
            return exchanges
    facts = request_facts(request.method, request.sent_origin, request.site_headers(), path)
    decision = decide(facts | host)
    if request.same_origin and decision.reason not in GUARD_CHECKS:
        decision = as_same_origin(decision)
    # Refused by a guard (cross_origin_protection, allowed_hosts, refuse_untrusted_origins):
    # the middleware answers, the app never runs.
    status = decision.answer_code if decision.action is Action.ANSWER else 200
    exchange = Exchange(
        f"{request.method} {path}", status, list(decision.headers), decision=decision
    )
    exchange.checks = request.actual_checks(exchange.headers, refused_by=decision.reason)
    exchange.reason = decision.reason
    exchanges.append(exchange)
    return exchanges


def probe_exchanges(
    send: Send, request: BrowserRequest, path: str, *, preflight_only: bool = False
) -> list[Exchange]:
    """The requests a browser sends for *request*, sent with *send* (its errors propagate), and
    the browser's checks of the answers; the browser stops after a failed preflight.
    ``X-CORS-Reason`` (a cors_wsgi policy with ``debug``) becomes the exchange's reason."""
    debug_header = DEBUG_HEADER.lower()
    exchanges: list[Exchange] = []
    if request.preflight_reasons:
        status, headers = send("OPTIONS", request.preflight_headers())
        exchange = Exchange(f"OPTIONS {path} (preflight)", status, headers)
        exchange.checks = check_preflight(
            request.origin, request.method, request.unsafe_names, request.credentials,
            status, lowered(headers),
        )  # fmt: skip
        exchange.reason = lowered(headers).get(debug_header, "")
        exchanges.append(exchange)
        if preflight_only or not exchange.passed:
            return exchanges
    status, headers = send(request.method, request.actual_headers())
    exchange = Exchange(f"{request.method} {path}", status, headers)
    exchange.reason = lowered(headers).get(debug_header, "")
    exchange.checks = request.actual_checks(headers, refused_by=exchange.reason.split(" ")[0])
    exchanges.append(exchange)
    return exchanges


@dataclass(frozen=True)
class Outcome:
    """What the browser makes of a request's exchanges."""

    #: Allowed by browsers today (every check passed as the engines decide).
    allowed: bool
    #: Allowed by the Fetch standard.
    standard_allowed: bool
    #: The known differences met on the way.
    differences: tuple[Difference, ...]

    @property
    def verdict(self) -> str:
        """``allowed``, ``BLOCKED``, or where engines and standard differ, both verdicts."""
        if self.allowed != self.standard_allowed:
            return "; ".join(d.verdict for d in self.differences)
        return "allowed" if self.allowed else "BLOCKED"


def outcome(exchanges: list[Exchange]) -> Outcome:
    """The browser's verdict on *exchanges*, today's engines and the Fetch standard."""
    checks = [check for exchange in exchanges for check in exchange.checks]
    differences = tuple(dict.fromkeys(c.difference for c in checks if c.difference is not None))
    return Outcome(
        all(check.passed for check in checks),
        all(check.standard_passed for check in checks),
        differences,
    )


def smallest_fix(
    request: BrowserRequest, decision: Decision, policy: Options | None, path: str
) -> str:
    """The one config change that would let this request through (or why none will)."""
    reason = decision.reason
    if reason == Reason.NO_POLICY_FOR_PATH or policy is None:
        return f"add a [cors:{path}] section (or a pattern covering {path})"
    if reason == Reason.INVALID_ORIGIN or not is_serialized_origin(request.origin):
        return (
            f"none: {request.origin!r} is not an origin a browser sends "
            f"({explain_bad_origin(request.origin)})"
        )
    if reason == Reason.ORIGIN_NOT_ALLOWED:
        if request.origin == "null" and policy.allow_credentials:
            return "none that is safe: null cannot be allowed together with credentials"
        if policy.allow_origin_func is not None:
            name = describe_function(policy.allow_origin_func)
            return f"add {request.origin} to allow_origins, or let {name} allow it"
        return f"add {request.origin} to allow_origins"
    if reason == Reason.ORIGIN_CHECK_FAILED:
        name = describe_function(policy.allow_origin_func)
        return f"none in the policy: {name} failed for this origin (its ERROR log line says why)"
    if reason == Reason.ORIGIN_CHECK_BUSY:
        name = describe_function(policy.allow_origin_func)
        return (
            f"none in the policy: {name} had origin_func_concurrency calls in flight (its "
            "WARNING log line says so); make it faster, or raise origin_func_concurrency"
        )
    if reason == Reason.HOST_NOT_ALLOWED:
        return (
            f"add {request.host or 'the host the page reaches the server by'} to allowed_hosts, "
            "if it is a name this server is really reached by (a DNS-rebinding page's is not)"
        )
    if reason == Reason.ORIGIN_REFUSED:
        return (
            f"add {request.origin} to allow_origins, or (a page of the server's own) its host "
            "and port to allowed_hosts: refuse_untrusted_origins refuses every other origin"
        )
    if reason == Reason.CROSS_ORIGIN_REQUEST_REFUSED:
        return (
            f"add {request.origin} to allow_origins, or turn cross_origin_protection off for "
            f"{path} (a path that must accept cross-site writes, such as a webhook)"
        )
    if reason == Reason.METHOD_NOT_ALLOWED:
        return f"add {decision.detail} to allow_methods"
    if reason == Reason.HEADER_NOT_ALLOWED:
        return f"add {decision.detail} to allow_headers"
    if request.credentials and not policy.allow_credentials:
        if policy.allow_any_origin:
            origin = request.origin
            return f"replace * in allow_origins by {origin}; set allow_credentials = true"
        return "set allow_credentials = true"
    return "none found: the policy allows this request"


#: How many of the page's headers ``probe`` tries one by one on a quiet refusal.
DIAGNOSIS_HEADER_LIMIT: Final = 8
#: Request headers cors_wsgi allows in every preflight: never the culprit it names.
_NEVER_REFUSED: Final = frozenset(name.lower() for name in ALWAYS_ALLOWED_HEADERS)


def diagnose_refused_preflight(send: Send, request: BrowserRequest) -> str:
    """The fix for a preflight refused without a reason (a server without ``debug``), found by
    sending a few preflights of its own: for GET alone (the origin), for the method alone, then
    the method with each of the page's headers in turn (at most
    :data:`DIAGNOSIS_HEADER_LIMIT`). Says plainly when that cannot tell."""

    def passes(method: str, names: list[str]) -> bool:
        headers = {"Origin": request.origin, **preflight_request_headers(method, names)}
        status, answer = send("OPTIONS", {**headers, **request.site_headers()})
        checks = check_preflight(
            request.origin, method, names, request.credentials, status, lowered(answer)
        )
        return all(check.passed for check in checks)

    method = request.method
    if not passes(method, []):
        if method != "GET" and passes("GET", []):
            return (
                f"add {method} to the server's allow_methods (found by probe: a preflight for "
                f"{method} alone was refused, one for GET passed)"
            )
        return (
            f"add {request.origin} to the server's allow_origins (found by probe: even a "
            f"preflight for GET alone from {request.origin} was refused"
            + (", with credentials" if request.credentials else "")
            + ")"
        )
    suspects = [name for name in request.unsafe_names if name.lower() not in _NEVER_REFUSED]
    tried = suspects[:DIAGNOSIS_HEADER_LIMIT]
    refused = [name for name in tried if not passes(method, [name])]
    if refused:
        written = {name.lower(): name for name, _ in request.page_headers}  # as the page wrote
        names = ", ".join(written.get(name, name) for name in refused)
        return (
            f"add {names} to the server's allow_headers (found by probe: a "
            f"preflight for {method} with each of them alone was refused)"
        )
    untried = len(suspects) - len(tried)
    return (
        "unknown: the server did not say why it refused the preflight"
        + (f" ({untried} of the page's headers were not tried one by one)" if untried else "")
        + "; turn on debug in its cors_wsgi policy to get X-CORS-Reason, or run "
        "python -m cors_wsgi explain with its configuration"
    )


def server_fix(reason: str, origin: str) -> str:
    """The fix a refused preflight's ``X-CORS-Reason`` (``method_not_allowed PUT``) points to."""
    code, _, detail = reason.partition(" ")
    fixes = {
        Reason.ORIGIN_NOT_ALLOWED: f"add {origin} to the server's allow_origins",
        Reason.INVALID_ORIGIN: "none: the server says the origin is not one browsers send",
        Reason.METHOD_NOT_ALLOWED: f"add {detail} to the server's allow_methods",
        Reason.HEADER_NOT_ALLOWED: f"add {detail} to the server's allow_headers",
        Reason.CROSS_ORIGIN_REQUEST_REFUSED: f"add {origin} to the server's allow_origins, "
        "or turn cross_origin_protection off for this path",
        Reason.HOST_NOT_ALLOWED: "add the URL's host to the server's allowed_hosts, if the "
        "server is really reached by that name",
        Reason.ORIGIN_REFUSED: f"add {origin} to the server's allow_origins "
        "(refuse_untrusted_origins refuses every other origin before the application)",
    }
    found = next((fix for known, fix in fixes.items() if known == code), "")
    return f"{found} (the server refused it: {reason})" if found else ""
