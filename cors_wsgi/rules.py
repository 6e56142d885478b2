"""The server's side of the CORS protocol, as pure functions over text: a policy and the facts
of one request in, a :class:`~cors_wsgi.decision.Decision` out. No cache, no WSGI, no ASGI.

:func:`decide` is the whole rule, top to bottom; :mod:`.memo` remembers its results and calls
the same functions on a miss. Each branch cites the step of the Fetch standard
(https://fetch.spec.whatwg.org/#http-cors-protocol) or of Fetch Metadata
(https://w3c.github.io/webappsec-fetch-metadata/) it implements; the two guards in front of
CORS (``allowed_hosts``, ``refuse_untrusted_origins``) cite why they refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .decision import DEBUG_HEADER, VARY_ORIGIN, Decision, Header, Reason
from .options import ANY, TOKEN
from .origin_func import Verdict
from .origins import MAX_ORIGIN_LENGTH, server_origin

if TYPE_CHECKING:
    from .options import Options

__all__ = [
    "MAX_REQUEST_HEADERS_LENGTH",
    "SAFE_METHODS",
    "TRUSTED_SITES",
    "UNTRUSTED_REASONS",
    "Request",
    "by_fixed_entries",
    "by_function",
    "decide",
    "decide_preflight",
    "guard_origin",
    "is_own_origin",
    "is_preflight",
    "make_decision",
    "no_origin",
    "protect_write",
    "refused",
    "refused_host",
    "refused_origin",
    "refused_write",
    "refuses_host",
    "refuses_site",
    "refuses_write",
    "same_origin",
]

#: Longest ``Access-Control-Request-Headers`` value considered; longer ones are refused, which
#: bounds the work a hostile preflight can cause. Browsers send far less.
MAX_REQUEST_HEADERS_LENGTH: Final = 8192
#: Methods cross_origin_protection lets through: they must not change state (RFC 9110, 9.2.1).
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
#: Sec-Fetch-Site values that pass cross_origin_protection whatever the Origin: the page's own
#: origin, or no page at all (typed in the address bar, a bookmark).
TRUSTED_SITES: Final = frozenset({"same-origin", "none"})
#: The decisions of a request whose ``Origin`` the policy does not allow (``same_origin``
#: included: it may rest on ``Host`` or ``Sec-Fetch-Site``, which a rebound page controls).
#: Under ``refuse_untrusted_origins`` each is refused unless :func:`is_own_origin` says so.
UNTRUSTED_REASONS: Final = frozenset(
    {
        Reason.INVALID_ORIGIN,
        Reason.ORIGIN_NOT_ALLOWED,
        Reason.ORIGIN_CHECK_FAILED,
        Reason.ORIGIN_CHECK_BUSY,
        Reason.SAME_ORIGIN,
        Reason.CROSS_ORIGIN_REQUEST_REFUSED,
    }
)


@dataclass(frozen=True, slots=True)
class Request:
    """The facts of one request that the rules read, as text (header values as sent)."""

    method: str
    #: ``Origin``, or None when absent.
    origin: str | None = None
    #: ``Access-Control-Request-Method``, ``-Request-Headers`` (raw), ``-Request-Private-Network``.
    request_method: str | None = None
    request_headers: str = ""
    private_network: bool = False
    #: ``Sec-Fetch-Site``, or None when absent.
    fetch_site: str | None = None
    #: ``Host`` ("" when absent; for allowed_hosts and write protection) and the server's own
    #: origin (None when unknown).
    host: str = ""
    server_origin: str | None = None


def decide(policy: Options, request: Request, verdict: Verdict | None = None) -> Decision:
    """The decision for *request* under *policy*; *verdict* is what ``allow_origin_func`` said
    of the request's origin, when it has been asked (``origin_func_pending`` until then)."""
    if refuses_host(policy, request.host):
        return refused_host(policy)
    origin = request.origin
    if origin is None:
        # Not a CORS request: https://fetch.spec.whatwg.org/#http-requests
        decision = no_origin(policy)
    elif is_preflight(request):
        # A preflight is OPTIONS, a safe method: write protection never applies.
        decision = decide_preflight(
            policy,
            origin,
            request.request_method or "",
            request.request_headers,
            request.private_network,
            verdict,
        )
        return guard_origin(policy, decision, request)
    else:
        decision = by_fixed_entries(policy, origin)
        if decision.reason is Reason.ORIGIN_NOT_ALLOWED:
            if is_same_origin(request):
                decision = same_origin(policy)
            elif policy.allow_origin_func is not None:
                decision = by_function(policy, origin, verdict)
        decision = guard_origin(policy, decision, request)
        if decision.reason is Reason.ORIGIN_REFUSED:
            return decision
    if policy.cross_origin_protection:
        decision = protect_write(policy, decision, request.method, request.fetch_site, origin,
                                 request.host)  # fmt: skip
    return decision


