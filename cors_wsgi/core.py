"""The one entry point that decides a request: :class:`Decider`, request facts in,
:class:`~cors_wsgi.decision.Decision` out, for one policy or per-path policies. No WSGI, no
ASGI, no I/O.

The WSGI middleware, the ASGI middleware, ``evaluate()``, the command line and the fuzz target
all decide through it, so a request gets the same reason wherever it is asked about.

**Request facts** are a mapping: ``REQUEST_METHOD``, the path
(:func:`~cors_wsgi.memo.request_path`), ``wsgi.url_scheme``, and the request headers the core
reads under the adapter's names (see :class:`~cors_wsgi.memo.FactKeys`): a WSGI environ as it
is, or for ASGI the scope's headers as a dict of bytes. Only what a decision needs is read, and
only when it needs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from ._log import log_refusal, logger
from .browser import asking, simulate
from .decision import Decision, Reason
from .errors import ConfigError, Problem
from .lint import nothing_allowed_anywhere
from .memo import WSGI_KEYS, FactKeys, PolicyDecider, Respond, request_facts, request_path
from .migrate import from_starlette
from .options import is_async_callable
from .origin_func import Verdict
from .policy import CORSPolicy
from .routes import (
    INI_REGEX_PREFIX,
    PathPattern,
    PathRoute,
    PolicyLike,
    Routes,
    as_policy,
    build_routes,
    load_ini,
)

if TYPE_CHECKING:
    from os import PathLike

__all__ = [
    "MAX_REMEMBERED_PATH",
    "ROUTE_CACHE_SIZE",
    "Config",
    "Decider",
    "MiddlewareBase",
    "is_async_callable",
    "keyword_config",
    "request_facts",
    "wrong_kind_of_app",
]

Config = PolicyLike | Sequence[tuple[PathPattern, PolicyLike]]
#: Distinct request paths whose route each per-path :class:`Decider` remembers (the path is
#: normalised and the patterns tried only on a miss). Emptied when full. Measured at the bound
#: (``tests/unit/test_memo.py``): about 0.2 MB for 100-character paths, 1.1 MB for paths at
#: :data:`MAX_REMEMBERED_PATH`.
ROUTE_CACHE_SIZE: Final = 1024
#: Longer paths (servers accept 64 KB) are routed afresh each time, never remembered.
MAX_REMEMBERED_PATH: Final = 1024
NO_POLICY_FOR_PATH: Final = Decision(Reason.NO_POLICY_FOR_PATH)
_NO_ROUTE: Final = object()


class Decider:
    """Decides requests under one policy, or under per-path policies.

    *config* is a :class:`CORSPolicy`, a mapping of its options, or a sequence of
    ``(path_pattern, policy)`` pairs (see :class:`~cors_wsgi.routes.PathRoute`); *keys* say
    where the adapter's facts hold the request headers. Each policy gets one
    :class:`~cors_wsgi.memo.PolicyDecider`, which owns its bounded caches. Thread-safe.
    """

    __slots__ = ("_keys", "_only", "_route_memo", "_routes", "_text", "policy", "respond", "routes")

    def __init__(self, config: Config, keys: FactKeys = WSGI_KEYS) -> None:
        given: object = config  # checked at run time too: configuration often comes untyped
        self._keys = keys
        #: The single policy, or None when ``routes`` chooses one per path.
        self.policy: CORSPolicy | None = None
        #: The per-path routes in matching order (empty for a single policy).
        self.routes: tuple[PathRoute, ...] = ()
        self._only: PolicyDecider | None = None
        self._routes: Routes[PolicyDecider] = Routes((), ())
        self._route_memo: dict[str, Any] = {}
        self._text: Decider | None = None if keys is not WSGI_KEYS else self
        if isinstance(given, (CORSPolicy, Mapping)):
            self.policy = as_policy(given)
            self._only = PolicyDecider(self.policy, keys)
        elif isinstance(given, (list, tuple)):
            self.routes = tuple(build_routes(given))
            deciders = [PolicyDecider(r.policy, keys) for r in self.routes]
            closed = PolicyDecider(closed_policy(self.routes), keys)
            self._routes = Routes(self.routes, deciders, closed)
        else:
            expected = "expected a CORSPolicy, a dict, or (path, policy) pairs"
            raise ConfigError([Problem("policy", config, expected, "E024")])
        #: ``respond(facts, verdict=None)``: what the adapters call for every request (see
        #: :class:`~cors_wsgi.memo.PolicyDecider`). For a single policy it is that policy's own,
        #: which saves a call on every request.
        self.respond: Respond = self._only.respond if self._only else self._routed_respond()

    def _routed_respond(self) -> Respond:
        """Per-path policies: the route remembered per raw path, then that policy's own
        ``respond`` (a closure over locals: one call per request besides the policy's)."""
        remembered, route_of = self._route_memo.get, self._route_of

        def respond(facts: Mapping[Any, Any], verdict: Verdict | None = None) -> Decision:
            path = request_path(facts)
            decider = remembered(path, _NO_ROUTE)
            if decider is _NO_ROUTE:
                decider = route_of(path)
            if decider is None:
                return NO_POLICY_FOR_PATH
            return decider.respond(facts, verdict)  # type: ignore[no-any-return]

        return respond

    def _route_of(self, path: str) -> PolicyDecider | None:
        """The decider of the first route matching *path* (normalised), remembered."""
        found = self._routes.select(path)  # normalises, then tries each pattern
        if len(path) <= MAX_REMEMBERED_PATH:  # servers accept 64 KB paths: never remembered
            if len(self._route_memo) >= ROUTE_CACHE_SIZE:
                self._route_memo.clear()
            self._route_memo[path] = found
        return found

    def _decider_for(self, facts: Mapping[Any, Any]) -> PolicyDecider | None:
        if self._only is not None:
            return self._only
        path = request_path(facts)
        found = self._route_memo.get(path, _NO_ROUTE)
        return self._route_of(path) if found is _NO_ROUTE else found

    def settle(self, decision: Decision, facts: Mapping[Any, Any]) -> Decision:
        """*decision*, made by :attr:`respond` for *facts*, with ``same_origin`` told apart
        (see :meth:`~cors_wsgi.memo.PolicyDecider.settle`)."""
        decider = self._decider_for(facts)
        return decision if decider is None else decider.settle(decision, facts)

    def decide(self, facts: Mapping[Any, Any], verdict: Verdict | None = None) -> Decision:
        """The settled decision for *facts* (*verdict*: ``allow_origin_func``'s answer, once
        asked)."""
        return self.settle(self.respond(facts, verdict), facts)

    def decide_asking(self, facts: Mapping[Any, Any]) -> Decision:
        """:meth:`decide`, asking ``allow_origin_func`` and waiting for it when it must answer
        first: for synchronous callers (the WSGI middleware, ``evaluate()``, the CLI)."""
        decision = self.decide(facts)
        if decision.ask is not None:
            origin = facts[self._keys.origin]
            verdict = decision.ask.ask(
                origin if isinstance(origin, str) else origin.decode("latin-1")
            )
            decision = self.decide(facts, verdict)
        return decision

    def log_refusal(self, decision: Decision, facts: Mapping[Any, Any]) -> None:
        """Log a refused (or unrouted) request at DEBUG, settled first so that a same-origin
        request is never logged as refused. Callers test ``logger.isEnabledFor(DEBUG)`` first."""
        decision = self.settle(decision, facts)
        if decision.refused or decision.reason is Reason.NO_POLICY_FOR_PATH:
            path = request_path(facts)
            origin = facts.get(self._keys.origin, "")
            log_refusal(decision.reason, decision.detail, facts["REQUEST_METHOD"], path, origin)

    @property
    def remembered(self) -> int:
        """How many actual-request decisions the policies' caches hold now."""
        deciders = [self._only] if self._only is not None else self._routes.values
        return sum(decider.remembered for decider in deciders)

    @property
    def policies(self) -> tuple[CORSPolicy, ...]:
        """Every policy: the single one, or each route's in matching order."""
        return (self.policy,) if self.policy is not None else tuple(r.policy for r in self.routes)

    @property
    def config(self) -> Config:
        """The configuration as given to the constructor, validated."""
        if self.policy is not None:
            return self.policy
        return [(route.pattern, route.policy) for route in self.routes]

    def path_policies(self) -> list[tuple[str, CORSPolicy]]:
        """Each policy with its path pattern as an INI section names it (``/*`` for a single
        policy, ``re:<regex>`` for a regular expression), in matching order."""
        if self.policy is not None:
            return [("/*", self.policy)]
        return [(pattern_text(route.pattern), route.policy) for route in self.routes]

    def policy_for_path(self, path: str) -> CORSPolicy | None:
        """The policy governing *path*, or None when no per-path pattern matches."""
        decider = self._only or self._routes.select(path)
        # Every decider here was built from a CORSPolicy (the memo types it as its Options).
        return cast("CORSPolicy", decider.policy) if decider is not None else None

    def evaluate(
        self,
        origin: str | None,
        method: str = "GET",
        request_headers: Mapping[str, str] | None = None,
        path: str = "/",
        *,
        request_origin: str | None = None,
    ) -> Decision:
        """Decide what a browser's request would get (see :meth:`CORSPolicy.evaluate`)."""
        if self._text is None:  # decided from text facts: a twin with the WSGI names
            self._text = Decider(self.config)
        decide = asking(self._text.decide)
        return simulate(decide, origin, method, request_headers, path, request_origin)


class MiddlewareBase:
    """What both middlewares share: their :class:`Decider`, what they tell about their
    configuration, how they swap it (:meth:`reconfigure`), and :meth:`from_ini`."""

    __slots__ = ()
    #: Where this adapter's request facts hold the request headers.
    FACT_KEYS: FactKeys = WSGI_KEYS
    decider: Decider
    _respond: Respond

    def _configure(self, policy: Config | None, options: Mapping[str, Any]) -> None:
        """Decide under *policy*, or under the option keywords *options* (Starlette's names and
        meanings, translated once here, as ``migrate starlette`` translates them): exactly one
        of the two. Nothing of it is left on the request path."""
        self._set_decider(keyword_config(type(self), policy, options))

    def _set_decider(self, config: Config) -> None:
        decider = Decider(config, self.FACT_KEYS)
        self._check(decider)
        nothing = nothing_allowed_anywhere(decider.path_policies())
        if nothing is not None:  # typically an unset environment variable: say so at start-up
            logger.warning("cors_wsgi %s: %s", nothing.code, nothing.message)
        self.decider = decider  # type: ignore[misc]  # a slot of each adapter class
        self._respond = decider.respond  # what each request reads, once

    @classmethod
    def from_ini(
        cls, app: Any, path: str | PathLike[str], section: str = "cors", **options: bool
    ) -> Any:
        """Wrap *app* with the policy or per-path policies of an INI file (see
        :func:`cors_wsgi.routes.load_ini`); *options* are the middleware's keyword options
        (``handle_app_errors=True``, ...)."""
        return cls(app, load_ini(path, section), **options)  # type: ignore[call-arg]

    @classmethod
    def from_env(
        cls,
        app: Any,
        prefix: str = "CORS_",
        *,
        environ: Mapping[str, str] | None = None,
        **options: bool,
    ) -> Any:
        """Wrap *app* with the policy of environment variables named *prefix* + option
        (see :meth:`CORSPolicy.from_env`); *options* are the middleware's keyword options."""
        return cls(app, CORSPolicy.from_env(prefix, environ), **options)  # type: ignore[call-arg]

    def reconfigure(self, config: Config) -> None:
        """Replace the policy (or the per-path policies) while serving.

        The new configuration is validated completely first: a :class:`ConfigError` leaves the
        running one untouched. Then it is swapped in. A request reads the configuration once,
        so each answer comes from the old or from the new one, never a mix; one that must ask
        ``allow_origin_func`` first is decided again, entirely, by whichever is current then.
        The old decision caches go with the old configuration.
        """
        self._set_decider(config)

    def _check(self, decider: Decider) -> None:
        """What this adapter cannot serve (an ``async`` allow_origin_func under WSGI)."""

    @property
    def policy(self) -> CORSPolicy | None:
        """The single policy, or None when per-path policies choose one (see ``routes``)."""
        return self.decider.policy

    @property
    def routes(self) -> tuple[PathRoute, ...]:
        """The per-path routes in matching order (empty for a single policy)."""
        return self.decider.routes

    def policy_for_path(self, path: str) -> CORSPolicy | None:
        """Return the policy governing *path*, or None when no per-path pattern matches."""
        return self.decider.policy_for_path(path)

    def evaluate(
        self,
        origin: str | None,
        method: str = "GET",
        request_headers: Mapping[str, str] | None = None,
        path: str = "/",
        *,
        request_origin: str | None = None,
    ) -> Decision:
        """Decide a request on *path* as this middleware would, without a server (see
        :meth:`CORSPolicy.evaluate`); ``no_policy_for_path`` when no pattern matches."""
        return self.decider.evaluate(
            origin, method, request_headers, path, request_origin=request_origin
        )


def keyword_config(cls: type, policy: Config | None, options: Mapping[str, Any]) -> Config:
    """The configuration a middleware of class *cls* was given: *policy*, or the option keywords
    *options* translated by :func:`cors_wsgi.migrate.from_starlette` (its defaults, its
    ``allow_methods=["*"]``). A keyword that is no option is left to the policy, which names it
    and the closest option."""
    name = f"{cls.__module__}.{cls.__qualname__}"
    if policy is not None and options:
        listed = ", ".join(f"{key}=..." for key in options)
        message = (
            f"give the options either as policy= or as keywords ({listed}), not both: "
            f"{name}(app, {listed}), or {name}(app, policy=CORSPolicy({listed}))"
        )
        raise ConfigError([Problem("policy", policy, message, "E024")])
    if policy is None and not options:
        message = (
            f"no options: write {name}(app, allow_origins=[...], ...) with the option keywords, "
            f"or {name}(app, policy=CORSPolicy(...)); in Django's MIDDLEWARE setting the class is "
            "cors_wsgi.django.CorsMiddleware"
        )
        raise ConfigError([Problem("policy", None, message, "E024")])
    if policy is not None:
        return policy
    migration = from_starlette(options)
    if migration.unsafe:  # only '*' with credentials: refused as the policy refuses it
        raise ConfigError(
            [
                Problem("allow_origins", ["*"], p.removeprefix("allow_origins ['*'] "), "E017")
                for p in migration.unsafe
            ]
        )
    config: Config = migration.policy_config()
    return config


def closed_policy(routes: Sequence[PathRoute]) -> CORSPolicy:
    """The policy of a path too long for the regex routes (see
    :class:`~cors_wsgi.routes.Routes`): no origin allowed, and ``cross_origin_protection`` on
    when any route has it on, so an unusually long path gains nothing."""
    protect = any(route.policy.cross_origin_protection for route in routes)
    return CORSPolicy(cross_origin_protection=protect)


def pattern_text(pattern: PathPattern) -> str:
    """A path pattern as an INI section names it (``re:<regex>`` for a regular expression)."""
    return f"{INI_REGEX_PREFIX}{pattern.pattern}" if not isinstance(pattern, str) else pattern


def wrong_kind_of_app(app: object, kind: str, use: str) -> ConfigError:
    """The error for an application the middleware cannot serve, naming the class to use."""
    return ConfigError([Problem("app", app, f"is {kind}; wrap it with {use} instead", "E026")])
