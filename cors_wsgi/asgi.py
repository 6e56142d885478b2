"""The ASGI adapter: translate the scope into the core's request facts, write the decision's
headers into ``http.response.start``. The ASGI twin of :mod:`cors_wsgi.middleware`, on the same
core: one policy, the same decisions, statuses and headers for the same request.

Standard library only. Deciding is :mod:`.core`'s, merging :mod:`.response`'s, routing
:mod:`.routes`'s; this module only translates (https://asgi.readthedocs.io/en/latest/specs/).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._log import log_decision, logger, sanitise
from .core import Decider, MiddlewareConfig, is_async_callable, wrong_kind_of_app
from .decision import Decision, Reason, encode_headers
from .origin_func import ORIGIN_VERDICT
from .response import (
    ERROR_BODY,
    ERROR_HEADERS,
    ERROR_STATUS,
    HEADER_MEMO_SIZE,
    KEEP,
    HeaderMerger,
    Kind,
)
from .routes import PathPattern, PolicyLike, load_ini

if TYPE_CHECKING:
    from os import PathLike

__all__ = ["CORSMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Request headers the core reads, by their ASGI (lower-case byte) names -> request facts.
_FACTS: Final = {
    b"origin": "HTTP_ORIGIN",
    b"host": "HTTP_HOST",
    b"access-control-request-method": "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
    b"access-control-request-headers": "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
    b"access-control-request-private-network": "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
    b"sec-fetch-site": "HTTP_SEC_FETCH_SITE",
}
_DEBUG: Final = logging.DEBUG
_UNROUTED: Final = Reason.NO_POLICY_FOR_PATH  # an Enum attribute lookup costs ~50 ns
_SAME_ORIGIN: Final = Reason.SAME_ORIGIN
#: The origin of a WebSocket handshake's page is http(s), its scope's scheme ws(s).
_SCHEMES: Final = {"wss": "https", "ws": "http"}
_ERROR_CODE: Final = int(ERROR_STATUS.split()[0])
_ERROR_HEADERS: Final = encode_headers(ERROR_HEADERS)


class CORSMiddleware(MiddlewareConfig):
    """ASGI middleware that gives any ASGI application (FastAPI, Starlette, Django's ASGI
    handler, Quart, ...) correct CORS, from the same policy as the WSGI middleware.

    ``policy`` is a :class:`CORSPolicy`, a mapping of the same options, or a sequence of
    ``(path_pattern, policy)`` pairs, matched against the scope's ``path`` (which already holds
    ``root_path``) with ``.``/``..`` segments resolved; paths that match none are untouched.

    * ``http``: preflights are answered without calling the application (``200`` with an
      empty body, or ``403``); every other response gets the policy's headers, merged into
      ``http.response.start``; body messages stream through untouched.
    * ``handle_app_errors``: an exception raised before ``http.response.start`` is logged and
      answered with a ``500`` that carries the CORS headers; one raised after it propagates.
    * ``websocket``: untouched, unless ``check_websocket_origin``: then a handshake whose
      ``Origin`` the policy does not allow (the rule of an actual request) is refused by
      ``websocket.close`` before it is accepted (servers answer HTTP 403) and the application is
      not called. A handshake without ``Origin`` (not a browser) reaches the application. CORS
      does not protect WebSockets; this guards against cross-site WebSocket hijacking.
    * ``lifespan`` and any other scope: passed through untouched.

    For WSGI applications (Flask, Django's WSGI handler, ...) use ``cors_wsgi.CORSMiddleware``.

    .. code-block:: python

        app = CORSMiddleware(app, {"allow_origins": "https://app.example.com"})
        fastapi_app.add_middleware(CORSMiddleware, policy={"allow_origins": "https://app.example.com"})
    """

    __slots__ = (
        "_decide",
        "_kinds",
        "_merger",
        "app",
        "check_websocket_origin",
        "decider",
        "handle_app_errors",
    )

    def __init__(
        self,
        app: ASGIApp,
        policy: PolicyLike | Sequence[tuple[PathPattern, PolicyLike]],
        *,
        handle_app_errors: bool = False,
        check_websocket_origin: bool = False,
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
        self.decider = Decider(policy)
        self._decide = self.decider.decide
        self._merger = HeaderMerger()
        #: The kind of each response header name as sent (bytes), remembered; bounded.
        self._kinds: dict[bytes, Kind] = {}

    @classmethod
    def from_ini(
        cls, app: ASGIApp, path: str | PathLike[str], section: str = "cors", **options: bool
    ) -> CORSMiddleware:
        """Wrap *app* with the policy or per-path policies of an INI file (see
        :func:`cors_wsgi.routes.load_ini`); *options* are this class's keyword options."""
        return cls(app, load_ini(path, section), **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # One coroutine per request: an extra await per request costs about 0.3 µs.
        kind = scope["type"]
        if kind != "http" and (kind != "websocket" or not self.check_websocket_origin):
            await self.app(scope, receive, send)  # lifespan hooks must reach the app, too
            return
        # The core's request facts (see cors_wsgi.core). ASGI's path already holds root_path
        # (it is SCRIPT_NAME + PATH_INFO). A WebSocket handshake is a GET from an http(s) page.
        # Request header names are taken as lower-cased, as ASGI servers send them (uvicorn,
        # hypercorn, daphne; Starlette's Headers relies on it): a server that did not would
        # make its requests look as if they had no Origin: refused, never wrongly allowed.
        facts: dict[str, Any] = {
            "REQUEST_METHOD": scope.get("method", "GET"),
            "PATH_INFO": scope["path"],
        }
        scheme = scope.get("scheme")
        if scheme is not None and scheme != "http":
            facts["wsgi.url_scheme"] = _SCHEMES.get(scheme, scheme)
        for name, value in scope["headers"]:
            key = _FACTS.get(name)
            # Values stay bytes (the core reads latin-1); repeated ones are joined, as WSGI
            # servers join them: two Origins are no origin.
            if key is not None and facts.setdefault(key, value) is not value:
                facts[key] += b", " + value
        if "HTTP_HOST" not in facts:
            server = scope.get("server") or ("", "")
            facts["SERVER_NAME"], facts["SERVER_PORT"] = str(server[0]), str(server[1])
        if kind == "websocket":
            await self._websocket(facts, scope, receive, send)
            return
        decide = self._decide  # read once: a reconfiguration meanwhile cannot mix policies
        decision = decide(facts)
        if not decision.plain:  # refused, a preflight, unrouted, or listing exposed names
            if decision.ask is not None:  # allow_origin_func must answer first (not remembered)
                facts[ORIGIN_VERDICT] = await decision.ask.ask_async(
                    facts["HTTP_ORIGIN"].decode("latin-1")
                )
                decision = decide(facts)
            if decision.refused:  # a refusal always has an Origin
                if logger.isEnabledFor(_DEBUG):
                    log_decision(decision, facts)
            elif decision.reason is _UNROUTED:
                if "HTTP_ORIGIN" in facts and logger.isEnabledFor(_DEBUG):
                    log_decision(decision, facts)
                await self.app(scope, receive, send)
                return
            if decision.answered_here:  # a preflight, answered without calling the application
                await send(
                    {
                        "type": "http.response.start",
                        "status": decision.answer_code,
                        "headers": list(decision.wire_answer_headers),
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
        known_kind = self._kinds.get
        merge = self._merge
        merge_always = decision.expose_response_headers  # the response's names are listed

        async def cors_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if not merge_always:
                    for header in headers:
                        if known_kind(header[0]) is not KEEP:  # None (new name), VARY or OWNED
                            break
                    else:
                        message["headers"] = [*headers, *decision.wire_headers]
                        await send(message)
                        return
                message["headers"] = merge(headers, decision)
            await send(message)

        if self.handle_app_errors:
            await self._call_answering_errors(scope, receive, send, cors_send)
        else:
            await self.app(scope, receive, cors_send)

    async def _call_answering_errors(
        self, scope: Scope, receive: Receive, send: Send, cors_send: Send
    ) -> None:
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
                "unhandled exception in the application for %s %s; answering 500 with CORS headers",
                sanitise(scope.get("method", "")),
                sanitise(scope.get("path", "")),
            )
            start = {"type": "http.response.start", "status": _ERROR_CODE}
            await cors_send({**start, "headers": list(_ERROR_HEADERS)})
            await send({"type": "http.response.body", "body": ERROR_BODY})

    def _merge(self, headers: Any, decision: Decision) -> list[tuple[bytes, bytes]]:
        """Merge through the shared :class:`HeaderMerger`, remembering each byte name's kind."""
        text = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]
        kinds = self._kinds
        if len(kinds) < HEADER_MEMO_SIZE:
            for (name, _), (raw, _) in zip(text, headers, strict=True):
                kinds[raw] = self._merger.kind(name)
        merged = self._merger.merge(text, decision)
        return [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in merged]

    async def _websocket(
        self, facts: dict[str, Any], scope: Scope, receive: Receive, send: Send
    ) -> None:
        decide = self._decide
        decision = decide(facts) if "HTTP_ORIGIN" in facts else None
        if decision is not None and decision.ask is not None:
            facts[ORIGIN_VERDICT] = await decision.ask.ask_async(
                facts["HTTP_ORIGIN"].decode("latin-1")
            )
            decision = decide(facts)
        if decision is None or decision.allowed or decision.reason in (_UNROUTED, _SAME_ORIGIN):
            await self.app(scope, receive, send)
            return
        if logger.isEnabledFor(logging.DEBUG):
            log_decision(decision, facts)
        # Close before accepting: the server answers the handshake with HTTP 403.
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close", "code": 1008})


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
