"""The app the fault, load and streaming tests serve with real gunicorn.

A plain WSGI app behind cors_wsgi. Bodies record their close() in CLOSE_LOG (a file, so every
worker process can write it); /__stats reports the worker's memory and decision-cache size.
FAULTS_HANDLE_ERRORS=1 turns on the middleware's handle_app_errors.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from cors_wsgi import CORSMiddleware, CORSPolicy

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

CLOSE_LOG = os.environ.get("FAULTS_CLOSE_LOG", os.devnull)
ALLOWED_ORIGINS = [f"https://app{i}.example.com" for i in range(50)]
POLICY = CORSPolicy(
    allow_origins=[*ALLOWED_ORIGINS, "https://*.tenant.example.org"],
    allow_methods=["GET", "POST", "PUT"],
    allow_headers=["Authorization", "X-Request-Id"],
    expose_headers=["X-Echo-Origin"],
    allow_credentials=True,
)


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Body:
    """A streamed body that writes a line to CLOSE_LOG when the server closes it."""

    def __init__(self, name: str, chunks: Iterator[bytes]) -> None:
        self.name, self.chunks = name, chunks

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        with open(CLOSE_LOG, "a", encoding="utf-8") as log:
            log.write(self.name + "\n")


def stream(total: int, chunk: int = 64 * 1024, pause: float = 0.0) -> Iterator[bytes]:
    block = b"x" * chunk
    sent = 0
    while sent < total:
        piece = block[: total - sent]
        sent += len(piece)
        if pause:
            time.sleep(pause)
        yield piece


def failing_stream() -> Iterator[bytes]:
    yield b"first chunk\n"
    raise RuntimeError("the app fails mid-stream")


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    query = dict(p.split("=", 1) for p in environ.get("QUERY_STRING", "").split("&") if "=" in p)
    if path == "/raise-early":
        raise RuntimeError("the app fails before start_response")
    if path == "/raise-mid":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body(f"raise-mid {query.get('id', '')}", failing_stream())
    if path == "/stream":
        size = int(query.get("size", "0"))
        start_response(
            "200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))]
        )
        pause = float(query.get("pause", "0"))
        return Body(f"stream {query.get('id', '')}", stream(size, pause=pause))
    if path == "/__stats":
        body = json.dumps(
            {"pid": os.getpid(), "rss_kib": rss_kib(), "cache": application.decider.remembered}
        ).encode()
    else:
        body = json.dumps({"origin": environ.get("HTTP_ORIGIN")}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    headers.append(("X-Echo-Origin", environ.get("HTTP_ORIGIN", "")))
    start_response("200 OK", headers)
    return [body]


application = CORSMiddleware(
    app, POLICY, handle_app_errors=os.environ.get("FAULTS_HANDLE_ERRORS") == "1"
)
