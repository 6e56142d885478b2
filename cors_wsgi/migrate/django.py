"""django-cors-headers' ``CORS_*`` settings as cors_wsgi options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ._common import (
    STAR_CREDENTIALS,
    Migration,
    allowed_methods,
    prefix_regex_as_full,
    regex_source,
)

__all__ = [
    "DJANGO_HEADERS",
    "DJANGO_MAX_AGE",
    "DJANGO_METHODS",
    "DJANGO_SETTINGS",
    "OPTIONS_SETTING",
    "PATHS_SETTING",
    "config_of",
    "from_django",
]

#: What django-cors-headers allows when its users say nothing (from its own source).
DJANGO_METHODS: Final = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
DJANGO_HEADERS: Final = (
    "accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with",
)  # fmt: skip
DJANGO_MAX_AGE: Final = 86400
#: Every setting django-cors-headers reads, current and legacy names.
DJANGO_SETTINGS: Final = (
    "CORS_ALLOW_HEADERS", "CORS_ALLOW_METHODS", "CORS_ALLOW_CREDENTIALS",
    "CORS_ALLOW_PRIVATE_NETWORK", "CORS_PREFLIGHT_MAX_AGE", "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST",
    "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST", "CORS_EXPOSE_HEADERS",
    "CORS_URLS_REGEX",
)  # fmt: skip
#: cors_wsgi's own settings: any option of the option table, by its name, over what the
#: ``CORS_*`` settings give; and per-path policies, ``(pattern, options)`` pairs tried first.
OPTIONS_SETTING: Final = "CORS_WSGI"
PATHS_SETTING: Final = "CORS_WSGI_PATHS"
#: Origins django-cors-headers accepts that are no origin a browser sends today.
_CHROME_ANDROID_FILE: Final = "file://"


def from_django(settings: Any) -> Migration:
    """django-cors-headers: a settings module (or any object with the settings as attributes)
    or a mapping of them."""
    get = (
        settings.get if isinstance(settings, Mapping) else lambda k, d=None: getattr(settings, k, d)
    )
    migration = Migration("django-cors-headers")
    credentials = bool(get("CORS_ALLOW_CREDENTIALS", False))
    if get("CORS_ALLOW_ALL_ORIGINS", get("CORS_ORIGIN_ALLOW_ALL", False)):
        if credentials:
            migration.unsafe.append(
                f"CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS {STAR_CREDENTIALS}"
            )
        else:
            migration.options["allow_origins"] = ["*"]
    else:
        origins = list(get("CORS_ALLOWED_ORIGINS", get("CORS_ORIGIN_WHITELIST", ())))
        if _CHROME_ANDROID_FILE in origins:
            origins.remove(_CHROME_ANDROID_FILE)
            migration.notes.append(
                "origin 'file://' left out: it is what old Chrome for Android sent from local "
                "files, no origin of a served page; a file page sends Origin: null"
            )
        migration.options["allow_origins"] = origins
        regexes = [
            regex_source(r)
            for r in get("CORS_ALLOWED_ORIGIN_REGEXES", get("CORS_ORIGIN_REGEX_WHITELIST", ()))
        ]
        for source in regexes:
            if prefix_regex_as_full(source) != source:
                migration.notes.append(
                    f"origin regex {source!r} was matched as a prefix (re.match): cors_wsgi "
                    "matches the whole origin, so it no longer allows origins that merely start "
                    "with a match"
                )
        if regexes:
            migration.options["allow_origin_regex"] = regexes
    migration.options["allow_methods"] = allowed_methods(get("CORS_ALLOW_METHODS", DJANGO_METHODS))
    migration.options["allow_headers"] = list(get("CORS_ALLOW_HEADERS", DJANGO_HEADERS))
    expose = list(get("CORS_EXPOSE_HEADERS", ()))
    if expose:
        migration.options["expose_headers"] = expose
    migration.options["allow_credentials"] = credentials
    max_age = get("CORS_PREFLIGHT_MAX_AGE", DJANGO_MAX_AGE)
    migration.options["max_age"] = max_age or None
    if max_age and max_age > 600:
        migration.notes.append(
            f"max_age {max_age}: browsers cap it (WebKit 600 s, Chromium 7200 s); kept as given"
        )
    if get("CORS_ALLOW_PRIVATE_NETWORK", False):
        migration.options["allow_private_network"] = True
    own = get(OPTIONS_SETTING, None) or {}
    if not isinstance(own, Mapping):
        raise TypeError(f"{OPTIONS_SETTING} = {own!r}: expected a dict of cors_wsgi options")
    migration.options.update(own)
    for pattern, options in _own_paths(get(PATHS_SETTING, None) or ()):
        migration.paths.append((pattern, dict(options)))
    urls = regex_source(get("CORS_URLS_REGEX", r"^.*$"))
    if urls not in (r"^.*$", ".*", r"^.*"):
        migration.paths.append(("re:" + prefix_regex_as_full(urls), {}))
        migration.notes.append(
            f"CORS_URLS_REGEX {urls!r} was matched against path_info as a prefix; cors_wsgi "
            "matches the whole path, hence the .* (cors_wsgi.django matches path_info too; "
            "the WSGI and ASGI middlewares match SCRIPT_NAME + PATH_INFO)"
        )
    elif migration.paths:  # the per-path policies first, every other path as before
        migration.paths.append(("/*", {}))
    return migration


def _own_paths(value: object) -> list[tuple[str, Mapping[str, Any]]]:
    """``CORS_WSGI_PATHS``: ``(pattern, options)`` pairs (a dict keeps its order too); a
    compiled regex becomes ``re:<source>``, as an INI section names it."""
    pairs = list(value.items()) if isinstance(value, Mapping) else value
    if not isinstance(pairs, (list, tuple)):
        raise TypeError(f"{PATHS_SETTING} = {value!r}: expected (path pattern, options) pairs")
    result: list[tuple[str, Mapping[str, Any]]] = []
    for pair in pairs:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            raise TypeError(f"{PATHS_SETTING} entry {pair!r}: expected (path pattern, options)")
        pattern, options = pair
        text = pattern if isinstance(pattern, str) else "re:" + regex_source(pattern)
        if not isinstance(options, Mapping):
            raise TypeError(f"{PATHS_SETTING} entry {pattern!r}: options {options!r} not a dict")
        result.append((text, options))
    return result


def config_of(target: object) -> Any:
    """A settings module (or any object with the settings as attributes), or a dict."""
    return target
