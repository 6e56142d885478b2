"""The option table, and option parsing and validation: configuration in, validated and compiled
options out.

Each option is declared once, as a field of :class:`Options` whose default is an :func:`option`
entry: its type, default, parser and documentation. :data:`OPTIONS` lists those entries (one
:class:`Option` each, in documentation order), and everything else that lists options is derived
from it: :data:`OPTION_NAMES`, :data:`DEFAULTS`, the slots of :class:`Options` (and so of
:class:`~cors_wsgi.policy.CORSPolicy`, its subclass), ``repr``, equality, ``options()``, dict and
INI parsing, the unknown-key message and the generated documentation.

What a user wrote for each option (Python values, or strings as INI files give them) is checked
here; path patterns are checked by :mod:`.routes` and adapter arguments by the adapters. Every
problem is collected and reported at once in a :class:`ConfigError`, each
naming its key and value and carrying its code (:data:`~cors_wsgi.errors.PROBLEM_CODES`).
Regex safety is delegated to :mod:`._regex`, origin syntax to :mod:`.origins`.
"""

from __future__ import annotations

import ast
import configparser
import contextlib
import datetime
import difflib
import importlib
import inspect
import os
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, NoReturn

from ._http import DEBUG_HEADER, NORMALISED_METHODS
from ._regex import ORIGIN_ALPHABET, slow_regex
from .errors import ConfigError, Problem
from .hosts import LOOPBACK, HostMatcher, parse_entry
from .origins import (
    ANY_PORT,
    MAX_ORIGIN_LENGTH,
    OriginMatcher,
    check_port_wildcard,
    check_subdomain_pattern,
    explain_bad_origin,
    is_serialized_origin,
    pattern_suffix,
)

if TYPE_CHECKING:
    from os import PathLike

    from publicsuffixlist import PublicSuffixList

