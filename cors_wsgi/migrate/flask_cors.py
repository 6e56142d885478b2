"""flask-cors's configuration (``CORS()``/``@cross_origin`` keywords, ``CORS_*`` config keys,
``resources``) as cors_wsgi options."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from ._common import (
    FLASK_REGEX_HINTS,
    Migration,
    allowed_methods,
    as_list,
    origins_and_regexes,
    prefix_regex_as_full,
    regex_source,
    seconds,
)

__all__ = ["FLASK_CORS_METHODS", "config_of", "from_flask_cors"]

#: What flask-cors allows when its users say nothing (from its own source).
FLASK_CORS_METHODS: Final = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")


def from_flask_cors(config: Mapping[str, Any]) -> Migration:
    """flask-cors: the keyword arguments of ``CORS()``/``cross_origin()``, or the ``CORS_*``
    Flask config keys (``CORS_ORIGINS``, ``CORS_SUPPORTS_CREDENTIALS``, ...)."""
    given = {(k[5:].lower() if k.startswith("CORS_") else k): v for k, v in config.items()}
    migration = Migration("flask-cors")
    known = {"origins", "methods", "allow_headers", "expose_headers", "supports_credentials",
             "max_age", "send_wildcard", "vary_header", "resources", "automatic_options",
             "always_send", "intercept_exceptions", "allow_private_network"}  # fmt: skip
    for key in sorted(set(given) - known):
        migration.unsafe.append(f"{key}: not a flask-cors option; nothing carried over")
    credentials = bool(given.get("supports_credentials", False))
    origins_and_regexes(migration, as_list(given.get("origins", "*")), credentials, True)
    migration.options["allow_methods"] = allowed_methods(given.get("methods", FLASK_CORS_METHODS))
    headers = as_list(given.get("allow_headers", "*"))
    if "allow_headers" not in given:
        migration.notes.append(
            "flask-cors allows every request header by default: allow_headers = *"
        )
    if any(isinstance(h, re.Pattern) or (h != "*" and set(h) & FLASK_REGEX_HINTS) for h in headers):
        migration.unsafe.append(
            "allow_headers holds regular expressions, which cors_wsgi does not take; list the "
            "header names (or *)"
        )
    else:
        migration.options["allow_headers"] = "*" if "*" in headers else headers
    expose = as_list(given.get("expose_headers"))
    if expose:
        migration.options["expose_headers"] = expose
    migration.options["allow_credentials"] = credentials
    max_age = seconds(given.get("max_age"))
    migration.options["max_age"] = max_age
    if max_age is None:
        migration.notes.append(
            "flask-cors sends no Access-Control-Max-Age by default: max_age = none"
        )
    if given.get("allow_private_network"):
        migration.options["allow_private_network"] = True
    if given.get("send_wildcard"):
        migration.notes.append("send_wildcard: cors_wsgi sends '*' only when allow_origins is '*'")
    if given.get("vary_header") is False:
        migration.notes.append("vary_header=False: cors_wsgi always sends Vary: Origin (caches)")
    if given.get("automatic_options") is False:
        migration.options["preflight_continue"] = True
        migration.notes.append("automatic_options=False: the application answers OPTIONS")
    resources = given.get("resources")
    if resources is not None and resources not in ("/*", r"/*", "*"):
        _flask_resources(migration, resources)
    return migration


def _flask_resources(migration: Migration, resources: Any) -> None:
    pairs = (
        list(resources.items())
        if isinstance(resources, Mapping)
        else [(r, {}) for r in as_list(resources)]
    )
    for pattern, options in pairs:
        source = regex_source(pattern)
        if isinstance(pattern, str) and not set(pattern) & FLASK_REGEX_HINTS:
            path = pattern  # a literal path: flask-cors compares it exactly
        else:
            path = "re:" + prefix_regex_as_full(r".*" if source == "*" else source)
            migration.notes.append(
                f"resource {source!r} was matched as a prefix of the path (re.match); "
                "as a cors_wsgi path rule it must match the whole path, hence the .*"
            )
        sub = from_flask_cors({**migration_defaults(migration), **dict(options)})
        migration.unsafe += [u for u in sub.unsafe if u not in migration.unsafe]
        extra = {k: v for k, v in sub.options.items() if migration.options.get(k) != v}
        migration.paths.append((path, extra))
    migration.notes.append("paths that match no resource get no CORS handling, as in flask-cors")


def migration_defaults(migration: Migration) -> dict[str, Any]:
    """The top-level options back in flask-cors terms, for resources that override a few."""
    options = migration.options
    back = {
        "origins": [*options.get("allow_origins", []), *options.get("allow_origin_regex", [])],
        "methods": options.get("allow_methods"),
        "allow_headers": options.get("allow_headers"),
        "supports_credentials": options.get("allow_credentials"),
        "max_age": options.get("max_age"),
    }
    if options.get("expose_headers"):
        back["expose_headers"] = options["expose_headers"]
    return {k: v for k, v in back.items() if v is not None or k == "max_age"}


def config_of(target: object) -> Any:
    """A Flask app's ``CORS_*`` config keys, or a dict of keywords or config keys."""
    config = getattr(target, "config", None)
    if isinstance(config, dict):
        return {k: v for k, v in config.items() if k.startswith("CORS_")}
    if isinstance(target, Mapping):
        return target
    raise TypeError(f"is of type {type(target).__name__}; expected a Flask app or a dict")
