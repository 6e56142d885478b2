"""The one entry point that decides a request: :meth:`Decider.decide`, request facts in,
:class:`~cors_wsgi.decision.Decision` out. No WSGI, no ASGI, no I/O.

The WSGI middleware, the ASGI middleware, ``evaluate()``, the command line and the fuzz target
all decide through it, so a request gets the same reason wherever it is asked about.

**Request facts** are a mapping keyed by the CGI meta-variable names of RFC 3875, as PEP 3333
uses them: ``REQUEST_METHOD``, ``SCRIPT_NAME`` + ``PATH_INFO`` (the path), ``HTTP_ORIGIN``,
``HTTP_ACCESS_CONTROL_REQUEST_METHOD``, ``HTTP_ACCESS_CONTROL_REQUEST_HEADERS``,
``HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK``, ``HTTP_SEC_FETCH_SITE``, ``HTTP_HOST`` and
``wsgi.url_scheme``. A WSGI
environ is such a mapping already, so the hot path translates nothing; the ASGI adapter builds
one from its scope, keeping header values as the bytes ASGI carries (latin-1): a repeated
origin is then found without decoding it. Only what a decision needs is read, and only when
it needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

from .decision import NO_POLICY_FOR_PATH, Decision, PolicyDecider, Reason
from .errors import ConfigError, Problem
from .fetch import NORMALISED_METHODS, preflight_reasons, unsafe_header_names
from .options import is_async_callable
from .origin_func import ORIGIN_VERDICT
from .policy import CORSPolicy
from .routes import PathPattern, PathRoute, PolicyLike, Routes, as_policy, build_routes

__all__ = [
    "Decider",
    "MiddlewareConfig",
    "ask_and_decide",
    "is_async_callable",
    "request_facts",
    "wrong_kind_of_app",
]


class Decider:
    """Decides requests under one policy, or under per-path policies.

    ``config`` is a :class:`CORSPolicy`, a mapping of its options, or a sequence of
    ``(path_pattern, policy)`` pairs (see :class:`~cors_wsgi.routes.PathRoute`).

    Each policy gets one :class:`~cors_wsgi.decision.PolicyDecider`, which decides from the
    facts and owns its bounded caches. Thread-safe.
    """

    __slots__ = ("_only", "_routes", "decide", "policy", "routes")

    def __init__(self, config: PolicyLike | Sequence[tuple[PathPattern, PolicyLike]]) -> None:
        given: object = config  # checked at run time too: configuration often comes untyped
        #: The single policy, or None when ``routes`` chooses one per path.
        self.policy: CORSPolicy | None = None
        #: The per-path routes in matching order (empty for a single policy).
        self.routes: tuple[PathRoute, ...] = ()
        if isinstance(given, (CORSPolicy, Mapping)):
            self.policy = as_policy(given)
            self._only: PolicyDecider | None = PolicyDecider(self.policy)
            self._routes: Routes[PolicyDecider] = Routes((), ())
        elif isinstance(given, (list, tuple)):
            self.routes = tuple(build_routes(given))
            self._only = None
            self._routes = Routes(self.routes, [PolicyDecider(r.policy) for r in self.routes])
        else:
            expected = "expected a CORSPolicy, a dict, or (path, policy) pairs"
            raise ConfigError([Problem("policy", config, expected, "E024")])
        #: ``decide(facts)``: the decision for the request these facts describe (see the module
        #: docstring for the keys). For a single policy it is that policy's decider itself,
        #: which saves a call on every request.
        self.decide: Callable[[Mapping[str, Any]], Decision] = (
            self._only.decide_now if self._only is not None else self._decide_routed
        )

    @property
    def remembered(self) -> int:
        """How many actual-request decisions the policies' caches hold now."""
        deciders = [self._only] if self._only is not None else self._routes.values
        return sum(decider.remembered for decider in deciders)

    @property
    def policies(self) -> tuple[CORSPolicy, ...]:
        """Every policy: the single one, or each route's in matching order."""
        return (self.policy,) if self.policy is not None else tuple(r.policy for r in self.routes)

    def policy_for_path(self, path: str) -> CORSPolicy | None:
        """The policy governing *path*, or None when no per-path pattern matches."""
        decider = self._only or self._routes.select(path)
        return decider.policy if decider is not None else None

    def _decide_routed(self, facts: Mapping[str, Any]) -> Decision:
        decider = self._routes.select(facts.get("SCRIPT_NAME", "") + facts.get("PATH_INFO", ""))
        return NO_POLICY_FOR_PATH if decider is None else decider.decide_now(facts)

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
        found = {name.lower(): value for name, value in (request_headers or {}).items()}
        verdict: dict[str, Any] = {}  # allow_origin_func's answer, asked once for both

        def decide(facts: dict[str, Any]) -> Decision:
            facts.update(verdict)
            decision = self.decide(facts)
            if decision.ask is not None:
                decision = ask_and_decide(decision, facts, self.decide)
                verdict[ORIGIN_VERDICT] = facts[ORIGIN_VERDICT]
            return decision

        if not (method == "OPTIONS" and "access-control-request-method" in found):
            method = method.upper() if method.upper() in NORMALISED_METHODS else method
            # Access-Control-* and Sec-* are the browser's own (Fetch: forbidden request headers).
            page_headers = [
                (n, v) for n, v in found.items() if not n.startswith(("access-", "sec-"))
            ]
            if preflight_reasons(method, page_headers):
                names = ",".join(unsafe_header_names(page_headers))
                preflight_headers = {"access-control-request-method": method}
                if names:
                    preflight_headers["access-control-request-headers"] = names
                facts = request_facts("OPTIONS", origin, preflight_headers, path, request_origin)
                preflight = decide(facts)
                if preflight.refused or preflight.reason is Reason.NO_POLICY_FOR_PATH:
                    return preflight
        return decide(request_facts(method, origin, found, path, request_origin))


