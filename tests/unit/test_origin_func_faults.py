"""allow_origin_func under faults: a call that takes longer than origin_func_timeout refuses
(origin_check_failed) and its late answer is kept for later requests; requests for one origin
share one call; beyond origin_func_concurrency calls in flight a new origin is refused at once
(origin_check_busy), logged at most every 10 seconds; plain functions never run in the event
loop's default executor. Threads only: the server stall tests are in the integration tier."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.origin_func import OriginFunc, Verdict

from ..support.asgi_apps import RecordingASGIApp, request, run_async
from ..support.helpers import ALLOWED, PARTNER, RecordingApp

#: Bounds every wait of these tests, so a regression fails instead of hanging.
PATIENCE = 10.0


class Backend:
    """An origin check that counts its calls and blocks until released (or *delay* passes)."""

    def __init__(self, delay: float = PATIENCE) -> None:
        self.delay = delay
        self.calls: list[str] = []
        self.threads: set[str] = set()
        self.released = threading.Event()

    def __call__(self, origin: str) -> bool:
        self.calls.append(origin)
        self.threads.add(threading.current_thread().name)
        self.released.wait(self.delay)
        return origin.endswith(".partner.example")


class AsyncBackend(Backend):
    async def __call__(self, origin: str) -> bool:  # type: ignore[override]
        self.calls.append(origin)
        deadline = time.monotonic() + self.delay
        while not self.released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return origin.endswith(".partner.example")


@pytest.fixture
def backend() -> Iterator[Backend]:
    found = Backend()
    yield found
    found.released.set()  # hung calls end with the test


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def test_a_slow_call_refuses_after_the_timeout_and_its_late_answer_is_kept(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    func = OriginFunc(backend, cache_seconds=60, timeout=0.2)
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        verdict, took = timed(lambda: func.ask(PARTNER))
    assert verdict is Verdict.FAIL
    assert 0.2 <= took < 1.0
    assert "took longer than origin_func_timeout (0.2 s)" in caplog.text
    assert func.remembered(PARTNER) is None  # still running
    backend.released.set()
    deadline = time.monotonic() + PATIENCE
    while func.remembered(PARTNER) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert func.remembered(PARTNER) is Verdict.ALLOW  # the late answer serves later requests
    assert func.in_flight == 0


def test_concurrent_requests_for_one_origin_share_one_call(backend: Backend) -> None:
    func = OriginFunc(backend, cache_seconds=60, timeout=PATIENCE)
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = [pool.submit(func.ask, PARTNER) for _ in range(20)]
        deadline = time.monotonic() + PATIENCE
        while not backend.calls and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # every request is waiting by now
        backend.released.set()
        assert {answer.result(PATIENCE) for answer in answers} == {Verdict.ALLOW}
    assert backend.calls == [PARTNER]


def test_beyond_the_concurrency_a_new_origin_is_refused_at_once(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    func = OriginFunc(backend, cache_seconds=60, timeout=0.1, concurrency=2)
    hung = [f"https://hung{i}.partner.example" for i in range(2)]
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        assert [func.ask(origin) for origin in hung] == [Verdict.FAIL, Verdict.FAIL]
        assert func.in_flight == 2
        busy = [timed(partial(func.ask, f"https://new{i}.partner.example")) for i in range(5)]
        # an origin already being asked about shares its call instead: it waits, then times out
        assert func.ask(hung[0]) is Verdict.FAIL
    assert [verdict for verdict, _ in busy] == [Verdict.BUSY] * 5
    assert max(took for _, took in busy) < 0.05
    assert backend.calls == hung  # nothing more was called
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # rate limited
    assert "origin_check_busy" in warnings[0].getMessage()
    backend.released.set()


@pytest.mark.parametrize("kind", [Backend, AsyncBackend])
def test_under_asgi_a_hung_call_times_out_and_is_shared(kind: type[Backend]) -> None:
    backend = kind()
    func = OriginFunc(backend, cache_seconds=60, timeout=0.2)

    async def many() -> tuple[list[Verdict], float]:
        start = time.monotonic()
        verdicts = await asyncio.gather(*(func.ask_async(PARTNER) for _ in range(60)))
        return verdicts, time.monotonic() - start

    try:
        verdicts, took = run_async(many())
    finally:
        backend.released.set()
    assert verdicts == [Verdict.FAIL] * 60
    assert 0.2 <= took < 1.5
    assert backend.calls == [PARTNER]  # one backend call for 60 requests


def test_plain_functions_under_asgi_leave_the_default_executor_free(backend: Backend) -> None:
    """Six hung calls (the default executor's size on two cores) and the app's own
    run_in_executor(None, ...) still runs at once."""
    func = OriginFunc(backend, cache_seconds=60, timeout=0.1)

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(func.ask_async(f"https://h{i}.partner.example") for i in range(6)))
        start = time.monotonic()
        await loop.run_in_executor(None, time.sleep, 0)
        return time.monotonic() - start

    try:
        assert run_async(scenario()) < 0.5
    finally:
        backend.released.set()
    assert backend.threads == {"cors_wsgi allow_origin_func"}


@pytest.mark.parametrize("adapter", ["wsgi", "asgi"])
def test_the_middlewares_answer_timeouts_and_busy_with_their_reasons(adapter: str) -> None:
    backend = Backend()
    options = {"allow_origins": [ALLOWED], "allow_origin_func": backend, "debug": True,
               "origin_func_timeout": 0.1, "origin_func_concurrency": 1}  # fmt: skip
    wsgi = TestApp(CORSMiddleware(RecordingApp(), options))
    asgi = ASGICORSMiddleware(RecordingASGIApp(), options)

    def reason(origin: str) -> str | None:
        if adapter == "wsgi":
            found: str | None = wsgi.get("/", headers={"Origin": origin}).headers.get(
                "X-CORS-Reason"
            )
            return found
        return request(asgi, "GET", "/", {"Origin": origin}).header("X-CORS-Reason")

    try:
        reasons = (reason(PARTNER), reason("https://other.partner.example"))
    finally:
        backend.released.set()
    assert reasons == ("origin_check_failed", "origin_check_busy")
