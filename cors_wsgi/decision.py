"""Deciding: one policy's answer to one request, as a :class:`Decision` with a stable reason.

:class:`PolicyDecider` holds the decisions of one :class:`~cors_wsgi.CORSPolicy` and the two
bounded caches that make repeated origins cheap. It knows nothing of WSGI or ASGI: request
facts in (strings), decision out. Steps cite the Fetch standard's CORS protocol,
https://fetch.spec.whatwg.org/#http-cors-protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from .options import ANY, TOKEN
from .origin_func import ORIGIN_VERDICT, OriginFunc, Verdict
from .origins import MAX_ORIGIN_LENGTH, server_origin

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from .policy import CORSPolicy

__all__ = [
    "DEBUG_HEADER",
    "DECISION_CACHE_SIZE",
    "MAX_CACHED_REQUEST_HEADERS",
    "MAX_REQUEST_HEADERS_LENGTH",
    "NO_POLICY_FOR_PATH",
    "Decision",
    "Header",
    "PolicyDecider",
    "Reason",
    "encode_headers",
]

Header = tuple[str, str]

#: Longest ``Access-Control-Request-Headers`` value considered; longer ones are refused, which
#: bounds the work a hostile preflight can cause. Browsers send far less.
MAX_REQUEST_HEADERS_LENGTH: Final = 8192

#: Distinct origins (and preflight shapes) whose decisions each :class:`PolicyDecider`
#: remembers. Bounded so that a client inventing origins cannot grow memory: the origin cache
#: is emptied when full, the preflight cache drops its least recently used entry.
DECISION_CACHE_SIZE: Final = 1024

#: Preflights asking for more than this many characters of headers are decided afresh each
#: time rather than remembered, which bounds the preflight cache to about 1.3 MB.
MAX_CACHED_REQUEST_HEADERS: Final = 1024

#: Distinct ``Host`` values whose serialized server origin is remembered, for telling a
#: same-origin request from a refused one. Servers answer to few names; bounded all the same.
SERVER_ORIGIN_CACHE_SIZE: Final = 64

DEBUG_HEADER: Final = "X-CORS-Reason"
#: The headers of an answer with an empty body.
EMPTY_BODY: Final[tuple[Header, ...]] = (("Content-Type", "text/plain"), ("Content-Length", "0"))
VARY_ORIGIN: Final[Header] = ("Vary", "Origin")


class Reason(str, Enum):
    """Stable reason codes carried by every :class:`Decision` (documented in README.md).

    Members are strings: ``Reason.ALLOWED == "allowed"``, and they print as their value.
    """

    #: CORS headers granted.
    ALLOWED = "allowed"
    #: No ``Origin`` header: not a CORS request; only ``Vary: Origin`` is added (under a fixed
    #: ``*``, the static ``Access-Control-Allow-Origin: *`` instead).
    NO_ORIGIN = "no_origin"
    #: The request's own origin: a same-origin request needs no CORS headers.
    SAME_ORIGIN = "same_origin"
    #: Per-path policies are configured and none matches the path: untouched.
    NO_POLICY_FOR_PATH = "no_policy_for_path"
    #: Refusals. ``Origin`` is not an origin as browsers send them (checked before matching).
    INVALID_ORIGIN = "invalid_origin"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    #: The preflight asks for a method (the detail) that the policy does not allow.
    METHOD_NOT_ALLOWED = "method_not_allowed"
    #: The preflight asks for a request header (the detail) that the policy does not allow.
    HEADER_NOT_ALLOWED = "header_not_allowed"
    #: ``allow_origin_func`` raised, or returned something other than True or False.
    ORIGIN_CHECK_FAILED = "origin_check_failed"
    #: ``cross_origin_protection``: a cross-origin write (POST, PUT, ...) from an origin the
    #: policy does not allow; answered 403 without calling the application.
    CROSS_ORIGIN_REQUEST_REFUSED = "cross_origin_request_refused"
    #: Never an answer: ``allow_origin_func`` must be asked first (``Decision.ask``); the
    #: adapter asks it, puts the verdict among the request facts and decides again.
    ORIGIN_FUNC_PENDING = "origin_func_pending"

    def __str__(self) -> str:  # "allowed", not "Reason.ALLOWED", in messages and logs
        return self.value

    def __format__(self, spec: str) -> str:
        return self.value.__format__(spec)


#: The codes that are refusals (logged at DEBUG on the ``cors_wsgi`` logger).
REFUSALS: Final = frozenset(
    {
        Reason.INVALID_ORIGIN,
        Reason.ORIGIN_NOT_ALLOWED,
        Reason.METHOD_NOT_ALLOWED,
        Reason.HEADER_NOT_ALLOWED,
        Reason.ORIGIN_CHECK_FAILED,
        Reason.CROSS_ORIGIN_REQUEST_REFUSED,
    }
)


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one request under one policy: an immutable value.

    ``headers`` are the CORS response headers to add, ``Vary`` included (merged with the
    application's own ``Vary``). ``expose_response_headers`` asks for the response's own header
    names in ``Access-Control-Expose-Headers`` (``expose_headers="*"`` with credentials, where
    browsers do not honour a literal ``*``). ``keep_app_cors_headers``: the response's own
    ``Access-Control-*`` headers, if any, stand and ``headers`` (but ``Vary``) are not added.
    ``preflight_continue``: a preflight the application answers, with ``headers`` added.
    ``ask``: for ``origin_func_pending`` only, the ``allow_origin_func`` to ask.

    Derived when the value is made (so :func:`dataclasses.replace` keeps them right):
    ``cors_headers`` (all but ``Vary``), ``vary`` (its value, or "") and ``refused``.
    """

    allowed: bool
    reason: Reason
    headers: tuple[Header, ...] = ()
    preflight: bool = False
    detail: str = ""
    expose_response_headers: bool = False
    keep_app_cors_headers: bool = False
    preflight_continue: bool = False
    ask: OriginFunc | None = field(default=None, repr=False, compare=False)
    cors_headers: tuple[Header, ...] = field(init=False, repr=False, compare=False)
    vary: str = field(init=False, repr=False, compare=False)
    refused: bool = field(init=False, repr=False, compare=False)
    #: True for the common case: the application answers and the headers are simply added
    #: (not refused, not a preflight, not unrouted, no response header names to list, no
    #: function to ask first).
    plain: bool = field(init=False, repr=False, compare=False)
    #: Answered by the middleware itself, without calling the application: a preflight (unless
    #: ``preflight_continue``), or a cross-origin write refused by ``cross_origin_protection``.
    answered_here: bool = field(init=False, repr=False, compare=False)
    #: When ``answered_here``: the middleware's own answer, status line and headers (body
    #: empty).
    answer_code: int = field(init=False, repr=False, compare=False)
    answer_status: str = field(init=False, repr=False, compare=False)
    answer_headers: tuple[Header, ...] = field(init=False, repr=False, compare=False)
    #: ``headers`` and ``answer_headers`` as byte pairs with lower-case names, encoded once
    #: (ASGI and HTTP/2 want them so; values are latin-1, as every header value here is).
    wire_headers: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False, compare=False)
    wire_answer_headers: tuple[tuple[bytes, bytes], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: derived fields are set once, here
        set_(self, "cors_headers", tuple(h for h in self.headers if h[0] != "Vary"))
        set_(self, "vary", next((value for name, value in self.headers if name == "Vary"), ""))
        set_(self, "refused", self.reason in REFUSALS)
        set_(
            self,
            "plain",
            not (
                self.refused
                or self.preflight
                or self.expose_response_headers
                or self.reason == "no_policy_for_path"
                or self.ask is not None
            ),
        )
        set_(
            self,
            "answered_here",
            (self.preflight and not self.preflight_continue)
            or self.reason == Reason.CROSS_ORIGIN_REQUEST_REFUSED,
        )
        # 200 with an explicit empty body rather than 204: waitress, the Werkzeug dev server,
        # meinheld and uWSGI's router close the keep-alive connection after every 204. A
        # refusal is a 403: Fetch, "the 403 status can be used, coupled with omitting the
        # relevant headers".
        set_(self, "answer_code", 200 if self.allowed else 403)
        set_(self, "answer_status", "200 OK" if self.allowed else "403 Forbidden")
        set_(self, "answer_headers", (*self.headers, *EMPTY_BODY) if self.answered_here else ())
        set_(self, "wire_headers", encode_headers(self.headers))
        set_(self, "wire_answer_headers", encode_headers(self.answer_headers))


def encode_headers(headers: tuple[Header, ...]) -> tuple[tuple[bytes, bytes], ...]:
    """Header pairs as bytes with lower-case names (latin-1, as HTTP header values are)."""
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
    )


