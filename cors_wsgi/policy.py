"""The CORS policy: the one place where configuration is parsed, validated and compiled.

A :class:`CORSPolicy` is immutable. Building one validates every option (all problems are
reported at once, each naming its key) and precomputes every header value that does not depend
on the request, so deciding a request is a few set lookups and, for repeated origins, a cache hit.
"""

from __future__ import annotations

import configparser
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, NoReturn

from .decision import DEBUG_HEADER, VARY_ORIGIN, Decision, Header, Reason
from .errors import ConfigError, Problem
from .origins import (
    MAX_ORIGIN_LENGTH,
    check_subdomain_pattern,
    explain_bad_origin,
    is_serialized_origin,
    matches_subdomain_pattern,
)

if TYPE_CHECKING:
    from os import PathLike

try:  # the regex parser: re._parser since Python 3.11, sre_parse before
    from re import _constants as _regex_constants  # type: ignore[attr-defined]
    from re import _parser as _regex_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _regex_constants
    import sre_parse as _regex_parser

_REPEATS: Final = {
    getattr(_regex_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_regex_constants, name)
}
_BRANCH: Final = _regex_constants.BRANCH
_SUBPATTERN: Final = _regex_constants.SUBPATTERN
_ASSERTS: Final = {_regex_constants.ASSERT, _regex_constants.ASSERT_NOT}
_ATOMIC_GROUP: Final = getattr(_regex_constants, "ATOMIC_GROUP", None)
_MAXREPEAT: Final = _regex_constants.MAXREPEAT

ANY: Final = "*"

#: Defaults, documented in README.md's configuration reference.
DEFAULT_METHODS: Final = ("GET", "HEAD", "POST")
DEFAULT_MAX_AGE: Final = 600

#: Request headers every policy allows. They are CORS-safelisted names, but browsers still
#: preflight them for values outside the safelist, e.g. ``Content-Type: application/json``.
ALWAYS_ALLOWED_HEADERS: Final = ("Accept", "Accept-Language", "Content-Language", "Content-Type")

#: Longest ``Access-Control-Request-Headers`` value considered; longer ones are refused, which
#: bounds the work a hostile preflight can cause. Browsers send far less.
MAX_REQUEST_HEADERS_LENGTH: Final = 8192

#: Distinct origins (and preflight shapes) whose decisions are remembered. Bounded so that a
#: client inventing origins cannot grow memory: the origin cache is emptied when full, the
#: preflight cache drops its least recently used entry.
DECISION_CACHE_SIZE: Final = 1024

#: Preflights asking for more than this many characters of headers are decided afresh each
#: time rather than remembered, which bounds the preflight cache to about 1.3 MB.
MAX_CACHED_REQUEST_HEADERS: Final = 1024

PREFLIGHT_VARY: Final = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
PREFLIGHT_VARY_PNA: Final = PREFLIGHT_VARY + ", Access-Control-Request-Private-Network"

_TRUE: Final = frozenset({"true", "yes", "on", "1"})
_FALSE: Final = frozenset({"false", "no", "off", "0"})
_LIST_SEPARATOR: Final = re.compile(r"[,\s]+")
# RFC 9110 token: what a method or a header name may consist of.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

OPTION_NAMES: Final = (
    "allow_origins",
    "allow_origin_regex",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "allow_credentials",
    "max_age",
    "allow_private_network",
    "keep_app_cors_headers",
    "debug",
)


