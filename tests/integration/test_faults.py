"""Faults, load and streaming through real gunicorn on 127.0.0.1 (the in-process
``handle_app_errors`` tests are in tests/behaviour/test_app_errors.py)."""

from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..support.faults_app import ALLOWED_ORIGINS
from ..support.servers import gunicorn, request

ORIGIN = ALLOWED_ORIGINS[0]


def wait_for_line(path: Path, line: str, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and line in path.read_text(encoding="utf-8").splitlines():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def close_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults") / "closed.log"


@pytest.fixture(scope="module")
def server(close_log: Path) -> Iterator[str]:
    env = {"FAULTS_CLOSE_LOG": str(close_log)}
    with gunicorn(["tests.support.faults_app:application"], env=env) as url:
        yield url


@pytest.fixture(scope="module")
def guarded_server(close_log: Path) -> Iterator[str]:
    env = {"FAULTS_CLOSE_LOG": str(close_log), "FAULTS_HANDLE_ERRORS": "1"}
    with gunicorn(["tests.support.faults_app:application"], env=env) as url:
        yield url


# -- an app that raises before start_response --------------------------------------------------


def test_with_handle_app_errors_the_500_carries_cors_headers(guarded_server: str) -> None:
    status, headers, body = request(guarded_server, "GET", "/raise-early", {"Origin": ORIGIN})
    assert status == 500
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert body == b"Internal Server Error"


def test_without_it_the_exception_reaches_the_server(server: str) -> None:
    status, headers, _ = request(server, "GET", "/raise-early", {"Origin": ORIGIN})
    assert status == 500  # gunicorn's own error page
    assert "Access-Control-Allow-Origin" not in headers


# -- close() always runs -----------------------------------------------------------------------


def test_close_runs_when_the_app_raises_mid_stream(server: str, close_log: Path) -> None:
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", "/raise-mid?id=m1", headers={"Origin": ORIGIN})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Access-Control-Allow-Origin") == ORIGIN
        with pytest.raises((http.client.IncompleteRead, ConnectionError)):
            response.read()  # the body is cut short
    finally:
        connection.close()
    assert wait_for_line(close_log, "raise-mid m1")


def test_close_runs_when_the_client_disconnects_mid_body(server: str, close_log: Path) -> None:
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"GET /stream?id=d1&size=104857600&pause=0.001 HTTP/1.1\r\nHost: x\r\n"
            + f"Origin: {ORIGIN}\r\n\r\n".encode()
        )
        received = b""
        while len(received) < 256 * 1024:
            received += sock.recv(65536)
        assert f"Access-Control-Allow-Origin: {ORIGIN}".encode() in received
    assert wait_for_line(close_log, "stream d1")


# -- load: no cross-talk, no errors ------------------------------------------------------------


def mixed_requests(
    count: int, seed: int, distinct: bool
) -> list[tuple[str, str, dict[str, str], str | None]]:
    """(method, path, headers, expected ACAO) for a mix of allowed, pattern, refused,
    preflight and origin-less requests."""
    rng = random.Random(seed)
    plan: list[tuple[str, str, dict[str, str], str | None]] = []
    for i in range(count):
        kind = rng.randrange(5)
        tenant = f"https://t{i if distinct else rng.randrange(20)}.tenant.example.org"
        if kind == 0:
            origin = rng.choice(ALLOWED_ORIGINS)
            plan.append(("GET", "/echo", {"Origin": origin}, origin))
        elif kind == 1:
            plan.append(("GET", "/echo", {"Origin": tenant}, tenant))
        elif kind == 2:
            evil = f"https://evil{i if distinct else rng.randrange(20)}.example"
            plan.append(("POST", "/echo", {"Origin": evil, "Content-Length": "0"}, None))
        elif kind == 3:
            origin = rng.choice(ALLOWED_ORIGINS)
            headers = {"Origin": origin, "Access-Control-Request-Method": "PUT",
                       "Access-Control-Request-Headers": "authorization,x-request-id"}  # fmt: skip
            plan.append(("OPTIONS", "/echo", headers, origin))
        else:
            plan.append(("GET", "/echo", {}, None))
    return plan


