"""The WSGI glue: read the request facts, ask the policy, write the headers. Nothing else."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from .decision import NO_POLICY_FOR_PATH, VARY_ORIGIN, Decision, Header
from .errors import ConfigError, Problem
from .origins import DEFAULT_PORTS
from .policy import CORSPolicy, is_same_origin, read_ini

if TYPE_CHECKING:
    from os import PathLike
    from types import TracebackType

    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    ExcInfo = tuple[type[BaseException], BaseException, TracebackType]
    OptExcInfo = ExcInfo | tuple[None, None, None]

PolicyLike = CORSPolicy | Mapping[str, object]

#: Refusals are logged here at DEBUG, one line each; nothing is logged for allowed requests.
logger = logging.getLogger("cors_wsgi")

# Response headers the app may not keep: the middleware owns Access-Control-* (so a response
# never carries two Access-Control-Allow-Origin values) and merges Vary.
_OWNED_PREFIX: Final = "access-control-"
_NOT_EXPOSABLE: Final = frozenset({"set-cookie", "set-cookie2"})
_NO_BODY: Final[tuple[bytes, ...]] = ()
_EMPTY_BODY: Final = (("Content-Type", "text/plain"), ("Content-Length", "0"))


class CORSMiddleware:
    """WSGI middleware that gives any WSGI application correct CORS.

    ``policy`` is a :class:`CORSPolicy`, a mapping of the same options (see
    :meth:`CORSPolicy.from_dict`), or a sequence of ``(path_pattern, policy)`` pairs. A path
    pattern is an exact path (``/api/items``) or a prefix (``/api/*``, which matches ``/api``
    and everything below ``/api/``); it is matched against ``SCRIPT_NAME + PATH_INFO`` with
    ``.``/``..`` segments resolved, the first match wins, and paths that match none are passed
    to the application untouched.

    On a governed path the middleware:

    * answers preflights (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
      itself, ``200`` with an empty body when allowed and ``403`` when not, without calling
      the application;
    * adds the policy's headers to every other response, errors included, for allowed origins;
    * replaces any ``Access-Control-*`` header the application set, and merges ``Origin`` into
      ``Vary`` unless the policy is a fixed ``*``.

    The application's iterable is returned as is: bodies stream and ``close()`` reaches it.

    .. code-block:: python

        application = CORSMiddleware(application, {"allow_origins": "https://app.example.com"})
    """

    __slots__ = ("app", "handle_app_errors", "policy", "routes")

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        policy: PolicyLike | Sequence[tuple[str, PolicyLike]],
        *,
        handle_app_errors: bool = False,
    ) -> None:
        self.app = app
        #: Answer an exception raised by the application before it started its response with
        #: a 500 that carries the CORS headers (and log it), instead of letting it propagate.
        self.handle_app_errors = handle_app_errors
        #: The single policy, or None when ``routes`` chooses one per path.
        self.policy: CORSPolicy | None = None
        #: ``(pattern, policy)`` pairs in matching order, for per-path policies.
        self.routes: tuple[PathRoute, ...] = ()
        given: object = policy  # checked at run time too: configuration often comes untyped
        if isinstance(given, (CORSPolicy, Mapping)):
            self.policy = _as_policy(given)
        elif isinstance(given, (list, tuple)):
            self.routes = tuple(_build_routes(given))
        else:
            expected = "expected a CORSPolicy, a dict, or (path, policy) pairs"
            raise ConfigError([Problem("policy", policy, expected)])

    @classmethod
    def from_ini(
        cls, app: Callable[..., Iterable[bytes]], path: str | PathLike[str], section: str = "cors"
    ) -> CORSMiddleware:
        """Wrap *app* with the policy or per-path policies of an INI file (see :func:`load_ini`)."""
        return cls(app, load_ini(path, section))

    def policy_for_path(self, path: str) -> CORSPolicy | None:
        """Return the policy governing *path*, or None when no per-path pattern matches."""
        if self.policy is not None:
            return self.policy
        path = normalise_path(path)
        for route in self.routes:
            if route.matches(path):
                return route.policy
        return None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        policy = self.policy
        if policy is None:
            policy = self.policy_for_path(
                environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            )
            if policy is None:
                if "HTTP_ORIGIN" in environ and logger.isEnabledFor(logging.DEBUG):
                    log_decision(NO_POLICY_FOR_PATH, environ)
                return self.app(environ, start_response)

        origin = environ.get("HTTP_ORIGIN")
        if origin is None:
            decision = policy.no_origin_decision  # the common case: no call, no lookup
        else:
            if environ["REQUEST_METHOD"] == "OPTIONS":
                request_method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
                if request_method is not None:
                    decision = policy.decide_preflight(
                        origin,
                        request_method,
                        environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""),
                        environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true",
                    )
                    if decision.refused:
                        review_refusal(policy, decision, environ)
                    return answer_preflight(decision, start_response)
            # A dict hit for a known origin saves the method call (the hot path).
            decision = policy.actual_decisions.get(origin) or policy.decide_actual(origin)
            if decision.refused:
                decision = review_refusal(policy, decision, environ)

        if decision.expose_response_headers:
            wrapped = merging_start_response(start_response, decision)
        else:

            def cors_start_response(
                status: str, headers: list[Header], exc_info: OptExcInfo | None = None
            ) -> object:
                # Only Vary and Access-Control-* need merging. The names seen before are known
                # (KEEP is 0), which saves lower-casing every name of the common response.
                for header in headers:
                    if known_kind(header[0]) != KEEP:  # None (new name), VARY or OWNED
                        return start_response(status, merge_headers(headers, decision), exc_info)
                return start_response(status, [*headers, *decision.headers], exc_info)

            wrapped = cors_start_response  # type: ignore[assignment]

        if self.handle_app_errors:
            return call_answering_errors(self.app, environ, wrapped)
        return self.app(environ, wrapped)

    def evaluate(
        self,
        origin: str | None,
        method: str = "GET",
        request_headers: Mapping[str, str] | None = None,
        path: str = "/",
        *,
        request_origin: str | None = None,
    ) -> Decision:
        """Decide a request on *path* as this middleware would, without WSGI: the policy for
        the path decides (see :meth:`CORSPolicy.evaluate`), or ``no_policy_for_path``."""
        policy = self.policy_for_path(path)
        if policy is None:
            return NO_POLICY_FOR_PATH
        return policy.evaluate(origin, method, request_headers, request_origin=request_origin)


def load_ini(
    path: str | PathLike[str], section: str = "cors"
) -> CORSPolicy | list[tuple[str, CORSPolicy]]:
    """Read the policy of ``[cors]``, or per-path policies from ``[cors:/api/*]`` sections.

    Path sections are matched in file order; a plain ``[cors]`` section, if present, then
    governs every other path (``/*``).
    """
    sections = read_ini(path)
    prefix = f"{section}:"
    routes: list[tuple[str, PolicyLike]] = [
        (name[len(prefix) :].strip(), options)
        for name, options in sections.items()
        if name.startswith(prefix)
    ]
    if not routes:
        return CORSPolicy.from_ini(path, section)
    if section in sections:
        routes.append(("/*", sections[section]))
    return [(route.pattern, route.policy) for route in _build_routes(routes)]


def call_answering_errors(
    app: Callable[..., Iterable[bytes]], environ: WSGIEnvironment, start_response: Any
) -> Iterable[bytes]:
    """Call *app*; if it raises before starting its response, log the exception and answer 500
    through *start_response* (so the CORS headers are added and the frontend can read it).

    An exception after the response started, or while the body is iterated, propagates: the
    status line may already be on the wire.
    """
    started = False

    def tracking_start_response(
        status: str, headers: list[Header], exc_info: OptExcInfo | None = None
    ) -> object:
        nonlocal started
        started = True
        return start_response(status, headers, exc_info)

    try:
        return app(environ, tracking_start_response)
    except Exception:
        if started:
            raise
        logger.exception(
            "unhandled exception in the application for %s %s; answering 500 with CORS headers",
            sanitise(environ.get("REQUEST_METHOD", "")),
            sanitise(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
        )
        body = b"Internal Server Error"
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ]
        # No exc_info: nothing can have been sent on this path, and uWSGI mishandles a
        # non-None exc_info in a first start_response (it drops the body).
        start_response("500 Internal Server Error", headers)
        return [body]


def review_refusal(policy: CORSPolicy, decision: Decision, environ: WSGIEnvironment) -> Decision:
    """Tell a same-origin request apart from a refusal, and log refusals at DEBUG.

    Only done when someone is listening (DEBUG logging on, or the policy's debug header), so a
    refused request costs no more than an allowed one otherwise.
    """
    logging_on = logger.isEnabledFor(logging.DEBUG)
    if not (logging_on or policy.debug):
        return decision
    if is_same_origin(decision, environ["HTTP_ORIGIN"], request_origin(environ)):
        return policy.same_origin_decision
    if logging_on:
        log_decision(decision, environ)
    return decision


def log_decision(decision: Decision, environ: WSGIEnvironment) -> None:
    """One DEBUG line; every value from the request is escaped and capped (log injection)."""
    detail = f" {sanitise(decision.detail)}" if decision.detail else ""
    logger.debug(
        "CORS %s%s: %s %s from Origin %s",
        decision.reason,
        detail,
        sanitise(environ.get("REQUEST_METHOD", "")),
        sanitise(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
        sanitise(environ.get("HTTP_ORIGIN", "")),
    )


def sanitise(value: str, limit: int = 200) -> str:
    """Escape CR, LF and every other control or non-printable character, cap the length."""
    shown = repr(value[:limit])[1:-1]  # repr escapes what is not printable
    return shown + f"...(+{len(value) - limit} chars)" if len(value) > limit else shown


def request_origin(environ: WSGIEnvironment) -> str:
    """The server's own origin for this request, serialized as browsers do."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    host = host.lower()
    default = DEFAULT_PORTS.get(scheme)
    if default and host.endswith(f":{default}"):
        host = host[: -len(default) - 1]
    return f"{scheme}://{host}"


def answer_preflight(decision: Decision, start_response: StartResponse) -> Iterable[bytes]:
    """Send the middleware's own answer to a preflight; the application is not called."""
    if decision.allowed:
        # 200 with an explicit empty body rather than 204: waitress, the Werkzeug dev server,
        # meinheld and uWSGI's router close the keep-alive connection after every 204.
        start_response("200 OK", [*decision.headers, *_EMPTY_BODY])
    else:
        # Fetch: "the 403 status can be used, coupled with omitting the relevant headers".
        start_response("403 Forbidden", [*decision.headers, *_EMPTY_BODY])
    return _NO_BODY


def merging_start_response(start_response: StartResponse, decision: Decision) -> StartResponse:
    """A ``start_response`` that also lists the response's header names in
    ``Access-Control-Expose-Headers``: for ``expose_headers="*"`` with credentials."""

    def cors_start_response(
        status: str, headers: list[Header], exc_info: OptExcInfo | None = None
    ) -> object:
        merged = merge_headers(headers, decision)
        names = [name for name, _ in headers if header_kind(name) == KEEP]
        exposed = [name for name in names if name.lower() not in _NOT_EXPOSABLE]
        if exposed:
            merged.append(("Access-Control-Expose-Headers", ", ".join(exposed)))
        return start_response(status, merged, exc_info)

    return cors_start_response  # type: ignore[return-value]


KEEP, VARY, OWNED = 0, 1, 2
_header_kinds: dict[str, int] = {}
known_kind = _header_kinds.get


def header_kind(name: str) -> int:
    """Classify a response header name: KEEP it, merge it as VARY, or drop it as OWNED
    (Access-Control-*). Results are remembered per spelling, which saves lower-casing names
    on every response; the memory holds at most 1024 names, as applications use few."""
    kind = _header_kinds.get(name)
    if kind is None:
        lower = name.lower()
        kind = VARY if lower == "vary" else OWNED if lower.startswith(_OWNED_PREFIX) else KEEP
        if len(_header_kinds) < 1024:
            _header_kinds[name] = kind
    return kind


def merge_headers(app_headers: list[Header], decision: Decision) -> list[Header]:
    """Return the application's headers with the decision's CORS headers merged in.

    The application's ``Access-Control-*`` headers are dropped, its ``Vary`` values are kept
    (``Origin`` is added once when the decision varies by origin, ``Vary: *`` is left alone),
    and a new list is returned: the application's list may be a shared constant.
    """
    merged: list[Header] = []
    app_vary = ""
    app_sets_cors = False
    known = known_kind
    for header in app_headers:
        kind = known(header[0])
        if kind is None:
            kind = header_kind(header[0])
        if kind == KEEP:
            merged.append(header)
        elif kind == VARY:
            app_vary = f"{app_vary}, {header[1]}" if app_vary else header[1]
        else:
            app_sets_cors = True
    if app_sets_cors and decision.keep_app_headers:
        merged += first_of_each_owned(app_headers)
    else:
        merged += decision.cors_headers
    if app_vary:
        if decision.vary:  # the remembered merge saves a call in the common case
            app_vary = _vary_with_origin.get(app_vary) or vary_with_origin(app_vary)
        merged.append(("Vary", app_vary))
    elif decision.vary:
        merged.append(VARY_ORIGIN)
    return merged


_vary_with_origin: dict[str, str] = {}


def first_of_each_owned(app_headers: list[Header]) -> list[Header]:
    """The application's ``Access-Control-*`` headers, each name once (the first): they stand
    under ``keep_app_cors_headers``, but two Access-Control-Allow-Origin values would make the
    browser refuse the response."""
    seen: set[str] = set()
    kept = []
    for name, value in app_headers:
        lower = name.lower()
        if header_kind(name) == OWNED and lower not in seen:
            seen.add(lower)
            kept.append((name, value))
    return kept


def vary_with_origin(app_vary: str) -> str:
    """The application's ``Vary`` value with ``Origin`` added, unless it is there or ``*`` is.

    Results are remembered per value (applications send few distinct ones, at most 1024 are
    kept), which saves tokenising the same value on every response.
    """
    merged = _vary_with_origin.get(app_vary)
    if merged is None:
        present = {token.strip() for token in app_vary.lower().split(",")}
        merged = app_vary if "*" in present or "origin" in present else f"{app_vary}, Origin"
        if len(_vary_with_origin) < 1024:
            _vary_with_origin[app_vary] = merged
    return merged


class PathRoute:
    """One ``(pattern, policy)`` pair of a per-path configuration."""

    __slots__ = ("_exact", "_prefix", "pattern", "policy")

    def __init__(self, pattern: str, policy: CORSPolicy) -> None:
        self.pattern = pattern
        self.policy = policy
        if pattern.endswith("/*"):
            self._exact: str = pattern[:-2] or "/"
            self._prefix: str = pattern[:-1]
        else:
            self._exact, self._prefix = pattern, ""

    def matches(self, path: str) -> bool:
        """True when *path* (already normalised) is this pattern's path or lies below it."""
        return path == self._exact or (bool(self._prefix) and path.startswith(self._prefix))

    def __repr__(self) -> str:
        return f"PathRoute({self.pattern!r}, {self.policy!r})"


def normalise_path(path: str) -> str:
    """Resolve ``.``, ``..`` and repeated slashes, so a path cannot borrow another's policy."""
    if "/." not in path and "//" not in path:  # the common case costs two substring scans
        return path
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    trailing = "/" if path.endswith(("/", "/.", "/..")) and segments else ""
    return "/" + "/".join(segments) + trailing


def _as_policy(policy: PolicyLike) -> CORSPolicy:
    return policy if isinstance(policy, CORSPolicy) else CORSPolicy.from_dict(policy)


def _build_routes(pairs: Sequence[object]) -> list[PathRoute]:
    routes: list[PathRoute] = []
    problems: list[Problem] = []
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            problems.append(Problem("policy", pair, "expected a (path_pattern, policy) pair"))
            continue
        pattern, policy = pair
        star = pattern.find("*")
        if (
            not pattern.startswith("/")
            or (star != -1 and star != len(pattern) - 1)
            or (star != -1 and not pattern.endswith("/*"))
        ):
            problems.append(
                Problem(
                    "path pattern",
                    pattern,
                    "expected an exact path (/api/items) or a prefix ending in /* (/api/*)",
                )
            )
            continue
        if not isinstance(policy, (CORSPolicy, Mapping)):
            problems.append(Problem(pattern, policy, "expected a CORSPolicy or a dict"))
            continue
        try:
            routes.append(PathRoute(pattern, _as_policy(policy)))
        except ConfigError as error:
            problems.extend(
                Problem(f"{pattern}: {p.key}", p.value, p.message) for p in error.problems
            )
    if problems:
        raise ConfigError(problems)
    return routes
