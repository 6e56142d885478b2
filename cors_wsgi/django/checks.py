"""``manage.py check`` for the ``CORS_*`` settings (registered under ``Tags.security``).

A problem django-cors-headers checks keeps its number (``cors_wsgi.E001`` is what
``corsheaders.E001`` is); what only cors_wsgi refuses takes the numbers after django-cors-headers'
last; warnings keep the numbers ``python -m cors_wsgi check`` gives them. :data:`CHECK_IDS`
lists them all.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from ..core import Decider
from ..errors import PROBLEM_CODES, ConfigError, Problem
from ..lint import policy_warnings
from ..migrate.django import DJANGO_SETTINGS, OPTIONS_SETTING, PATHS_SETTING, from_django
from ..options import OPTION_NAMES
from .defaults import check_request_enabled

__all__ = ["CHECK_IDS", "check_settings"]

#: Every id ``check_settings`` reports but the warnings ``python -m cors_wsgi check`` shares
#: (W002 to W011, their numbers kept), and what it means. E001 to E015 are
#: django-cors-headers' numbers for the same problems (E010 and E011 it no longer uses; E013
#: it gives two meanings); E016 on are cors_wsgi's; W101 on, warnings of the drop-in only.
CHECK_IDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "cors_wsgi.E001": "CORS_ALLOW_HEADERS is not a sequence of strings",
        "cors_wsgi.E002": "CORS_ALLOW_METHODS is not a sequence of strings",
        "cors_wsgi.E003": "CORS_ALLOW_CREDENTIALS is not a bool",
        "cors_wsgi.E004": "CORS_PREFLIGHT_MAX_AGE is not a whole number >= 0",
        "cors_wsgi.E005": "CORS_ALLOW_ALL_ORIGINS (CORS_ORIGIN_ALLOW_ALL) is not a bool",
        "cors_wsgi.E006": "CORS_ALLOWED_ORIGINS (CORS_ORIGIN_WHITELIST) is not a sequence of "
        "strings",
        "cors_wsgi.E007": "CORS_ALLOWED_ORIGIN_REGEXES (CORS_ORIGIN_REGEX_WHITELIST) is not a "
        "sequence of strings or compiled regexes",
        "cors_wsgi.E008": "CORS_EXPOSE_HEADERS is not a sequence of strings",
        "cors_wsgi.E009": "CORS_URLS_REGEX is not a string or a compiled regex",
        "cors_wsgi.E012": "CORS_MODEL is set: django-cors-headers removed it",
        "cors_wsgi.E013": "an allowed origin without scheme or host; or CORS_REPLACE_HTTPS_REFERER "
        "is set, which django-cors-headers removed",
        "cors_wsgi.E014": "an allowed origin with a path, query or fragment",
        "cors_wsgi.E015": "CORS_ALLOW_PRIVATE_NETWORK is not a bool",
        "cors_wsgi.E016": "every origin ('*', CORS_ALLOW_ALL_ORIGINS) allowed with credentials",
        "cors_wsgi.E017": "an origin regex matching origins nobody can own, with credentials",
        "cors_wsgi.E018": "a subdomain wildcard over a public suffix, with credentials",
        "cors_wsgi.E019": "an origin regex that can backtrack exponentially (ReDoS)",
        "cors_wsgi.E020": "the 'null' origin allowed with credentials",
        "cors_wsgi.E021": "CORS_ALLOW_PRIVATE_NETWORK with every origin allowed",
        "cors_wsgi.E022": "an origin or URLs regex that does not compile",
        "cors_wsgi.E023": "a CORS_* setting no library reads (the message names the closest)",
        "cors_wsgi.E024": "another value cors_wsgi refuses (the message gives cors_wsgi's own "
        "code), or CORS_WSGI / CORS_WSGI_PATHS of the wrong shape",
        "cors_wsgi.W101": "'file://' in CORS_ALLOWED_ORIGINS, which is left out",
    }
)
#: cors_wsgi's problem codes that have a number of their own here.
_NUMBERED: Final = {"E017": "E016", "E018": "E017", "E019": "E018", "E011": "E019",
                    "E020": "E020", "E021": "E021", "E010": "E022"}  # fmt: skip
#: Which setting gives each option, current name first (then the legacy one).
_SETTING_OF: Final = {
    "allow_origins": ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST", "CORS_ALLOW_ALL_ORIGINS",
                      "CORS_ORIGIN_ALLOW_ALL"),
    "allow_origin_regex": ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"),
    "allow_methods": ("CORS_ALLOW_METHODS",),
    "allow_headers": ("CORS_ALLOW_HEADERS",),
    "expose_headers": ("CORS_EXPOSE_HEADERS",),
    "allow_credentials": ("CORS_ALLOW_CREDENTIALS",),
    "max_age": ("CORS_PREFLIGHT_MAX_AGE",),
    "allow_private_network": ("CORS_ALLOW_PRIVATE_NETWORK",),
}  # fmt: skip
_REMOVED: Final = {"CORS_MODEL": "E012", "CORS_REPLACE_HTTPS_REFERER": "E013"}
KNOWN_SETTINGS: Final = frozenset({*DJANGO_SETTINGS, *_REMOVED, OPTIONS_SETTING, PATHS_SETTING})
#: Warnings left out: W001 (allow_origin_func decides at run time) says nothing to act on here.
_QUIET: Final = frozenset({"W001"})
_ID: Final = "cors_wsgi."


def check_settings(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Every problem of the ``CORS_*`` settings as Django check messages: errors for what
    cannot be served (or not safely), warnings for what is legal but risky."""
    messages = _shape_errors() + _unknown_settings()
    if messages:  # the translation below needs well-formed settings
        return messages
    return _policy_messages()


