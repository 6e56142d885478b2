"""Option parsing and validation: configuration in, validated and normalised values out.

The one place where what a user wrote (Python values, or strings as INI files give them) is
checked. Every problem is collected and reported at once in a :class:`ConfigError`, each
naming its key and value. Regex safety is delegated to :mod:`._regex`, origin syntax to
:mod:`.origins`.
"""

from __future__ import annotations

import configparser
import datetime
import difflib
import importlib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from ._http import NORMALISED_METHODS
from ._regex import ambiguous_repetition
from .errors import ConfigError, Problem
from .origins import (
    check_subdomain_pattern,
    explain_bad_origin,
    is_serialized_origin,
    pattern_suffix,
)

if TYPE_CHECKING:
    from os import PathLike

    from publicsuffixlist import PublicSuffixList

__all__ = [
    "ANY",
    "DEFAULT_MAX_AGE",
    "DEFAULT_METHODS",
    "DEFAULT_ORIGIN_FUNC_CACHE_SECONDS",
    "OPTION_NAMES",
    "TOKEN",
    "Options",
    "OriginFunction",
    "describe_function",
    "is_async_callable",
    "matches_unownable",
    "parse_bool",
    "parse_options",
    "public_suffix_under",
    "read_ini",
]

ANY: Final = "*"

#: Origins nobody can own (the reserved .invalid top-level domain, RFC 6761): a regex that
#: allows one of them allows origins at random, as ``*`` does.
UNOWNABLE_ORIGINS: Final = (
    "https://cors-wsgi-probe.invalid",
    "http://cors-wsgi-probe.invalid",
    "https://a.b.cors-wsgi-probe.invalid",
    "https://cors-wsgi-probe.invalid:8443",
)
#: Why ``*`` (and anything as broad) cannot go with credentials; one wording for every key.
_ANY_WITH_CREDENTIALS: Final = (
    "cannot be combined with allow_credentials=true: browsers reject '*' with credentials, "
    "and echoing every origin instead would let any site read users' data; "
    "list the trusted origins"
)

#: Defaults, documented in README.md's configuration reference.
DEFAULT_METHODS: Final = ("GET", "HEAD", "POST")
DEFAULT_MAX_AGE: Final = 600
DEFAULT_ORIGIN_FUNC_CACHE_SECONDS: Final = 60

#: ``allow_origin_func``: ``origin -> bool``, or an ``async def`` returning one (ASGI only).
OriginFunction = Callable[[str], Any]


_INTERPOLATION: Final = re.compile(r"%\([^)]*\)")
_TRUE: Final = frozenset({"true", "yes", "on", "1"})
_FALSE: Final = frozenset({"false", "no", "off", "0"})
_LIST_SEPARATOR: Final = re.compile(r"[,\s]+")
# RFC 9110 token: what a method or a header name may consist of.
TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


#: Every option and its default, in documentation order.
DEFAULTS: Final[dict[str, object]] = {
    "allow_origins": (),
    "allow_origin_regex": None,
    "allow_origin_func": None,
    "origin_func_cache_seconds": DEFAULT_ORIGIN_FUNC_CACHE_SECONDS,
    "allow_methods": DEFAULT_METHODS,
    "allow_headers": (),
    "expose_headers": (),
    "allow_credentials": False,
    "max_age": DEFAULT_MAX_AGE,
    "allow_private_network": False,
    "keep_app_cors_headers": False,
    "preflight_continue": False,
    "cross_origin_protection": False,
    "debug": False,
}
OPTION_NAMES: Final = tuple(DEFAULTS)


@dataclass(frozen=True, slots=True)
class Options:
    """Validated, normalised options, plus what matching needs compiled."""

    allow_origins: tuple[str, ...]
    allow_origin_regex: tuple[str | re.Pattern[str], ...]
    allow_origin_func: OriginFunction | None
    origin_func_cache_seconds: float
    allow_methods: tuple[str, ...] | str
    allow_headers: tuple[str, ...] | str
    expose_headers: tuple[str, ...] | str
    allow_credentials: bool
    max_age: int | None
    allow_private_network: bool
    keep_app_cors_headers: bool
    preflight_continue: bool
    cross_origin_protection: bool
    debug: bool
    allow_any_origin: bool
    exact_origins: frozenset[str]
    origin_patterns: frozenset[str]
    origin_regexes: tuple[re.Pattern[str], ...]


