"""What the decision core returns: a :class:`Decision` with a stable reason code.

A decision is plain data: whether the request is allowed, why, and the exact CORS response
headers it earns. The WSGI glue only copies those headers into the response.
"""

from __future__ import annotations

from typing import Final, NamedTuple

Header = tuple[str, str]


class Reason:
    """Stable reason codes carried by every :class:`Decision` (documented in README.md)."""

    #: CORS headers granted.
    ALLOWED: Final = "allowed"
    #: No ``Origin`` header: not a CORS request; only ``Vary: Origin`` is added (under a fixed
    #: ``*``, the static ``Access-Control-Allow-Origin: *`` instead).
    NO_ORIGIN: Final = "no_origin"
    #: The request's own origin: a same-origin request needs no CORS headers.
    SAME_ORIGIN: Final = "same_origin"
    #: Per-path policies are configured and none matches the path: untouched.
    NO_POLICY_FOR_PATH: Final = "no_policy_for_path"
    #: Refusals. ``Origin`` is not an origin as browsers send them (checked before matching).
    INVALID_ORIGIN: Final = "invalid_origin"
    ORIGIN_NOT_ALLOWED: Final = "origin_not_allowed"
    #: The preflight asks for a method (the detail) that the policy does not allow.
    METHOD_NOT_ALLOWED: Final = "method_not_allowed"
    #: The preflight asks for a request header (the detail) that the policy does not allow.
    HEADER_NOT_ALLOWED: Final = "header_not_allowed"

    #: The codes that are refusals (logged at DEBUG on the ``cors_wsgi`` logger).
    REFUSALS: Final = frozenset(
        {
            INVALID_ORIGIN,
            ORIGIN_NOT_ALLOWED,
            METHOD_NOT_ALLOWED,
            HEADER_NOT_ALLOWED,
        }
    )


class _DecisionFields(NamedTuple):
    allowed: bool
    reason: str
    headers: tuple[Header, ...]
    preflight: bool
    detail: str
    expose_response_headers: bool
    cors_headers: tuple[Header, ...]
    vary: str
    refused: bool
    keep_app_headers: bool


class Decision(_DecisionFields):
    """The outcome of one request under one policy: an immutable value.

    ``headers`` are the CORS response headers to add, ``Vary`` included (the middleware merges
    that one with the application's own ``Vary``). ``expose_response_headers`` asks the
    middleware to list the response's own header names in ``Access-Control-Expose-Headers``
    (``expose_headers="*"`` with credentials, where browsers do not honour a literal ``*``).
    ``cors_headers`` (all but ``Vary``) and ``vary`` (its value) split ``headers`` once, for
    the middleware's hot path; ``refused`` says whether ``reason`` is one of
    :attr:`Reason.REFUSALS`. ``keep_app_headers``: when the response already carries
    ``Access-Control-*`` headers, they stand and ``headers`` (but ``Vary``) are not added.
    """

    __slots__ = ()

    def __new__(
        cls,
        allowed: bool,
        reason: str,
        headers: tuple[Header, ...],
        preflight: bool = False,
        detail: str = "",
        expose_response_headers: bool = False,
        keep_app_headers: bool = False,
    ) -> Decision:
        cors_headers = []
        vary = ""
        for header in headers:
            if header[0] == "Vary":
                vary = header[1]
            else:
                cors_headers.append(header)
        return super().__new__(
            cls, allowed, reason, headers, preflight, detail, expose_response_headers,
            tuple(cors_headers), vary, reason in Reason.REFUSALS, keep_app_headers,
        )  # fmt: skip

    def __repr__(self) -> str:
        return (
            f"Decision(allowed={self.allowed!r}, reason={self.reason!r}, headers={self.headers!r}"
            f", preflight={self.preflight!r}, detail={self.detail!r})"
        )


VARY_ORIGIN: Final[Header] = ("Vary", "Origin")
DEBUG_HEADER: Final = "X-CORS-Reason"

#: What requests on paths without a policy get: nothing.
NO_POLICY_FOR_PATH: Final = Decision(False, Reason.NO_POLICY_FOR_PATH, ())