def refuses_host(policy: Options, host: str) -> bool:
    """``allowed_hosts``: True when *host* (the ``Host`` value, "" when absent) matches no
    entry. A DNS-rebinding page is same-origin to the browser (the attacker's name now resolves
    to this server), so neither CORS nor Fetch Metadata stops its reads; but the browser names
    the attacker's host in ``Host`` (https://www.rfc-editor.org/rfc/rfc9110#section-7.2), which
    a list of the server's own names refuses. ``X-Forwarded-Host`` is not read: any client
    sets it."""
    matcher = policy.host_matcher
    return matcher is not None and not matcher.allows_host(host)


def refused_host(policy: Options) -> Decision:
    """A request refused by ``allowed_hosts``: answered 403 here, the application never runs."""
    return make_decision(policy, Reason.HOST_NOT_ALLOWED, _vary(policy))


def guard_origin(policy: Options, decision: Decision, request: Request) -> Decision:
    """``refuse_untrusted_origins``: *decision*, or ``origin_refused`` when the request's
    ``Origin`` is present, not allowed by the policy (*decision* says) and not the server's
    own. The Model Context Protocol requires it of MCP servers: "Servers MUST validate the
    Origin header on all incoming connections to prevent DNS rebinding attacks. If the Origin
    header is present and invalid, servers MUST respond with HTTP 403 Forbidden" (https://
    modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http). CORS alone
    lets the application run and only hides the answer, which does not protect a GET with
    side effects, an event stream or a WebSocket."""
    if (
        policy.refuse_untrusted_origins
        and decision.reason in UNTRUSTED_REASONS
        and not is_own_origin(policy, request)
    ):
        return refused_origin(policy)
    return decision


def is_own_origin(policy: Options, request: Request) -> bool:
    """Whether the request's ``Origin`` is the server's own, for ``refuse_untrusted_origins``.
    With ``allowed_hosts``, its host and port must match an entry: never "equals the request's
    ``Host``", which a rebound page controls (its ``Origin`` and ``Host`` both name the
    attacker). Without, :func:`is_same_origin`."""
    matcher = policy.host_matcher
    if matcher is not None:
        return request.origin is not None and matcher.allows_origin(request.origin)
    return is_same_origin(request)


def refused_origin(policy: Options) -> Decision:
    """A request refused by ``refuse_untrusted_origins``: answered 403 here, whatever the
    method (a preflight included), the application never runs."""
    return make_decision(policy, Reason.ORIGIN_REFUSED, _vary(policy))


def is_preflight(request: Request) -> bool:
    """``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``; any other ``OPTIONS``
    is an ordinary request. https://fetch.spec.whatwg.org/#cors-preflight-request"""
    return (
        request.method == "OPTIONS"
        and request.origin is not None
        and request.request_method is not None
    )


def is_same_origin(request: Request) -> bool:
    """A request from the server's own origin: browsers send ``Origin`` on same-origin writes
    too, and such a request needs no CORS headers. The browser's own word first, since a proxy
    cannot confuse it the way it can ``Host``
    (https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header)."""
    return request.fetch_site == "same-origin" or (
        request.server_origin is not None and request.origin == request.server_origin
    )


def no_origin(policy: Options) -> Decision:
    """A request without ``Origin``. Under a fixed ``*`` the static headers are sent on every
    response, CORS or not, and without ``Vary``, so a cached non-CORS answer serves a later
    fetch: https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches"""
    if policy.allow_any_origin:
        static = (("Access-Control-Allow-Origin", ANY), *policy.actual_extra)
        return make_decision(policy, Reason.NO_ORIGIN, static)
    return make_decision(policy, Reason.NO_ORIGIN, _vary(policy))


def same_origin(policy: Options) -> Decision:
    """A request from the server's own origin: no CORS headers needed, and no refusal."""
    return make_decision(policy, Reason.SAME_ORIGIN, _vary(policy))