__all__ = [
    "ALWAYS_ALLOWED_HEADERS",
    "ANY",
    "DEFAULTS",
    "DEFAULT_MAX_AGE",
    "DEFAULT_METHODS",
    "DEFAULT_ORIGIN_FUNC_CACHE_SECONDS",
    "OPTIONS",
    "OPTION_NAMES",
    "PREFLIGHT_VARY",
    "PREFLIGHT_VARY_PNA",
    "TOKEN",
    "Option",
    "Options",
    "OriginFunction",
    "describe_function",
    "describe_options",
    "is_async_callable",
    "matches_glued_name",
    "matches_unownable",
    "option",
    "option_params",
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
#: How to write a regex whose host ends in a name without letting other sites end in it too.
GLUED_NAME_FIX: Final = (
    "put an escaped dot before the name, as in https://([a-z0-9-]+\\.)*example\\.com "
    "(or list https://example.com https://*.example.com in allow_origins)"
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
DEFAULT_ORIGIN_FUNC_TIMEOUT: Final = 2.0
DEFAULT_ORIGIN_FUNC_CONCURRENCY: Final = 16

#: Request headers every policy allows. They are CORS-safelisted names, but browsers still
#: preflight them for values outside the safelist, e.g. ``Content-Type: application/json``.
ALWAYS_ALLOWED_HEADERS: Final = ("Accept", "Accept-Language", "Content-Language", "Content-Type")

PREFLIGHT_VARY: Final = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
PREFLIGHT_VARY_PNA: Final = PREFLIGHT_VARY + ", Access-Control-Request-Private-Network"

#: ``allow_origin_func``: ``origin -> bool``, or an ``async def`` returning one (ASGI only).
OriginFunction = Callable[[str], Any]
#: A response header as the policy precomputes it.
Header = tuple[str, str]
#: An option's parser: ``(key, value as given, problems) -> normalised value``. It appends a
#: :class:`Problem` for what it refuses (and returns a harmless stand-in), so that every
#: problem is reported at once.
Parser = Callable[[str, object, list[Problem]], Any]


_INTERPOLATION: Final = re.compile(r"%\([^)]*\)")
_TRUE: Final = frozenset({"true", "yes", "on", "1"})
_FALSE: Final = frozenset({"false", "no", "off", "0"})
_LIST_SEPARATOR: Final = re.compile(r"[,\s]+")
# RFC 9110 token: what a method or a header name may consist of.
TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


# -- parsers: one per kind of option, each appending Problems rather than raising ---------------


def _split_list(key: str, value: object, problems: list[Problem]) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(item for item in _LIST_SEPARATOR.split(value) if item)
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        items = tuple(value)
        bad = [item for item in items if not isinstance(item, str)]
        if bad:
            problems.append(Problem(key, bad[0], "every entry must be a string", "E002"))
            return ()
        blank = [index for index, item in enumerate(items) if not item.strip()]
        if blank:
            problems.append(
                Problem(
                    key, list(items), f"entry {blank[0]} is empty; remove it or fill it in", "E003"
                )
            )
            return ()
        return tuple(item.strip() for item in items)
    problems.append(
        Problem(key, value, "expected a list of strings or a comma-separated string", "E002")
    )
    return ()


def _parse_origins(key: str, value: object, problems: list[Problem]) -> tuple[str, ...]:
    """Origins, subdomain patterns, ``null`` or ``*``; entries that are none of these are
    reported and left out."""
    valid: list[str] = []
    given = _split_list(key, value, problems)
    for entry in given:
        if entry == ANY:
            valid.append(entry)
        elif entry.endswith(ANY_PORT):
            try:
                check_port_wildcard(entry)
            except ValueError as error:
                problems.append(Problem(key, entry, str(error), "E012"))
            else:
                valid.append(entry)
        elif "*" in entry:
            try:
                check_subdomain_pattern(entry)
            except ValueError as error:
                problems.append(Problem(key, entry, str(error), "E012"))
            else:
                valid.append(entry)
        elif is_serialized_origin(entry):
            valid.append(entry)
        else:
            message = f"not a valid origin: {explain_bad_origin(entry)}"
            problems.append(Problem(key, entry, message, "E013"))
    if ANY in given and len(given) > 1:
        problems.append(
            Problem(key, list(given), "'*' allows every origin; list nothing else", "E014")
        )
    return tuple(valid)


def _unique(names: Iterable[str], folded: Callable[[str], str]) -> tuple[str, ...]:
    """*names* without repeats (compared as *folded*), each where it was first listed."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(folded(name), name)
    return tuple(seen.values())


def _parse_methods(key: str, value: object, problems: list[Problem]) -> tuple[str, ...] | str:
    """Methods, the six that browsers normalise upper-cased
    (https://fetch.spec.whatwg.org/#concept-method-normalize), others as written, or ``*``."""
    listed = _split_list(key, value, problems)
    methods = _unique((m.upper() if m.upper() in NORMALISED_METHODS else m for m in listed), str)
    _check_tokens(key, methods, problems)
    return _any_or_tuple(methods)


def _parse_header_names(key: str, value: object, problems: list[Problem]) -> tuple[str, ...] | str:
    """Header names (compared case-insensitively, so listed once), or ``*``."""
    names = _unique(_split_list(key, value, problems), str.lower)
    _check_tokens(key, names, problems)
    return _any_or_tuple(names)


def _check_tokens(key: str, values: tuple[str, ...], problems: list[Problem]) -> None:
    if ANY in values and len(values) > 1:
        problems.append(
            Problem(key, list(values), "'*' already means every name; list nothing else", "E014")
        )
        return
    for value in values:
        if value != ANY and not TOKEN.fullmatch(value):
            problems.append(
                Problem(key, value, "not a valid HTTP token (letters, digits, -, _ ...)", "E015")
            )


def _any_or_tuple(values: tuple[str, ...]) -> tuple[str, ...] | str:
    return ANY if values == (ANY,) else values


def _parse_bool(key: str, value: object, problems: list[Problem]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    problems.append(Problem(key, value, "expected a boolean: true/false/yes/no/on/off/1/0", "E004"))
    return False


def parse_bool(key: str, value: object) -> bool:
    """A boolean option in any accepted form; ConfigError naming *key* otherwise."""
    problems: list[Problem] = []
    result = _parse_bool(key, value, problems)
    if problems:
        raise ConfigError(problems)
    return result


def _parse_max_age(key: str, value: object, problems: list[Problem]) -> int | None:
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
            Problem(
                key,
                value,
                "expected a timedelta of whole seconds >= 0 (the header holds whole seconds)",
                "E005",
            )
        )
        return None
    problems.append(
        Problem(
            key,
            value,
            "expected a whole number of seconds >= 0, a datetime.timedelta, or none to omit",
            "E005",
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
        problems.append(
            Problem(key, value, "expected a number of seconds >= 0 (0 disables)", "E006")
        )
        return 0.0
    return seconds


def _parse_timeout(key: str, value: object, problems: list[Problem]) -> float:
    """A duration in seconds > 0 (a number, a numeric string, or a timedelta)."""
    seconds = _parse_seconds(key, value, [])
    if seconds > 0:
        return seconds
    problems.append(
        Problem(key, value, "expected a number of seconds > 0 (a call may take at most this)",
                "E030")
    )  # fmt: skip
    return DEFAULT_ORIGIN_FUNC_TIMEOUT


def _parse_count(key: str, value: object, problems: list[Problem]) -> int:
    """A whole number >= 1 (an int or a string of digits)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    problems.append(Problem(key, value, "expected a whole number >= 1", "E031"))
    return 1


def _parse_hosts(key: str, value: object, problems: list[Problem]) -> tuple[str, ...]:
    """``allowed_hosts`` entries, normalised (lower case, a trailing dot dropped); each that is
    none of the forms is reported, naming itself and what to write, and left out."""
    valid: list[str] = []
    for entry in _split_list(key, value, problems):
        if entry.lower() == LOOPBACK:
            valid.append(LOOPBACK)
            continue
        parsed = parse_entry(entry)
        if isinstance(parsed, str):
            problems.append(Problem(key, entry, parsed, "E032"))
            continue
        host, port, subdomains = parsed
        written = ("*." if subdomains else "") + host + (f":{port}" if port else "")
        valid.append(written)
    return tuple(dict.fromkeys(valid))


def _parse_origin_func(key: str, value: object, problems: list[Problem]) -> OriginFunction | None:
    """A callable as given, or one named by an import string ``package.module:function``."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "none"):
            return None
        module_name, colon, attribute = text.partition(":")
        if not colon or not module_name or not attribute or module_name.startswith("."):
            # A relative module (.x) has no package to be relative to here.
            problems.append(
                Problem(
                    key,
                    value,
                    "expected an import string package.module:function "
                    "(absolute, without a leading dot)",
                    "E007",
                )
            )
            return None
        try:
            found: object = importlib.import_module(module_name)
            for name in attribute.split("."):
                found = getattr(found, name)
        except ImportError as error:
            problems.append(Problem(key, value, f"cannot be imported: {error}", "E007"))
            return None
        except AttributeError:
            problems.append(Problem(key, value, f"{module_name} has no {attribute}", "E007"))
            return None
        value = found
    if not callable(value):
        problems.append(
            Problem(
                key,
                value,
                "expected a callable origin -> bool, or an import string "
                "package.module:function naming one",
                "E008",
            )
        )
        return None
    return value


def _parse_regexes(
    key: str, value: object, problems: list[Problem]
) -> tuple[str | re.Pattern[str], ...]:
    """The regexes as given (strings stripped, one per line of a string), each checked to
    compile and to be safe; those that are not are reported and left out."""
    if value is None:
        return ()
    if isinstance(value, (str, re.Pattern)):
        entries: list[object] = [value]
        if isinstance(value, str):
            entries = [line.strip() for line in value.splitlines() if line.strip()]
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        entries = list(value)
    else:
        problems.append(Problem(key, value, "expected a string, a re.Pattern or a list", "E009"))
        return ()
    sources: list[str | re.Pattern[str]] = []
    for entry in entries:
        regex = _compile_regex(key, entry, problems)
        if regex is not None:
            sources.append(entry.strip() if isinstance(entry, str) else regex)
    return tuple(sources)


def _compile_regex(key: str, entry: object, problems: list[Problem]) -> re.Pattern[str] | None:
    if isinstance(entry, re.Pattern):
        if not isinstance(entry.pattern, str):
            problems.append(Problem(key, entry, "expected a str pattern", "E009"))
            return None
        regex: re.Pattern[str] = entry
    elif isinstance(entry, str) and entry.strip():
        try:
            regex = re.compile(entry.strip())
        # Python raises OverflowError, not re.error, for numbers it cannot hold (a{99999999999},
        # \U99999999999): found by the fuzz target.
        except (re.error, OverflowError) as error:
            problems.append(Problem(key, entry, f"invalid regular expression: {error}", "E010"))
            return None
    else:
        problems.append(Problem(key, entry, "expected a non-empty string", "E009"))
        return None
    slow = slow_regex(regex.pattern, regex.flags, MAX_ORIGIN_LENGTH, "Origin", ORIGIN_ALPHABET)
    if slow:
        problems.append(
            Problem(
                key,
                entry,
                f"{slow}; such a regex can take far over a millisecond per request on a "
                "crafted Origin (ReDoS). End each repeated part with a separator it cannot "
                "match, as in ([a-z0-9-]+\\.)*, or use allow_origins = https://*.example.com",
                "E011",
            )
        )
        return None
    return regex


def _compiled(source: str | re.Pattern[str]) -> re.Pattern[str]:
    """A regex as :func:`_parse_regexes` kept it, compiled (``re`` caches string sources)."""
    return re.compile(source) if isinstance(source, str) else source


# -- the option table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One entry of the option table: everything cors_wsgi knows about one option.

    :ivar name: the keyword, INI key and attribute name.
    :ivar kind: what it accepts, in words (README's Type column).
    :ivar default: the value when not given; also the keyword's default.
    :ivar parse: the :data:`Parser` turning what a user wrote into the normalised value.
    :ivar doc: what it does, in one line.
    :ivar example: a value in its string form, as an INI file gives it.
    :ivar details: the rest of its documentation, if any.
    :ivar sets: the response headers the option makes a policy send, other than
        ``Access-Control-*`` (which the merge always owns): the merge owns these too, so an
        application's copy is replaced, never doubled.
    """

    name: str
    kind: str
    default: object
    parse: Parser
    doc: str
    example: str
    details: str = ""
    sets: tuple[str, ...] = ()

    @property
    def is_flag(self) -> bool:
        """A boolean option: parsed from true/false/yes/no/on/off/1/0."""
        return self.parse is _parse_bool

    @property
    def default_text(self) -> str:
        """The default as the reference shows it: none, or its string form in backticks."""
        value = self.default
        if value is None or value == ():
            return "none"
        if isinstance(value, bool):
            return f"`{str(value).lower()}`"
        if isinstance(value, tuple):
            return "`" + ", ".join(map(str, value)) + "`"
        return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


#: The metadata key holding an option's table entry in its :class:`Options` field.
_OPTION: Final = "cors_wsgi.option"


def option(
    default: object,
    parse: Parser,
    *,
    kind: str,
    doc: str,
    example: str,
    details: str = "",
    sets: tuple[str, ...] = (),
) -> Any:
    """Declare an option: used as the default of an :class:`Options` field, whose name and
    annotation (the normalised value's type) complete the entry."""
    entry = Option("", kind, default, parse, doc, example, details, sets)
    return field(default=default, metadata={_OPTION: entry})


@dataclass(init=False, repr=False, eq=False, slots=True)
class Options:
    """Validated options, plus what the decisions read compiled from them. Immutable.

    Built from a mapping of option names to values (Python values or the string forms INI files
    give): each option is parsed by its :data:`OPTIONS` entry, then the rules between options
    are checked. :class:`~cors_wsgi.policy.CORSPolicy` is this class with typed keywords.

    :raises ConfigError: listing every problem, each naming its key and value.
    """

    # The option table, in documentation order: one field per option, declared by option().
    # Backticks mark code, as in the README table that is generated from these entries.

    allow_origins: tuple[str, ...] = option(
        (),
        _parse_origins,
        kind="list of origins, subdomain patterns (each may end in `:*`, any port), `null`, or `*`",
        doc="Origins whose pages may read responses; by default none may.",
        example="https://app.example.com https://*.example.org",
        details="Exact origins (`https://app.example.com`), subdomain patterns "
        "(`https://*.example.org`: one or more labels before `.example.org`, same scheme and "
        "port), either one with any port (`http://localhost:*`: that scheme and host on any "
        "port, the default one included), `null` (only when listed), or `*` for any origin. A "
        "string is split on commas and whitespace.",
    )
    allow_origin_regex: tuple[str | re.Pattern[str], ...] = option(
        (),
        _parse_regexes,
        kind="regular expression (full match), a compiled `re.Pattern`, or a list of them",
        doc="Origins allowed by a regular expression matching the whole origin.",
        example=r"https://pr-[0-9]+\.preview\.example\.com",
        details="Any of several may match; a string holding several lines is one regex per "
        "line. Never matches `null` or an origin that is not serialized as browsers send it. "
        "Regexes that can backtrack too long on a hostile 300-character `Origin` (nested or "
        "overlapping repetitions, conditionals, back-references, lookarounds in a repetition) "
        "are refused, and so are regexes that match origins nobody can own when credentials "
        "are on.",
    )
    allow_origin_func: OriginFunction | None = option(  # noqa: RUF009  # a dataclasses.field
        None,
        _parse_origin_func,
        kind="a function `origin -> bool` (ASGI: may be `async def`), or its import string",
        doc="Origins decided at run time by a function (a tenant table, a partner list).",
        example="myapp.cors:is_partner",
        details="Asked only for origins that are syntactically valid and not allowed by the "
        "fixed entries (never for `null` or junk), at most once per request; its answers are "
        "remembered per origin for `origin_func_cache_seconds`. Under the ASGI middleware it "
        "may be an `async def`; a plain function is then run in a worker thread, so neither "
        "blocks the event loop. An exception refuses the request (reason "
        "`origin_check_failed`, logged at ERROR). Refused with `*`.",
    )
    origin_func_cache_seconds: float = option(
        DEFAULT_ORIGIN_FUNC_CACHE_SECONDS,
        _parse_seconds,
        kind="seconds (number >= 0; `0` disables)",
        doc="How long each answer of `allow_origin_func`, yes or no, is remembered per origin.",
        example="300",
        details="`0` asks on every request. A revoked origin is refused once its entry expires.",
    )
    origin_func_timeout: float = option(
        DEFAULT_ORIGIN_FUNC_TIMEOUT,
        _parse_timeout,
        kind="seconds (number > 0)",
        doc="How long a request waits for `allow_origin_func`'s answer.",
        example="0.5",
        details="A call that takes longer refuses the request (reason `origin_check_failed`, "
        "logged at ERROR); its late answer is not used for that request, and is remembered "
        "for later ones. The call is not interrupted (Python cannot stop a thread); it keeps "
        "its place among `origin_func_concurrency` until it returns.",
    )
    origin_func_concurrency: int = option(
        DEFAULT_ORIGIN_FUNC_CONCURRENCY,
        _parse_count,
        kind="whole number >= 1",
        doc="How many calls of `allow_origin_func` may be in flight at once, per policy.",
        example="4",
        details="Concurrent requests from one origin share one call. Beyond the bound, a request "
        "from an origin not already being asked about is refused at once (reason "
        "`origin_check_busy`, logged at WARNING at most every 10 seconds), so a hung backend "
        "cannot take every worker or thread with it. Plain functions run in threads of the "
        "policy's own, never in the event loop's default executor.",
    )
    allow_methods: tuple[str, ...] | str = option(
        DEFAULT_METHODS,
        _parse_methods,
        kind="list of methods, or `*`",
        doc="Methods a preflight may ask for; `*` echoes the requested method.",
        example="GET, POST, PUT, DELETE",
        details="DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased, as browsers "
        "upper-case them; any other method is compared case-sensitively, as the Fetch standard "
        "does. A method listed twice is sent once.",
    )
    allow_headers: tuple[str, ...] | str = option(
        (),
        _parse_header_names,
        kind="list of request header names, or `*`",
        doc="Request headers a preflight may ask for, beyond the four always allowed.",
        example="Authorization, X-Requested-With",
        details="Compared case-insensitively. Accept, Accept-Language, Content-Language and "
        "Content-Type are always allowed. `*` echoes the requested names, so `Authorization` "
        "is covered too.",
    )
    expose_headers: tuple[str, ...] | str = option(
        (),
        _parse_header_names,
        kind="list of response header names, or `*`",
        doc="Response headers JavaScript may read beyond the safelisted ones.",
        example="X-Total-Count, Content-Disposition",
        details="With credentials, browsers take `*` literally, so the response's own header "
        "names are listed instead.",
    )
    allow_credentials: bool = option(
        False,
        _parse_bool,
        kind="bool",
        doc="Let pages send cookies and HTTP authentication, and read the answer.",
        example="true",
        details="Sends `Access-Control-Allow-Credentials: true`. Refused together with `*` or "
        "`null` origins, match-anything regexes and wildcards over a public suffix.",
    )
    max_age: int | None = option(
        DEFAULT_MAX_AGE,
        _parse_max_age,
        kind="seconds (int >= 0 or `timedelta`), or `None`",
        doc="How long a browser may cache a preflight answer.",
        example="7200",
        details="Whole seconds, or a `datetime.timedelta` of whole seconds; `None` omits the "
        "header (browsers then use 5 s), `0` sends 0.",
    )
    allow_private_network: bool = option(
        False,
        _parse_bool,
        kind="bool",
        doc="Legacy: answer Private Network Access preflights.",
        example="true",
        details="Adds `Access-Control-Allow-Private-Network: true` to such preflights. No "
        "current browser sends them (Chromium replaced them with the Local Network Access "
        "permission prompt); when off, such a preflight is answered as any other, without that "
        "header. Refused with `*` origins.",
    )
    keep_app_cors_headers: bool = option(
        False,
        _parse_bool,
        kind="bool",
        doc="Leave the application's own `Access-Control-*` headers standing.",
        example="true",
        details="When the application's response already carries `Access-Control-*` headers, "
        "they stand and the policy adds none (`Vary` is still merged); for paths whose "
        "application manages CORS itself. Preflights are still answered by the policy. Off, "
        "the policy's headers replace the application's.",
    )
    preflight_continue: bool = option(
        False,
        _parse_bool,
        kind="bool",
        doc="Let the application answer preflights; the policy still decides them.",
        example="true",
        details="The middleware decides each preflight as usual and adds the preflight headers "
        "to the application's `OPTIONS` response instead of answering itself (for applications "
        "that log, rate-limit or authenticate `OPTIONS`).",
    )
    cross_origin_protection: bool = option(
        False,
        _parse_bool,
        kind="bool",
        doc="Refuse cross-origin writes (CSRF) with 403 before the application runs.",
        example="true",
        details="A request with a method other than GET, HEAD or OPTIONS is answered `403` "
        "without calling the application unless `Sec-Fetch-Site` says `same-origin` or `none`, "
        "or its `Origin` is allowed by this policy, or (without `Sec-Fetch-Site`, from older "
        "browsers) it has no `Origin` or one whose host and port are the request's `Host`. "
        "Reason `cross_origin_request_refused`.",
    )
    allowed_hosts: tuple[str, ...] = option(
        (),
        _parse_hosts,
        kind="list of `host`, `host:port`, `host:*`, `*.example.com`, or `loopback`",
        doc="The `Host` values this server answers to; any other is refused (DNS rebinding).",
        example="loopback",
        details="Off when empty. `host` matches a `Host` without a port (browsers leave the "
        "scheme's default port out), `host:port` that port, `host:*` any port, "
        "`*.example.com` any name under `example.com` (not `example.com` itself; `:port` and "
        "`:*` work there too), `loopback` `localhost`, `127.0.0.1` and `[::1]` on any port. "
        "Compared in lower case, a trailing dot dropped, IPv6 addresses in brackets. Checked "
        "on every request, every method and every WebSocket handshake, `Origin` or not: a "
        "missing or malformed `Host` matches nothing. `X-Forwarded-Host` is never read. "
        "Reason `host_not_allowed`. It also says which origins are the server's own for "
        "`refuse_untrusted_origins`. A refused request is answered 403 before the "
        "application runs.",
    )
    refuse_untrusted_origins: bool = option(
        False,
        _parse_bool,
        kind="bool",
        doc="Refuse any request from an origin neither allowed nor the server's own.",
        example="true",
        details="Answered 403 before the application runs, on every method: GET, server-sent "
        "events, WebSocket handshakes and preflights included. A request without `Origin` "
        "passes. With `allowed_hosts`, an origin is the "
        "server's own when its host and port match `allowed_hosts`; without it, when it names "
        "the request's `Host`, which a DNS-rebinding page controls (`check` warns). Required "
        "of MCP servers by the Model Context Protocol. Reason `origin_refused`.",
    )
    debug: bool = option(
        False,
        _parse_bool,
        kind="bool",
        doc="Add `X-CORS-Reason` to every response, saying why (not for production).",
        example="true",
        details="The header holds the reason code and, when one is refused, the method or "
        "header. It tells any caller what the policy refuses.",
        sets=(DEBUG_HEADER,),
    )

    # Compiled from the options above when built; not options themselves.

    #: ``allow_origins`` is ``*``; the answer depends on ``Origin`` otherwise.
    allow_any_origin: bool = field(init=False)
    varies_by_origin: bool = field(init=False)
    #: The origin allowlist; methods and (lower-cased) headers, None for any.
    matcher: OriginMatcher = field(init=False)
    method_set: frozenset[str] | None = field(init=False)
    header_set: frozenset[str] | None = field(init=False)
    #: Precomputed headers: allowed actual requests, allowed preflights, preflight ``Vary``.
    actual_extra: tuple[Header, ...] = field(init=False)
    preflight_extra: tuple[Header, ...] = field(init=False)
    preflight_vary: str = field(init=False)
    #: ``allowed_hosts`` compiled; None when it is off.
    host_matcher: HostMatcher | None = field(init=False)

    def __init__(self, given: Mapping[str, object] | None = None, /) -> None:
        given = {} if given is None else given
        problems = _unknown_key_problems({k: v for k, v in given.items() if k not in DEFAULTS})
        values = {
            entry.name: entry.parse(entry.name, given.get(entry.name, entry.default), problems)
            for entry in OPTIONS
        }
        for rule in CROSS_OPTION_RULES:
            problems.extend(rule(values))
        if problems:
            raise ConfigError(problems)
        set_ = object.__setattr__  # the class forbids assignment; this is construction
        for name, value in values.items():
            set_(self, name, value)
        _compile(self)

    # -- asking the options ------------------------------------------------------------------

    def options(self) -> dict[str, object]:
        """The normalised options, as keyword arguments that rebuild this policy."""
        return {name: getattr(self, name) for name in OPTION_NAMES}

    def origin_allowed(self, origin: str) -> bool:
        """Return True when *origin* (a request's ``Origin`` value) is allowed by the fixed
        entries (``allow_origin_func`` is not asked)."""
        return self.matcher.match(origin) is True

    # -- value semantics ---------------------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> NoReturn:
        kind = type(self).__name__
        raise AttributeError(f"{kind} is immutable; build a new one instead of setting {name}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.options().items())
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Options):
            return NotImplemented
        return self.options() == other.options()

    def __hash__(self) -> int:
        return hash(tuple(self.options().values()))


#: The option table: one :class:`Option` per option, in documentation order.
OPTIONS: Final[tuple[Option, ...]] = tuple(
    replace(entry, name=f.name) for f in fields(Options) if (entry := f.metadata.get(_OPTION))
)
OPTION_NAMES: Final = tuple(entry.name for entry in OPTIONS)
#: Every option and its default, in documentation order.
DEFAULTS: Final[Mapping[str, object]] = {entry.name: entry.default for entry in OPTIONS}


def parse_options(given: Mapping[str, object]) -> Options:
    """Check every option in *given* (names as :data:`OPTION_NAMES`, missing ones default).

    :raises ConfigError: listing every problem, each naming its key and value.
    """
    return Options(given)


def _compile(options: Options) -> None:
    """Set what the decisions read, compiled from *options*' (validated) values."""
    set_ = object.__setattr__
    origins = options.allow_origins
    allow_any = ANY in origins
    set_(options, "allow_any_origin", allow_any)
    set_(options, "varies_by_origin", not allow_any)
    exact = frozenset(o for o in origins if "*" not in o)
    wildcards = [o for o in origins if "*" in o and o != ANY]
    patterns = frozenset(o for o in wildcards if not o.endswith(ANY_PORT))
    any_port = [o.removesuffix(ANY_PORT) for o in wildcards if o.endswith(ANY_PORT)]
    regexes = tuple(_compiled(source) for source in options.allow_origin_regex)
    matcher = OriginMatcher(
        allow_any, exact, patterns, regexes,
        any_port=frozenset(o for o in any_port if "*" not in o),
        patterns_any_port=frozenset(o for o in any_port if "*" in o),
    )  # fmt: skip
    set_(options, "matcher", matcher)
    methods, headers = options.allow_methods, options.allow_headers
    set_(options, "method_set", None if methods == ANY else frozenset(methods))
    listed = () if headers == ANY else headers
    every = frozenset(h.lower() for h in (*ALWAYS_ALLOWED_HEADERS, *listed))
    set_(options, "header_set", None if headers == ANY else every)
    set_(options, "actual_extra", _actual_extra(options))
    set_(options, "preflight_extra", _preflight_extra(options))
    pna = options.allow_private_network
    set_(options, "preflight_vary", PREFLIGHT_VARY_PNA if pna else PREFLIGHT_VARY)
    hosts = options.allowed_hosts
    set_(options, "host_matcher", HostMatcher(hosts) if hosts else None)


def _actual_extra(options: Options) -> tuple[Header, ...]:
    """The headers of every allowed actual request beyond ``Access-Control-Allow-Origin``
    (https://fetch.spec.whatwg.org/#http-responses)."""
    extra: list[Header] = []
    if options.allow_credentials:
        extra.append(("Access-Control-Allow-Credentials", "true"))
    if options.expose_headers == ANY:
        # https://fetch.spec.whatwg.org/#http-access-control-expose-headers: a literal name
        # with credentials, so the response's own names are listed instead (by the decision).
        if not options.allow_credentials:
            extra.append(("Access-Control-Expose-Headers", ANY))
    elif options.expose_headers:
        extra.append(("Access-Control-Expose-Headers", ", ".join(options.expose_headers)))
    if options.varies_by_origin:
        extra.append(("Vary", "Origin"))
    return tuple(extra)


def _preflight_extra(options: Options) -> tuple[Header, ...]:
    """The headers of every allowed preflight beyond ``Access-Control-Allow-Origin``
    (https://fetch.spec.whatwg.org/#cors-preflight-fetch)."""
    extra: list[Header] = []
    if options.allow_credentials:
        extra.append(("Access-Control-Allow-Credentials", "true"))
    if options.allow_methods != ANY:
        extra.append(("Access-Control-Allow-Methods", ", ".join(options.allow_methods)))
    if options.allow_headers != ANY:
        listed = {name.lower() for name in options.allow_headers}
        implicit = [h for h in ALWAYS_ALLOWED_HEADERS if h.lower() not in listed]
        extra.append(
            ("Access-Control-Allow-Headers", ", ".join([*options.allow_headers, *implicit]))
        )
    if options.max_age is not None:
        extra.append(("Access-Control-Max-Age", str(options.max_age)))
    return tuple(extra)


def _unknown_key_problems(unknown: Mapping[str, object]) -> list[Problem]:
    problems: list[Problem] = []
    for key, value in unknown.items():
        close = difflib.get_close_matches(key, OPTION_NAMES, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        # The known names once per report, on its first unknown key: not repeated per line.
        known = "" if problems else f" (known: {', '.join(OPTION_NAMES)})"
        problems.append(Problem(key, value, f"unknown option{hint}{known}", "E001"))
    return problems


# -- rules between options, checked after each option is parsed ---------------------------------


def _origin_func_with_any(values: Mapping[str, Any]) -> Iterator[Problem]:
    func = values["allow_origin_func"]
    if ANY in values["allow_origins"] and func is not None:
        yield Problem(
            "allow_origin_func",
            describe_function(func),
            "is never asked when allow_origins='*' allows every origin; "
            "list the fixed origins instead of '*'",
            "E016",
        )


def _broad_origins_with_credentials(values: Mapping[str, Any]) -> Iterator[Problem]:
    """``*`` and anything as broad cannot go with credentials
    (https://fetch.spec.whatwg.org/#cors-protocol-and-credentials)."""
    if not values["allow_credentials"]:
        return
    origins = values["allow_origins"]
    if ANY in origins:
        yield Problem("allow_origins", ANY, f"'*' {_ANY_WITH_CREDENTIALS}", "E017")
    for source in values["allow_origin_regex"]:
        unowned = matches_unownable(_compiled(source))
        if unowned:
            yield Problem(
                "allow_origin_regex",
                source,
                f"matches origins nobody can own (such as {unowned}), so like '*' "
                f"it {_ANY_WITH_CREDENTIALS}",
                "E018",
            )
            continue
        glued = matches_glued_name(_compiled(source))
        if glued:
            yield Problem(
                "allow_origin_regex",
                source,
                f"also matches {glued}, a site anyone can register, and with "
                f"allow_credentials=true it could read users' data; {GLUED_NAME_FIX}",
                "E033",
            )
    for pattern in sorted(o for o in origins if "*" in o and o != ANY):
        suffix = public_suffix_under(pattern)
        if suffix:
            yield Problem(
                "allow_origins",
                pattern,
                f"{suffix} is a public suffix (anyone can register a site under it), so this "
                "wildcard with allow_credentials=true would let strangers read users' data; "
                "list your own sites",
                "E019",
            )
    if "null" in origins:
        yield Problem(
            "allow_origins",
            "null",
            "'null' cannot be combined with allow_credentials=true: sandboxed iframes "
            "and data: documents of any site send Origin: null",
            "E020",
        )


def _private_network_with_any(values: Mapping[str, Any]) -> Iterator[Problem]:
    if ANY in values["allow_origins"] and values["allow_private_network"]:
        yield Problem(
            "allow_private_network",
            True,
            "cannot be combined with allow_origins='*': any public site could then "
            "reach this private-network service; list the trusted origins",
            "E021",
        )


#: The rules between options, in the order their problems are reported.
CROSS_OPTION_RULES: Final[tuple[Callable[[Mapping[str, Any]], Iterable[Problem]], ...]] = (
    _origin_func_with_any,
    _broad_origins_with_credentials,
    _private_network_with_any,
)


# -- documentation generated from the table -----------------------------------------------------


def describe_options() -> str:
    """Every option as plain text: name, kind, default, what it does and the details."""
    blocks = []
    for entry in OPTIONS:
        text = " ".join(filter(None, [entry.doc, entry.details])).replace("`", "")
        body = textwrap.indent(textwrap.fill(text, 92), "    ")
        kind, default = entry.kind.replace("`", ""), entry.default_text.replace("`", "")
        blocks.append(f"{entry.name}: {kind} (default: {default})\n{body}")
    return "\n\n".join(blocks)


def option_params() -> str:
    """Every option as a reST ``:param:`` field, for a docstring (indented by 4 spaces)."""
    lines = []
    for entry in OPTIONS:
        text = " ".join(filter(None, [entry.doc, entry.details, f"Default: {entry.default_text}."]))
        text = text.replace("`", "``")
        wrapped = textwrap.fill(
            f":param {entry.name}: {text}",
            96,
            initial_indent="    ",
            subsequent_indent="        ",
        )
        lines.append(wrapped)
    return "\n".join(lines)


# -- reading INI files, naming functions --------------------------------------------------------


def ini_error(error: configparser.Error) -> str:
    """configparser's complaint in one line, keeping the line number it names."""
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"line {error.lineno}: no [section] header before {error.line.strip()!r}"
    if isinstance(error, configparser.ParsingError) and error.errors:
        lineno, line = error.errors[0]  # configparser keeps the line's repr()
        with contextlib.suppress(ValueError, SyntaxError):
            line = str(ast.literal_eval(line))
        return f"line {lineno}: cannot parse {line.strip()!r}"
    first = str(error).splitlines()[0]  # duplicates: "While reading from 'f' [line  3]: ..."
    found = re.match(r"While reading from .*? \[line\s+(\d+)\]: (.*)", first)
    return f"line {found[1]}: {found[2]}" if found else first


def read_ini(
    path: str | PathLike[str], paste_globals: Mapping[str, str] | None = None
) -> dict[str, dict[str, str]]:
    """Every section of an INI file, in file order, as configparser reads it: keys of a
    ``[DEFAULT]`` section apply to every section. A PasteDeploy ``use`` key is dropped, since it
    names the filter rather than an option.

    *paste_globals* are the values of ``%(name)s`` as PasteDeploy's global configuration gives
    them (``gunicorn --paste-global name=value``); ``%(here)s`` and ``%(__file__)s`` are the
    file's directory and path, as PasteDeploy sets them.

    :raises ConfigError: for a value holding ``%(name)s`` when *paste_globals* is None (an
        interpolation that only PasteDeploy performs), or naming no value of *paste_globals*.
    """
    parser = configparser.ConfigParser(interpolation=None)
    try:
        # utf-8-sig: Notepad and PowerShell 5.1 start UTF-8 files with a byte-order mark
        with open(path, encoding="utf-8-sig") as file:
            parser.read_file(file)
    except UnicodeDecodeError as error:
        where = f"byte {error.start} (0x{error.object[error.start]:02x})"
        raise ConfigError(
            [Problem(os.fspath(path), where, "is not UTF-8 text; save the file as UTF-8", "E029")]
        ) from error
    except configparser.Error as error:
        raise ConfigError(
            [Problem(os.fspath(path), ini_error(error), "is not a valid INI file", "E029")]
        ) from error
    sections = {
        name: {key: value for key, value in parser.items(name) if key != "use"}
        for name in parser.sections()
    }
    if paste_globals is not None:
        here = os.path.abspath(path)
        known = {"here": os.path.dirname(here), "__file__": here, **paste_globals}
        return _interpolated(sections, known)
    problems = [
        Problem(
            f"[{name}] {key}",
            value,
            "holds %(...)s interpolation, which only PasteDeploy performs; write the value "
            "out, load this file through PasteDeploy (use = egg:cors_wsgi#cors), or give "
            "the values (the command line: --global name=value)",
            "E022",
        )
        for name, options in sections.items()
        for key, value in options.items()
        if _INTERPOLATION.search(value)
    ]
    if problems:
        raise ConfigError(problems)
    return sections


_REFERENCE: Final = re.compile(r"%\(([^)]*)\)s|%%")


def _interpolated(
    sections: dict[str, dict[str, str]], known: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """*sections* with each ``%(name)s`` replaced by its value in *known* (``%%`` is ``%``)."""
    problems: list[Problem] = []

    def value_of(match: re.Match[str], where: str, raw: str) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in known:
            given = ", ".join(sorted(known)) or "none"
            problems.append(
                Problem(
                    where,
                    raw,
                    f"%({name})s names no global value; give it with --global {name}=VALUE "
                    f"(as gunicorn --paste-global does; given: {given})",
                    "E022",
                )
            )
            return match.group(0)
        return known[name]

    result: dict[str, dict[str, str]] = {}
    for name, options in sections.items():
        result[name] = {}
        for key, value in options.items():
            where = f"[{name}] {key}"
            result[name][key] = _REFERENCE.sub(lambda m: value_of(m, where, value), value)  # noqa: B023  # used at once
    if problems:
        raise ConfigError(problems)
    return result


# -- reading environment variables ---------------------------------------------------------------

# A value that quotes a list item, or a JSON array: environment files are often written so.
_QUOTED_ITEM: Final = re.compile(r"""(?:^|[\s,])["']|["'](?:$|[\s,])""")


def read_env(prefix: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The options named by variables of *environ* starting with *prefix*
    (``CORS_ALLOW_ORIGINS`` is ``allow_origins``), their values as strings, parsed later as an
    INI file's are.

    :raises ConfigError: for a variable naming no option (E001, with the nearest name), and
        for a value written as a JSON array or in quotes (E028, naming the variable and the
        value to write instead).
    """
    found: dict[str, str] = {}
    problems: list[Problem] = []
    variables = {name.upper(): name for name in OPTION_NAMES}
    unknown: list[str] = []
    for variable, value in environ.items():
        if not variable.startswith(prefix):
            continue
        name = variable[len(prefix) :].lower()
        if name not in DEFAULTS:
            unknown.append(variable)
            continue
        stripped = value.strip()
        if stripped.startswith("[") or _QUOTED_ITEM.search(stripped):
            plain = ",".join(
                item.strip().strip("\"'") for item in stripped.strip("[]").split(",")
            ).strip(",")
            shape = "a JSON array" if stripped.startswith("[") else "in quotes"
            fix = (
                "a comma-separated list without brackets or quotes"
                if isinstance(DEFAULTS[name], tuple)
                else "the value without quotes"
            )
            problems.append(
                Problem(
                    variable, value, f"written {shape}; write {fix}: {variable}={plain}", "E028"
                )
            )
            continue
        found[name] = value
    for variable in unknown:
        close = difflib.get_close_matches(variable[len(prefix) :].upper(), variables, n=1)
        hint = f"; did you mean {prefix}{close[0]}?" if close else ""
        problems.append(Problem(variable, environ[variable], f"unknown option{hint}", "E001"))
    if unknown:  # the known names once per report
        names = ", ".join(prefix + name.upper() for name in OPTION_NAMES)
        first = next(i for i, p in enumerate(problems) if p.code == "E001")
        problems[first] = problems[first]._replace(
            message=f"{problems[first].message} (known: {names})"
        )
    if problems:
        raise ConfigError(problems)
    return found


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


# -- origins nobody can own, public suffixes ----------------------------------------------------


def matches_unownable(regex: re.Pattern[str]) -> str | None:
    """An origin nobody can own that *regex* allows, or None."""
    return next((o for o in UNOWNABLE_ORIGINS if regex.fullmatch(o)), None)


#: A domain name written in a regex's source, dots escaped: ``example\.com``.
_DOMAIN_IN_SOURCE: Final = re.compile(r"(?<![a-z0-9-])(?:[a-z0-9-]+\\\.)+[a-z0-9-]+")


def matches_glued_name(regex: re.Pattern[str]) -> str | None:
    r"""An origin *regex* allows whose host ends in a name the regex spells out, with no dot
    before that name: ``https://.*example\.com`` allows ``https://evilexample.com``, a site
    anyone can register. None when it allows no such origin (or spells out no name)."""
    for found in _DOMAIN_IN_SOURCE.finditer(regex.pattern.lower()):
        name = found[0].replace("\\.", ".")
        for scheme in ("https", "http"):
            for port in ("", ":8443", ":3000"):
                origin = f"{scheme}://evil{name}{port}"
                if regex.fullmatch(origin):
                    return origin
    return None


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
