"""Response headers: merging the decision's CORS headers into the application's, and the
middleware's own answers (preflights, the 500 of ``handle_app_errors``). Protocol-free.

Facts this module relies on:

* The middleware owns ``Access-Control-*``: the application's are dropped (or, under
  ``keep_app_cors_headers``, kept and the policy's left out), so a response never carries two
  ``Access-Control-Allow-Origin`` values, which browsers refuse.
* ``Vary`` is merged, never replaced: the application's tokens stay (``Vary: Cookie`` keeps
  shared caches from mixing users) and ``Origin`` is added once, unless ``*`` is there.
* Header names are compared case-insensitively; the application's spelling is kept.
* A preflight's answer (``Decision.answer_status`` and ``answer_headers``) is built with the
  decision, so the middleware only copies it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

from .decision import VARY_ORIGIN, Decision, Header

__all__ = [
    "ERROR_BODY",
    "ERROR_HEADERS",
    "ERROR_STATUS",
    "HEADER_MEMO_SIZE",
    "KEEP",
    "OWNED",
    "VARY",
    "HeaderMerger",
    "Kind",
    "merge_vary",
]

#: Header names and ``Vary`` values whose handling each :class:`HeaderMerger` remembers, per
#: spelling. Applications use few distinct ones; a client cannot add any (these are response
#: headers). Bounded all the same.
HEADER_MEMO_SIZE: Final = 1024

_OWNED_PREFIX: Final = "access-control-"
_NOT_EXPOSABLE: Final = frozenset({"set-cookie", "set-cookie2"})
ERROR_STATUS: Final = "500 Internal Server Error"
ERROR_BODY: Final = b"Internal Server Error"
ERROR_HEADERS: Final = (
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Content-Length", str(len(ERROR_BODY))),
)


class Kind(IntEnum):
    """What the merge does with a response header."""

    KEEP = 0
    VARY = 1
    OWNED = 2  # Access-Control-*


# Module names for the members: an Enum attribute lookup costs about 50 ns, on every header.
KEEP: Final = Kind.KEEP
VARY: Final = Kind.VARY
OWNED: Final = Kind.OWNED


class HeaderMerger:
    """Merges decisions into application headers; owns two bounded memos (header kinds by
    spelling, merged ``Vary`` values). One per middleware. Thread-safe: a memo entry is the
    same whichever thread computes it."""

    __slots__ = ("_kinds", "_varies", "known_kind")

    def __init__(self) -> None:
        self._kinds: dict[str, Kind] = {}
        self._varies: dict[str, str] = {}
        #: ``known_kind(name)``: the remembered kind of a header spelling, or None.
        self.known_kind = self._kinds.get

    def kind(self, name: str) -> Kind:
        """Classify a response header name, remembering it per spelling."""
        kind = self._kinds.get(name)
        if kind is None:
            lower = name.lower()
            kind = VARY if lower == "vary" else OWNED if lower.startswith(_OWNED_PREFIX) else KEEP
            if len(self._kinds) < HEADER_MEMO_SIZE:
                self._kinds[name] = kind
        return kind

    def merge(self, app_headers: list[Header], decision: Decision) -> list[Header]:
        """The application's headers with the decision's merged in, as a new list (the
        application's may be a shared constant)."""
        merged: list[Header] = []
        app_vary = ""
        app_sets_cors = False
        kind_of, known = self.kind, self.known_kind
        for header in app_headers:
            kind = known(header[0])  # remembered: saves a call per header
            if kind is None:
                kind = kind_of(header[0])
            if kind is KEEP:
                merged.append(header)
            elif kind is VARY:
                app_vary = f"{app_vary}, {header[1]}" if app_vary else header[1]
            else:
                app_sets_cors = True
        if app_sets_cors and decision.keep_app_cors_headers:
            merged += self._first_of_each_owned(app_headers)
            merged += [h for h in decision.cors_headers if self.kind(h[0]) is KEEP]  # debug
        else:
            merged += decision.cors_headers
        vary = decision.vary
        if app_vary:
            if vary == "Origin":  # the common case: the remembered merge saves a call
                app_vary = self._varies.get(app_vary) or self.vary_with_origin(app_vary)
            elif vary:  # a preflight the application answers (preflight_continue)
                app_vary = merge_vary(app_vary, vary)
            merged.append(("Vary", app_vary))
        elif vary:
            merged.append(VARY_ORIGIN if vary == "Origin" else ("Vary", vary))
        if decision.expose_response_headers:
            exposed = [
                name
                for name, _ in app_headers
                if kind_of(name) is KEEP and name.lower() not in _NOT_EXPOSABLE
            ]
            if exposed:
                merged.append(("Access-Control-Expose-Headers", ", ".join(exposed)))
        return merged

    def vary_with_origin(self, app_vary: str) -> str:
        """The application's ``Vary`` value with ``Origin`` added, unless it is there or ``*``
        is; remembered per value."""
        merged = self._varies.get(app_vary)
        if merged is None:
            present = {token.strip() for token in app_vary.lower().split(",")}
            merged = app_vary if "*" in present or "origin" in present else f"{app_vary}, Origin"
            if len(self._varies) < HEADER_MEMO_SIZE:
                self._varies[app_vary] = merged
        return merged

    def _first_of_each_owned(self, app_headers: list[Header]) -> list[Header]:
        """The application's ``Access-Control-*`` headers, each name once (the first): they
        stand under ``keep_app_cors_headers``, but two Access-Control-Allow-Origin values would
        make the browser refuse the response."""
        seen: set[str] = set()
        kept = []
        for name, value in app_headers:
            lower = name.lower()
            if self.kind(name) is OWNED and lower not in seen:
                seen.add(lower)
                kept.append((name, value))
        return kept


def merge_vary(app_vary: str, ours: str) -> str:
    """The application's ``Vary`` value with each of our tokens added unless present (any
    case), or untouched when it holds ``*``."""
    present = {token.strip().lower() for token in app_vary.split(",")}
    if "*" in present:
        return app_vary
    missing = [token.strip() for token in ours.split(",") if token.strip().lower() not in present]
    return ", ".join([app_vary, *missing])
