"""Real servers for tests: gunicorn on 127.0.0.1, started and stopped with bounded timeouts."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], timeout: float = START_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT the server's process group (gunicorn stops fastest so), then SIGKILL if needed."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=STOP_TIMEOUT)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def gunicorn(
    target: Sequence[str],
    env: Mapping[str, str] | None = None,
    extra_args: Sequence[str] = (),
    ports: Sequence[int] = (),
) -> Iterator[str]:
    """Serve *target* (``module:app`` or ``--paste file.ini``) with gunicorn; yield its base URL.

    It listens on 127.0.0.1 at each of *ports* (a free port when none is given); the URL names
    the first.
    """
    ports = list(ports) or [free_port()]
    binds = [arg for port in ports for arg in ("--bind", f"127.0.0.1:{port}")]
    command = [
        sys.executable, "-m", "gunicorn", *target, *binds,
        "--workers", "1", "--threads", "4", "--log-level", "warning", "--graceful-timeout", "2",
        *extra_args,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # own process group, so stop() reaches the workers too
    )
    try:
        for port in ports:
            wait_for_port(port, process)
        yield f"http://127.0.0.1:{ports[0]}"
    finally:
        stop(process)


def request(
    base_url: str,
    method: str,
    path: str,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One HTTP request over loopback with a timeout; returns status, headers and body."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
