"""A pytest plugin for Starlette's own test suite: ``starlette.middleware.cors.CORSMiddleware``
is cors_wsgi's ASGI middleware, so the suite's ``Middleware(CORSMiddleware, allow_origins=...)``
runs the drop-in with nothing else changed (``tests/peer_suites/test_starlette_suite.py``)."""

from __future__ import annotations

import starlette.middleware.cors

from cors_wsgi.asgi import CORSMiddleware

# Replaced before the suite's modules are imported: a plugin given with -p loads first.
starlette.middleware.cors.CORSMiddleware = CORSMiddleware  # type: ignore[misc,assignment]