class MiddlewareConfig:
    """What both middlewares tell about their configuration, from their :class:`Decider`,
    and how they swap it (:meth:`reconfigure`)."""

    __slots__ = ()
    decider: Decider
    _decide: Callable[[Mapping[str, Any]], Decision]

    def reconfigure(self, config: PolicyLike | Sequence[tuple[PathPattern, PolicyLike]]) -> None:
        """Replace the policy (or the per-path policies) while serving.

        The new configuration is validated completely first: a :class:`ConfigError` leaves the
        running one untouched. Then it is swapped in with one assignment, so each request is
        decided by the old or by the new configuration, never a mix; the old decision caches
        go with the old configuration.
        """
        decider = Decider(config)
        self._check(decider)
        self.decider = decider  # type: ignore[misc]  # a slot of each adapter class
        self._decide = decider.decide  # what each request reads, once

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


def ask_and_decide(
    decision: Decision, facts: MutableMapping[str, Any], decide: Callable[..., Decision]
) -> Decision:
    """For an ``origin_func_pending`` *decision*: ask its ``allow_origin_func`` (waiting for
    it), put the verdict among *facts* and decide them again with *decide*, the same decider's
    (so a reconfiguration in between cannot mix two policies). For synchronous callers; the
    ASGI middleware awaits :meth:`~cors_wsgi.origin_func.OriginFunc.ask_async` instead."""
    origin = facts["HTTP_ORIGIN"]
    text = origin if isinstance(origin, str) else origin.decode("latin-1")
    facts[ORIGIN_VERDICT] = decision.ask.ask(text)  # type: ignore[union-attr]  # pending
    return decide(facts)


def request_facts(
    method: str,
    origin: str | None,
    request_headers: Mapping[str, str] | None = None,
    path: str = "/",
    request_origin: str | None = None,
) -> dict[str, str]:
    """Request facts (see the module docstring) from plain values: *request_headers* by
    name, any case; *request_origin* is the server's own origin (``https://api.example.com``)."""
    facts = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path}
    if origin is not None:
        facts["HTTP_ORIGIN"] = origin
    for name, value in (request_headers or {}).items():
        facts["HTTP_" + name.upper().replace("-", "_")] = value
    if request_origin is not None:
        scheme, _, host = request_origin.partition("://")
        facts["wsgi.url_scheme"], facts["HTTP_HOST"] = scheme, host
    else:
        facts["HTTP_HOST"] = ""  # no server origin: nothing is same-origin
    return facts


def wrong_kind_of_app(app: object, kind: str, use: str) -> ConfigError:
    """The error for an application the middleware cannot serve, naming the class to use."""
    return ConfigError([Problem("app", app, f"is {kind}; wrap it with {use} instead", "E026")])