_NOT_ALLOWED: Final = Reason.ORIGIN_NOT_ALLOWED  # an Enum attribute lookup costs ~50 ns
_SAME_ORIGIN: Final = Reason.SAME_ORIGIN
_ALLOW: Final = Verdict.ALLOW
_FAIL: Final = Verdict.FAIL

_TRUE: Final = ("true", b"true")
_SAME_ORIGIN_SITE: Final = ("same-origin", b"same-origin")
#: Sec-Fetch-Site values that pass cross_origin_protection whatever the Origin: the page's own
#: origin, or no page at all (typed in the address bar, a bookmark).
_TRUSTED_SITES: Final = ("same-origin", "none", b"same-origin", b"none")
#: Methods cross_origin_protection lets through: they must not change state (RFC 9110, 9.2.1).
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def _text(value: str | bytes) -> str:
    """A header value as text: bytes are latin-1, as HTTP header values are."""
    return value if isinstance(value, str) else value.decode("latin-1")


#: What requests on paths without a policy get: nothing.
NO_POLICY_FOR_PATH: Final = Decision(False, Reason.NO_POLICY_FOR_PATH)


class PolicyDecider:
    """Decides requests under one policy, remembering decisions per origin and per preflight.

    Thread-safe: the caches are plain dict and ``lru_cache`` operations, and a decision is
    the same whichever thread computes it. Each instance owns its caches, bounded by
    :data:`DECISION_CACHE_SIZE`; nothing is shared between instances.
    """

    __slots__ = (
        "_actual",
        "_allowed_by_func",
        "_preflight",
        "_refused_actual",
        "_server_origins",
        "cross_origin_refused",
        "decide_now",
        "no_origin",
        "origin_func",
        "pending",
        "policy",
        "same_origin",
    )

    def __init__(self, policy: CORSPolicy) -> None:
        self.policy = policy
        vary = (VARY_ORIGIN,) if policy.varies_by_origin else ()
        if policy.allow_any_origin:
            # Fetch, "CORS protocol and HTTP caches": a static "*" is sent on every response,
            # CORS or not, and without Vary, so a cached non-CORS answer serves a later fetch.
            # https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
            static = (("Access-Control-Allow-Origin", ANY), *policy.actual_extra)
            self.no_origin = self._decision(False, Reason.NO_ORIGIN, static)
        else:
            self.no_origin = self._decision(False, Reason.NO_ORIGIN, vary)
        self.same_origin = self._decision(False, Reason.SAME_ORIGIN, vary)
        self._refused_actual = {
            reason: self._decision(False, reason, vary)
            for reason in (
                Reason.INVALID_ORIGIN,
                Reason.ORIGIN_NOT_ALLOWED,
                Reason.ORIGIN_CHECK_FAILED,
            )
        }
        self._actual: dict[str | bytes, Decision] = {}  # by Origin, as text or as bytes
        #: ``allow_origin_func`` with its remembered answers, and what asking it looks like.
        self.origin_func: OriginFunc | None = None
        self.pending: Decision | None = None
        if policy.allow_origin_func is not None:
            self.origin_func = OriginFunc(
                policy.allow_origin_func, policy.origin_func_cache_seconds
            )
            self.pending = Decision(False, Reason.ORIGIN_FUNC_PENDING, vary, ask=self.origin_func)
        self.cross_origin_refused = self._decision(False, Reason.CROSS_ORIGIN_REQUEST_REFUSED, vary)
        #: What the core calls for each request: :meth:`decide`, or under
        #: ``cross_origin_protection`` :meth:`decide_protected` (chosen once: free when off).
        self.decide_now = self.decide_protected if policy.cross_origin_protection else self.decide
        # Allowed by the function: the decision depends only on the origin, so it is kept
        # (bounded) while the function's answer, which may change, is kept for its TTL only.
        self._allowed_by_func: dict[str, Decision] = {}
        self._preflight = lru_cache(DECISION_CACHE_SIZE)(self._decide_preflight)
        # Host (None when absent) -> (scheme, the server's origin in the Host's type)
        self._server_origins: dict[str | bytes | None, tuple[str, str | bytes]] = {}

    def decide(self, facts: Mapping[str, Any]) -> Decision:
        """Decide the request described by request *facts* (see :mod:`cors_wsgi.core`).

        Header values are strings, or latin-1 bytes as ASGI carries them: decisions are then
        remembered under the bytes too, so a repeated origin is never decoded again.
        """
        origin = facts.get("HTTP_ORIGIN")
        if origin is None:  # not a CORS request
            return self.no_origin
        if facts["REQUEST_METHOD"] == "OPTIONS":
            request_method = facts.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
            # https://fetch.spec.whatwg.org/#cors-preflight-request: OPTIONS with Origin and
            # Access-Control-Request-Method. Any other OPTIONS is an ordinary request.
            if request_method is not None:
                requested = facts.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
                if type(origin) is bytes:  # as ASGI carries them: decided as text
                    origin, request_method = origin.decode("latin-1"), _text(request_method)
                    requested = _text(requested)
                verdict = None
                if self.origin_func is not None and self._function_decides(origin):
                    verdict = facts.get(ORIGIN_VERDICT) or self.origin_func.remembered(origin)
                    if verdict is None:
                        return self.pending  # type: ignore[return-value]  # set with origin_func
                return self.preflight(
                    origin,
                    request_method,
                    requested,
                    facts.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") in _TRUE,
                    verdict,
                )
        decision = self._actual.get(origin) or self.actual(origin)
        # Browsers send Origin on same-origin POSTs too: such a request needs no CORS headers
        # and is no refusal. (A preflight never comes from the same origin.)
        if decision.reason is _NOT_ALLOWED:
            # The browser's own word first: a proxy cannot confuse it the way it can Host.
            # https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header
            if facts.get("HTTP_SEC_FETCH_SITE") in _SAME_ORIGIN_SITE:
                return self.same_origin
            known = self._server_origins.get(facts.get("HTTP_HOST"))
            if known is None or known[0] != facts.get("wsgi.url_scheme", "http"):
                known = self._remember_server_origin(facts)
            if origin == known[1]:
                return self.same_origin
            if self.origin_func is not None:  # refused by the fixed entries: ask the function
                return self._decide_by_function(_text(origin), facts)
        return decision

    def decide_protected(self, facts: Mapping[str, Any]) -> Decision:
        """:meth:`decide` under ``cross_origin_protection``: refuse cross-origin writes first.

        Go's ``net/http.CrossOriginProtection`` and Fetch Metadata
        (https://w3c.github.io/webappsec-fetch-metadata/) rules: safe methods pass; with
        ``Sec-Fetch-Site``, ``same-origin`` and ``none`` pass; without it, no ``Origin`` or an
        ``Origin`` naming the request's ``Host`` passes; an origin the policy allows passes.
        """
        decision = self.decide(facts)
        if decision.allowed or facts["REQUEST_METHOD"] in SAFE_METHODS or decision.ask:
            return decision  # an origin_func_pending decision is decided again with the verdict
        site = facts.get("HTTP_SEC_FETCH_SITE")
        if site is not None:
            return decision if site in _TRUSTED_SITES else self.cross_origin_refused
        origin = facts.get("HTTP_ORIGIN")
        if origin is None or decision.reason is _SAME_ORIGIN:
            return decision
        text = _text(origin)
        if text == server_origin(text.partition("://")[0], _text(facts.get("HTTP_HOST") or "")):
            return decision  # host and port are the request's Host (the scheme is the Origin's)
        return self.cross_origin_refused

    def _function_decides(self, origin: str) -> bool:
        """True when *origin* is left to ``allow_origin_func``: valid, not ``null``, and not
        allowed by the fixed entries (junk never reaches a database)."""
        return origin != "null" and self.actual(origin).reason is _NOT_ALLOWED

    def _decide_by_function(self, origin: str, facts: Mapping[str, Any]) -> Decision:
        if origin == "null":  # opaque: allowed only by listing it
            return self._refused_actual[_NOT_ALLOWED]
        origin_func: OriginFunc = self.origin_func  # type: ignore[assignment]  # checked
        verdict = facts.get(ORIGIN_VERDICT) or origin_func.remembered(origin)
        if verdict is None:
            return self.pending  # type: ignore[return-value]  # set with origin_func
        if verdict is _ALLOW:
            decision = self._allowed_by_func.get(origin)
            if decision is None:
                decision = self._allowed(origin)
                if len(self._allowed_by_func) >= DECISION_CACHE_SIZE:
                    self._allowed_by_func.clear()
                self._allowed_by_func[origin] = decision
            return decision
        return self._refused_actual[
            Reason.ORIGIN_CHECK_FAILED if verdict is _FAIL else Reason.ORIGIN_NOT_ALLOWED
        ]

    def _remember_server_origin(self, facts: Mapping[str, Any]) -> tuple[str, str | bytes]:
        """The request's scheme and the server's own origin, remembered per ``Host`` (kept as
        bytes when the Host is bytes, to be compared with an Origin in bytes)."""
        scheme = facts.get("wsgi.url_scheme", "http")
        host = facts.get("HTTP_HOST")
        named = host or f"{facts.get('SERVER_NAME')}:{facts.get('SERVER_PORT')}"
        origin = server_origin(scheme, _text(named))
        known: tuple[str, str | bytes] = (
            scheme,
            origin.encode("latin-1") if isinstance(named, bytes) else origin,
        )
        if len(self._server_origins) >= SERVER_ORIGIN_CACHE_SIZE:
            self._server_origins.clear()
        self._server_origins[host] = known
        return known

    @property
    def remembered(self) -> int:
        """How many actual-request decisions are remembered now (at most the cache size)."""
        return len(self._actual)

    def actual(self, origin: str | bytes) -> Decision:
        """Decide an actual (non-preflight) request carrying this ``Origin`` value."""
        decision = self._actual.get(origin)
        if decision is None:
            decision = self._decide_actual(_text(origin))
            if len(origin) <= MAX_ORIGIN_LENGTH:  # oversized values are never remembered
                if len(self._actual) >= DECISION_CACHE_SIZE:
                    self._actual.clear()  # bounded; cheaper than LRU bookkeeping
                self._actual[origin] = decision
        return decision

    def preflight(
        self,
        origin: str,
        request_method: str,
        request_headers: str = "",
        private_network: bool = False,
        verdict: Verdict | None = None,
    ) -> Decision:
        """Decide a preflight; *request_headers* is the raw ``-Request-Headers`` value,
        *verdict* what ``allow_origin_func`` said of an origin the fixed entries refuse."""
        if len(origin) > MAX_ORIGIN_LENGTH:
            return self._refuse_preflight(Reason.INVALID_ORIGIN, "(value too long)")
        if len(request_headers) > MAX_REQUEST_HEADERS_LENGTH:
            return self._refuse_preflight(Reason.HEADER_NOT_ALLOWED, "(value too long)")
        if len(request_headers) > MAX_CACHED_REQUEST_HEADERS:
            return self._decide_preflight(
                origin, request_method, request_headers, private_network, verdict
            )
        # The verdict is part of the key: a remembered preflight never outlives the function's
        # answer, which is remembered for origin_func_cache_seconds only.
        return self._preflight(origin, request_method, request_headers, private_network, verdict)

    def _origin_refusal(self, origin: str, verdict: Verdict | None = None) -> Reason | None:
        allowed = self.policy.matcher.match(origin)
        if allowed or verdict is _ALLOW:
            return None
        if allowed is None:
            return Reason.INVALID_ORIGIN
        return Reason.ORIGIN_CHECK_FAILED if verdict is _FAIL else Reason.ORIGIN_NOT_ALLOWED

    def _decide_actual(self, origin: str) -> Decision:
        refusal = self._origin_refusal(origin)
        if refusal is not None:
            return self._refused_actual[refusal]
        return self._allowed(origin)

    def _allowed(self, origin: str) -> Decision:
        # https://fetch.spec.whatwg.org/#http-responses: ACAO is the origin (or "*").
        policy = self.policy
        allow_origin = ANY if policy.allow_any_origin else origin
        return self._decision(
            True,
            Reason.ALLOWED,
            (("Access-Control-Allow-Origin", allow_origin), *policy.actual_extra),
            expose_response_headers=policy.allow_credentials and policy.expose_headers == ANY,
        )

    def _decide_preflight(
        self,
        origin: str,
        request_method: str,
        request_headers: str,
        private_network: bool,
        verdict: Verdict | None,
    ) -> Decision:
        # https://fetch.spec.whatwg.org/#cors-preflight-fetch, as the server answers it.
        refusal = self._origin_refusal(origin, verdict)
        if refusal is not None:
            return self._refuse_preflight(refusal)
        policy = self.policy
        methods = policy.method_set
        if not TOKEN.fullmatch(request_method) or (
            methods is not None and request_method not in methods
        ):
            return self._refuse_preflight(Reason.METHOD_NOT_ALLOWED, request_method)
        # "get, decode, and split" the header list: lower-case names, empty items dropped.
        requested = [n for n in (p.strip().lower() for p in request_headers.split(",")) if n]
        allowed_headers = policy.header_set
        for name in requested:
            if not TOKEN.fullmatch(name) or (
                allowed_headers is not None and name not in allowed_headers
            ):
                return self._refuse_preflight(Reason.HEADER_NOT_ALLOWED, name)

        headers: list[Header] = [
            ("Access-Control-Allow-Origin", ANY if policy.allow_any_origin else origin),
            *policy.preflight_extra,
        ]
        if methods is None:
            headers.append(("Access-Control-Allow-Methods", request_method))
        if allowed_headers is None and requested:
            # Echo the names rather than send "*": a literal "*" never covers Authorization
            # and means nothing to browsers on credentialed requests.
            headers.append(("Access-Control-Allow-Headers", ", ".join(requested)))
        if private_network and policy.allow_private_network:
            # No current engine asks any more; when the option is off the preflight is answered
            # as any other, since a 403 turned Chrome 104-141's PNA warning into a failure.
            headers.append(("Access-Control-Allow-Private-Network", "true"))
        headers.append(("Vary", policy.preflight_vary))
        return self._decision(True, Reason.ALLOWED, tuple(headers), preflight=True)

    def _refuse_preflight(self, reason: Reason, detail: str = "") -> Decision:
        # Fetch: "the 403 status can be used, coupled with omitting the relevant headers".
        vary = (("Vary", self.policy.preflight_vary),)
        return self._decision(False, reason, vary, preflight=True, detail=detail)

    def _decision(
        self,
        allowed: bool,
        reason: Reason,
        headers: tuple[Header, ...],
        *,
        preflight: bool = False,
        detail: str = "",
        expose_response_headers: bool = False,
    ) -> Decision:
        """Build a decision, with the debug header when the policy asks for it."""
        if self.policy.debug:
            # Only a method or header name (a token) may follow the code: never the Origin.
            shown = f"{reason} {detail}" if detail and TOKEN.fullmatch(detail) else str(reason)
            headers = (*headers, (DEBUG_HEADER, shown))
        return Decision(
            allowed,
            reason,
            headers,
            preflight,
            detail,
            expose_response_headers,
            self.policy.keep_app_cors_headers,
            preflight and self.policy.preflight_continue,
        )
