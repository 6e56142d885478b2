"""allow_origin_func behind real servers: the plain function under gunicorn's threads, the
async one under uvicorn; concurrent requests over loopback, every answer checked."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from ..support.servers import (
    ASGI_SERVERS,
    PROJECT,
    free_port,
    request,
    serve,
    stop,
    wait_for_port,
)
from ..support.stall_app import HOSTILE_ORIGIN, HOSTILE_PATH

ORIGINS = {
    "https://app.example.com": "https://app.example.com",  # fixed entry
    "https://shop.partner.example": "https://shop.partner.example",  # in the table
    "https://evil.example": None,  # not in the table
}


@pytest.mark.parametrize(
    ("server", "target"),
    [
        pytest.param("gunicorn", "examples.partner_origins:application", id="gunicorn threads"),
        pytest.param("uvicorn", "examples.partner_origins:app", id="uvicorn async"),
    ],
)
def test_partner_origins_under_concurrency(server: str, target: str) -> None:
    with serve(server, target) as url:

        def one(index: int) -> tuple[str, str | None, str | None, int]:
            origin = list(ORIGINS)[index % len(ORIGINS)]
            if index % 2:
                headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
                status, found, _ = request(url, "OPTIONS", "/", headers)
            else:
                status, found, _ = request(url, "GET", "/", {"Origin": origin})
            return origin, found["Access-Control-Allow-Origin"], found["Vary"], status

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(one, range(120)))
    for origin, allowed, vary, status in answers:
        assert allowed == ORIGINS[origin], origin
        assert vary is not None and "Origin" in vary
        assert status in (200, 403)


#: An unrelated request must be answered this fast while the backend hangs, and the server must
#: stop this fast after SIGTERM.
UNRELATED_WITHIN = 0.1
STOPS_WITHIN = 2.0


def hung_origin_checks(url: str) -> list[Future[Any]]:
    """Forty requests from partner origins whose check never answers."""
    pool = ThreadPoolExecutor(max_workers=40)
    origins = [f"https://p{i}.partner.example" for i in range(40)]
    futures = [pool.submit(request, url, "GET", "/", {"Origin": o}) for o in origins]
    pool.shutdown(wait=False)
    return futures


def long_paths(url: str) -> list[Future[Any]]:
    """Ten 60 KB paths aimed at a regex route."""
    pool = ThreadPoolExecutor(max_workers=10)
    futures = [pool.submit(request, url, "GET", HOSTILE_PATH) for _ in range(10)]
    pool.shutdown(wait=False)
    return futures


def hostile_origins(url: str) -> list[Future[Any]]:
    """Ten Origins at the length cap, built to make the origin regex backtrack."""
    pool = ThreadPoolExecutor(max_workers=10)
    headers = {"Origin": HOSTILE_ORIGIN, "Sec-Fetch-Site": "cross-site"}
    futures = [pool.submit(request, url, "POST", "/x", headers) for _ in range(10)]
    pool.shutdown(wait=False)
    return futures


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
@pytest.mark.parametrize(
    ("target", "attack", "outcomes"),
    [
        ("sync_app", hung_origin_checks, {"origin_check_failed", "origin_check_busy"}),
        ("async_app", hung_origin_checks, {"origin_check_failed", "origin_check_busy"}),
        ("regex_app", long_paths, {"no_policy_for_path", None, "431", "414", "400"}),
        ("regex_app", hostile_origins, {"cross_origin_request_refused"}),
    ],
    ids=["hung plain function", "hung async function", "60 KB path", "hostile Origin"],
)
def test_nothing_an_attacker_sends_stalls_other_requests_or_shutdown(
    server: str, target: str, attack: Callable[[str], list[Future[Any]]], outcomes: set[str | None]
) -> None:
    """While the attack's requests are in flight, a request without Origin is answered within
    100 ms, every attack request gets its answer (refused, or the server's own limit), and
    SIGTERM stops the server within 2 s."""
    port = free_port()
    process = subprocess.Popen(
        ASGI_SERVERS[server](f"tests.support.stall_app:{target}", port),
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, process)
        url = f"http://127.0.0.1:{port}"
        attacks = attack(url)
        time.sleep(0.2)  # the attack is in flight
        took = []
        for _ in range(5):
            start = time.monotonic()
            status, _, body = request(url, "GET", "/")
            took.append(time.monotonic() - start)
            assert (status, body) == (200, b"ok")
        answers = [future.result(timeout=10) for future in attacks]
        found = {
            headers["X-CORS-Reason"] if status < 400 or headers["X-CORS-Reason"] else str(status)
            for status, headers, _ in answers
        }
        assert sorted(took)[2] < UNRELATED_WITHIN, took  # the median: one slow answer is noise
        assert found <= outcomes, found
        start = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        assert time.monotonic() - start < STOPS_WITHIN
    finally:
        stop(process)
