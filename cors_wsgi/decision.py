"""What the decision core returns: a :class:`Decision` with a stable reason code.

A decision is plain data: whether the request is allowed, why, and the exact CORS response
headers it earns. The WSGI glue only copies those headers into the response.
"""

from __future__ import annotations

from typing import Final, NamedTuple

Header = tuple[str, str]


class Reason:
    """Stable reason codes carried by every :class:`Decision`."""

    ALLOWED: Final = "allowed"
    NO_ORIGIN: Final = "no_origin"
    INVALID_ORIGIN: Final = "invalid_origin"
    ORIGIN_NOT_ALLOWED: Final = "origin_not_allowed"
    METHOD_NOT_ALLOWED: Final = "method_not_allowed"
    HEADER_NOT_ALLOWED: Final = "header_not_allowed"
    PRIVATE_NETWORK_NOT_ALLOWED: Final = "private_network_not_allowed"


class _DecisionFields(NamedTuple):
    allowed: bool
    reason: str
    headers: tuple[Header, ...]
    preflight: bool
    detail: str
    expose_response_headers: bool
    cors_headers: tuple[Header, ...]
    vary: str


class Decision(_DecisionFields):
    """The outcome of one request under one policy: an immutable value.

    ``headers`` are the CORS response headers to add, ``Vary`` included (the middleware merges
    that one with the application's own ``Vary``). ``expose_response_headers`` asks the
    middleware to list the response's own header names in ``Access-Control-Expose-Headers``
    (``expose_headers="*"`` with credentials, where browsers do not honour a literal ``*``).
    ``cors_headers`` (all but ``Vary``) and ``vary`` (its value) split ``headers`` once, for
    the middleware's hot path.
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
            tuple(cors_headers), vary,
        )  # fmt: skip

    def __repr__(self) -> str:
        return (
            f"Decision(allowed={self.allowed!r}, reason={self.reason!r}, headers={self.headers!r}"
            f", preflight={self.preflight!r}, detail={self.detail!r})"
        )


VARY_ORIGIN: Final[Header] = ("Vary", "Origin")