def parse_options(given: Mapping[str, object]) -> Options:
    """Check every option in *given* (names as :data:`OPTION_NAMES`, missing ones default).

    :raises ConfigError: listing every problem, each naming its key and value.
    """
    known = {**DEFAULTS, **{k: v for k, v in given.items() if k in DEFAULTS}}
    unknown = {k: v for k, v in given.items() if k not in DEFAULTS}
    allow_origins, allow_origin_regex = known["allow_origins"], known["allow_origin_regex"]
    allow_methods, allow_headers = known["allow_methods"], known["allow_headers"]
    expose_headers, allow_credentials = known["expose_headers"], known["allow_credentials"]
    max_age, allow_private_network = known["max_age"], known["allow_private_network"]
    keep_app_cors_headers, debug = known["keep_app_cors_headers"], known["debug"]
    problems: list[Problem] = []
    if unknown:
        problems.extend(_unknown_key_problems(unknown))

    origins = _split_list("allow_origins", allow_origins, problems)
    methods = tuple(
        m.upper() if m.upper() in NORMALISED_METHODS else m
        for m in _split_list("allow_methods", allow_methods, problems)
    )
    headers = _split_list("allow_headers", allow_headers, problems)
    exposed = _split_list("expose_headers", expose_headers, problems)
    credentials = _parse_bool("allow_credentials", allow_credentials, problems)
    private_network = _parse_bool("allow_private_network", allow_private_network, problems)
    debug_header = _parse_bool("debug", debug, problems)
    keep_app = _parse_bool("keep_app_cors_headers", keep_app_cors_headers, problems)
    preflight_continue = _parse_bool("preflight_continue", known["preflight_continue"], problems)
    protection = _parse_bool("cross_origin_protection", known["cross_origin_protection"], problems)
    max_age_seconds = _parse_max_age(max_age, problems)
    regex_sources, regexes = _parse_regexes(allow_origin_regex, problems)
    origin_func = _parse_origin_func(known["allow_origin_func"], problems)
    cache_seconds = _parse_seconds(
        "origin_func_cache_seconds", known["origin_func_cache_seconds"], problems
    )

    allow_any, exact, patterns = _compile_origins(origins, problems)
    if allow_any and origin_func is not None:
        problems.append(
            Problem(
                "allow_origin_func",
                describe_function(origin_func),
                "is never asked when allow_origins='*' allows every origin; "
                "list the fixed origins instead of '*'",
            )
        )
    if allow_any and credentials:
        problems.append(Problem("allow_origins", ANY, f"'*' {_ANY_WITH_CREDENTIALS}"))
    if credentials:
        for source, regex in zip(regex_sources, regexes, strict=True):
            unowned = matches_unownable(regex)
            if unowned:
                problems.append(
                    Problem(
                        "allow_origin_regex",
                        source,
                        f"matches origins nobody can own (such as {unowned}), so like '*' "
                        f"it {_ANY_WITH_CREDENTIALS}",
                    )
                )
        for pattern in sorted(patterns):
            suffix = public_suffix_under(pattern)
            if suffix:
                problems.append(
                    Problem(
                        "allow_origins",
                        pattern,
                        f"{suffix} is a public suffix (anyone can register a site under "
                        "it), so this wildcard with allow_credentials=true would let "
                        "strangers read users' data; list your own sites",
                    )
                )
    if "null" in exact and credentials:
        problems.append(
            Problem(
                "allow_origins",
                "null",
                "'null' cannot be combined with allow_credentials=true: sandboxed iframes "
                "and data: documents of any site send Origin: null",
            )
        )
    if allow_any and private_network:
        problems.append(
            Problem(
                "allow_private_network",
                True,
                "cannot be combined with allow_origins='*': any public site could then "
                "reach this private-network service; list the trusted origins",
            )
        )
    _check_tokens("allow_methods", methods, problems)
    _check_tokens("allow_headers", headers, problems)
    _check_tokens("expose_headers", exposed, problems)
    if problems:
        raise ConfigError(problems)

    return Options(
        allow_origins=origins,
        allow_origin_regex=regex_sources,
        allow_origin_func=origin_func,
        origin_func_cache_seconds=cache_seconds,
        allow_methods=_any_or_tuple(methods),
        allow_headers=_any_or_tuple(headers),
        expose_headers=_any_or_tuple(exposed),
        allow_credentials=credentials,
        max_age=max_age_seconds,
        allow_private_network=private_network,
        keep_app_cors_headers=keep_app,
        preflight_continue=preflight_continue,
        cross_origin_protection=protection,
        debug=debug_header,
        allow_any_origin=allow_any,
        exact_origins=exact,
        origin_patterns=patterns,
        origin_regexes=regexes,
    )


