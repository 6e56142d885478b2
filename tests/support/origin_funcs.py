"""Functions for ``allow_origin_func`` in the tests, importable by their import strings
(``tests.support.origin_funcs:is_partner``) as INI files and dicts name them. Each records the origins
it is asked about, so tests can count calls."""

from __future__ import annotations

import asyncio
import threading

PARTNER_SUFFIX = ".partner.example"
#: Every origin each function was asked about, in order, with the thread that asked.
asked: list[tuple[str, str]] = []
#: Origins that ``is_listed`` allows; tests change it to revoke or add origins.
listed: set[str] = set()


def _record(name: str, origin: str) -> None:
    asked.append((name, origin))


def is_partner(origin: str) -> bool:
    """Allows https origins under .partner.example (a plain function)."""
    _record("is_partner", origin)
    return origin.startswith("https://") and origin.endswith(PARTNER_SUFFIX)


async def is_partner_async(origin: str) -> bool:
    """The same, as an ``async def`` that waits as a database query would."""
    _record("is_partner_async", origin)
    await asyncio.sleep(0.01)
    return origin.startswith("https://") and origin.endswith(PARTNER_SUFFIX)


async def is_partner_slow(origin: str) -> bool:
    """Takes half a second: other requests must be served meanwhile."""
    _record("is_partner_slow", origin)
    await asyncio.sleep(0.5)
    return origin.endswith(PARTNER_SUFFIX)


def is_partner_thread(origin: str) -> bool:
    """Records the thread it runs on (under ASGI: a worker thread, not the event loop's)."""
    _record(threading.current_thread().name, origin)
    return origin.endswith(PARTNER_SUFFIX)


def is_listed(origin: str) -> bool:
    """Allows what :data:`listed` holds now."""
    _record("is_listed", origin)
    return origin in listed


def broken(origin: str) -> bool:
    """A lookup whose database is down."""
    _record("broken", origin)
    raise ConnectionError("database unavailable")


def says_yes_as_text(origin: str) -> str:
    """A bug: returns a string, which must not count as True."""
    _record("says_yes_as_text", origin)
    return "false"


NOT_CALLABLE = 42
