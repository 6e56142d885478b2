"""Starlette's (and FastAPI's) ``CORSMiddleware`` keywords as cors_wsgi options.

The same translation serves ``python -m cors_wsgi migrate starlette`` and the keywords of
cors_wsgi's own middlewares (``app.add_middleware(CORSMiddleware, allow_origins=[...])``), so the
two cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ._common import STAR_CREDENTIALS, Migration

__all__ = ["STARLETTE_KEYWORDS", "STARLETTE_METHODS", "config_of", "from_starlette"]

#: What Starlette allows for ``allow_methods=["*"]`` (its ``ALL_METHODS``, 1.10).
STARLETTE_METHODS: Final = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
#: The keywords of Starlette's ``CORSMiddleware``; any other is a cors_wsgi option, kept as given.
STARLETTE_KEYWORDS: Final = frozenset(
    {"allow_origins", "allow_methods", "allow_headers", "allow_credentials",
     "allow_origin_regex", "allow_private_network", "expose_headers", "max_age"}
)  # fmt: skip
_TRUE: Final = frozenset({"true", "yes", "on", "1"})


def from_starlette(kwargs: Mapping[str, Any]) -> Migration:
    """Starlette's (and FastAPI's) ``CORSMiddleware`` keyword arguments, with Starlette's
    defaults (``allow_methods`` GET only, ``max_age`` 600). Keywords Starlette lacks (cors_wsgi's
    ``allow_origin_func``, ``debug``, ..., or a misspelt name) are kept as given, for the policy
    to take or to refuse by name."""
    migration = Migration("Starlette CORSMiddleware")
    migration.options.update({k: v for k, v in kwargs.items() if k not in STARLETTE_KEYWORDS})
    given_credentials = kwargs.get("allow_credentials", False)
    credentials = (
        given_credentials.strip().lower() in _TRUE
        if isinstance(given_credentials, str)
        else bool(given_credentials)
    )
    origins = _names(kwargs.get("allow_origins", ()))
    if "*" in origins and credentials:
        migration.unsafe.append(f"allow_origins ['*'] with allow_credentials {STAR_CREDENTIALS}")
    else:
        migration.options["allow_origins"] = ["*"] if "*" in origins else origins
    regex = kwargs.get("allow_origin_regex")
    if regex:
        single = isinstance(regex, (str, re.Pattern))
        migration.options["allow_origin_regex"] = [regex] if single else list(regex)
    methods = _names(kwargs.get("allow_methods", ("GET",)))
    if all(isinstance(method, str) for method in methods):
        # Kept with OPTIONS: a page's fetch(url, {method: "OPTIONS"}) is preflighted asking
        # for OPTIONS, which Starlette allows when listed (as ["*"] lists it).
        listed = STARLETTE_METHODS if "*" in methods else methods
        methods = list(listed)
    migration.options["allow_methods"] = methods  # otherwise as given: the policy names it
    headers = _names(kwargs.get("allow_headers", ()))
    migration.options["allow_headers"] = "*" if "*" in headers else headers
    expose = _names(kwargs.get("expose_headers", ()))
    if expose:
        migration.options["expose_headers"] = "*" if "*" in expose else expose
    migration.options["allow_credentials"] = credentials
    migration.options["max_age"] = kwargs.get("max_age", 600)
    if kwargs.get("allow_private_network"):
        migration.options["allow_private_network"] = kwargs["allow_private_network"]
    migration.notes.append(
        "wrap the whole app (app = CORSMiddleware(app, ...)) rather than add_middleware, so 500s "
        "carry the CORS headers"
    )
    return migration


def _names(value: object) -> list[Any]:
    """A list keyword: Starlette takes any collection; a string is split as cors_wsgi splits it
    (commas and whitespace), never into characters."""
    if value is None:
        return []
    if isinstance(value, str):
        return [item for item in re.split(r"[,\s]+", value) if item]
    if isinstance(value, Iterable):
        return list(value)
    return [value]  # not a list: the policy names it


def config_of(target: object) -> Any:
    """A dict of ``CORSMiddleware`` keywords, or a Starlette/FastAPI app whose middleware
    (``app.add_middleware`` or ``middleware=[Middleware(...)]``) holds a ``CORSMiddleware``:
    Starlette's or cors_wsgi's."""
    if isinstance(target, Mapping):
        return target
    entries = getattr(target, "user_middleware", None)
    if isinstance(entries, list):
        found = [
            entry
            for entry in entries
            if getattr(getattr(entry, "cls", None), "__name__", "") == "CORSMiddleware"
        ]
        if not found:
            raise TypeError("has no CORSMiddleware among its middleware (app.user_middleware)")
        if len(found) > 1:
            raise TypeError("has several CORSMiddleware entries; name one of their keywords")
        entry = found[0]
        if entry.args:
            raise TypeError(
                "gives its CORSMiddleware positional arguments; give the options as keywords"
            )
        kwargs = dict(entry.kwargs)
        if "policy" in kwargs:
            raise TypeError(
                "configures cors_wsgi's CORSMiddleware with policy=: nothing to migrate"
            )
        return kwargs
    raise TypeError(
        f"is of type {type(target).__name__}; expected a Starlette or FastAPI app or a dict"
    )