class CORSPolicy:
    """An immutable CORS policy: which origins may read responses, and how.

    :param allow_origins: exact origins (``https://app.example.com``), subdomain patterns
        (``https://*.example.org``: one or more labels before ``.example.org``, same scheme and
        port), ``null`` (only when listed), or ``"*"`` for any origin. A string is split on
        commas and whitespace. Default: none.
    :param allow_origin_regex: a regular expression an origin must match in full (never a
        search). Never matches ``null``. Default: ``None``.
    :param allow_methods: methods a preflight may ask for, compared case-sensitively as the Fetch
        standard does, or ``"*"`` (the requested method is echoed). Default: GET, HEAD, POST.
    :param allow_headers: request headers a preflight may ask for (case-insensitive), or ``"*"``
        (the requested names are echoed, so ``Authorization`` is covered too). Accept,
        Accept-Language, Content-Language and Content-Type are always allowed. Default: none more.
    :param expose_headers: response headers JavaScript may read beyond the safelisted ones, or
        ``"*"`` (with credentials, the response's own header names are listed instead, since
        browsers take ``*`` literally then). Default: none.
    :param allow_credentials: send ``Access-Control-Allow-Credentials: true`` (cookies, HTTP
        auth). Refused together with ``"*"`` or ``null`` origins. Default: False.
    :param max_age: seconds a browser may cache a preflight answer; ``None`` omits the header
        (browsers then use 5 s), ``0`` sends 0. Default: 600.
    :param allow_private_network: answer Private Network Access preflights with
        ``Access-Control-Allow-Private-Network: true``. Refused with ``"*"`` origins.
        Default: False.
    :param keep_app_cors_headers: when the application's response already carries
        ``Access-Control-*`` headers, let them stand and add none (``Vary`` is still merged);
        for paths whose application manages CORS itself. Preflights are still answered by
        the policy. Default: False (the policy's headers replace the application's).
    :param debug: add ``X-CORS-Reason: <reason code> [method or header]`` to every response,
        so the browser's network panel says why. Not for production: it tells any caller
        what the policy refuses. Default: False.
    :raises ConfigError: naming every bad key and value.

    Strings are accepted for every option, as INI files give them: lists split on commas and/or
    whitespace, booleans are true/false/yes/no/on/off/1/0, ``max_age`` an integer or ``none``.
    """

    __slots__ = (
        "_actual_extra",
        "_decide_preflight",
        "_exact_origins",
        "_headers",
        "_methods",
        "_origin_patterns",
        "_origin_regex",
        "_preflight_extra",
        "_preflight_vary",
        "_refused_actual",
        "actual_decisions",
        "allow_any_origin",
        "allow_credentials",
        "allow_headers",
        "allow_methods",
        "allow_origin_regex",
        "allow_origins",
        "allow_private_network",
        "debug",
        "expose_headers",
        "keep_app_cors_headers",
        "max_age",
        "no_origin_decision",
        "same_origin_decision",
        "varies_by_origin",
    )

    allow_origins: tuple[str, ...]
    allow_origin_regex: str | None
    allow_methods: tuple[str, ...] | str
    allow_headers: tuple[str, ...] | str
    expose_headers: tuple[str, ...] | str
    allow_credentials: bool
    max_age: int | None
    allow_private_network: bool
    allow_any_origin: bool
    varies_by_origin: bool
    debug: bool
    keep_app_cors_headers: bool
    no_origin_decision: Decision  # what every request without Origin gets, built once
    same_origin_decision: Decision
    _refused_actual: dict[str, Decision]  # by reason: refusals do not depend on the origin
    _exact_origins: frozenset[str]
    _origin_patterns: frozenset[str]  # "https://*.example.org", matched label by label
    _origin_regex: re.Pattern[str] | None
    _methods: frozenset[str] | None  # None: any method
    _headers: frozenset[str] | None  # lower-cased; None: any header
    _actual_extra: tuple[Header, ...]
    _preflight_extra: tuple[Header, ...]
    _preflight_vary: str  # the request headers a preflight answer depends on
    #: Decisions for actual requests by Origin value: bounded, emptied when full. The middleware
    #: reads it directly, which saves a method call per request.
    actual_decisions: dict[str, Decision]
    _decide_preflight: Callable[[str, str, str, bool], Decision]

    def __init__(
        self,
        *,
        allow_origins: Iterable[str] | str = (),
        allow_origin_regex: str | None = None,
        allow_methods: Iterable[str] | str = DEFAULT_METHODS,
        allow_headers: Iterable[str] | str = (),
        expose_headers: Iterable[str] | str = (),
        allow_credentials: bool | str = False,
        max_age: int | str | None = DEFAULT_MAX_AGE,
        allow_private_network: bool | str = False,
        keep_app_cors_headers: bool | str = False,
        debug: bool | str = False,
        **unknown: NoReturn,  # typos are type errors for mypy and ConfigError at run time
    ) -> None:
        problems: list[Problem] = []
        if unknown:
            problems.extend(_unknown_key_problems(unknown))

        origins = _split_list("allow_origins", allow_origins, problems)
        methods = _split_list("allow_methods", allow_methods, problems)
        headers = _split_list("allow_headers", allow_headers, problems)
        exposed = _split_list("expose_headers", expose_headers, problems)
        credentials = _parse_bool("allow_credentials", allow_credentials, problems)
        private_network = _parse_bool("allow_private_network", allow_private_network, problems)
        debug_header = _parse_bool("debug", debug, problems)
        keep_app = _parse_bool("keep_app_cors_headers", keep_app_cors_headers, problems)
        max_age_seconds = _parse_max_age(max_age, problems)
        regex = _parse_regex(allow_origin_regex, problems)

        allow_any, exact, patterns = _compile_origins(origins, problems)
        if allow_any and credentials:
            problems.append(
                Problem(
                    "allow_origins",
                    ANY,
                    "'*' cannot be combined with allow_credentials=true: browsers reject it, "
                    "and echoing every origin instead would let any site read users' data; "
                    "list the trusted origins",
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

        set_ = object.__setattr__  # the class forbids assignment; this is construction
        set_(self, "allow_origins", origins)
        set_(self, "allow_origin_regex", allow_origin_regex)
        set_(self, "allow_methods", _any_or_tuple(methods))
        set_(self, "allow_headers", _any_or_tuple(headers))
        set_(self, "expose_headers", _any_or_tuple(exposed))
        set_(self, "allow_credentials", credentials)
        set_(self, "max_age", max_age_seconds)
        set_(self, "allow_private_network", private_network)
        set_(self, "debug", debug_header)
        set_(self, "keep_app_cors_headers", keep_app)
        set_(self, "allow_any_origin", allow_any)
        set_(self, "_preflight_vary", PREFLIGHT_VARY_PNA if private_network else PREFLIGHT_VARY)
        # A fixed "*" answer is the same for every origin; anything else must say Vary: Origin.
        set_(self, "varies_by_origin", not allow_any)
        vary = (VARY_ORIGIN,) if self.varies_by_origin else ()
        set_(self, "no_origin_decision", self._decision(False, Reason.NO_ORIGIN, vary))
        set_(self, "same_origin_decision", self._decision(False, Reason.SAME_ORIGIN, vary))
        refusals = (Reason.INVALID_ORIGIN, Reason.ORIGIN_NOT_ALLOWED)
        set_(self, "_refused_actual", {r: self._decision(False, r, vary) for r in refusals})
        set_(self, "_exact_origins", exact)
        set_(self, "_origin_patterns", patterns)
        set_(self, "_origin_regex", regex)
        set_(self, "_methods", None if methods == (ANY,) else frozenset(methods))
        set_(
            self,
            "_headers",
            None
            if headers == (ANY,)
            else frozenset(h.lower() for h in (*ALWAYS_ALLOWED_HEADERS, *headers)),
        )
        set_(self, "_actual_extra", self._build_actual_extra())
        set_(self, "_preflight_extra", self._build_preflight_extra())
        # Per-instance caches (not methods decorated with lru_cache, which would keep every
        # policy alive); the decide_* methods bound the length of what they remember.
        set_(self, "actual_decisions", {})
        set_(
            self,
            "_decide_preflight",
            lru_cache(DECISION_CACHE_SIZE)(self._decide_preflight_uncached),
        )

    # -- construction helpers ---------------------------------------------------------------

    @classmethod
    def from_dict(cls, mapping: Mapping[str, object]) -> CORSPolicy:
        """Build a policy from a mapping of option names to values or their string forms."""
        return cls(**dict(mapping))  # type: ignore[arg-type]  # values are validated inside

    @classmethod
    def from_ini(cls, path: str | PathLike[str], section: str = "cors") -> CORSPolicy:
        """Build a policy from one section of an INI file (default ``[cors]``).

        A PasteDeploy filter section works too (``section="filter:cors"``): its ``use`` key
        is skipped.
        """
        sections = read_ini(path)
        if section not in sections:
            found = ", ".join(f"[{name}]" for name in sections) or "none"
            raise ConfigError(
                [Problem("section", section, f"no [{section}] section in {path} (found: {found})")]
            )
        return cls.from_dict(sections[section])

    def _build_actual_extra(self) -> tuple[Header, ...]:
        extra: list[Header] = []
        if self.allow_credentials:
            extra.append(("Access-Control-Allow-Credentials", "true"))
        if self.expose_headers == ANY:
            if not self.allow_credentials:
                extra.append(("Access-Control-Expose-Headers", ANY))
        elif self.expose_headers:
            extra.append(("Access-Control-Expose-Headers", ", ".join(self.expose_headers)))
        if self.varies_by_origin:
            extra.append(VARY_ORIGIN)
        return tuple(extra)

    def _build_preflight_extra(self) -> tuple[Header, ...]:
        extra: list[Header] = []
        if self.allow_credentials:
            extra.append(("Access-Control-Allow-Credentials", "true"))
        if self.allow_methods != ANY:
            extra.append(("Access-Control-Allow-Methods", ", ".join(self.allow_methods)))
        if self.allow_headers != ANY:
            listed = {name.lower() for name in self.allow_headers}
            implicit = [h for h in ALWAYS_ALLOWED_HEADERS if h.lower() not in listed]
            extra.append(
                ("Access-Control-Allow-Headers", ", ".join([*self.allow_headers, *implicit]))
            )
        if self.max_age is not None:
            extra.append(("Access-Control-Max-Age", str(self.max_age)))
        return tuple(extra)

    # -- the decision core: request facts in, Decision out (no WSGI, no I/O) -----------------

    def decide_actual(self, origin: str | None) -> Decision:
        """Decide an actual (non-preflight) request carrying this ``Origin`` value."""
        if origin is None:
            return self.no_origin_decision
        decision = self.actual_decisions.get(origin)
        if decision is None:
            decision = self._decide_actual_uncached(origin)
            if len(origin) <= MAX_ORIGIN_LENGTH:  # oversized values are never remembered
                if len(self.actual_decisions) >= DECISION_CACHE_SIZE:
                    self.actual_decisions.clear()  # bounded; cheaper than LRU bookkeeping
                self.actual_decisions[origin] = decision
        return decision

    def decide_preflight(
        self,
        origin: str,
        request_method: str,
        request_headers: str = "",
        private_network: bool = False,
    ) -> Decision:
        """Decide a preflight: ``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``.

        ``request_headers`` is the raw ``Access-Control-Request-Headers`` value.
        """
        if len(origin) > MAX_ORIGIN_LENGTH:
            return self._refuse_preflight(Reason.INVALID_ORIGIN, "(value too long)")
        if len(request_headers) > MAX_REQUEST_HEADERS_LENGTH:
            return self._refuse_preflight(Reason.HEADER_NOT_ALLOWED, "(value too long)")
        if len(request_headers) > MAX_CACHED_REQUEST_HEADERS:
            return self._decide_preflight_uncached(
                origin, request_method, request_headers, private_network
            )
        return self._decide_preflight(origin, request_method, request_headers, private_network)

    def evaluate(
        self,
        origin: str | None,
        method: str = "GET",
        request_headers: Mapping[str, str] | None = None,
        *,
        request_origin: str | None = None,
    ) -> Decision:
        """Decide a request from its facts, exactly as the middleware would; no WSGI needed.

        :param origin: the ``Origin`` header, or None when absent.
        :param method: the request method; ``OPTIONS`` with ``Access-Control-Request-Method``
            in *request_headers* is a preflight.
        :param request_headers: request headers by name (case-insensitive); those read are
            ``Access-Control-Request-Method``, ``-Headers`` and ``-Private-Network``.
        :param request_origin: the server's own origin (``https://api.example.com``): a
            request from it is ``same_origin``, not refused.
        :returns: the :class:`Decision`: allowed or not, the reason code and the headers.
        """
        if origin is None:
            return self.no_origin_decision
        found = {name.lower(): value for name, value in (request_headers or {}).items()}
        request_method = found.get("access-control-request-method")
        if method == "OPTIONS" and request_method is not None:
            decision = self.decide_preflight(
                origin,
                request_method,
                found.get("access-control-request-headers", ""),
                found.get("access-control-request-private-network") == "true",
            )
        else:
            decision = self.decide_actual(origin)
        if is_same_origin(decision, origin, request_origin):
            return self.same_origin_decision
        return decision

    def origin_allowed(self, origin: str) -> bool:
        """Return True when *origin* (a request's ``Origin`` value) is allowed by this policy."""
        return self._origin_reason(origin) == Reason.ALLOWED

    def _origin_reason(self, origin: str) -> str:
        if self.allow_any_origin:
            return Reason.ALLOWED
        if origin in self._exact_origins:  # valid by construction; the common case
            return Reason.ALLOWED
        if origin == "null":  # only ever allowed by listing it (an exact origin above)
            return Reason.ORIGIN_NOT_ALLOWED
        if not is_serialized_origin(origin):
            return Reason.INVALID_ORIGIN
        if self._origin_patterns and matches_subdomain_pattern(origin, self._origin_patterns):
            return Reason.ALLOWED
        regex = self._origin_regex
        if regex is not None and regex.fullmatch(origin):
            return Reason.ALLOWED
        return Reason.ORIGIN_NOT_ALLOWED

    def _decide_actual_uncached(self, origin: str) -> Decision:
        reason = self._origin_reason(origin)
        if reason != Reason.ALLOWED:
            return self._refused_actual[reason]
        expose_all = self.allow_credentials and self.expose_headers == ANY
        allow_origin = ANY if self.allow_any_origin else origin
        return self._decision(
            True,
            Reason.ALLOWED,
            (("Access-Control-Allow-Origin", allow_origin), *self._actual_extra),
            expose_response_headers=expose_all,
        )

    def _decision(
        self,
        allowed: bool,
        reason: str,
        headers: tuple[Header, ...],
        *,
        preflight: bool = False,
        detail: str = "",
        expose_response_headers: bool = False,
    ) -> Decision:
        """Build a decision, with the debug header when the policy asks for it."""
        if self.debug:
            # Only a method or header name (a token) may follow the code: never the Origin.
            shown = f"{reason} {detail}" if detail and _TOKEN.fullmatch(detail) else reason
            headers = (*headers, (DEBUG_HEADER, shown))
        return Decision(
            allowed, reason, headers, preflight, detail, expose_response_headers,
            self.keep_app_cors_headers,
        )  # fmt: skip

    def _refuse_preflight(self, reason: str, detail: str = "") -> Decision:
        vary = self._preflight_vary
        return self._decision(False, reason, (("Vary", vary),), preflight=True, detail=detail)

    def _decide_preflight_uncached(
        self, origin: str, request_method: str, request_headers: str, private_network: bool
    ) -> Decision:
        reason = self._origin_reason(origin)
        if reason != Reason.ALLOWED:
            return self._refuse_preflight(reason)
        methods = self._methods
        if not _TOKEN.fullmatch(request_method) or (
            methods is not None and request_method not in methods
        ):
            return self._refuse_preflight(Reason.METHOD_NOT_ALLOWED, request_method)
        requested = [n for n in (p.strip().lower() for p in request_headers.split(",")) if n]
        allowed_headers = self._headers
        for name in requested:
            if not _TOKEN.fullmatch(name) or (
                allowed_headers is not None and name not in allowed_headers
            ):
                return self._refuse_preflight(Reason.HEADER_NOT_ALLOWED, name)
        if private_network and not self.allow_private_network:
            return self._refuse_preflight(Reason.PRIVATE_NETWORK_NOT_ALLOWED)

        headers: list[Header] = [
            ("Access-Control-Allow-Origin", ANY if self.allow_any_origin else origin),
            *self._preflight_extra,
        ]
        if methods is None:
            headers.append(("Access-Control-Allow-Methods", request_method))
        if allowed_headers is None and requested:
            # Echo the names rather than send "*": a literal "*" never covers Authorization
            # and means nothing to browsers on credentialed requests.
            headers.append(("Access-Control-Allow-Headers", ", ".join(requested)))
        if private_network:
            headers.append(("Access-Control-Allow-Private-Network", "true"))
        vary = self._preflight_vary
        headers.append(("Vary", vary))
        return self._decision(True, Reason.ALLOWED, tuple(headers), preflight=True)

    # -- value semantics --------------------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"CORSPolicy is immutable; build a new one instead of setting {name}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("CORSPolicy is immutable")

    def options(self) -> dict[str, object]:
        """The normalised options, as keyword arguments that rebuild this policy."""
        return {name: getattr(self, name) for name in OPTION_NAMES}

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.options().items())
        return f"CORSPolicy({shown})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CORSPolicy):
            return NotImplemented
        return self.options() == other.options()

    def __hash__(self) -> int:
        return hash(tuple(self.options().values()))


def read_ini(path: str | PathLike[str]) -> dict[str, dict[str, str]]:
    """Every section of an INI file, in file order, values uninterpolated; a PasteDeploy
    ``use`` key is dropped, since it names the filter rather than an option."""
    # No DEFAULT inheritance: a [DEFAULT] key is not an option of every section.
    parser = configparser.ConfigParser(interpolation=None, default_section="\0none")
    with open(path, encoding="utf-8") as file:
        parser.read_file(file)
    return {
        name: {key: value for key, value in parser.items(name) if key != "use"}
        for name in parser.sections()
    }


def is_same_origin(decision: Decision, origin: str, request_origin: str | None) -> bool:
    """True for an actual request refused only because it came from the server's own origin.

    Browsers send ``Origin`` on same-origin POSTs too; such a request needs no CORS headers
    and is no refusal. (A preflight never comes from the same origin, so it stays refused.)
    """
    return (
        decision.reason == Reason.ORIGIN_NOT_ALLOWED
        and not decision.preflight
        and origin == request_origin
    )


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
        return tuple(item.strip() for item in items if item.strip())
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
    problems.append(
        Problem("max_age", value, "expected a whole number of seconds >= 0, or none to omit")
    )
    return None


def _parse_regex(value: object, problems: list[Problem]) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(Problem("allow_origin_regex", value, "expected a string"))
        return None
    if not value.strip():
        return None
    try:
        compiled = re.compile(value)
    except re.error as error:
        problems.append(
            Problem("allow_origin_regex", value, f"invalid regular expression: {error}")
        )
        return None
    if backtracks_exponentially(value):
        problems.append(
            Problem(
                "allow_origin_regex",
                value,
                "a repetition inside a repetition, or alternatives inside one, can take "
                "seconds per request on a crafted Origin (ReDoS); rewrite it without (for "
                "any depth of subdomains, allow_origins = https://*.example.com does it safely)",
            )
        )
        return None
    return compiled


def backtracks_exponentially(pattern: str) -> bool:
    """True when *pattern* has an unbounded repetition (``*``, ``+``, ``{n,}``) containing
    another one, or containing alternatives: the shapes that backtrack exponentially, such as
    ``(a+)+`` and ``(a|ab)*``."""
    return _nested_repetition(_regex_parser.parse(pattern), inside=False)


def _nested_repetition(items: Any, inside: bool) -> bool:
    for op, argument in items:
        if op in _REPEATS:
            _low, high, body = argument
            unbounded = high == _MAXREPEAT
            if unbounded and inside:
                return True
            if _nested_repetition(body, inside or unbounded):
                return True
        elif op is _BRANCH:
            if inside:
                return True
            if any(_nested_repetition(branch, inside) for branch in argument[1]):
                return True
        elif op is _SUBPATTERN or op in _ASSERTS:
            if _nested_repetition(argument[-1], inside):
                return True
        elif op is _ATOMIC_GROUP and _nested_repetition(argument, inside):
            return True
    return False


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
        if value != ANY and not _TOKEN.fullmatch(value):
            problems.append(
                Problem(key, value, "not a valid HTTP token (letters, digits, -, _ ...)")
            )


def _any_or_tuple(values: tuple[str, ...]) -> tuple[str, ...] | str:
    return ANY if values == (ANY,) else values
