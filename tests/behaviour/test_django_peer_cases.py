"""django-cors-headers' own middleware and checks tests (re-expressed as facts in
``tests/peer_suites/django_cases.py``) run against ``cors_wsgi.django`` with Django's test
``Client`` and ``AsyncClient``: each passes, or is a documented deliberate difference
(``tests/peer_suites/django_differences.py``) that really does fail."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

pytest.importorskip("django")

from asgiref.sync import async_to_sync
from django.core.checks import CheckMessage
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client
from django.test.utils import override_settings

from examples import django_app  # configures Django once for the process

from ..peer_suites.django_cases import CHECK_CASES, MIDDLEWARE_CASES, Case, CheckCase
from ..peer_suites.django_differences import DIFFERENCES
from ..support.servers import PROJECT

assert django_app is not None
URLS = "tests.support.django_views"
CORS = "cors_wsgi.django.CorsMiddleware"


def short_circuit(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """A middleware answering every request itself (the peer's ShortCircuitMiddleware)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        return HttpResponse("short-circuit-middleware-response")

    return middleware


calls: list[str] = []


def _receiver_true(sender: object, request: HttpRequest, **kwargs: Any) -> bool:
    calls.append(request.path)
    return True


def _receiver_false(sender: object, request: HttpRequest, **kwargs: Any) -> bool:
    calls.append(request.path)
    return False


def _receiver_api(sender: object, request: HttpRequest, **kwargs: Any) -> bool:
    calls.append(request.path)
    return bool(request.path.startswith("/api/"))


RECEIVERS = {"true": _receiver_true, "false": _receiver_false, "api": _receiver_api}


@contextmanager
def receiver(name: str | None) -> Iterator[None]:
    from cors_wsgi.django import check_request_enabled

    calls.clear()
    if name is None:
        yield
        return
    check_request_enabled.connect(RECEIVERS[name])
    try:
        yield
    finally:
        check_request_enabled.disconnect(RECEIVERS[name])


def send(case: Case) -> Any:
    if not case.asynchronous:
        return Client().generic(case.method, case.path, headers=case.headers, **case.extra)

    async def through_async_client() -> Any:
        client = AsyncClient()
        return await client.generic(case.method, case.path, headers=case.headers, **case.extra)

    return async_to_sync(through_async_client)()


def run_case(case: Case) -> list[str]:
    """What differs from the peer's assertions (empty: the case passes)."""
    middleware = [f"{__name__}.short_circuit"] * case.short_circuit + [CORS]
    with (
        override_settings(MIDDLEWARE=middleware, ROOT_URLCONF=URLS, **case.settings),
        receiver(case.receiver),
    ):
        try:
            response = send(case)
        except ImproperlyConfigured as error:  # the settings are refused: no answer at all
            return [f"refused: {error}"]
    found = []
    if case.status is not None and response.status_code != case.status:
        found.append(f"status {response.status_code}, the peer {case.status}")
    for name, expected in case.expect.items():
        if name == "request._cors_enabled":
            got = str(getattr(response.wsgi_request, "_cors_enabled", None))
        else:
            got = response.headers.get(name)
        if got != expected:
            found.append(f"{name}: {got!r}, the peer {expected!r}")
    if case.receiver_calls is not None and len(calls) != case.receiver_calls:
        found.append(f"receiver called {len(calls)} times, the peer {case.receiver_calls}")
    return found


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in MIDDLEWARE_CASES])
def test_the_peers_middleware_case(case: Case) -> None:
    found = run_case(case)
    if case.name in DIFFERENCES:
        assert found, f"{case.name} is listed as a difference but passes: remove it"
    else:
        assert not found, found


def check_ids(case: CheckCase) -> tuple[list[str], list[CheckMessage]]:
    from cors_wsgi.django import check_settings

    with override_settings(**case.settings):
        messages = check_settings()
    return [m.id.removeprefix("cors_wsgi.") for m in messages], messages


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CHECK_CASES])
def test_the_peers_checks_case(case: CheckCase) -> None:
    ids, messages = check_ids(case)
    found = [] if ids == case.ids else [f"ids {ids}, the peer {case.ids}"]
    if case.message_starts and not messages[0].msg.startswith(case.message_starts):
        found.append(f"message {messages[0].msg!r}")
    if case.message_holds and case.message_holds not in messages[0].msg:
        found.append(f"message {messages[0].msg!r}")
    if case.name in DIFFERENCES:
        assert found, f"{case.name} is listed as a difference but passes: remove it"
    else:
        assert not found, (found, [m.msg for m in messages])


def test_every_difference_names_a_case_and_links_a_section_of_the_guide() -> None:
    names = {c.name for c in MIDDLEWARE_CASES} | {c.name for c in CHECK_CASES}
    assert set(DIFFERENCES) <= names
    guide = (PROJECT / "docs" / "howto" / "migrate-django.md").read_text(encoding="utf-8")
    # the anchors MyST gives the headings (myst_heading_anchors)
    headings = re.findall(r"^#{1,3} (.+)$", guide, flags=re.MULTILINE)
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).strip().replace(" ", "-") for h in headings}
    for difference in DIFFERENCES.values():
        page, _, anchor = difference.docs.partition("#")
        assert page == "howto/migrate-django.html" and anchor in anchors, difference
