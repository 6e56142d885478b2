"""allow_origin_func: asked only when the fixed entries refuse a valid origin, at most once per
request, answers remembered for origin_func_cache_seconds in a bounded cache, failures refused
and logged; the same in both adapters. Plus reconfigure() and the options that came with it."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.origin_func import ORIGIN_FUNC_CACHE_SIZE, OriginFunc

from ..support import origin_funcs
from ..support.asgi_apps import RecordingASGIApp, call, http_scope, request, run_async
from ..support.helpers import ALLOWED, EVIL, PARTNER, RecordingApp


def policy(func: str = "tests.support.origin_funcs:is_partner", **options: Any) -> dict[str, Any]:
    return {"allow_origins": [ALLOWED], "allow_origin_func": func, **options}


@pytest.fixture(autouse=True)
def fresh_records() -> Iterator[None]:
    origin_funcs.asked.clear()
    origin_funcs.listed.clear()
    yield
    origin_funcs.asked.clear()


def asked() -> list[str]:
    return [origin for _, origin in origin_funcs.asked]


class WSGI:
    def __init__(self, config: Any) -> None:
        self.middleware = CORSMiddleware(RecordingApp(), config)
        self.client = TestApp(self.middleware)

    def get(
        self, origin: str | None, method: str = "GET", **headers: str
    ) -> tuple[int, str | None]:
        sent = {**({"Origin": origin} if origin else {}), **headers}
        response = self.client.request("/", method=method, headers=sent, expect_errors=True)
        return response.status_int, response.headers.get("Access-Control-Allow-Origin")


class ASGI:
    def __init__(self, config: Any) -> None:
        self.middleware = ASGICORSMiddleware(RecordingASGIApp(), config)

    def get(
        self, origin: str | None, method: str = "GET", **headers: str
    ) -> tuple[int, str | None]:
        sent = {**({"Origin": origin} if origin else {}), **headers}
        exchange = request(self.middleware, method, "/", sent)
        return exchange.status, exchange.header("access-control-allow-origin")


ADAPTERS = [pytest.param(WSGI, id="wsgi"), pytest.param(ASGI, id="asgi")]


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_asked_once_per_origin_within_its_cache_time(adapter: Any) -> None:
    stack = adapter(policy())
    for _ in range(3):
        assert stack.get(PARTNER) == (200, PARTNER)
        assert stack.get(EVIL) == (200, None)
    preflight = {"Access-Control-Request-Method": "POST"}
    assert stack.get("https://b.partner.example", "OPTIONS", **preflight)[0] == 200
    assert stack.get("https://b.partner.example", "OPTIONS", **preflight)[0] == 200
    assert asked() == [PARTNER, EVIL, "https://b.partner.example"]  # refusals remembered too


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_junk_null_and_fixed_origins_never_reach_the_function(adapter: Any) -> None:
    stack = adapter(policy())
    for origin in (ALLOWED, "null", "https://APP.example.com", "not an origin", "https://a.b/c"):
        stack.get(origin)
    stack.get(None)
    stack.get(ALLOWED, "OPTIONS", **{"Access-Control-Request-Method": "POST"})
    assert asked() == []


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_revoked_origin_is_refused_once_its_answer_expires(adapter: Any) -> None:
    origin_funcs.listed.add(PARTNER)
    stack = adapter(policy("tests.support.origin_funcs:is_listed", origin_func_cache_seconds=0.3))
    assert stack.get(PARTNER) == (200, PARTNER)
    origin_funcs.listed.clear()  # revoked
    assert stack.get(PARTNER) == (200, PARTNER)  # remembered for 0.3 s
    time.sleep(0.4)
    assert stack.get(PARTNER) == (200, None)
    assert asked() == [PARTNER, PARTNER]


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_cache_seconds_zero_asks_every_request_once(adapter: Any) -> None:
    stack = adapter(policy(origin_func_cache_seconds=0))
    stack.get(PARTNER)
    stack.get(PARTNER, "OPTIONS", **{"Access-Control-Request-Method": "POST"})
    stack.get(PARTNER)
    assert asked() == [PARTNER] * 3


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("func", ["broken", "says_yes_as_text"])
def test_a_failing_function_refuses_and_logs_an_error(
    adapter: Any, func: str, caplog: pytest.LogCaptureFixture
) -> None:
    stack = adapter(policy(f"tests.support.origin_funcs:{func}"))
    hostile = PARTNER + "\r\nX-Injected: 1"  # not an origin: never asked, never logged
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        assert stack.get(PARTNER) == (200, None)  # the application answers; no 500
        assert stack.get(PARTNER, "OPTIONS", **{"Access-Control-Request-Method": "GET"}) == (
            403,
            None,
        )
        stack.get(hostile.replace("\r\n", "%0d%0a"))
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2  # failures are not remembered: asked again by the preflight
    assert all("origin_check_failed" in r.getMessage() for r in errors)
    assert all(PARTNER in r.getMessage() for r in errors)


def test_the_cache_is_bounded_and_keeps_the_newest() -> None:
    check = OriginFunc(origin_funcs.is_partner, 60)
    for index in range(ORIGIN_FUNC_CACHE_SIZE + 100):
        check.ask(f"https://o{index}.partner.example")
    assert len(check._answers) == ORIGIN_FUNC_CACHE_SIZE
    newest = f"https://o{ORIGIN_FUNC_CACHE_SIZE + 99}.partner.example"
    assert check.remembered(newest) is not None
    assert check.remembered("https://o0.partner.example") is None


def test_an_async_function_never_blocks_the_event_loop() -> None:
    middleware = ASGICORSMiddleware(
        RecordingASGIApp(), policy("tests.support.origin_funcs:is_partner_slow")
    )

    async def both() -> tuple[float, float]:
        started = time.monotonic()

        async def timed(origin: str) -> float:
            await call(middleware, http_scope("GET", "/", {"Origin": origin}))
            return time.monotonic() - started

        slow, fast = await asyncio.gather(timed(PARTNER), timed(ALLOWED))
        return slow, fast

    slow, fast = run_async(both())
    assert slow >= 0.5 and fast < 0.25


def test_a_plain_function_runs_in_a_worker_thread_under_asgi() -> None:
    stack = ASGI(policy("tests.support.origin_funcs:is_partner_thread"))
    loop_thread: list[str] = []

    async def one() -> None:
        loop_thread.append(threading.current_thread().name)
        await call(stack.middleware, http_scope("GET", "/", {"Origin": PARTNER}))

    run_async(one())
    [(thread, origin)] = origin_funcs.asked
    assert origin == PARTNER and thread != loop_thread[0]


def test_evaluate_asks_the_function_once_for_preflight_and_request() -> None:
    decision = CORSPolicy(**policy(allow_methods=["PUT"])).evaluate(PARTNER, "PUT")
    assert decision.allowed and decision.reason == "allowed"
    assert asked() == [PARTNER]
    async_policy = CORSPolicy(**policy("tests.support.origin_funcs:is_partner_async"))
    assert async_policy.evaluate(PARTNER).allowed  # an async def is run to completion


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tests.support.origin_funcs:nothing_here", "has no nothing_here"),
        ("tests.no_such_module:f", "cannot be imported"),
        ("tests.support.origin_funcs", "expected an import string package.module:function"),
        ("tests.support.origin_funcs:NOT_CALLABLE", "expected a callable"),
        (42, "expected a callable"),
    ],
)
def test_bad_functions_are_config_errors(value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as error:
        CORSPolicy(allow_origins=[ALLOWED], allow_origin_func=value)  # type: ignore[arg-type]
    assert "allow_origin_func" in str(error.value)


def test_a_function_with_star_or_an_async_one_under_wsgi_is_refused() -> None:
    with pytest.raises(ConfigError, match="never asked when allow_origins='\\*'"):
        CORSPolicy(allow_origins="*", allow_origin_func=origin_funcs.is_partner)
    async_policy = policy("tests.support.origin_funcs:is_partner_async")
    with pytest.raises(ConfigError, match="async def, which a WSGI server cannot await"):
        CORSMiddleware(RecordingApp(), async_policy)
    middleware = CORSMiddleware(RecordingApp(), policy())
    with pytest.raises(ConfigError, match="cannot await"):
        middleware.reconfigure([("/api/*", async_policy)])
    assert middleware.policy == CORSPolicy(**policy())  # untouched
    ASGICORSMiddleware(RecordingASGIApp(), async_policy)  # fine under ASGI


@pytest.mark.parametrize("value", [timedelta(seconds=-1), timedelta(seconds=0.5), -3, "soon"])
def test_bad_durations_name_their_key(value: object) -> None:
    with pytest.raises(ConfigError, match="max_age"):
        CORSPolicy(max_age=value)  # type: ignore[arg-type]
    if not isinstance(value, timedelta) or value.total_seconds() < 0:
        with pytest.raises(ConfigError, match="origin_func_cache_seconds"):
            CORSPolicy(origin_func_cache_seconds=value)  # type: ignore[arg-type]


def test_path_regexes_are_checked_like_origin_regexes() -> None:
    with pytest.raises(ConfigError, match="ReDoS"):
        CORSMiddleware(RecordingApp(), [(re.compile(r"/(a+)+"), {})])
    with pytest.raises(ConfigError, match=r"compiled re\.Pattern"):
        CORSMiddleware(RecordingApp(), [("api/*", {})])


# -- reconfigure ----------------------------------------------------------------------------


OLD = {"allow_origins": ["https://old.example"], "allow_credentials": True}
NEW = {"allow_origins": ["https://new.example"], "expose_headers": ["X-New"]}


def test_reconfigure_swaps_atomically_under_concurrent_requests() -> None:
    """Threads send requests while the main thread flips the policy: every answer is wholly
    the old policy's or wholly the new one's."""
    middleware = CORSMiddleware(RecordingApp(), OLD)
    client = TestApp(middleware)
    answers: list[tuple[str | None, str | None, str | None]] = []
    stop = threading.Event()

    def send() -> None:
        origins = ["https://old.example", "https://new.example"]
        while not stop.is_set():
            for origin in origins:
                headers = client.get("/", headers={"Origin": origin}).headers
                answers.append((headers.get("Access-Control-Allow-Origin"),
                                headers.get("Access-Control-Allow-Credentials"),
                                headers.get("Access-Control-Expose-Headers")))  # fmt: skip

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for index in range(200):
            middleware.reconfigure(NEW if index % 2 == 0 else OLD)
            time.sleep(0.001)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    allowed = {
        ("https://old.example", "true", None),  # old policy, old origin
        ("https://new.example", None, "X-New"),  # new policy, new origin
        (None, None, None),  # either policy refusing the other's origin
    }
    assert len(answers) > 100
    assert set(answers) <= allowed
    assert ("https://old.example", "true", None) in answers
    assert ("https://new.example", None, "X-New") in answers


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_bad_reconfiguration_leaves_the_running_one(adapter: Any) -> None:
    stack = adapter(OLD)
    stack.get("https://old.example")
    with pytest.raises(ConfigError, match="allow_origins"):
        stack.middleware.reconfigure({"allow_origins": "*", "allow_credentials": True})
    assert stack.get("https://old.example") == (200, "https://old.example")
    assert stack.middleware.decider.remembered == 1
    stack.middleware.reconfigure(NEW)
    assert stack.middleware.decider.remembered == 0  # the old caches went with the old policy
    assert stack.get("https://old.example") == (200, None)
    assert stack.get("https://new.example") == (200, "https://new.example")
