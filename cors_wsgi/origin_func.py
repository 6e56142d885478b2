"""Origins decided at run time: asking a policy's ``allow_origin_func`` and remembering its
answers. Protocol-free; the adapters choose how to wait (a plain call under WSGI, ``await``
under ASGI) and hand the verdict to the core as an argument (``decide(facts, verdict)``).

What is asked and when is the core's (:mod:`.rules`, :mod:`.memo`): only origins that are
valid and not allowed by the fixed entries, at most once per request.
"""

from __future__ import annotations

import asyncio
import threading
import time
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

from ._log import logger, sanitise
from .options import describe_function, is_async_callable

if TYPE_CHECKING:
    from collections.abc import Callable

    from .options import OriginFunction

__all__ = ["ORIGIN_FUNC_CACHE_SIZE", "OriginFunc", "Verdict"]

#: Origins whose answers each :class:`OriginFunc` remembers at most. A client inventing origins
#: cannot grow memory past it: when full, the oldest answer (the first to expire) is dropped.
#: Measured at the bound: about 0.45 MB for origins of 300 characters, the longest accepted.
ORIGIN_FUNC_CACHE_SIZE: Final = 1024


class Verdict(Enum):
    """What ``allow_origin_func`` said of an origin."""

    ALLOW = "allow"
    REFUSE = "refuse"
    #: It raised, or returned something other than True or False: the request is refused.
    FAIL = "fail"


_ALLOW: Final = Verdict.ALLOW
_REFUSE: Final = Verdict.REFUSE
_FAIL: Final = Verdict.FAIL


class OriginFunc:
    """One policy's ``allow_origin_func`` with the answers it gave, each remembered for
    ``cache_seconds`` (allowed and refused alike; failures are never remembered, so a database
    that is back is asked again at once).

    Thread-safe: lookups are plain dict reads; recording takes a lock, so the bound holds
    under gunicorn threads. One per policy decider; nothing is shared between instances.
    """

    __slots__ = ("_answers", "_lock", "cache_seconds", "func", "is_async", "name")

    def __init__(self, func: OriginFunction, cache_seconds: float) -> None:
        self.func = func
        self.name = describe_function(func)
        self.is_async = is_async_callable(func)
        self.cache_seconds = cache_seconds
        self._answers: dict[str, tuple[Verdict, float]] = {}  # origin -> (verdict, expiry)
        self._lock = threading.Lock()

    def remembered(self, origin: str) -> Verdict | None:
        """The answer given for *origin* within ``cache_seconds``, or None."""
        answer = self._answers.get(origin)
        if answer is not None and answer[1] > time.monotonic():
            return answer[0]
        return None

    def ask(self, origin: str) -> Verdict:
        """Call the function and remember its answer; an ``async def`` is run to completion
        (for ``evaluate()`` and the command line; the ASGI middleware awaits :meth:`ask_async`)."""
        try:
            result = _run_coroutine(self.func, origin) if self.is_async else self.func(origin)
        except Exception:  # an error must refuse, never become the application's 500
            return self._failed(origin, "raised")
        return self._record(origin, result)

    async def ask_async(self, origin: str) -> Verdict:
        """Await the function (a plain one runs in a worker thread): the event loop never
        waits for it."""
        try:
            if self.is_async:
                result = await self.func(origin)
            else:
                result = await asyncio.to_thread(self.func, origin)
        except Exception:
            return self._failed(origin, "raised")
        return self._record(origin, result)

    def _record(self, origin: str, result: object) -> Verdict:
        if result is not True and result is not False:  # "false", None, 1: a bug, not a yes
            return self._failed(origin, f"returned {result!r}, not True or False,")
        verdict = _ALLOW if result else _REFUSE
        if self.cache_seconds > 0:
            with self._lock:
                answers = self._answers
                answers.pop(origin, None)  # re-inserted last: dict order is expiry order
                if len(answers) >= ORIGIN_FUNC_CACHE_SIZE:
                    del answers[next(iter(answers))]
                answers[origin] = (verdict, time.monotonic() + self.cache_seconds)
        return verdict

    def _failed(self, origin: str, what: str) -> Verdict:
        logger.error(
            "allow_origin_func %s %s for Origin %s; refused (origin_check_failed)",
            self.name,
            what,
            sanitise(origin),
            exc_info=what == "raised",
        )
        return _FAIL

    def __repr__(self) -> str:
        return f"OriginFunc({self.name}, cache_seconds={self.cache_seconds})"


def _run_coroutine(func: Callable[[str], Any], origin: str) -> object:
    """Run ``await func(origin)`` from synchronous code, in a thread of its own when this one
    already runs an event loop (``asyncio.run`` refuses to nest)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(func(origin))
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = asyncio.run(func(origin))
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="cors_wsgi allow_origin_func")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]
