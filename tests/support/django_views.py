"""A Django URLconf for the in-process drop-in tests: the views django-cors-headers' own suite
uses (re-expressed), plus a redirect, a 404 and a 500 made outside the views."""

from __future__ import annotations

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET


@require_GET  # type: ignore[untyped-decorator]  # Django is untyped here
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Index")


async def async_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Asynchronous")


def unauthorized(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Unauthorized", status=HTTPStatus.UNAUTHORIZED)


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("this view always fails")


@csrf_exempt  # type: ignore[untyped-decorator]
def anything(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response["X-Total-Count"] = "2"
    return response


urlpatterns = [
    path("", index),
    path("async/", async_view),
    path("unauthorized/", unauthorized),
    path("test-401/", unauthorized),
    path("error/", fail),
    path("slash/", anything),  # /slash is redirected here by CommonMiddleware
    re_path(r"^(?:foo|api|public)/.*$", anything),
]
