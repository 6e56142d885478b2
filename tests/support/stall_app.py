"""ASGI apps whose ``allow_origin_func`` never answers for partner origins: the stall tests
serve them with real servers and check that unrelated requests and shutdown are not held up."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

from cors_wsgi.asgi import CORSMiddleware

ORIGIN = "https://app.example.com"
#: Never set: a backend that hangs.
_NEVER = threading.Event()


def hangs(origin: str) -> bool:
    """A plain function whose backend never answers for partner origins."""
    if origin.endswith(".partner.example"):
        _NEVER.wait()
    return False


async def hangs_async(origin: str) -> bool:
    """The same as an ``async def``."""
    if origin.endswith(".partner.example"):
        await asyncio.Event().wait()
    return False


async def hello(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def guarded(func: Any) -> CORSMiddleware:
    options = {"allow_origins": [ORIGIN], "allow_origin_func": func,
               "origin_func_timeout": 0.5, "debug": True}  # fmt: skip
    return CORSMiddleware(hello, options)


sync_app = guarded(hangs)
async_app = guarded(hangs_async)


#: Per-path policies behind regex routes, and an origin regex, each with their hostile input:
#: a 60 KB path (servers accept up to 64 KB targets) and an Origin at the 300-character cap
#: built to make the regex backtrack as long as it can.
HOSTILE_PATH = "/api/" + "a/" * 30_000 + "export"
HOSTILE_ORIGIN = "https://" + "a." * 140 + "example.co"
regex_app = CORSMiddleware(
    hello,
    [
        (re.compile(r"/api/(?:[a-z0-9]+/)*export"), {"allow_origins": [ORIGIN]}),
        (
            "/*",
            {"allow_origin_regex": r"https://([a-z0-9-]+\.)*example\.com", "debug": True,
             "cross_origin_protection": True},
        ),
    ],
)  # fmt: skip
