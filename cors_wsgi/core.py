"""The one entry point that decides a request: :meth:`Decider.decide`, request facts in,
:class:`~cors_wsgi.decision.Decision` out. No WSGI, no ASGI, no I/O.

The WSGI middleware, the ASGI middleware, ``evaluate()``, the command line and the fuzz target
all decide through it, so a request gets the same reason wherever it is asked about.

**Request facts** are a mapping keyed by the CGI meta-variable names of RFC 3875, as PEP 3333
uses them: ``REQUEST_METHOD``, ``SCRIPT_NAME`` + ``PATH_INFO`` (the path), ``HTTP_ORIGIN``,
``HTTP_ACCESS_CONTROL_REQUEST_METHOD``, ``HTTP_ACCESS_CONTROL_REQUEST_HEADERS``,
``HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK``, ``HTTP_HOST`` and ``wsgi.url_scheme``. A WSGI
environ is such a mapping already, so the hot path translates nothing; the ASGI adapter builds
one from its scope. Only what a decision needs is read, and only when it needs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from .decision import NO_POLICY_FOR_PATH, Decision, PolicyDecider, Reason
from .errors import ConfigError, Problem
from .fetch import NORMALISED_METHODS, preflight_reasons, unsafe_header_names
from .origins import server_origin
from .policy import CORSPolicy
from .routes import PathRoute, PolicyLike, Routes, as_policy, build_routes

__all__ = ["Decider", "request_facts"]

METHOD: Final = "REQUEST_METHOD"
ORIGIN: Final = "HTTP_ORIGIN"
REQUEST_METHOD: Final = "HTTP_ACCESS_CONTROL_REQUEST_METHOD"
REQUEST_HEADERS: Final = "HTTP_ACCESS_CONTROL_REQUEST_HEADERS"
REQUEST_PRIVATE_NETWORK: Final = "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"

#: Distinct (scheme, Host) pairs whose serialized server origin is remembered, for telling a
#: same-origin request from a refused one. Servers answer to few names; bounded all the same.
SERVER_ORIGIN_CACHE_SIZE: Final = 64


class Decider:
    """Decides requests under one policy, or under per-path policies.

    ``config`` is a :class:`CORSPolicy`, a mapping of its options, or a sequence of
    ``(path_pattern, policy)`` pairs (see :class:`~cors_wsgi.routes.PathRoute`).

    Each policy gets one :class:`~cors_wsgi.decision.PolicyDecider`, which owns its bounded
    decision caches; this object owns a small bounded memo of server origins. Thread-safe.
    """

    __slots__ = ("_only", "_routes", "_server_origins", "policy", "routes")

    def __init__(self, config: PolicyLike | Sequence[tuple[str, PolicyLike]]) -> None:
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
            raise ConfigError([Problem("policy", config, expected)])
        self._server_origins: dict[tuple[str, str], str] = {}

    @property
    def remembered(self) -> int:
        """How many actual-request decisions the policies' caches hold now."""
        deciders = [self._only] if self._only is not None else self._routes.values
        return sum(decider.remembered for decider in deciders)

    def policy_for_path(self, path: str) -> CORSPolicy | None:
        """The policy governing *path*, or None when no per-path pattern matches."""
        decider = self._only or self._routes.select(path)
        return decider.policy if decider is not None else None

    def decide(self, facts: Mapping[str, str]) -> Decision:
        """Decide the request these facts describe (see the module docstring for the keys)."""
        decider = self._only
        if decider is None:
            decider = self._routes.select(facts.get("SCRIPT_NAME", "") + facts.get("PATH_INFO", ""))
            if decider is None:
                return NO_POLICY_FOR_PATH
        origin = facts.get(ORIGIN)
        if origin is None:  # not a CORS request
            return decider.no_origin
        if facts[METHOD] == "OPTIONS":
            request_method = facts.get(REQUEST_METHOD)
            # https://fetch.spec.whatwg.org/#cors-preflight-request: OPTIONS with Origin and
            # Access-Control-Request-Method. Any other OPTIONS is an ordinary request.
            if request_method is not None:
                return decider.preflight(
                    origin,
                    request_method,
                    facts.get(REQUEST_HEADERS, ""),
                    facts.get(REQUEST_PRIVATE_NETWORK) == "true",
                )
        decision = decider.cached_actual(origin) or decider.actual(origin)
        # Browsers send Origin on same-origin POSTs too: such a request needs no CORS headers
        # and is no refusal. (A preflight never comes from the same origin.)
        if decision.reason is Reason.ORIGIN_NOT_ALLOWED and origin == self._server_origin(facts):
            return decider.same_origin
        return decision

    def _server_origin(self, facts: Mapping[str, str]) -> str:
        scheme = facts.get("wsgi.url_scheme", "http")
        host = facts.get("HTTP_HOST") or f"{facts.get('SERVER_NAME')}:{facts.get('SERVER_PORT')}"
        key = (scheme, host)
        found = self._server_origins.get(key)
        if found is None:
            found = server_origin(scheme, host)
            if len(self._server_origins) >= SERVER_ORIGIN_CACHE_SIZE:
                self._server_origins.clear()
            self._server_origins[key] = found
        return found

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
        if not (method == "OPTIONS" and "access-control-request-method" in found):
            method = method.upper() if method.upper() in NORMALISED_METHODS else method
            page_headers = [(n, v) for n, v in found.items() if not n.startswith("access-")]
            if preflight_reasons(method, page_headers):
                names = ",".join(unsafe_header_names(page_headers))
                preflight_headers = {"access-control-request-method": method}
                if names:
                    preflight_headers["access-control-request-headers"] = names
                facts = request_facts("OPTIONS", origin, preflight_headers, path, request_origin)
                preflight = self.decide(facts)
                if preflight.refused or preflight.reason is Reason.NO_POLICY_FOR_PATH:
                    return preflight
        return self.decide(request_facts(method, origin, found, path, request_origin))


def request_facts(
    method: str,
    origin: str | None,
    request_headers: Mapping[str, str] | None = None,
    path: str = "/",
    request_origin: str | None = None,
) -> dict[str, str]:
    """Request facts (see the module docstring) from plain values: *request_headers* by
    name, any case; *request_origin* is the server's own origin (``https://api.example.com``)."""
    facts = {METHOD: method, "SCRIPT_NAME": "", "PATH_INFO": path}
    if origin is not None:
        facts[ORIGIN] = origin
    for name, value in (request_headers or {}).items():
        facts["HTTP_" + name.upper().replace("-", "_")] = value
    if request_origin is not None:
        scheme, _, host = request_origin.partition("://")
        facts["wsgi.url_scheme"], facts["HTTP_HOST"] = scheme, host
    else:
        facts["HTTP_HOST"] = ""  # no server origin: nothing is same-origin
    return facts
