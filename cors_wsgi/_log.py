"""Logging: refusals at DEBUG on the ``cors_wsgi`` logger, every request value escaped."""

from __future__ import annotations

import logging
from typing import Final

__all__ = ["APP_ERROR", "LOG_VALUE_LIMIT", "log_refusal", "logger", "sanitise"]

#: Refusals are logged here at DEBUG, one line each; nothing is logged for allowed requests.
logger: Final = logging.getLogger("cors_wsgi")

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
