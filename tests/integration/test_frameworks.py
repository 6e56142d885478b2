"""The same policy around real Flask, Django, Bottle, Falcon, Pyramid and plain WSGI apps,
unchanged.

The apps are the ones in examples/: they contain no CORS code, the middleware does it all.
"""

from __future__ import annotations

import importlib
import inspect
import json
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware, CORSPolicy

from ..support.helpers import EXAMPLE_ORIGIN

ORIGIN = EXAMPLE_ORIGIN
EXAMPLES = ["plain_wsgi", "flask_app", "django_app", "bottle_app", "falcon_app", "pyramid_app"]


@pytest.fixture(params=EXAMPLES)
def example(request: pytest.FixtureRequest) -> Any:
    return importlib.import_module(f"examples.{request.param}")


@pytest.fixture
def api(example: Any) -> TestApp:
    # Flask's example wraps app.wsgi_app, the others the whole application.
    middleware = getattr(example.application, "wsgi_app", example.application)
    assert isinstance(middleware, CORSMiddleware)
    assert middleware.policy == example.policy
    return TestApp(example.application)


def test_flask_test_client_and_flask_run_go_through_the_middleware() -> None:
    """With app.wsgi_app wrapped, app.test_client() (and flask run) get CORS; wrapping the
    Flask object instead would leave both without it."""
    from examples.flask_app import app

    response = app.test_client().get("/api/items", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Expose-Headers"] == "X-Total-Count"


def test_django_test_client_bypasses_wsgi_py_so_test_through_webtest() -> None:
    """Django's test Client calls the handler, not wsgi.py's application: no CORS there. The
    README's advice, wrapping the application in WebTest, does go through cors_wsgi."""
    from django.test import Client

    from examples import django_app

    bypassed = Client().get("/api/items", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in bypassed.headers
    through = TestApp(django_app.application).get("/api/items", headers={"Origin": ORIGIN})
    assert through.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_examples_contain_no_cors_code_in_the_app(example: Any) -> None:
    source = inspect.getsource(example)
    app_part = source.split("policy = CORSPolicy(")[0]
    assert "Access-Control" not in app_part
    assert "OPTIONS" not in app_part


def test_simple_get(api: TestApp) -> None:
    response = api.get("/api/items", headers={"Origin": ORIGIN})
    assert response.status_int == 200
    assert json.loads(response.body) == [{"id": 1}, {"id": 2}]
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Expose-Headers"] == "X-Total-Count"
    assert "Origin" in response.headers["Vary"]


def test_preflight_then_json_post(api: TestApp) -> None:
    preflight = api.options(
        "/api/items",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization",
        },
    )
    assert preflight.status_int == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    response = api.post(
        "/api/items",
        params=json.dumps({"name": "x"}),
        headers={"Origin": ORIGIN, "Content-Type": "application/json"},
    )
    assert response.status_int == 201
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_put_and_delete(api: TestApp) -> None:
    for method in ("put", "delete"):
        response = getattr(api, method)("/api/items/7", headers={"Origin": ORIGIN})
        assert json.loads(response.body)["method"] == method.upper()
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_server_error_is_readable_cross_origin(api: TestApp) -> None:
    response = api.get("/api/error", headers={"Origin": ORIGIN}, expect_errors=True)
    assert response.status_int == 500
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_not_found_is_readable_cross_origin(api: TestApp) -> None:
    response = api.get("/nowhere", headers={"Origin": ORIGIN}, expect_errors=True)
    assert response.status_int == 404
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_refused_origin_and_preflight(api: TestApp) -> None:
    actual = api.get("/api/items", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in actual.headers
    preflight = api.options(
        "/api/items",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PATCH"},
        expect_errors=True,
    )
    assert preflight.status_int == 403
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_policy_object_is_reused_across_frameworks() -> None:
    policies = [importlib.import_module(f"examples.{name}").policy for name in EXAMPLES]
    assert all(isinstance(p, CORSPolicy) for p in policies)
    assert len(set(policies)) == 1  # the same policy, value for value


ASGI_EXAMPLES = ["fastapi_app", "starlette_app", "plain_asgi", "django_asgi"]


@pytest.mark.parametrize("name", ASGI_EXAMPLES)
def test_asgi_examples_share_the_policy_and_contain_no_cors_code(name: str) -> None:
    from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware

    module = importlib.import_module(f"examples.{name}")
    assert isinstance(module.app, ASGICORSMiddleware)
    assert module.app.policy == importlib.import_module("examples.plain_wsgi").policy
    app_part = inspect.getsource(module).split("policy = CORSPolicy(")[0]
    assert "Access-Control" not in app_part
    assert "OPTIONS" not in app_part
