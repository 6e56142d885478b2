"""allow_origin_func behind real servers: the plain function under gunicorn's threads, the
async one under uvicorn; concurrent requests over loopback, every answer checked."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

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


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
@pytest.mark.parametrize("target", ["sync_app", "async_app"])
def test_a_hung_origin_function_stalls_neither_other_requests_nor_shutdown(
    server: str, target: str
) -> None:
    """Forty requests from partner origins whose check never answers: each is refused after
    origin_func_timeout (or at once, beyond origin_func_concurrency), a request without Origin
    is answered meanwhile within 100 ms, and SIGTERM stops the server within 2 s."""
    port = free_port()
    process = subprocess.Popen(
        ASGI_SERVERS[server](f"tests.support.stall_app:{target}", port),
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, process)
        url = f"http://127.0.0.1:{port}"
        origins = [f"https://p{i}.partner.example" for i in range(40)]
        with ThreadPoolExecutor(max_workers=40) as pool:
            hung = [pool.submit(request, url, "GET", "/", {"Origin": o}) for o in origins]
            time.sleep(0.2)  # every check is in flight (or refused as busy)
            took = []
            for _ in range(5):
                start = time.monotonic()
                status, _, body = request(url, "GET", "/")
                took.append(time.monotonic() - start)
                assert (status, body) == (200, b"ok")
            reasons = {future.result(timeout=10)[1]["X-CORS-Reason"] for future in hung}
        assert sorted(took)[2] < UNRELATED_WITHIN, took  # the median: one slow answer is noise
        assert reasons <= {"origin_check_failed", "origin_check_busy"}, reasons
        start = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        assert time.monotonic() - start < STOPS_WITHIN
    finally:
        stop(process)