def read_ini(path: str | PathLike[str]) -> dict[str, dict[str, str]]:
    """Every section of an INI file, in file order, as configparser reads it: keys of a
    ``[DEFAULT]`` section apply to every section. A PasteDeploy ``use`` key is dropped, since it
    names the filter rather than an option.

    :raises ConfigError: for a value holding ``%(name)s``, an interpolation that only
        PasteDeploy performs (cors_wsgi reads values as written).
    """
    parser = configparser.ConfigParser(interpolation=None)
    with open(path, encoding="utf-8") as file:
        parser.read_file(file)
    sections = {
        name: {key: value for key, value in parser.items(name) if key != "use"}
        for name in parser.sections()
    }
    problems = [
        Problem(
            f"[{name}] {key}",
            value,
            "holds %(...)s interpolation, which only PasteDeploy performs; write the value "
            "out, or load this file through PasteDeploy (use = egg:cors_wsgi#cors)",
        )
        for name, options in sections.items()
        for key, value in options.items()
        if _INTERPOLATION.search(value)
    ]
    if problems:
        raise ConfigError(problems)
    return sections


# -- parsing helpers: each appends Problems rather than raising, so all are reported -----------


def _unknown_key_problems(unknown: Mapping[str, object]) -> list[Problem]:
    problems = []
    for key, value in unknown.items():
        close = difflib.get_close_matches(key, OPTION_NAMES, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        known = ", ".join(OPTION_NAMES)
        problems.append(Problem(key, value, f"unknown option{hint} (known: {known})"))
    return problems


def _split_list(key: str, value: object, problems: list[Problem]) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(item for item in _LIST_SEPARATOR.split(value) if item)
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        items = tuple(value)
        bad = [item for item in items if not isinstance(item, str)]
        if bad:
            problems.append(Problem(key, bad[0], "every entry must be a string"))
            return ()
        blank = [index for index, item in enumerate(items) if not item.strip()]
        if blank:
            problems.append(
                Problem(key, list(items), f"entry {blank[0]} is empty; remove it or fill it in")
            )
            return ()
        return tuple(item.strip() for item in items)
    problems.append(Problem(key, value, "expected a list of strings or a comma-separated string"))
    return ()


def _parse_bool(key: str, value: object, problems: list[Problem]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    problems.append(Problem(key, value, "expected a boolean: true/false/yes/no/on/off/1/0"))
    return False


def parse_bool(key: str, value: object) -> bool:
    """A boolean option in any accepted form; ConfigError naming *key* otherwise."""
    problems: list[Problem] = []
    result = _parse_bool(key, value, problems)
    if problems:
        raise ConfigError(problems)
    return result


def _parse_max_age(value: object, problems: list[Problem]) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "none"):
            return None
        if text.isdigit():
            return int(text)
    elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    elif isinstance(value, datetime.timedelta):
        seconds, rest = divmod(value, datetime.timedelta(seconds=1))
        if seconds >= 0 and not rest:
            return int(seconds)
        problems.append(
            Problem("max_age", value, "expected a timedelta of whole seconds >= 0 (the header "
                    "holds whole seconds)")
        )  # fmt: skip
        return None
    problems.append(
        Problem(
            "max_age",
            value,
            "expected a whole number of seconds >= 0, a datetime.timedelta, or none to omit",
        )
    )
    return None


def _parse_seconds(key: str, value: object, problems: list[Problem]) -> float:
    """A duration in seconds >= 0: a number, a numeric string, or a timedelta."""
    seconds: float | None = None
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            seconds = None
    if seconds is None or not seconds >= 0 or seconds == float("inf"):
        problems.append(Problem(key, value, "expected a number of seconds >= 0 (0 disables)"))
        return 0.0
    return seconds


def _parse_origin_func(value: object, problems: list[Problem]) -> OriginFunction | None:
    """A callable as given, or one named by an import string ``package.module:function``."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "none"):
            return None
        module_name, colon, attribute = text.partition(":")
        if not colon or not module_name or not attribute:
            problems.append(
                Problem("allow_origin_func", value, "expected an import string "
                        "package.module:function")
            )  # fmt: skip
            return None
        try:
            found: object = importlib.import_module(module_name)
            for name in attribute.split("."):
                found = getattr(found, name)
        except ImportError as error:
            problems.append(Problem("allow_origin_func", value, f"cannot be imported: {error}"))
            return None
        except AttributeError:
            problems.append(
                Problem("allow_origin_func", value, f"{module_name} has no {attribute}")
            )
            return None
        value = found
    if not callable(value):
        problems.append(
            Problem("allow_origin_func", value, "expected a callable origin -> bool, or an "
                    "import string package.module:function naming one")
        )  # fmt: skip
        return None
    return value


def describe_function(func: object) -> str:
    """``module:qualname`` of a function, the form an INI file names it by."""
    module = getattr(func, "__module__", None)
    name = getattr(func, "__qualname__", None) or type(func).__qualname__
    return f"{module}:{name}" if module else repr(func)


def is_async_callable(func: object) -> bool:
    """True for an ``async def`` function or an object whose ``__call__`` is one: an ASGI
    application (which the WSGI middleware refuses), or an async ``allow_origin_func``."""
    call = getattr(type(func), "__call__", None)  # noqa: B004  # the class's method, not callable()
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(call)


def _parse_regexes(
    value: object, problems: list[Problem]
) -> tuple[tuple[str | re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """The regexes as given (strings stripped) and compiled; one per line of a string."""
    if value is None:
        return (), ()
    if isinstance(value, (str, re.Pattern)):
        entries: list[object] = [value]
        if isinstance(value, str):
            entries = [line.strip() for line in value.splitlines() if line.strip()]
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        entries = list(value)
    else:
        problems.append(
            Problem("allow_origin_regex", value, "expected a string, a re.Pattern or a list")
        )
        return (), ()
    sources: list[str | re.Pattern[str]] = []
    compiled: list[re.Pattern[str]] = []
    for entry in entries:
        regex = _compile_regex(entry, problems)
        if regex is not None:
            sources.append(entry.strip() if isinstance(entry, str) else regex)
            compiled.append(regex)
    return tuple(sources), tuple(compiled)


def _compile_regex(entry: object, problems: list[Problem]) -> re.Pattern[str] | None:
    if isinstance(entry, re.Pattern):
        if not isinstance(entry.pattern, str):
            problems.append(Problem("allow_origin_regex", entry, "expected a str pattern"))
            return None
        regex: re.Pattern[str] = entry
    elif isinstance(entry, str) and entry.strip():
        try:
            regex = re.compile(entry.strip())
        # Python raises OverflowError, not re.error, for numbers it cannot hold (a{99999999999},
        # \U99999999999): found by the fuzz target.
        except (re.error, OverflowError) as error:
            problems.append(
                Problem("allow_origin_regex", entry, f"invalid regular expression: {error}")
            )
            return None
    else:
        problems.append(Problem("allow_origin_regex", entry, "expected a non-empty string"))
        return None
    ambiguity = ambiguous_repetition(regex.pattern, regex.flags)
    if ambiguity:
        problems.append(
            Problem(
                "allow_origin_regex",
                entry,
                f"{ambiguity}, which can take seconds per request on a crafted Origin (ReDoS); "
                "end each repeated part with a separator it cannot match, as in "
                "([a-z0-9-]+\\.)*, or use allow_origins = https://*.example.com",
            )
        )
        return None
    return regex


def matches_unownable(regex: re.Pattern[str]) -> str | None:
    """An origin nobody can own that *regex* allows, or None."""
    return next((o for o in UNOWNABLE_ORIGINS if regex.fullmatch(o)), None)


def public_suffix_under(pattern: str) -> str | None:
    """The public suffix (Public Suffix List, private section included) that the subdomain
    *pattern* ``https://*.github.io`` sits directly over, or None."""
    suffix = pattern_suffix(pattern)
    if "." not in suffix:
        return None  # single labels are refused as too broad already
    return suffix if _public_suffix_list().is_public(suffix) else None


@lru_cache(maxsize=1)
def _public_suffix_list() -> PublicSuffixList:
    """The list, parsed once per process (tens of ms) and only when a pattern needs it."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def _compile_origins(
    origins: tuple[str, ...], problems: list[Problem]
) -> tuple[bool, frozenset[str], frozenset[str]]:
    allow_any = False
    exact: set[str] = set()
    patterns: set[str] = set()
    for entry in origins:
        if entry == ANY:
            allow_any = True
        elif "*" in entry:
            try:
                check_subdomain_pattern(entry)
            except ValueError as error:
                problems.append(Problem("allow_origins", entry, str(error)))
            else:
                patterns.add(entry)
        elif is_serialized_origin(entry):
            exact.add(entry)
        else:
            problems.append(
                Problem("allow_origins", entry, f"not a valid origin: {explain_bad_origin(entry)}")
            )
    if allow_any and len(origins) > 1:
        problems.append(
            Problem("allow_origins", list(origins), "'*' allows every origin; list nothing else")
        )
    return allow_any, frozenset(exact), frozenset(patterns)


def _check_tokens(key: str, values: tuple[str, ...], problems: list[Problem]) -> None:
    if ANY in values and len(values) > 1:
        problems.append(
            Problem(key, list(values), "'*' already means every name; list nothing else")
        )
        return
    for value in values:
        if value != ANY and not TOKEN.fullmatch(value):
            problems.append(
                Problem(key, value, "not a valid HTTP token (letters, digits, -, _ ...)")
            )


def _any_or_tuple(values: tuple[str, ...]) -> tuple[str, ...] | str:
    return ANY if values == (ANY,) else values
