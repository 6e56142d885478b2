"""The vocabulary of a decision: :class:`Reason`, :class:`Action` and the :class:`Decision` value.

A decision is the adapter's instruction for one request: what to do (``action``), which headers
to add, and why (``reason``). The rules that make decisions are in :mod:`.rules`, the caches
in front of them in :mod:`.memo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Final

from ._http import DEBUG_HEADER

if TYPE_CHECKING:
    from .origin_func import OriginFunc

__all__ = [
    "DEBUG_HEADER",
    "EMPTY_BODY",
    "GUARD_REFUSALS",
    "REFUSALS",
    "VARY_ORIGIN",
    "Action",
    "Decision",
    "Header",
    "Reason",
    "encode_headers",
]

Header = tuple[str, str]

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
    #: ``origin_func_concurrency`` calls of ``allow_origin_func`` were in flight: refused
    #: without asking, so a hung backend cannot hold every worker.
    ORIGIN_CHECK_BUSY = "origin_check_busy"
    #: ``cross_origin_protection``: a cross-origin write (POST, PUT, ...) from an origin the
    #: policy does not allow; answered 403 without calling the application.
    CROSS_ORIGIN_REQUEST_REFUSED = "cross_origin_request_refused"
    #: ``allowed_hosts``: the request's ``Host`` matches no entry (a DNS-rebinding page's
    #: requests carry the attacker's name); answered 403 without calling the application.
    HOST_NOT_ALLOWED = "host_not_allowed"
    #: ``refuse_untrusted_origins``: ``Origin`` is present and neither allowed by the policy
    #: nor the server's own; answered 403 without calling the application, on any method.
    ORIGIN_REFUSED = "origin_refused"
    #: Never an answer: ``allow_origin_func`` must be asked first (``Action.ASK``); the adapter
    #: asks it and decides again with its verdict.
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
        Reason.ORIGIN_CHECK_BUSY,
        Reason.CROSS_ORIGIN_REQUEST_REFUSED,
        Reason.HOST_NOT_ALLOWED,
        Reason.ORIGIN_REFUSED,
    }
)
#: Refusals answered 403 here whatever the method: the application never runs.
GUARD_REFUSALS: Final = frozenset(
    {Reason.CROSS_ORIGIN_REQUEST_REFUSED, Reason.HOST_NOT_ALLOWED, Reason.ORIGIN_REFUSED}
)


class Action(Enum):
    """What an adapter does with a request, derived once per :class:`Decision`."""

    #: Call the application and add ``Decision.headers`` to its response (merging only the
    #: names the policy owns: ``Vary``, ``Access-Control-*``, ``X-CORS-Reason``).
    ADD = "add"
    #: Call the application and always merge: its response's own header names are listed in
    #: ``Access-Control-Expose-Headers`` (``expose_headers="*"`` with credentials).
    MERGE = "merge"
    #: Answer here without calling the application: ``answer_status`` and ``answer_headers``,
    #: empty body (an allowed or refused preflight, a write refused by cross_origin_protection,
    #: a request refused by allowed_hosts or refuse_untrusted_origins).
    ANSWER = "answer"
    #: Call the application untouched: no policy governs the path.
    PASS = "pass"
    #: Ask the policy's ``allow_origin_func`` (``Decision.ask``) and decide again with its verdict.
    ASK = "ask"


@dataclass(frozen=True, slots=True)
class Decision:
    """What the adapter does with one request under one policy: an immutable value.

    Inputs: ``reason``, ``headers`` (the response headers to add, ``Vary`` included),
    ``preflight``, ``detail`` (the refused method or header), ``expose_response_headers`` (list
    the response's own header names in ``Access-Control-Expose-Headers``),
    ``keep_app_cors_headers`` (the application's own ``Access-Control-*`` headers stand),
    ``preflight_continue`` (the application answers the preflight) and ``ask`` (for
    ``origin_func_pending`` only: the function to ask).

    Derived when the value is made, so :func:`dataclasses.replace` keeps them right:
    ``allowed`` (CORS headers granted: the reason is ``allowed``), ``action``, ``refused``,
    ``plain``, ``cors_headers``, ``vary``, ``header_list``, the ``answer_*`` fields and the
    ``wire_*`` byte forms.
    """

    reason: Reason
    headers: tuple[Header, ...] = ()
    preflight: bool = False
    detail: str = ""
    expose_response_headers: bool = False
    keep_app_cors_headers: bool = False
    preflight_continue: bool = False
    ask: OriginFunc | None = field(default=None, repr=False, compare=False)
    allowed: bool = field(init=False, compare=False)
    #: What the adapter does (see :class:`Action`).
    action: Action = field(init=False, repr=False, compare=False)
    refused: bool = field(init=False, repr=False, compare=False)
    #: The common case, tested first by the adapters: ``Action.ADD`` and not a refusal.
    plain: bool = field(init=False, repr=False, compare=False)
    #: ``headers`` but ``Vary``; ``Vary``'s value (or ""); ``headers`` as a list (``list + list``
    #: is the cheapest way to extend a WSGI header list).
    cors_headers: tuple[Header, ...] = field(init=False, repr=False, compare=False)
    vary: str = field(init=False, repr=False, compare=False)
    header_list: list[Header] = field(init=False, repr=False, compare=False)
    #: For ``Action.ANSWER``: the middleware's own answer, status and headers (body empty).
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
        set_(self, "allowed", self.reason is Reason.ALLOWED)
        if self.reason is Reason.NO_POLICY_FOR_PATH:
            action = Action.PASS
        elif self.ask is not None:
            action = Action.ASK
        elif (self.preflight and not self.preflight_continue) or self.reason in GUARD_REFUSALS:
            action = Action.ANSWER
        elif self.expose_response_headers:
            action = Action.MERGE
        else:
            action = Action.ADD
        set_(self, "action", action)
        set_(self, "refused", self.reason in REFUSALS)
        set_(self, "plain", action is Action.ADD and not self.refused)
        set_(self, "cors_headers", tuple(h for h in self.headers if h[0] != "Vary"))
        set_(self, "vary", next((value for name, value in self.headers if name == "Vary"), ""))
        set_(self, "header_list", list(self.headers))
        # 200 with an explicit empty body rather than 204: waitress, the Werkzeug dev server,
        # meinheld and uWSGI's router close the keep-alive connection after every 204. A
        # refusal is a 403: Fetch, "the 403 status can be used, coupled with omitting the
        # relevant headers" (https://fetch.spec.whatwg.org/#http-responses).
        set_(self, "answer_code", 200 if self.allowed else 403)
        set_(self, "answer_status", "200 OK" if self.allowed else "403 Forbidden")
        answer = (*self.headers, *EMPTY_BODY) if action is Action.ANSWER else ()
        set_(self, "answer_headers", answer)
        set_(self, "wire_headers", encode_headers(self.headers))
        set_(self, "wire_answer_headers", encode_headers(self.answer_headers))


def encode_headers(headers: tuple[Header, ...]) -> tuple[tuple[bytes, bytes], ...]:
    """Header pairs as bytes with lower-case names (latin-1, as HTTP header values are)."""
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
    )
