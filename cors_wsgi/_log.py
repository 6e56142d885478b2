"""Logging: refusals at DEBUG on the ``cors_wsgi`` logger, every request value escaped."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .decision import Decision

__all__ = ["LOG_VALUE_LIMIT", "log_decision", "logger", "sanitise"]

#: Refusals are logged here at DEBUG, one line each; nothing is logged for allowed requests.
logger: Final = logging.getLogger("cors_wsgi")

#: Longest request value written to a log line, in characters (the rest is counted).
LOG_VALUE_LIMIT: Final = 200


def log_decision(decision: Decision, facts: Mapping[str, Any]) -> None:
    """One DEBUG line for a refused (or unrouted) request described by request *facts* (see
    :mod:`cors_wsgi.core`); every value from the request is escaped and capped."""
    detail = f" {sanitise(decision.detail)}" if decision.detail else ""
    logger.debug(
        "CORS %s%s: %s %s from Origin %s",
        decision.reason,
        detail,
        sanitise(facts.get("REQUEST_METHOD", "")),
        sanitise(facts.get("SCRIPT_NAME", "") + facts.get("PATH_INFO", "")),
        sanitise(facts.get("HTTP_ORIGIN", "")),
    )


def sanitise(value: str | bytes, limit: int = LOG_VALUE_LIMIT) -> str:
    """Escape CR, LF and every other control or non-printable character, cap the length
    (log injection, CVE-2024-1681 in flask-cors); bytes are read as latin-1."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    shown = repr(value[:limit])[1:-1]  # repr escapes what is not printable
    return shown + f"...(+{len(value) - limit} chars)" if len(value) > limit else shown