def by_fixed_entries(policy: Options, origin: str) -> Decision:
    """An actual request's decision by the policy's fixed entries alone: allowed,
    ``invalid_origin`` or ``origin_not_allowed`` (which same origin or the function may turn)."""
    allowed = policy.matcher.match(origin)
    if allowed:
        return allowed_actual(policy, origin)
    return refused(policy, Reason.ORIGIN_NOT_ALLOWED if allowed is False else Reason.INVALID_ORIGIN)


def by_function(policy: Options, origin: str, verdict: Verdict | None) -> Decision:
    """An origin the fixed entries refuse, left to ``allow_origin_func``: pending until asked.
    ``null`` is opaque and only ever allowed by listing it, so it is never asked about."""
    if origin == "null":
        return refused(policy, Reason.ORIGIN_NOT_ALLOWED)
    if verdict is None:
        return make_decision(policy, Reason.ORIGIN_FUNC_PENDING, _vary(policy))
    if verdict is Verdict.ALLOW:
        return allowed_actual(policy, origin)
    if verdict is Verdict.FAIL:
        return refused(policy, Reason.ORIGIN_CHECK_FAILED)
    if verdict is Verdict.BUSY:
        return refused(policy, Reason.ORIGIN_CHECK_BUSY)
    return refused(policy, Reason.ORIGIN_NOT_ALLOWED)


def allowed_actual(policy: Options, origin: str) -> Decision:
    """The headers of an allowed actual request: https://fetch.spec.whatwg.org/#http-responses
    (``Access-Control-Allow-Origin`` is the origin, or ``*``)."""
    allow_origin = ANY if policy.allow_any_origin else origin
    return make_decision(
        policy,
        Reason.ALLOWED,
        (("Access-Control-Allow-Origin", allow_origin), *policy.actual_extra),
        # Browsers take "*" literally in Access-Control-Expose-Headers on credentialed
        # requests: the response's own header names are listed instead.
        expose_response_headers=policy.allow_credentials and policy.expose_headers == ANY,
    )


def refused(policy: Options, reason: Reason) -> Decision:
    """An actual request refused for its origin: the application answers, without CORS
    headers, so the browser withholds the response from the page."""
    return make_decision(policy, reason, _vary(policy))


def decide_preflight(
    policy: Options,
    origin: str,
    request_method: str,
    request_headers: str = "",
    private_network: bool = False,
    verdict: Verdict | None = None,
) -> Decision:
    """A preflight, as the server answers it: https://fetch.spec.whatwg.org/#cors-preflight-fetch
    (*request_headers* is the raw ``Access-Control-Request-Headers`` value)."""
    if len(origin) > MAX_ORIGIN_LENGTH:
        return _refuse_preflight(policy, Reason.INVALID_ORIGIN, "(value too long)")
    if len(request_headers) > MAX_REQUEST_HEADERS_LENGTH:
        return _refuse_preflight(policy, Reason.HEADER_NOT_ALLOWED, "(value too long)")
    allowed = policy.matcher.match(origin)
    if allowed is None:
        return _refuse_preflight(policy, Reason.INVALID_ORIGIN)
    if not allowed:
        # A preflight never comes from the page's own origin: no same-origin case here.
        if policy.allow_origin_func is None or origin == "null":
            return _refuse_preflight(policy, Reason.ORIGIN_NOT_ALLOWED)
        if verdict is None:
            return make_decision(policy, Reason.ORIGIN_FUNC_PENDING, _vary(policy))
        if verdict is not Verdict.ALLOW:
            failed = verdict is Verdict.FAIL
            reason = Reason.ORIGIN_CHECK_FAILED if failed else Reason.ORIGIN_NOT_ALLOWED
            return _refuse_preflight(policy, reason)
    methods = policy.method_set
    # https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7: the method must be a token,
    # allowed by name (case-sensitive: browsers upper-case only the six normalised methods).
    if not TOKEN.fullmatch(request_method) or (
        methods is not None and request_method not in methods
    ):
        return _refuse_preflight(policy, Reason.METHOD_NOT_ALLOWED, request_method)
    # "get, decode, and split" the header list: lower-case names, empty items dropped.
    requested = [n for n in (p.strip().lower() for p in request_headers.split(",")) if n]
    allowed_headers = policy.header_set
    for name in requested:
        if not TOKEN.fullmatch(name) or (
            allowed_headers is not None and name not in allowed_headers
        ):
            return _refuse_preflight(policy, Reason.HEADER_NOT_ALLOWED, name)

    headers: list[Header] = [
        ("Access-Control-Allow-Origin", ANY if policy.allow_any_origin else origin),
        *policy.preflight_extra,
    ]
    if methods is None:
        headers.append(("Access-Control-Allow-Methods", request_method))
    if allowed_headers is None and requested:
        # Echo the names rather than send "*": a literal "*" never covers Authorization per
        # the standard and means nothing to browsers on credentialed requests.
        headers.append(("Access-Control-Allow-Headers", ", ".join(requested)))
    if private_network and policy.allow_private_network:
        # No current engine asks any more; when the option is off the preflight is answered
        # as any other, since a 403 turned Chrome 104-141's PNA warning into a failure.
        headers.append(("Access-Control-Allow-Private-Network", "true"))
    headers.append(("Vary", policy.preflight_vary))
    return make_decision(policy, Reason.ALLOWED, tuple(headers), preflight=True)


