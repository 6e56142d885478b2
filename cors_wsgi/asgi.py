"""The ASGI adapter: translate the scope into the core's request facts, do what the decision
says (:class:`~cors_wsgi.decision.Action`), write its headers into ``http.response.start``.
The ASGI twin of :mod:`cors_wsgi.middleware`, on the same core: one policy, the same decisions,
statuses and headers for the same request.

Standard library only. Deciding is :mod:`.core`'s, merging :mod:`.response`'s; this module
only translates (https://asgi.readthedocs.io/en/latest/specs/).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._log import APP_ERROR, known_enabled, logger, sanitise
from .core import MiddlewareBase, is_async_callable, wrong_kind_of_app
from .decision import GUARD_REFUSALS, Action, encode_headers
from .memo import ASGI_KEYS
from .response import ERROR_BODY, ERROR_HEADERS, ERROR_STATUS, keep_names, merge_wire

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .core import Decider
    from .decision import Decision
    from .policy import PolicyOptions
    from .routes import PathPattern, PolicyLike

__all__ = ["CORSMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The request headers the core reads (memo.ASGI_KEYS), for joining repeated fields.
_READ: Final = frozenset(ASGI_KEYS)
# Module names for the members: an Enum attribute lookup costs about 50 ns.
_DEBUG: Final = logging.DEBUG
_ADD: Final = Action.ADD
_PASS: Final = Action.PASS
_ANSWER: Final = Action.ANSWER
_MERGE: Final = Action.MERGE
_ASK: Final = Action.ASK
_ERROR_CODE: Final = int(ERROR_STATUS.split()[0])
_ERROR_HEADERS: Final = encode_headers(ERROR_HEADERS)


class CORSMiddleware(MiddlewareBase):
    """ASGI middleware that gives any ASGI application (FastAPI, Starlette, Django's ASGI
    handler, Quart, ...) correct CORS, from the same policy as the WSGI middleware.

    ``policy`` is a :class:`CORSPolicy`, a mapping of the same options, or a sequence of
    ``(path_pattern, policy)`` pairs, matched against the scope's ``path`` with ``.``/``..``
    segments resolved; paths that match none are untouched. Instead of ``policy``, the options
    may be given as keywords (``allow_origins=[...]``, ..., typed by
    ``cors_wsgi.policy.PolicyOptions``), with the meanings and defaults of Starlette's
    ``CORSMiddleware``, so that its ``add_middleware``/``Middleware`` entries work after changing
    only the import; exactly one of the two.

    * ``http``: preflights are answered without calling the application (``200`` with an
      empty body, or ``403``) unless ``preflight_continue``; a cross-origin write that
      ``cross_origin_protection`` refuses is answered ``403``; every other response gets the
      policy's headers, merged into ``http.response.start``; body messages stream through
      untouched.
    * ``handle_app_errors``: an exception raised before ``http.response.start`` is logged and
      answered with a ``500`` that carries the CORS headers; one raised after it propagates.
    * ``websocket``: untouched, unless ``check_websocket_origin``: then a handshake whose
      ``Origin`` the policy does not allow (the rule of an actual request) is refused by
      ``websocket.close`` before it is accepted (servers answer HTTP 403) and the application is
      not called. A handshake without ``Origin`` (not a browser) reaches the application. CORS
      does not protect WebSockets; this guards against cross-site WebSocket hijacking. Under a
      policy with ``allowed_hosts`` or ``refuse_untrusted_origins``, every handshake is checked
      by them (``check_websocket_origin`` or not) and refused the same way.
    * ``lifespan`` and any other scope: passed through untouched.

    For WSGI applications (Flask, Django's WSGI handler, ...) use ``cors_wsgi.CORSMiddleware``.

    .. code-block:: python

        app = CORSMiddleware(app, {"allow_origins": "https://app.example.com"})
        fastapi_app.add_middleware(CORSMiddleware, policy={"allow_origins": "https://app.example.com"})
        fastapi_app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
    """

    __slots__ = (
        "_guard_websockets",
        "_respond",
        "app",
        "check_websocket_origin",
        "decider",
        "handle_app_errors",
    )
    FACT_KEYS = ASGI_KEYS

    def __init__(
        self,
        app: ASGIApp,
        policy: PolicyLike | Sequence[tuple[PathPattern, PolicyLike]] | None = None,
        *,
        handle_app_errors: bool = False,
        check_websocket_origin: bool = False,
        **options: Unpack[PolicyOptions],
    ) -> None:
        if _is_wsgi_application(app):
            raise wrong_kind_of_app(
                app,
                "a WSGI application (it takes environ, start_response)",
                "cors_wsgi.CORSMiddleware",
            )
        self.app = app
        #: Answer an exception raised before ``http.response.start`` with a 500 that carries
        #: the CORS headers (and log it), instead of letting it propagate.
        self.handle_app_errors = handle_app_errors
        #: Refuse WebSocket handshakes from origins the policy does not allow.
        self.check_websocket_origin = check_websocket_origin
        #: The core that decides every request (its policy or per-path routes).
        self._configure(policy, options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # One coroutine per request: an extra await per request costs about 0.3 µs.
        if scope["type"] != "http":
            if scope["type"] == "websocket" and (
                self.check_websocket_origin or self._guard_websockets
            ):
                # A WebSocket handshake is a GET from an http(s) page.
                await self._websocket(request_facts(scope, "GET"), scope, receive, send)
            else:
                await self.app(scope, receive, send)  # lifespan hooks must reach the app, too
            return
        # request_facts(scope, method), written out: a call per request costs about 60 ns.
        headers = scope["headers"]
        facts: dict[Any, Any] = dict(headers)
        if len(facts) != len(headers):  # a repeated name: join, as WSGI servers do
            _join_repeated(facts, headers)
        facts["REQUEST_METHOD"] = scope["method"]
        facts["PATH_INFO"] = scope["path"]
        facts["asgi.scope"] = scope
        decision = self._respond(facts)
        if not decision.plain:  # refused, answered here, unrouted, merged, or to be asked
            if decision.action is _ADD:  # refused for its origin: the app answers, with Vary
                if known_enabled(_DEBUG) is not False and logger.isEnabledFor(_DEBUG):
                    self.decider.log_refusal(decision, facts)
            else:
                if decision.action is _ASK:  # allow_origin_func answers first (not remembered)
                    decision = await self._ask(self.decider, decision, facts)
                if (decision.refused or decision.action is _PASS) and logger.isEnabledFor(_DEBUG):
                    self.decider.log_refusal(decision, facts)
                action = decision.action
                if action is _ANSWER:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": decision.answer_code,
                            "headers": list(decision.wire_answer_headers),
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
                if action is _PASS:
                    await self.app(scope, receive, send)
                    return
                if action is _MERGE:  # the response's own names are listed: always merged
                    await self._call_app(scope, receive, merging(send, decision))
                    return
        extra = decision.wire_headers

        async def cors_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if headers.__class__ is not list:  # any iterable (the ASGI spec): read it once
                    headers = list(headers)
                for name, _ in headers:
                    if name not in keep_names:  # an owned name, Vary, or one not seen yet
                        message["headers"] = merge_wire(headers, decision)
                        break
                else:
                    message["headers"] = [*headers, *extra]
            await send(message)

        if self.handle_app_errors:  # as _call_app does; inline, since an await costs ~0.3 µs
            await self._call_answering_errors(scope, receive, cors_send)
        else:
            await self.app(scope, receive, cors_send)

    def _set_decider(self, config: Any) -> None:
        super()._set_decider(config)
        #: A policy guards hosts or origins: every WebSocket handshake is checked.
        self._guard_websockets = any(
            policy.host_matcher is not None or policy.refuse_untrusted_origins
            for policy in self.decider.policies
        )

    async def _call_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.handle_app_errors:
            await self._call_answering_errors(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    @staticmethod
    async def _ask(decider: Decider, decision: Decision, facts: dict[Any, Any]) -> Decision:
        """Await ``allow_origin_func``'s verdict on the request's origin, then decide again."""
        verdict = await decision.ask.ask_async(  # type: ignore[union-attr]  # Action.ASK
            facts[b"origin"].decode("latin-1")
        )
        return decider.decide(facts, verdict)

    async def _call_answering_errors(self, scope: Scope, receive: Receive, cors_send: Send) -> None:
        """Call the app; an exception before ``http.response.start`` is logged and answered
        with a 500 through *cors_send* (so it carries the CORS headers)."""
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await cors_send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:  # not BaseException: a cancelled request is no application error
            if started:
                raise  # the status line may be on the wire: nothing can be changed
            logger.exception(
                APP_ERROR, sanitise(scope.get("method", "")), sanitise(scope.get("path", ""))
            )
            start = {"type": "http.response.start", "status": _ERROR_CODE}
            await cors_send({**start, "headers": list(_ERROR_HEADERS)})
            await cors_send({"type": "http.response.body", "body": ERROR_BODY})

    async def _websocket(
        self, facts: dict[Any, Any], scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Refuse a handshake that ``allowed_hosts`` or ``refuse_untrusted_origins`` refuses,
        or (``check_websocket_origin``) whose Origin the policy does not allow, as an actual
        request's."""
        decider = self.decider
        origin = facts.get(b"origin")
        if origin is not None or self._guard_websockets:
            decision = decider.decide(facts)
            if decision.action is _ASK:
                decision = await self._ask(decider, decision, facts)
            # Settled: a same-origin handshake is no refusal.
            if decision.reason in GUARD_REFUSALS or (
                self.check_websocket_origin and origin is not None and decision.refused
            ):
                if logger.isEnabledFor(_DEBUG):
                    decider.log_refusal(decision, facts)
                # Close before accepting: the server answers the handshake with HTTP 403.
                message = await receive()
                if message["type"] == "websocket.connect":
                    await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)


