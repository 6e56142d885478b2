"""The WSGI adapter: hand the environ to the core as request facts, write the decision's
headers into the response. Nothing else: deciding is :mod:`.core`'s, merging
:mod:`.response`'s, routing :mod:`.routes`'s."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._log import log_decision, logger, sanitise
from .core import Decider, MiddlewareConfig, ask_and_decide, is_async_callable, wrong_kind_of_app
from .decision import Decision, Header, Reason
from .errors import ConfigError, Problem
from .options import describe_function
from .response import ERROR_BODY, ERROR_HEADERS, ERROR_STATUS, KEEP, HeaderMerger
from .routes import PathPattern, PolicyLike, load_ini

if TYPE_CHECKING:
    from os import PathLike
    from types import TracebackType

    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    # Any WSGI callable; typeshed's WSGIApplication is stricter than frameworks declare.
    WSGIApplication = Callable[..., Iterable[bytes]]

    ExcInfo = tuple[type[BaseException], BaseException, TracebackType]
    Merge = Callable[[list[Header], Decision], list[Header]]
    OptExcInfo = ExcInfo | tuple[None, None, None]

__all__ = ["CORSMiddleware"]

_NO_BODY: Final[tuple[bytes, ...]] = ()
_DEBUG: Final = logging.DEBUG
_UNROUTED: Final = Reason.NO_POLICY_FOR_PATH  # an Enum attribute lookup costs ~50 ns


class CORSMiddleware(MiddlewareConfig):
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
    For ASGI applications (FastAPI, Starlette, Django's ASGI handler) use
    ``cors_wsgi.asgi.CORSMiddleware``.

    .. code-block:: python

        application = CORSMiddleware(application, {"allow_origins": "https://app.example.com"})
    """

    __slots__ = ("_decide", "_known_kind", "_merge", "app", "decider", "handle_app_errors")

    def __init__(
        self,
        app: WSGIApplication,
        policy: PolicyLike | Sequence[tuple[PathPattern, PolicyLike]],
        *,
        handle_app_errors: bool = False,
    ) -> None:
        if is_async_callable(app):
            raise wrong_kind_of_app(
                app, "an ASGI application (its __call__ is async)", "cors_wsgi.asgi.CORSMiddleware"
            )
        self.app = app
        #: Answer an exception raised by the application before it started its response with
        #: a 500 that carries the CORS headers (and log it), instead of letting it propagate.
        self.handle_app_errors = handle_app_errors
        #: The core that decides every request (its policy or per-path routes); replaced as a
        #: whole by :meth:`reconfigure`.
        self.decider = Decider(policy)
        self._check(self.decider)
        self._decide = self.decider.decide
        merger = HeaderMerger()
        self._known_kind, self._merge = merger.known_kind, merger.merge

    @classmethod
    def from_ini(
        cls, app: WSGIApplication, path: str | PathLike[str], section: str = "cors"
    ) -> CORSMiddleware:
        """Wrap *app* with the policy or per-path policies of an INI file (see
        :func:`cors_wsgi.routes.load_ini`)."""
        return cls(app, load_ini(path, section))

    def _check(self, decider: Decider) -> None:
        problems = [
            Problem(
                "allow_origin_func",
                describe_function(policy.allow_origin_func),
                "is an async def, which a WSGI server cannot await; give a plain function, "
                "or serve an ASGI app with cors_wsgi.asgi.CORSMiddleware",
                "E027",
            )
            for policy in decider.policies
            if policy.allow_origin_func is not None and is_async_callable(policy.allow_origin_func)
        ]
        if problems:
            raise ConfigError(problems)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        decide = self._decide  # read once: a reconfiguration meanwhile cannot mix policies
        decision = decide(environ)  # the environ is the core's request facts as it is
        if not decision.plain:  # refused, a preflight, unrouted, or listing exposed names
            if decision.ask is not None:  # allow_origin_func must answer first (not remembered)
                decision = ask_and_decide(decision, environ, decide)
            if decision.refused:  # a refusal always has an Origin
                if logger.isEnabledFor(_DEBUG):
                    log_decision(decision, environ)
            elif decision.reason is _UNROUTED:
                if "HTTP_ORIGIN" in environ and logger.isEnabledFor(_DEBUG):
                    log_decision(decision, environ)
                return self.app(environ, start_response)
            if decision.answered_here:  # a preflight, answered without calling the application
                start_response(decision.answer_status, list(decision.answer_headers))
                return _NO_BODY
            if decision.expose_response_headers:  # the response's names are listed: merge
                return self._call_app(environ, merging(start_response, decision, self._merge))
        known_kind, merge = self._known_kind, self._merge

        def cors_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Any:
            # Only Vary and Access-Control-* need merging. The names seen before are known,
            # which saves lower-casing every name of the common response.
            for header in headers:
                if known_kind(header[0]) is not KEEP:  # None (new name), VARY or OWNED
                    return start_response(status, merge(headers, decision), exc_info)
            return start_response(status, [*headers, *decision.headers], exc_info)

        if self.handle_app_errors:  # as _call_app does; inline on the hot path saves a call
            return call_answering_errors(self.app, environ, cors_start_response)
        return self.app(environ, cors_start_response)

    def _call_app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.handle_app_errors:
            return call_answering_errors(self.app, environ, start_response)
        return self.app(environ, start_response)


def merging(start_response: StartResponse, decision: Decision, merge: Merge) -> StartResponse:
    """A ``start_response`` that merges *decision* into every response's headers."""

    def merging_start_response(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Any:
        return start_response(status, merge(headers, decision), exc_info)

    return merging_start_response


def call_answering_errors(
    app: WSGIApplication, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    """Call *app*; if it raises before starting its response, log the exception and answer 500
    through *start_response* (so the CORS headers are added and the frontend can read it).

    An exception after the response started, or while the body is iterated, propagates: the
    status line may already be on the wire.
    """
    started = False

    def tracking_start_response(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Any:
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
        # No exc_info: nothing can have been sent on this path, and uWSGI mishandles a
        # non-None exc_info in a first start_response (it drops the body).
        start_response(ERROR_STATUS, list(ERROR_HEADERS))
        return [ERROR_BODY]
