"""Logging: refusals at DEBUG on the ``cors_wsgi`` logger, every request value escaped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

__all__ = [
    "APP_ERROR",
    "LOG_VALUE_LIMIT",
    "known_enabled",
    "log_refusal",
    "logger",
    "sanitise",
]

#: Refusals are logged here at DEBUG, one line each; nothing is logged for allowed requests.
logger: Final = logging.getLogger("cors_wsgi")


def _unknown(level: int) -> bool | None:
    return None


#: ``known_enabled(level)``: what ``logger.isEnabledFor(level)`` last answered, or None when
#: it has not answered since the last change of levels. It reads logging's own memo of those
#: answers (``Logger._cache``, emptied in place on every ``setLevel``, CPython 3.7 and later): a
#: C call of about 25 ns, where ``isEnabledFor`` costs about 100 on every refused request. A
#: private attribute, so read defensively: without it every check falls back to
#: ``isEnabledFor``. Use as ``known_enabled(DEBUG) is not False and logger.isEnabledFor(DEBUG)``.
_memo: object = getattr(logger, "_cache", None)
known_enabled: Final[Callable[[int], bool | None]] = (
    _memo.get if isinstance(_memo, dict) else _unknown
)

#: Longest request value written to a log line, in characters (the rest is counted).
LOG_VALUE_LIMIT: Final = 200

#: The ERROR line of ``handle_app_errors`` (method, path), one wording for both adapters.
APP_ERROR: Final = (
    "unhandled exception in the application for %s %s; answering 500 with CORS headers"
)


def log_refusal(
    reason: str, detail: str, method: str | bytes, path: str, origin: str | bytes
) -> None:
    """One DEBUG line for a refused (or unrouted) request; every value from the request is
    escaped and capped."""
    shown = f" {sanitise(detail)}" if detail else ""
    logger.debug(
        "CORS %s%s: %s %s from Origin %s",
        reason,
        shown,
        sanitise(method),
        sanitise(path),
        sanitise(origin),
    )


def sanitise(value: str | bytes, limit: int = LOG_VALUE_LIMIT) -> str:
    """Escape CR, LF and every other control or non-printable character, cap the length
    (log injection, CVE-2024-1681 in flask-cors); bytes are read as latin-1."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    shown = repr(value[:limit])[1:-1]  # repr escapes what is not printable
    return shown + f"...(+{len(value) - limit} chars)" if len(value) > limit else shown
