"""The FastAPI example that uses Starlette's keywords (examples/fastapi_dropin.py), tested as
its users test it: Starlette's TestClient and FastAPI's ``dependency_overrides``; and
``migrate starlette module:app`` reading an app's ``add_middleware`` entry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from cors_wsgi import CORSPolicy
from cors_wsgi.asgi import CORSMiddleware
from cors_wsgi.migrate import PEERS
from examples import fastapi_dropin

from ..support import starlette_apps
from ..support.cli import run
from ..support.helpers import ALLOWED, EVIL, EXAMPLE_ORIGIN


@pytest.fixture
def client() -> Iterator[TestClient]:
    store = fastapi_dropin.Store([{"id": 1}])
    fastapi_dropin.app.dependency_overrides[fastapi_dropin.get_store] = lambda: store
    fastapi_dropin.app.dependency_overrides[fastapi_dropin.current_user] = lambda: "tester"
    try:
        with TestClient(fastapi_dropin.app) as client:
            yield client
    finally:
        fastapi_dropin.app.dependency_overrides.clear()


def test_a_cross_origin_write_with_credentials_reaches_the_overridden_dependencies(
    client: TestClient,
) -> None:
    preflight = client.options("/api/items", headers={
        "Origin": EXAMPLE_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"})  # fmt: skip
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == EXAMPLE_ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert preflight.headers["access-control-allow-headers"] == "content-type, authorization"
    created = client.post("/api/items", json={"name": "x"}, headers={"Origin": EXAMPLE_ORIGIN})
    assert created.status_code == 201
    assert created.json() == {"id": 2, "name": "x", "by": "tester"}
    assert created.headers["access-control-allow-origin"] == EXAMPLE_ORIGIN
    listed = client.get("/api/items", headers={"Origin": EXAMPLE_ORIGIN})
    assert listed.headers["x-total-count"] == "2"
    assert listed.headers["access-control-expose-headers"] == "X-Total-Count"


def test_a_refused_origin_gets_no_cors_headers_and_the_override_still_answers(
    client: TestClient,
) -> None:
    refused = client.get("/api/items", headers={"Origin": EVIL})
    assert refused.status_code == 200 and refused.json() == [{"id": 1}]
    assert "access-control-allow-origin" not in refused.headers
    assert "Origin" in refused.headers["vary"]
    preflight = client.options("/api/items/1", headers={
        "Origin": EVIL, "Access-Control-Request-Method": "DELETE"})  # fmt: skip
    assert preflight.status_code == 403


def test_without_the_override_the_real_dependency_refuses_an_anonymous_write() -> None:
    with TestClient(fastapi_dropin.app) as client:
        answer = client.delete("/api/items/1", headers={"Origin": EXAMPLE_ORIGIN})
    assert answer.status_code == 401  # FastAPI's own answer, with the CORS headers
    assert answer.headers["access-control-allow-origin"] == EXAMPLE_ORIGIN


# -- migrate starlette module:app -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("tests.support.starlette_apps:app", {
            "allow_origins": [ALLOWED], "allow_credentials": True, "allow_headers": "*",
            "expose_headers": ["X-Total-Count"], "max_age": 3600,
            "allow_methods": ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
                              "QUERY"]}),
        ("tests.support.starlette_apps:starlette_app", {
            "allow_origins": [], "allow_origin_regex": [r"https://.*\.example\.org"],
            "allow_methods": ["GET"], "allow_headers": [], "allow_credentials": False,
            "max_age": 600}),
        ("examples.fastapi_dropin:app", {
            "allow_origins": [EXAMPLE_ORIGIN], "allow_credentials": True, "allow_headers": "*",
            "expose_headers": ["X-Total-Count"], "max_age": 600,
            "allow_methods": ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
                              "QUERY"]}),
    ],
)  # fmt: skip
def test_migrate_reads_the_apps_add_middleware_entry(
    target: str, expected: dict[str, object]
) -> None:
    code, printed = run("migrate", "starlette", target)
    assert code == 0, printed
    module, _, name = target.partition(":")
    app = {
        "tests.support.starlette_apps": starlette_apps,
        "examples.fastapi_dropin": fastapi_dropin,
    }[module]
    migration = PEERS["starlette"].translate(PEERS["starlette"].config_of(getattr(app, name)))
    assert migration.options == expected
    assert "[cors]" in printed and "allow_credentials = " in printed
    # What the app's own middleware decides, migrate's output decides.
    served = getattr(app, name)
    entry = next(m for m in served.user_middleware if m.cls.__name__ == "CORSMiddleware")
    assert CORSMiddleware(served, **entry.kwargs).policy == CORSPolicy(**migration.options)


def test_migrate_says_what_is_unsafe_and_what_is_missing() -> None:
    code, printed = run("migrate", "starlette", "tests.support.starlette_apps:unsafe_app")
    assert code == 1 and "# UNSAFE:" in printed
    with pytest.raises(TypeError, match="has no CORSMiddleware"):
        PEERS["starlette"].config_of(starlette_apps.bare_app)
    with pytest.raises(TypeError, match="expected a Starlette or FastAPI app or a dict"):
        PEERS["starlette"].config_of(42)