def _is_sequence(value: object, kinds: type | tuple[type, ...]) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and all(isinstance(item, kinds) for item in value)
    )


def _given(*names: str) -> tuple[str, Any]:
    """The first of *names* that is set, with its value (the first name and None if none)."""
    for name in names:
        if hasattr(settings, name):
            return name, getattr(settings, name)
    return names[0], None


def _shape_errors() -> list[CheckMessage]:
    """What django-cors-headers checks, under its numbers."""
    errors: list[CheckMessage] = []

    def error(number: str, message: str, hint: str | None = None) -> None:
        errors.append(Error(message, hint=hint, id=f"{_ID}{number}"))

    sequences = (
        ("CORS_ALLOW_HEADERS", "E001"),
        ("CORS_ALLOW_METHODS", "E002"),
        ("CORS_EXPOSE_HEADERS", "E008"),
    )
    for name, number in sequences:
        if hasattr(settings, name) and not _is_sequence(getattr(settings, name), str):
            error(number, f"{name} must be a list or tuple of strings.")
    booleans = (("CORS_ALLOW_CREDENTIALS", "E003"), ("CORS_ALLOW_PRIVATE_NETWORK", "E015"))
    for name, number in booleans:
        if hasattr(settings, name) and not isinstance(getattr(settings, name), bool):
            error(number, f"{name} must be True or False.")
    max_age = getattr(settings, "CORS_PREFLIGHT_MAX_AGE", 0)
    if not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 0:
        error("E004", "CORS_PREFLIGHT_MAX_AGE must be a whole number of seconds, 0 or more.")
    name, value = _given("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
    if value is not None and not isinstance(value, bool):
        error("E005", f"{name} must be True or False.")
    name, origins = _given("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")
    if origins is not None and not _is_sequence(origins, str):
        error("E006", f"{name} must be a list or tuple of strings.")
    elif origins:
        errors += _origin_errors(name, origins)
    name, regexes = _given("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")
    if regexes is not None and not _is_sequence(regexes, (str, re.Pattern)):
        error("E007", f"{name} must be a list or tuple of strings or compiled regexes.")
    urls = getattr(settings, "CORS_URLS_REGEX", "")
    if not isinstance(urls, (str, re.Pattern)):
        error("E009", "CORS_URLS_REGEX must be a string or a compiled regex.")
    for removed, number in _REMOVED.items():
        if hasattr(settings, removed):
            error(
                number,
                f"{removed} is no longer read (django-cors-headers removed it).",
                "Delete the setting.",
            )
    return errors


def _origin_errors(name: str, origins: Sequence[str]) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for origin in origins:
        if origin in ("null", "file://"):  # sent by sandboxed pages, and old Chrome on Android
            continue
        parts = urlsplit(origin)
        if not (parts.scheme and parts.netloc):
            errors.append(
                Error(
                    f"{name}: {origin!r} is no origin: it lacks the scheme or the host.",
                    hint="Write it as a browser sends it: https://example.com (with :port if any).",
                    id=f"{_ID}E013",
                )
            )
            continue
        for part in ("path", "query", "fragment"):
            if getattr(parts, part):
                errors.append(
                    Error(
                        f"{name}: {origin!r} has a {part}; an origin is scheme://host[:port].",
                        hint=f"Write {parts.scheme}://{parts.netloc}",
                        id=f"{_ID}E014",
                    )
                )
    return errors


def _unknown_settings() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name in sorted(n for n in dir(settings) if n.startswith("CORS_")):
        if name in KNOWN_SETTINGS:
            continue
        option = name[len("CORS_") :].lower()
        hint: str | None
        if option in OPTION_NAMES:
            hint = f"cors_wsgi's options are set in {OPTIONS_SETTING}: {{{option!r}: ...}}"
        else:
            close = difflib.get_close_matches(name, sorted(KNOWN_SETTINGS), n=1)
            hint = f"Did you mean {close[0]}?" if close else None
        errors.append(
            Error(
                f"{name} is not a setting django-cors-headers or cors_wsgi reads.",
                hint=hint,
                id=f"{_ID}E023",
            )
        )
    return errors


def _setting_name(key: str) -> str:
    """The setting that gave option *key*, as the user wrote it."""
    own = getattr(settings, OPTIONS_SETTING, None)
    if isinstance(own, Mapping) and key in own:
        return f"{OPTIONS_SETTING}[{key!r}]"
    names = _SETTING_OF.get(key)
    if names is None:
        return f"{PATHS_SETTING} ({key})" if hasattr(settings, PATHS_SETTING) else key
    return next((name for name in names if hasattr(settings, name)), names[0])


def _policy_messages() -> list[CheckMessage]:
    """Errors from translating the settings and building the policies; warnings otherwise."""
    try:
        migration = from_django(settings)
    except TypeError as error:
        return [Error(str(error), id=f"{_ID}E024")]
    if migration.unsafe:
        return [
            Error(
                f"{_given('CORS_ALLOW_ALL_ORIGINS', 'CORS_ORIGIN_ALLOW_ALL')[0]} with "
                f"CORS_ALLOW_CREDENTIALS {problem.split(' with CORS_ALLOW_CREDENTIALS ', 1)[-1]}",
                hint="List the trusted origins in CORS_ALLOWED_ORIGINS.",
                id=f"{_ID}E016",
            )
            for problem in migration.unsafe
        ]
    try:
        decider = Decider(migration.policy_config())
    except ConfigError as error:
        return [_problem_error(problem) for problem in error.problems]
    return _warnings(decider) + _left_out()


def _left_out() -> list[CheckMessage]:
    """What the translation leaves out, which django-cors-headers honoured."""
    name, origins = _given("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")
    if origins and "file://" in origins:
        return [
            Warning(
                f"{name}: 'file://' is left out: no browser sends it as an origin (old Chrome "
                "for Android did, from local files; a file page sends Origin: null).",
                hint="Delete it; list 'null' to allow file pages (never with credentials).",
                id=f"{_ID}W101",
            )
        ]
    return []


def _problem_error(problem: Problem) -> CheckMessage:
    number = _NUMBERED.get(problem.code, "E024")
    return Error(
        f"{_setting_name(problem.key)}: {problem.value!r}: {problem.message} "
        f"(cors_wsgi {problem.code}: {PROBLEM_CODES[problem.code]})",
        id=f"{_ID}{number}",
    )


def _warnings(decider: Decider) -> list[CheckMessage]:
    quiet = set(_QUIET)
    if not hasattr(settings, "CORS_PREFLIGHT_MAX_AGE"):
        quiet.add("W008")  # django-cors-headers' default, kept: not the user's choice
    if check_request_enabled.has_listeners():
        quiet.add("W002")  # the signal allows origins at run time
    messages: list[CheckMessage] = []
    seen: set[tuple[str, str]] = set()
    for policy in decider.policies:
        for problem in policy_warnings(policy):
            key = (problem.code, repr(problem.value))
            if problem.code in quiet or key in seen:
                continue
            seen.add(key)
            messages.append(
                Warning(
                    f"{_setting_name(problem.key)}: {problem.message}", id=f"{_ID}{problem.code}"
                )
            )
    return messages