def merging(send: Send, decision: Decision) -> Send:
    """A ``send`` that merges *decision* into ``http.response.start``'s headers."""

    async def merging_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = merge_wire(list(message.get("headers", ())), decision)
        await send(message)

    return merging_send


def request_facts(scope: Scope, method: str) -> dict[Any, Any]:
    """The core's request facts for *scope* (see :mod:`cors_wsgi.core`): the headers as a dict by
    the lower-case byte names ASGI servers send (uvicorn, hypercorn, daphne; Starlette's Headers
    relies on it; a server that did not lower-case would make its requests look as if they had
    no Origin: refused, never wrongly allowed), the method, the path (joined with the scope's
    root_path when routing: :func:`~cors_wsgi.memo.request_path`) and the scope itself, whose
    scheme and server are read only to tell a same-origin request
    (:class:`~cors_wsgi.memo.FactKeys`)."""
    headers = scope["headers"]
    facts: dict[Any, Any] = dict(headers)
    if len(facts) != len(headers):  # a repeated name: join, as WSGI servers do
        _join_repeated(facts, headers)
    facts["REQUEST_METHOD"] = method
    facts["PATH_INFO"] = scope["path"]
    facts["asgi.scope"] = scope
    return facts


def _join_repeated(facts: dict[Any, Any], headers: Any) -> None:
    """Join the values of a repeated request header the core reads, as WSGI servers join them:
    two ``Origin`` fields are then no origin."""
    seen: dict[bytes, bytes] = {}
    for name, value in headers:
        if name in _READ:
            seen[name] = seen[name] + b", " + value if name in seen else value
    facts.update(seen)


def _is_wsgi_application(app: object) -> bool:
    """True for a plain (not async) callable taking two arguments: environ, start_response."""
    if not callable(app) or is_async_callable(app):
        return False
    try:
        parameters = list(inspect.signature(app).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: assume ASGI
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) == 2 and not any(p.kind is p.VAR_POSITIONAL for p in parameters)
