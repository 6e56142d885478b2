"""A one-file Django project with no CORS code, made cross-origin readable by cors_wsgi.

Serve it:  gunicorn examples.django_app:application --bind 127.0.0.1:8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
This wraps the WSGI application, which suits a one-file app served as is. In a regular project
put cors_wsgi.django.CorsMiddleware in MIDDLEWARE instead (docs/howto/migrate-django.md): it
reads the CORS_* settings and Django's test Client goes through it, which a wrapper in wsgi.py
never sees.
"""

from __future__ import annotations

import json
import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from cors_wsgi import CORSMiddleware, CORSPolicy

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="example-only-not-secret",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )
    django.setup()


def items(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return JsonResponse({"id": 3, "received": json.loads(request.body or b"null")}, status=201)
    response = JsonResponse([{"id": 1}, {"id": 2}], safe=False)
    response["X-Total-Count"] = "2"
    return response


def item(request: HttpRequest, item_id: int) -> HttpResponse:
    return JsonResponse({"id": item_id, "method": request.method})


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("this endpoint always fails")


urlpatterns = [
    path("api/items", items),
    path("api/items/<int:item_id>", item),
    path("api/error", fail),
]

policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

application = CORSMiddleware(get_wsgi_application(), policy)
