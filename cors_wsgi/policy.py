"""The CORS policy: an immutable value, validated when built, with its headers precomputed.

A :class:`CORSPolicy` is the :class:`~cors_wsgi.options.Options` of one policy (the normalised
options, the compiled origin allowlist and every header value that does not depend on the
request) built from typed keywords. It holds no caches and makes no decisions: the rules are
:mod:`cors_wsgi.rules`, remembered by :class:`~cors_wsgi.memo.PolicyDecider`;
:meth:`CORSPolicy.evaluate` runs them as a browser's request would.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypedDict

from .browser import asking, simulate
from .errors import ConfigError, Problem
from .memo import PolicyDecider
from .options import (
    ALWAYS_ALLOWED_HEADERS,
    OPTION_NAMES,
    PREFLIGHT_VARY,
    PREFLIGHT_VARY_PNA,
    Options,
    OriginFunction,
    describe_options,
    option_params,
    read_env,
    read_ini,
)

if TYPE_CHECKING:
    from datetime import timedelta
    from os import PathLike

    from typing_extensions import Unpack

    from .decision import Decision

__all__ = [
    "ALWAYS_ALLOWED_HEADERS",
    "PREFLIGHT_VARY",
    "PREFLIGHT_VARY_PNA",
    "CORSPolicy",
    "PolicyOptions",
]


class CORSPolicy(Options):
    """An immutable CORS policy: which origins may read responses, and how.

    Each option is documented once, in the option table (:data:`cors_wsgi.options.OPTIONS`);
    :meth:`describe` prints it, and the parameters below are generated from it. Strings are
    accepted for every option, as INI files give them: lists split on commas and/or whitespace,
    booleans are true/false/yes/no/on/off/1/0, ``max_age`` an integer or ``none``.

    The attributes are those of :class:`~cors_wsgi.options.Options`: every option, normalised,
    and what the decisions read compiled from them.
    """

    __slots__ = ()

    def __init__(self, **options: Unpack[PolicyOptions]) -> None:
        # Each option is declared once, in the option table; PolicyOptions types the keywords
        # (a test compares it with the table). Unknown names are refused with the closest one.
        super().__init__(dict(options))

    @classmethod
    def from_dict(cls, mapping: Mapping[str, object]) -> CORSPolicy:
        """Build a policy from a mapping of option names to values or their string forms."""
        return cls(**dict(mapping))  # type: ignore[arg-type]  # values are validated inside

    @classmethod
    def from_ini(
        cls,
        path: str | PathLike[str],
        section: str = "cors",
        paste_globals: Mapping[str, str] | None = None,
    ) -> CORSPolicy:
        """Build a policy from one section of an INI file (default ``[cors]``).

        A PasteDeploy filter section works too (``section="filter:cors"``): its ``use`` key
        is skipped. *paste_globals* give its ``%(name)s`` values, as PasteDeploy's global
        configuration does (see :func:`~cors_wsgi.options.read_ini`).
        """
        sections = read_ini(path, paste_globals)
        if section not in sections:
            found = ", ".join(f"[{name}]" for name in sections) or "none"
            raise ConfigError(
                [
                    Problem(
                        "section",
                        section,
                        f"no [{section}] section in {path} (found: {found})",
                        "E023",
                    )
                ]
            )
        return cls.from_dict(sections[section])

    @classmethod
    def from_env(
        cls, prefix: str = "CORS_", environ: Mapping[str, str] | None = None
    ) -> CORSPolicy:
        """Build a policy from environment variables: each option upper-cased after *prefix*
        (``CORS_ALLOW_ORIGINS``, ``CORS_ALLOW_CREDENTIALS``, ...), its value written as in an
        INI file (lists comma-separated, no brackets or quotes). *environ* defaults to
        :data:`os.environ`. Unset options keep their defaults.

        :raises ConfigError: as :meth:`from_ini` does, each problem naming its variable; also
            for a variable with the prefix naming no option, and for a value written as a
            JSON array or in quotes.
        """
        given = read_env(prefix, os.environ if environ is None else environ)
        try:
            return cls.from_dict(given)
        except ConfigError as error:  # name the variable the operator sets, not the option
            names = {name: prefix + name.upper() for name in OPTION_NAMES}
            raise ConfigError(
                [p._replace(key=names.get(p.key, p.key)) for p in error.problems]
            ) from None

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
            request from it is ``same_origin``, not refused. Its host is the request's
            ``Host``, which ``allowed_hosts`` checks: without it, such a policy answers
            ``host_not_allowed``.
        :returns: the :class:`Decision`: allowed or not, the reason code and the headers.

        Each call decides afresh, so ``allow_origin_func`` is asked on every call that needs it
        (at most once for the preflight and the request together).
        """
        decide = asking(PolicyDecider(self).decide)  # a fresh memo: the function is asked
        return simulate(decide, origin, method, request_headers, "/", request_origin)

    @classmethod
    def describe(cls) -> str:
        """Every option as plain text, from the option table: its name, what it accepts, its
        default, and what it does."""
        return describe_options()


# The per-option parameters, generated from the option table (one source for their text).
CORSPolicy.__doc__ = (
    f"{(CORSPolicy.__doc__ or '').rstrip()}\n\n{option_params()}\n"
    "    :raises ConfigError: naming every bad key and value.\n    "
)


class PolicyOptions(TypedDict, total=False):
    """The options as keywords, of :class:`CORSPolicy` and of both middlewares
    (``CORSMiddleware(app, allow_origins=[...])``), typed for ``**options: Unpack[PolicyOptions]``
    so that type checkers know each name and the values it accepts, and flag a misspelt one,
    through Starlette's ``add_middleware`` and ``Middleware`` too. The names are the option
    table's, in its order (a test compares them); defaults and meanings are the table's
    (:data:`cors_wsgi.options.OPTIONS`)."""

    allow_origins: Iterable[str] | str
    allow_origin_regex: str | re.Pattern[str] | Iterable[str | re.Pattern[str]] | None
    allow_origin_func: OriginFunction | str | None
    origin_func_cache_seconds: float | timedelta | str
    origin_func_timeout: float | timedelta | str
    origin_func_concurrency: int | str
    allow_methods: Iterable[str] | str
    allow_headers: Iterable[str] | str
    expose_headers: Iterable[str] | str
    allow_credentials: bool | str
    max_age: int | timedelta | str | None
    allow_private_network: bool | str
    keep_app_cors_headers: bool | str
    preflight_continue: bool | str
    cross_origin_protection: bool | str
    allowed_hosts: Iterable[str] | str
    refuse_untrusted_origins: bool | str
    debug: bool | str
