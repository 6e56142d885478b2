"""Response headers: merging a decision's headers into the application's. Protocol-free.

Facts this module relies on:

* The middleware owns every header a policy sets: ``Access-Control-*``, and the others the
  option table declares (``Option.sets``: the debug header), in :data:`OWNED_NAMES`. The
  application's copies are dropped (or, on an actual request under
  ``keep_app_cors_headers``, its ``Access-Control-*`` kept and the policy's left out), so a
  response never carries two ``Access-Control-Allow-Origin`` values, which browsers refuse.
* ``Vary`` is merged, never replaced: the application's tokens stay (``Vary: Cookie`` keeps
  shared caches from mixing users) and ``Origin`` is added once, unless ``*`` is there.
* Header names are compared case-insensitively; the application's spelling is kept.
* The middleware's own answers (preflights, refused writes) are built with the decision
  (``Decision.answer_status`` and ``answer_headers``), so the adapters only copy them.

The memos are shared by every middleware in the process: a header's kind depends only on its
spelling, and the adapters read :data:`keep_names` as a module global, which keeps their
per-request closures small.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Final

from .decision import VARY_ORIGIN
from .options import OPTIONS

if TYPE_CHECKING:
    from .decision import Decision, Header

__all__ = [
    "ERROR_BODY",
    "ERROR_HEADERS",
    "ERROR_STATUS",
    "HEADER_MEMO_SIZE",
    "OWNED_NAMES",
    "Kind",
    "keep_names",
    "kind_of",
    "merge",
    "merge_vary",
    "merge_wire",
    "vary_with_origin",
]

#: Header spellings (text and bytes) and ``Vary`` values remembered by each memo here.
#: Applications use few distinct ones; a client cannot add any (these are response headers).
#: Bounded all the same: measured at the bound, about 0.45 MB in all for 60-character names
#: and values (``tests/unit/test_response.py``).
HEADER_MEMO_SIZE: Final = 1024

_CORS_PREFIX: Final = "access-control-"
#: Headers besides ``Access-Control-*`` that a policy sets, lower case: owned by the merge.
OWNED_NAMES: Final = frozenset(name.lower() for entry in OPTIONS for name in entry.sets)
_NOT_EXPOSABLE: Final = frozenset({"set-cookie", "set-cookie2"})
ERROR_STATUS: Final = "500 Internal Server Error"
ERROR_BODY: Final = b"Internal Server Error"
#: Lower case, as ASGI requires, in both adapters: with ``expose_headers="*"`` and
#: credentials the 500 then lists its names alike under WSGI and ASGI.
ERROR_HEADERS: Final = (
    ("content-type", "text/plain; charset=utf-8"),
    ("content-length", str(len(ERROR_BODY))),
)


class Kind(Enum):
    """What the merge does with a response header."""

    KEEP = "keep"
    VARY = "vary"
    CORS = "cors"  # Access-Control-*: kept under keep_app_cors_headers
    OWNED = "owned"  # another header a policy sets (the debug header): always the policy's


# Module names for the members: an Enum attribute lookup costs about 50 ns, on every header.
KEEP: Final = Kind.KEEP
VARY: Final = Kind.VARY
CORS: Final = Kind.CORS
OWNED: Final = Kind.OWNED

_kinds: dict[str | bytes, Kind] = {}
_varies: dict[str, str] = {}
_vary_headers: dict[str, Header] = {}
#: The spellings (text under WSGI, bytes under ASGI) of application headers that need no
#: merging: an adapter adds the decision's headers to a response whose names are all here.
keep_names: Final[set[str | bytes]] = set()
#: The spellings seen of each other kind, so the merge tests set membership, not a call.
_spellings: Final[dict[Kind, set[str | bytes]]] = {KEEP: keep_names, VARY: set(), CORS: set(),
                                                  OWNED: set()}  # fmt: skip
_vary_names, _cors_names = _spellings[VARY], _spellings[CORS]


def kind_of(name: str | bytes) -> Kind:
    """Classify a response header name (bytes are latin-1), remembering it per spelling."""
    kind = _kinds.get(name)
    if kind is None:
        lower = (name.decode("latin-1") if isinstance(name, bytes) else name).lower()
        if lower == "vary":
            kind = VARY
        elif lower.startswith(_CORS_PREFIX):
            kind = CORS
        else:
            kind = OWNED if lower in OWNED_NAMES else KEEP
        if len(_kinds) < HEADER_MEMO_SIZE:
            _kinds[name] = kind
            _spellings[kind].add(name)
    return kind


def merge(app_headers: list[Header], decision: Decision) -> list[Header]:
    """The application's headers with the decision's merged in, as a new list (the
    application's may be a shared constant)."""
    merged: list[Header] = []
    append = merged.append
    app_vary = ""
    app_sets_cors = False
    for header in app_headers:
        name = header[0]  # set tests, no call, for the spellings seen before
        if name in keep_names:
            append(header)
        elif name in _vary_names:
            app_vary = f"{app_vary}, {header[1]}" if app_vary else header[1]
        elif name in _cors_names:
            app_sets_cors = True
        else:  # seen for the first time, or the memo is full: the same three cases, by kind
            # (written out twice on purpose: one expression choosing a kind first costs ~90 ns
            # a merge, measured, and the merge is the (h) path of the benchmark)
            kind = kind_of(name)
            if kind is KEEP:
                append(header)
            elif kind is VARY:
                app_vary = f"{app_vary}, {header[1]}" if app_vary else header[1]
            elif kind is CORS:
                app_sets_cors = True
    if app_sets_cors and decision.keep_app_cors_headers:
        merged += _first_of_each_cors(app_headers)
        merged += [h for h in decision.cors_headers if kind_of(h[0]) is OWNED]  # debug
    else:
        merged += decision.cors_headers
    vary = decision.vary
    if app_vary:
        if vary == "Origin":  # the common case: the remembered header saves a call
            merged.append(_vary_headers.get(app_vary) or _vary_header(app_vary))
        else:  # Vary: * (no Origin to add), or a preflight the application answers
            merged.append(("Vary", merge_vary(app_vary, vary) if vary else app_vary))
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


def merge_wire(
    app_headers: list[tuple[bytes, bytes]], decision: Decision
) -> list[tuple[bytes, bytes]]:
    """:func:`merge` for header pairs in bytes, as ASGI carries them (names sent lower-case)."""
    for name, _ in app_headers:
        kind_of(name)  # remembers the byte spelling for the adapter's fast path
    text = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in app_headers]
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in merge(text, decision)
    ]


