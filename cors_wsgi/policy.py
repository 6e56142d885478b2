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
from typing import TYPE_CHECKING, Final, NoReturn

from ._regex import ambiguous_repetition
from .decision import DEBUG_HEADER, VARY_ORIGIN, Decision, Header, Reason
from .errors import ConfigError, Problem
from .fetch import NORMALISED_METHODS, preflight_reasons, unsafe_header_names
from .origins import (
    MAX_ORIGIN_LENGTH,
    check_subdomain_pattern,
    explain_bad_origin,
    is_serialized_origin,
    matches_subdomain_pattern,
    pattern_suffix,
)

if TYPE_CHECKING:
    from os import PathLike

    from publicsuffixlist import PublicSuffixList

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

_INTERPOLATION: Final = re.compile(r"%\([^)]*\)")
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
        search), a compiled :class:`re.Pattern`, or a list of them (any may match); a string
        holding several lines is one regex per line. Never matches ``null`` or an origin that
        is not serialized as browsers send it. Regexes that can backtrack exponentially are
        refused, and so are regexes that match origins nobody can own when credentials are on.
        Default: none.
    :param allow_methods: methods a preflight may ask for, or ``"*"`` (the requested method is
        echoed). DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased, as browsers
        upper-case them; any other method is compared case-sensitively, as the Fetch standard
        does. Default: GET, HEAD, POST.
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
    :param allow_private_network: legacy: answer Private Network Access preflights with
        ``Access-Control-Allow-Private-Network: true``. No current browser sends them (Chromium
        replaced them with the Local Network Access permission prompt); when off, such a
        preflight is answered as any other, without that header. Refused with ``"*"`` origins.
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
        "_origin_regexes",
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
    allow_origin_regex: tuple[str | re.Pattern[str], ...]
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
    _origin_regexes: tuple[re.Pattern[str], ...]
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
        allow_origin_regex: str | re.Pattern[str] | Iterable[str | re.Pattern[str]] | None = None,
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
        max_age_seconds = _parse_max_age(max_age, problems)
        regex_sources, regexes = _parse_regexes(allow_origin_regex, problems)

        allow_any, exact, patterns = _compile_origins(origins, problems)
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

        set_ = object.__setattr__  # the class forbids assignment; this is construction
        set_(self, "allow_origins", origins)
        set_(self, "allow_origin_regex", regex_sources)
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
        set_(self, "_exact_origins", exact)
        set_(self, "_origin_patterns", patterns)
        set_(self, "_origin_regexes", regexes)
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
        if allow_any:
            # Fetch, "CORS protocol and HTTP caches": a static "*" is sent on every response,
            # CORS or not, and without Vary, so a cached non-CORS answer serves a later fetch.
            # https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
            static = (("Access-Control-Allow-Origin", ANY), *self._actual_extra)
            set_(self, "no_origin_decision", self._decision(False, Reason.NO_ORIGIN, static))
        else:
            set_(self, "no_origin_decision", self._decision(False, Reason.NO_ORIGIN, vary))
        set_(self, "same_origin_decision", self._decision(False, Reason.SAME_ORIGIN, vary))
        refusals = (Reason.INVALID_ORIGIN, Reason.ORIGIN_NOT_ALLOWED)
        set_(self, "_refused_actual", {r: self._decision(False, r, vary) for r in refusals})
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

        Give either what the page asks for (``evaluate(origin, "PUT", {"X-Api-Key": "1"})``)
        or a raw preflight (``"OPTIONS"`` with ``Access-Control-Request-Method`` among
        *request_headers*). When the page's method or headers make the browser send a
        preflight first (the Fetch standard's safelists), a refused preflight is the answer:
        the browser never sends the request. Otherwise the decision is the request's own.

        :param origin: the ``Origin`` header, or None when absent.
        :param method: the request method, as passed to ``fetch()`` (``put`` is sent as PUT).
        :param request_headers: request headers by name (case-insensitive), with values where
            they matter (``Content-Type: application/json`` needs a preflight). Also read:
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
            method = method.upper() if method.upper() in NORMALISED_METHODS else method
            page_headers = [
                (name, value) for name, value in found.items() if not name.startswith("access-")
            ]
            if preflight_reasons(method, page_headers):
                preflight = self.decide_preflight(
                    origin, method, ",".join(unsafe_header_names(page_headers))
                )
                if not preflight.allowed:
                    return preflight
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
        for regex in self._origin_regexes:
            if regex.fullmatch(origin):
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
        if private_network and self.allow_private_network:
            # No current engine asks any more; when the option is off the preflight is answered
            # as any other, since a 403 turned Chrome 104-141's PNA warning into a failure.
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
    problems.append(
        Problem("max_age", value, "expected a whole number of seconds >= 0, or none to omit")
    )
    return None


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
        except re.error as error:
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
        if value != ANY and not _TOKEN.fullmatch(value):
            problems.append(
                Problem(key, value, "not a valid HTTP token (letters, digits, -, _ ...)")
            )


def _any_or_tuple(values: tuple[str, ...]) -> tuple[str, ...] | str:
    return ANY if values == (ANY,) else values
