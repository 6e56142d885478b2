"""Origins decided at run time: asking a policy's ``allow_origin_func`` and remembering its
answers, bounded in time and in calls in flight. Protocol-free; the adapters choose how to
wait (a blocking wait under WSGI, ``await`` under ASGI) and hand the verdict to the core as an
argument (``decide(facts, verdict)``).

What is asked and when is the core's (:mod:`.rules`, :mod:`.memo`): only origins that are
valid and not allowed by the fixed entries, at most once per request.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from enum import Enum
from typing import TYPE_CHECKING, Final

from ._log import logger, sanitise
from .options import describe_function, is_async_callable

if TYPE_CHECKING:
    from .options import OriginFunction

__all__ = ["BUSY_LOG_INTERVAL", "ORIGIN_FUNC_CACHE_SIZE", "OriginFunc", "Verdict"]

#: Origins whose answers each :class:`OriginFunc` remembers at most. A client inventing origins
#: cannot grow memory past it: when full, the oldest answer (the first to expire) is dropped.
#: Measured at the bound: about 0.45 MB for origins of 300 characters, the longest accepted.
ORIGIN_FUNC_CACHE_SIZE: Final = 1024


class Verdict(Enum):
    """What ``allow_origin_func`` said of an origin."""

    ALLOW = "allow"
    REFUSE = "refuse"
    #: It raised, returned something other than True or False, or took longer than
    #: ``origin_func_timeout``: the request is refused.
    FAIL = "fail"
    #: ``origin_func_concurrency`` calls were in flight already: refused without asking.
    BUSY = "busy"


_ALLOW: Final = Verdict.ALLOW
_REFUSE: Final = Verdict.REFUSE
_FAIL: Final = Verdict.FAIL
_BUSY: Final = Verdict.BUSY
#: Seconds between two warnings that calls are refused for want of a free place.
BUSY_LOG_INTERVAL: Final = 10.0


class OriginFunc:
    """One policy's ``allow_origin_func`` with the answers it gave, each remembered for
    ``cache_seconds`` (allowed and refused alike; failures are never remembered, so a database
    that is back is asked again at once).

    Every call runs in a daemon thread of its own (an ``async def`` in a task, under ASGI), and
    a request waits for it at most ``timeout`` seconds. Requests for the same origin share the
    call in flight; at most ``concurrency`` calls are in flight, and a request for another
    origin is then refused at once (:attr:`Verdict.BUSY`). A hung function therefore holds at
    most ``concurrency`` threads, never a server's workers, its event loop's default executor,
    or its shutdown (daemon threads do not keep the process alive).

    Thread-safe: lookups are plain dict reads; recording and starting calls take a lock, so the
    bounds hold under gunicorn threads. One per policy decider; nothing is shared between
    instances.
    """

    __slots__ = (
        "_answers", "_busy_since_log", "_calls", "_lock", "_logged_busy_at", "cache_seconds",
        "concurrency", "func", "is_async", "name", "timeout",
    )  # fmt: skip

    def __init__(
        self,
        func: OriginFunction,
        cache_seconds: float,
        timeout: float = 2.0,
        concurrency: int = 16,
    ) -> None:
        self.func = func
        self.name = describe_function(func)
        self.is_async = is_async_callable(func)
        self.cache_seconds = cache_seconds
        self.timeout = timeout
        self.concurrency = concurrency
        self._answers: dict[str, tuple[Verdict, float]] = {}  # origin -> (verdict, expiry)
        # origin -> the call in flight: a thread's Future, or under ASGI an asyncio Task
        self._calls: dict[str, concurrent.futures.Future[Verdict] | asyncio.Future[Verdict]] = {}
        self._lock = threading.Lock()
        self._logged_busy_at = -BUSY_LOG_INTERVAL
        self._busy_since_log = 0

    def remembered(self, origin: str) -> Verdict | None:
        """The answer given for *origin* within ``cache_seconds``, or None."""
        answer = self._answers.get(origin)
        if answer is not None and answer[1] > time.monotonic():
            return answer[0]
        return None

    @property
    def in_flight(self) -> int:
        """How many calls are running now (hung ones included)."""
        return len(self._calls)

    def ask(self, origin: str) -> Verdict:
        """The function's verdict on *origin*, waiting at most ``timeout`` seconds: for
        synchronous callers (the WSGI middleware, ``evaluate()``, the command line). An
        ``async def`` runs to completion in its thread."""
        call = self._thread_call(origin)
        if call is None:
            return self._busy(origin)
        try:
            return call.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            return self._timed_out(origin)

    async def ask_async(self, origin: str) -> Verdict:
        """:meth:`ask` for the ASGI middleware: the event loop never waits for the function.
        An ``async def`` runs as a task; a plain function in a thread of its own."""
        if self.is_async:
            with self._lock:
                task = self._calls.get(origin)
                if task is None:
                    if len(self._calls) >= self.concurrency:
                        task = None
                    else:
                        task = asyncio.ensure_future(self._call_async(origin))
                        self._calls[origin] = task
                        task.add_done_callback(lambda _: self._finished(origin, task))
            if task is None:
                return self._busy(origin)
            waiting: asyncio.Future[Verdict] = task  # type: ignore[assignment]
        else:
            call = self._thread_call(origin)
            if call is None:
                return self._busy(origin)
            waiting = asyncio.wrap_future(call)
        try:
            # shield: a request that stops waiting leaves the call to the other requests
            return await asyncio.wait_for(asyncio.shield(waiting), self.timeout)
        except asyncio.TimeoutError:
            return self._timed_out(origin)

    def _thread_call(self, origin: str) -> concurrent.futures.Future[Verdict] | None:
        """The call in flight for *origin*, started in a daemon thread if there is none; None
        when ``concurrency`` calls are in flight already."""
        with self._lock:
            call = self._calls.get(origin)
            if call is not None:
                return call  # type: ignore[return-value]  # one kind of call per function
            if len(self._calls) >= self.concurrency:
                return None
            future: concurrent.futures.Future[Verdict] = concurrent.futures.Future()
            self._calls[origin] = future
        worker = threading.Thread(
            target=self._run, args=(origin, future), name="cors_wsgi allow_origin_func",
            daemon=True,  # a hung function must not keep the process from exiting
        )  # fmt: skip
        worker.start()
        return future

    def _run(self, origin: str, future: concurrent.futures.Future[Verdict]) -> None:
        try:
            result = asyncio.run(self.func(origin)) if self.is_async else self.func(origin)
        except Exception:  # an error must refuse, never become the application's 500
            verdict = self._failed(origin, "raised")
        else:
            verdict = self._record(origin, result)
        self._finished(origin, future)
        future.set_result(verdict)

    async def _call_async(self, origin: str) -> Verdict:
        try:
            result = await self.func(origin)
        except Exception:
            return self._failed(origin, "raised")
        return self._record(origin, result)

    def _finished(self, origin: str, call: object) -> None:
        with self._lock:
            if self._calls.get(origin) is call:
                del self._calls[origin]

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

    def _timed_out(self, origin: str) -> Verdict:
        return self._failed(origin, f"took longer than origin_func_timeout ({self.timeout:g} s)")

    def _busy(self, origin: str) -> Verdict:
        """Refused for want of a free place; a warning at most every BUSY_LOG_INTERVAL."""
        now = time.monotonic()
        with self._lock:
            self._busy_since_log += 1
            if now - self._logged_busy_at < BUSY_LOG_INTERVAL:
                return _BUSY
            self._logged_busy_at, count, self._busy_since_log = now, self._busy_since_log, 0
        logger.warning(
            "allow_origin_func %s has %d calls in flight (origin_func_concurrency); refused "
            "%d request(s) from new origins since the last warning, the latest from Origin %s "
            "(origin_check_busy)",
            self.name,
            self.concurrency,
            count,
            sanitise(origin),
        )
        return _BUSY

    def __repr__(self) -> str:
        return (
            f"OriginFunc({self.name}, cache_seconds={self.cache_seconds}, "
            f"timeout={self.timeout}, concurrency={self.concurrency})"
        )
