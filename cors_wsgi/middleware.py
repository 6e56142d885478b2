"""The WSGI adapter: hand the environ to the core as request facts, do what the decision says
(:class:`~cors_wsgi.decision.Action`), write its headers into the response. Deciding is
:mod:`.core`'s, merging :mod:`.response`'s."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._log import APP_ERROR, known_enabled, logger, sanitise
from .core import MiddlewareBase, is_async_callable, wrong_kind_of_app
from .decision import Action
from .errors import ConfigError, Problem
from .options import describe_function
from .response import ERROR_BODY, ERROR_HEADERS, ERROR_STATUS, keep_names, merge

if TYPE_CHECKING:
    from types import TracebackType

    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from typing_extensions import Unpack

    from .core import Decider
    from .decision import Decision
    from .policy import PolicyOptions
    from .routes import PathPattern, PolicyLike

    # Any WSGI callable; typeshed's WSGIApplication is stricter than frameworks declare.
    WSGIApplication = Callable[..., Iterable[bytes]]

    ExcInfo = tuple[type[BaseException], BaseException, TracebackType]
    OptExcInfo = ExcInfo | tuple[None, None, None]

__all__ = ["CORSMiddleware"]

_NO_BODY: Final[tuple[bytes, ...]] = ()
_DEBUG: Final = logging.DEBUG
# Module names for the members: an Enum attribute lookup costs about 50 ns.
_ADD: Final = Action.ADD
_PASS: Final = Action.PASS
_MERGE: Final = Action.MERGE
_ANSWER: Final = Action.ANSWER
_ASK: Final = Action.ASK


class CORSMiddleware(MiddlewareBase):
    """WSGI middleware that gives any WSGI application correct CORS.

    ``policy`` is a :class:`CORSPolicy`, a mapping of the same options (see
    :meth:`CORSPolicy.from_dict`), or a sequence of ``(path_pattern, policy)`` pairs. A path
    pattern is an exact path (``/api/items``), a prefix (``/api/*``, which matches ``/api``
    and everything below ``/api/``) or a compiled regular expression matching the whole path;
    it is matched against ``SCRIPT_NAME + PATH_INFO`` with ``.``/``..`` segments resolved, the
    first match wins, and paths that match none are passed to the application untouched.
    Instead of ``policy``, the options may be given as keywords (``allow_origins=[...]``, ...),
    with the meanings and defaults of Starlette's ``CORSMiddleware``, as the ASGI class takes
    them; exactly one of the two.

    On a governed path the middleware:

    * answers preflights (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
      itself, ``200`` with an empty body when allowed and ``403`` when not, without calling
      the application (unless ``preflight_continue``: the application answers, the preflight
      headers are added);
    * answers ``403`` without calling the application to a cross-origin write that
      ``cross_origin_protection`` refuses;
    * adds the policy's headers to every other response, errors included: the owned headers
      (``Access-Control-*``, the debug header) replace the application's unless
      ``keep_app_cors_headers``, and ``Origin`` is merged into ``Vary`` unless the policy is a
      fixed ``*``.

    The application's iterable is returned as is: bodies stream and ``close()`` reaches it.
    For ASGI applications (FastAPI, Starlette, Django's ASGI handler) use
    ``cors_wsgi.asgi.CORSMiddleware``.

    .. code-block:: python

        application = CORSMiddleware(application, {"allow_origins": "https://app.example.com"})
    """

    __slots__ = ("_respond", "app", "decider", "handle_app_errors")

    def __init__(
        self,
        app: WSGIApplication,
        policy: PolicyLike | Sequence[tuple[PathPattern, PolicyLike]] | None = None,
        *,
        handle_app_errors: bool = False,
        **options: Unpack[PolicyOptions],
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
        self._configure(policy, options)

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
        decision = self._respond(environ)  # the environ is the core's request facts as it is
        if not decision.plain:  # refused, answered here, unrouted, merged, or to be asked
            if decision.action is _ADD:  # refused for its origin: the app answers, with Vary
                if known_enabled(_DEBUG) is not False and logger.isEnabledFor(_DEBUG):
                    self.decider.log_refusal(decision, environ)
            else:
                if decision.action is _ASK:  # allow_origin_func answers first (not remembered)
                    decision = self.decider.decide_asking(environ)
                if (decision.refused or decision.action is _PASS) and logger.isEnabledFor(_DEBUG):
                    self.decider.log_refusal(decision, environ)
                action = decision.action
                if action is _ANSWER:
                    start_response(decision.answer_status, list(decision.answer_headers))
                    return _NO_BODY
                if action is _PASS:
                    return self.app(environ, start_response)
                if action is _MERGE:  # the response's own names are listed: always merged
                    return self._call_app(environ, merging(start_response, decision))
        extra = decision.header_list

        def cors_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Any:
            # Only owned names and Vary need merging: the spellings known to need none are in
            # keep_names, a set test per header.
            for name, _ in headers:
                if name not in keep_names:
                    return start_response(status, merge(headers, decision), exc_info)
            try:
                combined = headers + extra
            except TypeError:  # PEP 3333 asks for a list; a tuple works all the same
                combined = [*headers, *extra]
            return start_response(status, combined, exc_info)

        if self.handle_app_errors:  # as _call_app does; inline on the hot path saves a call
            return call_answering_errors(self.app, environ, cors_start_response)
        return self.app(environ, cors_start_response)

    def _call_app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.handle_app_errors:
            return call_answering_errors(self.app, environ, start_response)
        return self.app(environ, start_response)


def merging(start_response: StartResponse, decision: Decision) -> StartResponse:
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
            APP_ERROR,
            sanitise(environ.get("REQUEST_METHOD", "")),
            sanitise(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
        )
        # No exc_info: nothing can have been sent on this path, and uWSGI mishandles a
        # non-None exc_info in a first start_response (it drops the body).
        start_response(ERROR_STATUS, list(ERROR_HEADERS))
        return [ERROR_BODY]