def check_response(
    method: str, headers: dict[str, str], expected: str | None, response: Any
) -> str:
    """Empty when the response is right for its own request; else what is wrong."""
    acao = response.getheader("Access-Control-Allow-Origin")
    all_acao = response.headers.get_all("Access-Control-Allow-Origin") or []
    if len(all_acao) > 1:
        return f"{len(all_acao)} ACAO headers"
    if acao != expected:
        return f"ACAO {acao!r} for Origin {headers.get('Origin')!r}"
    if "Origin" not in (response.getheader("Vary") or ""):
        return "no Vary: Origin"
    if method == "OPTIONS":
        return "" if response.status == 200 else f"preflight status {response.status}"
    if response.status != 200:
        return f"status {response.status}"
    echoed = response.getheader("X-Echo-Origin")
    return "" if echoed == headers.get("Origin", "") else f"cross-talk: {echoed!r}"


def run_load(url: str, plan: list[Any], clients: int) -> tuple[int, list[str]]:
    host, port = url.removeprefix("http://").split(":")
    errors: list[str] = []
    done = [0]
    lock = threading.Lock()

    def worker(part: list[Any]) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            for method, path, headers, expected in part:
                connection.request(method, path, headers=headers)
                response = connection.getresponse()
                response.read()
                problem = check_response(method, headers, expected, response)
                with lock:
                    done[0] += 1
                    if problem:
                        errors.append(problem)
        except Exception as error:  # any failure is a finding, not a crash of the test
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(plan[i::clients],)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return done[0], errors


def stats(url: str, samples: int = 40) -> dict[int, dict[str, int]]:
    """Memory of each worker (a few requests reach every worker of a small pool)."""
    found: dict[int, dict[str, int]] = {}
    for _ in range(samples):
        _, _, body = request(url, "GET", "/__stats")
        data = json.loads(body)
        found[data["pid"]] = data
    return found


@pytest.fixture(scope="module")
def pool(close_log: Path) -> Iterator[str]:
    env = {"FAULTS_CLOSE_LOG": str(close_log)}
    args = ["--workers", "2", "--threads", "4", "--worker-class", "gthread", "--keep-alive", "10"]
    with gunicorn(["tests.support.faults_app:application"], env=env, extra_args=args) as url:
        yield url


def test_mixed_load_every_response_right_for_its_own_origin(pool: str) -> None:
    plan = mixed_requests(3000, seed=1, distinct=False)
    done, errors = run_load(pool, plan, clients=8)
    assert done == len(plan)
    assert errors == []


@pytest.mark.slow
def test_long_load_many_distinct_origins_memory_stays_flat(pool: str) -> None:
    run_load(pool, mixed_requests(5000, seed=2, distinct=True), clients=8)  # warm up
    before = stats(pool)
    plan = mixed_requests(200_000, seed=3, distinct=True)
    started = time.monotonic()
    done, errors = run_load(pool, plan, clients=8)
    elapsed = time.monotonic() - started
    after = stats(pool)
    growth = {pid: after[pid]["rss_kib"] - before[pid]["rss_kib"] for pid in after if pid in before}
    print(f"\n{done} requests in {elapsed:.0f} s, {len(errors)} wrong; RSS growth KiB per worker: {growth}; "
          f"decision cache sizes: {[w['cache'] for w in after.values()]}")  # fmt: skip
    assert done == len(plan) and errors == []
    assert all(w["cache"] <= 1024 for w in after.values())
    assert all(kib < 10 * 1024 for kib in growth.values()), growth


# -- a large streamed body: constant memory ----------------------------------------------------


def stream_through(url: str, size: int) -> tuple[int, int]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", f"/stream?id=big&size={size}", headers={"Origin": ORIGIN})
        response = connection.getresponse()
        assert response.getheader("Access-Control-Allow-Origin") == ORIGIN
        received = 0
        peak = 0
        while chunk := response.read(1 << 20):
            received += len(chunk)
            if received % (64 << 20) < (1 << 20):  # sample the worker now and then
                peak = max(peak, max(w["rss_kib"] for w in stats(url, samples=4).values()))
        return received, peak
    finally:
        connection.close()


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(128 << 20, id="128 MiB"),
        pytest.param(1 << 30, id="1 GiB", marks=pytest.mark.slow),
    ],
)
def test_large_streamed_body_passes_in_constant_memory(server: str, size: int) -> None:
    baseline = max(w["rss_kib"] for w in stats(server, samples=4).values())
    received, peak = stream_through(server, size)
    assert received == size
    assert peak - baseline < 20 * 1024, (baseline, peak)  # a body buffered would add `size`
