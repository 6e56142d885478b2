"""The apps the end-to-end benchmark serves with gunicorn: the same bare app, without and with
cors_wsgi (the in-process benchmark's policy)."""

from __future__ import annotations

from cors_wsgi import CORSMiddleware

from .bench_cors import FULL_POLICY, bare_app

bare = bare_app
with_cors = CORSMiddleware(bare_app, FULL_POLICY)
