"""FastAPI and Starlette apps configured with Starlette's own ``CORSMiddleware``, as projects
coming to cors_wsgi have them: what ``python -m cors_wsgi migrate starlette module:app`` reads."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware

from cors_wsgi.asgi import CORSMiddleware as CorsWsgiMiddleware

from .helpers import ALLOWED

#: FastAPI's tutorial, plus the keywords it leaves out.
app = FastAPI()
app.add_middleware(GZipMiddleware)
app.add_middleware(
    CORSMiddleware,
    allow_origins=[ALLOWED],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
    expose_headers=["X-Total-Count"],
    max_age=3600,
)
#: Starlette, its middleware given as a list.
starlette_app = Starlette(
    middleware=[Middleware(CORSMiddleware, allow_origin_regex=r"https://.*\.example\.org")]
)
#: Unsafe: any origin with credentials.
unsafe_app = FastAPI()
unsafe_app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
#: No CORS at all.
bare_app = FastAPI()
#: cors_wsgi's middleware with a misspelt keyword (mypy flags it; built when the app starts).
misspelt_app = FastAPI()
misspelt_app.add_middleware(CorsWsgiMiddleware, allow_origin=[ALLOWED])  # type: ignore[call-arg]
