"""Starlette's (and FastAPI's) ``CORSMiddleware`` keywords as cors_wsgi options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ._common import STAR_CREDENTIALS, Migration, allowed_methods

__all__ = ["STARLETTE_METHODS", "config_of", "from_starlette"]

#: What Starlette allows for ``allow_methods=["*"]`` (from its own source).
STARLETTE_METHODS: Final = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def from_starlette(kwargs: Mapping[str, Any]) -> Migration:
    """Starlette's (and FastAPI's) ``CORSMiddleware`` keyword arguments."""
    migration = Migration("Starlette CORSMiddleware")
    credentials = bool(kwargs.get("allow_credentials", False))
    origins = list(kwargs.get("allow_origins", ()))
    if "*" in origins and credentials:
        migration.unsafe.append(f"allow_origins ['*'] with allow_credentials {STAR_CREDENTIALS}")
    else:
        migration.options["allow_origins"] = ["*"] if "*" in origins else origins
    regex = kwargs.get("allow_origin_regex")
    if regex:
        migration.options["allow_origin_regex"] = [regex]
    methods = list(kwargs.get("allow_methods", ("GET",)))
    migration.options["allow_methods"] = allowed_methods(
        STARLETTE_METHODS if "*" in methods else methods
    )
    headers = list(kwargs.get("allow_headers", ()))
    migration.options["allow_headers"] = "*" if "*" in headers else headers
    expose = list(kwargs.get("expose_headers", ()))
    if expose:
        migration.options["expose_headers"] = expose
    migration.options["allow_credentials"] = credentials
    migration.options["max_age"] = kwargs.get("max_age", 600)
    if kwargs.get("allow_private_network"):
        migration.options["allow_private_network"] = True
    migration.notes.append(
        "wrap the whole app (app = CORSMiddleware(app, ...)) rather than add_middleware, so 500s "
        "carry the CORS headers"
    )
    return migration


def config_of(target: object) -> Any:
    """A dict of ``CORSMiddleware`` keywords."""
    if isinstance(target, Mapping):
        return target
    raise TypeError(f"is of type {type(target).__name__}; expected a dict")
