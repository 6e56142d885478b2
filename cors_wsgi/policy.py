"""The CORS policy: an immutable value, validated when built, with its headers precomputed.

A :class:`CORSPolicy` holds the normalised options (checked by :mod:`.options`), the compiled
origin allowlist (:class:`~cors_wsgi.origins.OriginMatcher`) and every header value that does
not depend on the request. It holds no caches and makes no decisions: those belong to
:class:`~cors_wsgi.decision.PolicyDecider` and :class:`~cors_wsgi.core.Decider`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, NoReturn

from .errors import ConfigError, Problem
from .options import (
    ANY,
    DEFAULT_MAX_AGE,
    DEFAULT_METHODS,
    DEFAULT_ORIGIN_FUNC_CACHE_SECONDS,
    OPTION_NAMES,
    OriginFunction,
    parse_options,
    read_ini,
)
from .origins import OriginMatcher

if TYPE_CHECKING:
    from datetime import timedelta
    from os import PathLike

    from .decision import Decision, Header

__all__ = ["ALWAYS_ALLOWED_HEADERS", "PREFLIGHT_VARY", "CORSPolicy"]

#: Request headers every policy allows. They are CORS-safelisted names, but browsers still
#: preflight them for values outside the safelist, e.g. ``Content-Type: application/json``.
ALWAYS_ALLOWED_HEADERS: Final = ("Accept", "Accept-Language", "Content-Language", "Content-Type")

PREFLIGHT_VARY: Final = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
PREFLIGHT_VARY_PNA: Final = PREFLIGHT_VARY + ", Access-Control-Request-Private-Network"


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
    :param allow_origin_func: a function ``origin -> bool`` deciding origins at run time (from
        a database, a tenant table), or its import string ``package.module:function``. Asked
        only for origins that are syntactically valid and not allowed by the fixed entries
        (never for ``null`` or junk), at most once per request, and its answers are remembered
        per origin for ``origin_func_cache_seconds``. Under the ASGI middleware it may be an
        ``async def``; a plain function is then run in a worker thread, so neither blocks the
        event loop. An exception refuses the request (reason ``origin_check_failed``, logged at
        ERROR). Refused with ``"*"``. Default: none.
    :param origin_func_cache_seconds: how long an answer of ``allow_origin_func`` (allowed or
        not) is remembered per origin; ``0`` asks on every request. A revoked origin is refused
        once its entry expires. Default: 60.
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
        auth). Refused together with ``"*"`` or ``null`` origins, match-anything regexes and
        wildcards over a public suffix. Default: False.
    :param max_age: seconds (or a :class:`datetime.timedelta` of whole seconds) a browser may
        cache a preflight answer; ``None`` omits the header (browsers then use 5 s), ``0``
        sends 0. Default: 600.
    :param allow_private_network: legacy: answer Private Network Access preflights with
        ``Access-Control-Allow-Private-Network: true``. No current browser sends them (Chromium
        replaced them with the Local Network Access permission prompt); when off, such a
        preflight is answered as any other, without that header. Refused with ``"*"`` origins.
        Default: False.
    :param keep_app_cors_headers: when the application's response already carries
        ``Access-Control-*`` headers, let them stand and add none (``Vary`` is still merged);
        for paths whose application manages CORS itself. Preflights are still answered by
        the policy. Default: False (the policy's headers replace the application's).
    :param preflight_continue: let the application answer preflights: the middleware decides
        them as usual and adds the preflight headers to the application's ``OPTIONS``
        response instead of answering itself (for apps that log, rate-limit or authenticate
        ``OPTIONS``). Default: False.
    :param cross_origin_protection: refuse cross-origin writes (CSRF): a request with a method
        other than GET, HEAD or OPTIONS is answered ``403`` without calling the application
        unless ``Sec-Fetch-Site`` says ``same-origin`` or ``none``, or its ``Origin`` is allowed
        by this policy, or (without ``Sec-Fetch-Site``, from older browsers) it has no
        ``Origin`` or one whose host and port are the request's ``Host``. Reason
        ``cross_origin_request_refused``. Default: False.
    :param debug: add ``X-CORS-Reason: <reason code> [method or header]`` to every response,
        so the browser's network panel says why. Not for production: it tells any caller
        what the policy refuses. Default: False.
    :raises ConfigError: naming every bad key and value.

    Strings are accepted for every option, as INI files give them: lists split on commas and/or
    whitespace, booleans are true/false/yes/no/on/off/1/0, ``max_age`` an integer or ``none``.
    """

    __slots__ = (
        "actual_extra",
        "allow_any_origin",
        "allow_credentials",
        "allow_headers",
        "allow_methods",
        "allow_origin_func",
        "allow_origin_regex",
        "allow_origins",
        "allow_private_network",
        "cross_origin_protection",
        "debug",
        "expose_headers",
        "header_set",
        "keep_app_cors_headers",
        "matcher",
        "max_age",
        "method_set",
        "origin_func_cache_seconds",
        "preflight_continue",
        "preflight_extra",
        "preflight_vary",
        "varies_by_origin",
    )

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
    #: Derived: ``allow_origins`` is ``*``; the answer depends on ``Origin`` otherwise.
    allow_any_origin: bool
    varies_by_origin: bool
    #: Compiled: the origin allowlist; methods and (lower-cased) headers, None for any.
    matcher: OriginMatcher
    method_set: frozenset[str] | None
    header_set: frozenset[str] | None
    #: Precomputed headers: allowed actual requests, allowed preflights, preflight ``Vary``.
    actual_extra: tuple[Header, ...]
    preflight_extra: tuple[Header, ...]
    preflight_vary: str

    def __init__(
        self,
        *,
        allow_origins: Iterable[str] | str = (),
        allow_origin_regex: str | re.Pattern[str] | Iterable[str | re.Pattern[str]] | None = None,
        allow_origin_func: OriginFunction | str | None = None,
        origin_func_cache_seconds: float | timedelta | str = DEFAULT_ORIGIN_FUNC_CACHE_SECONDS,
        allow_methods: Iterable[str] | str = DEFAULT_METHODS,
        allow_headers: Iterable[str] | str = (),
        expose_headers: Iterable[str] | str = (),
        allow_credentials: bool | str = False,
        max_age: int | timedelta | str | None = DEFAULT_MAX_AGE,
        allow_private_network: bool | str = False,
        keep_app_cors_headers: bool | str = False,
        preflight_continue: bool | str = False,
        cross_origin_protection: bool | str = False,
        debug: bool | str = False,
        **unknown: NoReturn,  # typos are type errors for mypy and ConfigError at run time
    ) -> None:
        given = {
            "allow_origins": allow_origins,
            "allow_origin_regex": allow_origin_regex,
            "allow_origin_func": allow_origin_func,
            "origin_func_cache_seconds": origin_func_cache_seconds,
            "allow_methods": allow_methods,
            "allow_headers": allow_headers,
            "expose_headers": expose_headers,
            "allow_credentials": allow_credentials,
            "max_age": max_age,
            "allow_private_network": allow_private_network,
            "keep_app_cors_headers": keep_app_cors_headers,
            "preflight_continue": preflight_continue,
            "cross_origin_protection": cross_origin_protection,
            "debug": debug,
            **unknown,
        }
        options = parse_options(given)
        set_ = object.__setattr__  # the class forbids assignment; this is construction
        for name in OPTION_NAMES:
            set_(self, name, getattr(options, name))
        set_(self, "allow_any_origin", options.allow_any_origin)
        set_(self, "varies_by_origin", not options.allow_any_origin)
        set_(
            self,
            "matcher",
            OriginMatcher(
                options.allow_any_origin,
                options.exact_origins,
                options.origin_patterns,
                options.origin_regexes,
            ),
        )
        set_(
            self, "method_set", None if self.allow_methods == ANY else frozenset(self.allow_methods)
        )
        listed = () if self.allow_headers == ANY else self.allow_headers
        set_(
            self,
            "header_set",
            None
            if self.allow_headers == ANY
            else frozenset(h.lower() for h in (*ALWAYS_ALLOWED_HEADERS, *listed)),
        )
        set_(self, "actual_extra", self._actual_extra())
        set_(self, "preflight_extra", self._preflight_extra())
        vary = PREFLIGHT_VARY_PNA if self.allow_private_network else PREFLIGHT_VARY
        set_(self, "preflight_vary", vary)

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

    def _actual_extra(self) -> tuple[Header, ...]:
        extra: list[Header] = []
        if self.allow_credentials:
            extra.append(("Access-Control-Allow-Credentials", "true"))
        if self.expose_headers == ANY:
            if not self.allow_credentials:
                extra.append(("Access-Control-Expose-Headers", ANY))
        elif self.expose_headers:
            extra.append(("Access-Control-Expose-Headers", ", ".join(self.expose_headers)))
        if self.varies_by_origin:
            extra.append(("Vary", "Origin"))
        return tuple(extra)

    def _preflight_extra(self) -> tuple[Header, ...]:
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

    # -- asking the policy ---------------------------------------------------------------------

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
        from .core import Decider  # the core builds on policies; this is a convenience

        return Decider(self).evaluate(
            origin, method, request_headers, request_origin=request_origin
        )

    def origin_allowed(self, origin: str) -> bool:
        """Return True when *origin* (a request's ``Origin`` value) is allowed by this policy's
        fixed entries (``allow_origin_func`` is not asked: see :meth:`evaluate`)."""
        return self.matcher.match(origin) is True

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