def protect_write(
    policy: Options,
    decision: Decision,
    method: str,
    fetch_site: str | None,
    origin: str | None,
    host: str,
) -> Decision:
    """``cross_origin_protection``: *decision*, or the refusal of a cross-origin write that
    :func:`refuses_write` refuses before the application runs."""
    if refuses_write(decision, method, fetch_site, origin, host):
        return refused_write(policy)
    return decision


def refuses_write(
    decision: Decision, method: str, fetch_site: str | None, origin: str | None, host: str
) -> bool:
    """True when ``cross_origin_protection`` refuses this request (*decision* is its CORS one).

    Go's ``net/http.CrossOriginProtection`` rules with Fetch Metadata
    (https://w3c.github.io/webappsec-fetch-metadata/): safe methods pass; with
    ``Sec-Fetch-Site``, ``same-origin`` and ``none`` pass; without it, no ``Origin`` or an
    ``Origin`` naming the request's ``Host`` passes; an origin the policy allows passes.
    """
    if decision.allowed or method in SAFE_METHODS:
        return False
    if decision.reason is Reason.ORIGIN_FUNC_PENDING:
        return False  # decided again once the function has answered
    if fetch_site is not None:
        return refuses_site(fetch_site)
    if origin is None or decision.reason is Reason.SAME_ORIGIN:
        return False
    # Host and port are the request's Host; the scheme is the Origin's own (a plain-http
    # Origin naming this host passes, as in Go).
    return origin != server_origin(origin.partition("://")[0], host)


def refuses_site(fetch_site: str) -> bool:
    """With ``Sec-Fetch-Site``, a write passes from the page's own origin (``same-origin``) or
    from no page at all (``none``): https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header"""
    return fetch_site not in TRUSTED_SITES


def refused_write(policy: Options) -> Decision:
    """A write refused by ``cross_origin_protection``: answered 403 here, the application never
    runs."""
    return make_decision(policy, Reason.CROSS_ORIGIN_REQUEST_REFUSED, _vary(policy))


def make_decision(
    policy: Options,
    reason: Reason,
    headers: tuple[Header, ...],
    *,
    preflight: bool = False,
    detail: str = "",
    expose_response_headers: bool = False,
) -> Decision:
    """A decision under *policy*, with the debug header when the policy asks for it."""
    if policy.debug:
        # Only a method or header name (a token) may follow the code: never the Origin.
        shown = f"{reason} {detail}" if detail and TOKEN.fullmatch(detail) else str(reason)
        headers = (*headers, (DEBUG_HEADER, shown))
    return Decision(
        reason,
        headers,
        preflight,
        detail,
        expose_response_headers,
        policy.keep_app_cors_headers and not preflight,  # a preflight is the policy's alone
        preflight and policy.preflight_continue,
    )


def _vary(policy: Options) -> tuple[Header, ...]:
    return (VARY_ORIGIN,) if policy.varies_by_origin else ()


def _refuse_preflight(policy: Options, reason: Reason, detail: str = "") -> Decision:
    # Fetch: "the 403 status can be used, coupled with omitting the relevant headers".
    vary = (("Vary", policy.preflight_vary),)
    return make_decision(policy, reason, vary, preflight=True, detail=detail)
