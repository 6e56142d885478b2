"""A Pyramid application with no CORS code, made cross-origin readable by cors_wsgi.

Serve it:  gunicorn examples.pyramid_app:application --bind 127.0.0.1:8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import os
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response

from cors_wsgi import CORSMiddleware, CORSPolicy


def list_items(request: Request) -> Any:
    request.response.headers["X-Total-Count"] = "2"
    return [{"id": 1}, {"id": 2}]


def create_item(request: Request) -> Any:
    request.response.status_int = 201
    try:
        received = request.json_body
    except ValueError:  # no body, or not JSON
        received = None
    return {"id": 3, "received": received}


def change_item(request: Request) -> Any:
    return {"id": int(request.matchdict["item_id"]), "method": request.method}


def fail(request: Request) -> Any:
    raise RuntimeError("this endpoint always fails")


def server_error(exc: Exception, request: Request) -> Response:
    # Pyramid re-raises exceptions no view handles; this one answers them with a plain 500.
    return Response("Internal Server Error", status=500, content_type="text/plain")


with Configurator() as config:
    config.add_route("items", "/api/items")
    config.add_route("item", r"/api/items/{item_id:\d+}")
    config.add_route("error", "/api/error")
    config.add_view(list_items, route_name="items", request_method="GET", renderer="json")
    config.add_view(create_item, route_name="items", request_method="POST", renderer="json")
    config.add_view(
        change_item, route_name="item", request_method=("PUT", "DELETE"), renderer="json"
    )
    config.add_view(fail, route_name="error", request_method="GET")
    config.add_exception_view(server_error, context=Exception)
    app = config.make_wsgi_app()

policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

application = CORSMiddleware(app, policy)
