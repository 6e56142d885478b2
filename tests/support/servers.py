"""Real servers for tests: gunicorn, waitress, uWSGI and the Werkzeug dev server on 127.0.0.1,
started and stopped with bounded timeouts."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
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


def stop(process: subprocess.Popen[bytes], how: signal.Signals = signal.SIGINT) -> None:
    """Signal the server's process group (SIGINT: gunicorn stops fastest so), then SIGKILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, how)
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


#: WSGI servers the examples are served by, with the command that serves ``module:app`` on
#: 127.0.0.1:PORT (gunicorn's gthread worker, waitress, uWSGI's HTTP router with keep-alive on
#: from the pyuwsgi wheel, and Werkzeug's threaded dev server, as ``flask run`` uses it).
SERVERS: dict[str, Callable[[str, int], list[str]]] = {
    "gunicorn": lambda target, port: [
        sys.executable, "-m", "gunicorn", target, "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--threads", "4", "--log-level", "warning", "--graceful-timeout", "2",
    ],
    "waitress": lambda target, port: [
        sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{port}", "--threads", "4", target,
    ],
    "uwsgi": lambda target, port: [
        str(Path(sys.executable).parent / "uwsgi"), "--http", f"127.0.0.1:{port}",
        "--http-keepalive", "--module", target, "--master", "--processes", "1",
        "--threads", "2", "--die-on-term", "--disable-logging", "--need-app",
    ],
    "werkzeug": lambda target, port: [
        sys.executable, "-m", "tests.support.werkzeug_server", target, str(port),
    ],
}  # fmt: skip
#: ASGI servers, the same way: uvicorn, hypercorn, granian (Rust, its ASGI interface) and
#: daphne (Twisted, Django Channels' server).
ASGI_SERVERS: dict[str, Callable[[str, int], list[str]]] = {
    "uvicorn": lambda target, port: [
        sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--timeout-graceful-shutdown", "2",
    ],
    "hypercorn": lambda target, port: [
        sys.executable, "-m", "hypercorn", target, "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning", "--graceful-timeout", "2",
    ],
    "granian": lambda target, port: [
        str(Path(sys.executable).parent / "granian"), "--interface", "asgi",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--workers-kill-timeout", "2", target,
    ],
    "daphne": lambda target, port: [
        sys.executable, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(port),
        "--verbosity", "0", "--application-close-timeout", "2", target,
    ],
}  # fmt: skip


@contextmanager
def serve(
    server: str, target: str, env: Mapping[str, str] | None = None, options: Sequence[str] = ()
) -> Iterator[str]:
    """Serve the WSGI or ASGI app *target* (``module:app``) with *server* (a key of
    :data:`SERVERS` or :data:`ASGI_SERVERS`), given the command-line *options* too; yield its
    base URL."""
    port = free_port()
    process = subprocess.Popen(
        [*{**SERVERS, **ASGI_SERVERS}[server](target, port), *options],
        cwd=PROJECT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if server == "uwsgi" else None,  # uWSGI's banner is noise
        start_new_session=True,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, signal.SIGTERM if server == "uwsgi" else signal.SIGINT)
        if process.stderr is not None:
            process.stderr.close()


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


def keeps_connection_open(
    base_url: str, method: str, path: str, headers: Mapping[str, str]
) -> bool:
    """Send the request twice on one connection: True when the server answered both on it."""
    host, port = base_url.removeprefix("http://").split(":")
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        for attempt in range(2):
            try:
                sock.sendall(raw)
                response = http.client.HTTPResponse(sock, method=method)
                response.begin()
                response.read()
            except (OSError, http.client.HTTPException):
                return False
            if attempt == 0 and response.will_close:
                return False
    return True