def _vary_header(app_vary: str) -> Header:
    """The ``Vary`` header for the application's value with ``Origin`` added; remembered."""
    header = ("Vary", vary_with_origin(app_vary))
    if len(_vary_headers) < HEADER_MEMO_SIZE:
        _vary_headers[app_vary] = header
    return header


def vary_with_origin(app_vary: str) -> str:
    """The application's ``Vary`` value with ``Origin`` added, unless it is there or ``*`` is;
    remembered per value."""
    merged = _varies.get(app_vary)
    if merged is None:
        present = {token.strip() for token in app_vary.lower().split(",")}
        merged = app_vary if "*" in present or "origin" in present else f"{app_vary}, Origin"
        if len(_varies) < HEADER_MEMO_SIZE:
            _varies[app_vary] = merged
    return merged


def merge_vary(app_vary: str, ours: str) -> str:
    """The application's ``Vary`` value with each of our tokens added unless present (any
    case), or untouched when it holds ``*``."""
    present = {token.strip().lower() for token in app_vary.split(",")}
    if "*" in present:
        return app_vary
    missing = [token.strip() for token in ours.split(",") if token.strip().lower() not in present]
    return ", ".join([app_vary, *missing])


def _first_of_each_cors(app_headers: list[Header]) -> list[Header]:
    """The application's ``Access-Control-*`` headers, each name once (the first): they stand
    under ``keep_app_cors_headers``, but two Access-Control-Allow-Origin values would make the
    browser refuse the response."""
    seen: set[str] = set()
    kept = []
    for name, value in app_headers:
        lower = name.lower()
        if kind_of(name) is CORS and lower not in seen:
            seen.add(lower)
            kept.append((name, value))
    return kept
