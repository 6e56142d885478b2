"""A wsgicors PasteDeploy filter section as cors_wsgi options."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._common import STAR_CREDENTIALS, Migration, allowed_methods

__all__ = ["config_of", "from_wsgicors"]


def from_wsgicors(section: Mapping[str, str]) -> Migration:
    """A wsgicors PasteDeploy filter section (``policy = ...`` and ``<policy>_origin`` keys,
    or the plain ``origin``/``methods``/``headers``/... keys)."""
    migration = Migration("wsgicors")
    policies = [p.strip() for p in section.get("policy", "").split(",") if p.strip()]
    if len(policies) > 1:
        migration.unsafe.append(
            f"several policies ({', '.join(policies)}) are chosen per request by origin; write "
            "one [cors] section with every trusted origin"
        )
    prefix = f"{policies[0]}_" if policies else ""
    keys = (
        {k[len(prefix) :]: v for k, v in section.items() if k.startswith(prefix)}
        if prefix
        else dict(section)
    )
    credentials = keys.get("credentials", "false").strip().lower() == "true"
    origin = keys.get("origin", "").strip()
    if origin == "copy":
        migration.unsafe.append(f"origin = copy {STAR_CREDENTIALS}")
    elif origin == "*" and credentials:
        migration.unsafe.append(f"origin = * with credentials {STAR_CREDENTIALS}")
    elif origin == "*":
        migration.options["allow_origins"] = ["*"]
    else:
        exact, regexes = [], []
        for entry in origin.split():
            if "*" in entry or "?" in entry:
                regexes.append(_glob_regex(entry))
                migration.notes.append(
                    f"glob {entry!r} became the regex {regexes[-1]} (a * is one or more "
                    "characters of one label, never a dot: fnmatch let it span sites)"
                )
            else:
                exact.append(entry.lower())
        migration.options["allow_origins"] = exact
        if regexes:
            migration.options["allow_origin_regex"] = regexes
    methods = [m.strip() for m in keys.get("methods", "").split(",") if m.strip()]
    migration.options["allow_methods"] = allowed_methods(methods)
    headers = keys.get("headers", "").strip()
    migration.options["allow_headers"] = (
        "*" if headers == "*" else [h.strip() for h in headers.split(",") if h.strip()]
    )
    expose = keys.get("expose_headers", "").strip()
    if expose:
        migration.options["expose_headers"] = (
            "*" if expose == "*" else [h.strip() for h in expose.split(",")]
        )
    migration.options["allow_credentials"] = credentials
    max_age = keys.get("maxage", "").strip()
    migration.options["max_age"] = int(max_age) if max_age.isdigit() else None
    return migration


def _glob_regex(glob: str) -> str:
    """A wsgicors fnmatch pattern (``*`` any characters, ``?`` one) as a full-match regex; a
    ``*`` stops at dots and colons, so it cannot jump to another site."""
    parts = []
    for char in glob:
        parts.append(
            r"[a-z0-9-]+" if char == "*" else r"[a-z0-9-]" if char == "?" else re.escape(char)
        )
    return "".join(parts)


def config_of(target: object) -> Any:
    """A wsgicors filter section (the command line reads it from an INI file)."""
    if isinstance(target, Mapping):
        return target
    raise TypeError(f"is of type {type(target).__name__}; expected a dict")
