"""``cors_wsgi.django.CorsMiddleware``: the core's decisions inside Django's middleware chain,
sync and async, so the test ``Client`` and ``AsyncClient`` go through it and responses made by
later middleware (redirects, static files, 404 and 500 pages) get the headers.

``request.META`` is the core's request facts as it is: Django's WSGI and ASGI requests both
hold the request headers there under their WSGI names (``HTTP_ORIGIN``)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpResponse

from .._log import logger
from ..decision import Action, Reason
from ..response import KEEP, keep_names, kind_of, merge
from . import conf
from .defaults import check_request_enabled

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

    from ..decision import Decision

__all__ = ["CorsMiddleware"]

_DEBUG: Final = logging.DEBUG
# Module names for the members: an Enum attribute lookup costs about 50 ns.
_ADD: Final = Action.ADD
_PASS: Final = Action.PASS
_MERGE: Final = Action.MERGE
_ANSWER: Final = Action.ANSWER
_ASK: Final = Action.ASK
_NOT_ALLOWED: Final = Reason.ORIGIN_NOT_ALLOWED


class CorsMiddleware:
    """Django middleware deciding CORS with cors_wsgi's core from the ``CORS_*`` settings.

    Put it first in ``MIDDLEWARE`` (above ``CommonMiddleware`` and WhiteNoise, so their
    responses get the headers too). Preflights are answered here (``200`` when allowed,
    ``403`` when not) without calling the view; every other response on a governed path gets
    the policy's headers merged in. Sync and async: Django calls it in the mode of the chain.
    """

    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponseBase]
        | Callable[[HttpRequest], Awaitable[HttpResponseBase]],
    ) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:  # Django then awaits __call__, which hands over to __acall__
            markcoroutinefunction(self)
        conf.compiled()  # a bad configuration fails when the server starts, not per request

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        state = conf._current or conf.compiled()
        facts = request.META
        if state.routed and facts.get("SCRIPT_NAME"):
            facts = {**facts, "SCRIPT_NAME": ""}
        decision = state.respond(facts)
        if not decision.plain:
            decision = _resolved(state, decision, facts, request)
            action = decision.action
            if action is _ANSWER:
                return _answer(decision)
            if action is _PASS:
                return self.get_response(request)
        response = self.get_response(request)
        _add_headers(response, decision)
        return response

    async def __acall__(self, request: HttpRequest) -> Any:
        state = conf._current or conf.compiled()
        facts = request.META
        if "wsgi.url_scheme" not in facts:  # an ASGIRequest: the scheme tells same-origin apart
            facts["wsgi.url_scheme"] = getattr(request, "scope", {}).get("scheme", "http")
        if state.routed and facts.get("SCRIPT_NAME"):
            facts = {**facts, "SCRIPT_NAME": ""}
        decision = state.respond(facts)
        if not decision.plain:
            decision = await _resolved_async(state, decision, facts, request)
            action = decision.action
            if action is _ANSWER:
                return _answer(decision)
            if action is _PASS:
                return await self.get_response(request)
        response = await self.get_response(request)
        _add_headers(response, decision)
        return response


def _resolved(
    state: conf.Compiled, decision: Decision, facts: Any, request: HttpRequest
) -> Decision:
    """The final decision: ``allow_origin_func`` asked, then ``check_request_enabled``."""
    if decision.action is _ASK:
        decision = state.decider.decide_asking(facts)
    if _signal_may_enable(decision, facts) and any(
        answer for _, answer in check_request_enabled.send(sender=None, request=request)
    ):
        decision = state.enabled_by_signal.decide_asking(facts)
    _log(state, decision, facts)
    return decision


async def _resolved_async(
    state: conf.Compiled, decision: Decision, facts: Any, request: HttpRequest
) -> Decision:
    """:func:`_resolved` for the async chain: an async ``allow_origin_func`` and async
    receivers are awaited, plain ones called."""
    if decision.action is _ASK:
        origin = facts["HTTP_ORIGIN"]
        verdict = await decision.ask.ask_async(origin)  # type: ignore[union-attr]  # ASK
        decision = state.decider.decide(facts, verdict)
    if _signal_may_enable(decision, facts):
        asend = getattr(check_request_enabled, "asend", None)  # Django 5.0+
        if asend is not None:
            answers = await asend(sender=None, request=request)
        else:
            answers = await sync_to_async(check_request_enabled.send)(sender=None, request=request)
        if any(answer for _, answer in answers):
            decision = state.enabled_by_signal.decide_asking(facts)
    _log(state, decision, facts)
    return decision


def _signal_may_enable(decision: Decision, facts: Any) -> bool:
    """A request outside the governed paths, or from an origin not allowed, is the signal's
    to enable (only a request with an Origin: one without gets no CORS headers anyway)."""
    return (
        (decision.action is _PASS or decision.reason is _NOT_ALLOWED)
        and "HTTP_ORIGIN" in facts
        and check_request_enabled.has_listeners()
    )


def _log(state: conf.Compiled, decision: Decision, facts: Any) -> None:
    if (decision.refused or decision.action is _PASS) and logger.isEnabledFor(_DEBUG):
        state.decider.log_refusal(decision, facts)


def _answer(decision: Decision) -> HttpResponse:
    """The middleware's own answer (a preflight, a refused write): empty body."""
    response = HttpResponse(status=decision.answer_code)
    for name, value in decision.answer_headers:
        response[name] = value
    return response


def _add_headers(response: HttpResponseBase, decision: Decision) -> None:
    """Merge *decision*'s headers into *response*. When the response carries only names that
    need no merging (the common case), the headers are set; otherwise merged as the WSGI
    adapter merges them (owned names replaced, ``Vary`` joined)."""
    headers = response.headers
    store = getattr(headers, "_store", None)
    if type(store) is dict and not decision.expose_response_headers:
        # Django's ResponseHeaders keeps {lower-case name: (name, value)}; writing there saves
        # about 1 µs a header over headers[name] = value, whose checks the decision's values
        # have passed already (names are the policy's, values validated tokens and origins).
        for name in store:
            if name not in keep_names and kind_of(name) is not KEEP:
                break
        else:
            for header in decision.headers:
                store[header[0].lower()] = header
            return
    given = list(headers.items())
    merged = merge(given, decision)
    for name, _ in given:
        if kind_of(name) is not KEEP:
            del headers[name]
    for name, value in merged:
        if kind_of(name) is not KEEP:  # the application's own stayed where they were
            headers[name] = value
