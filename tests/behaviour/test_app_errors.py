"""``handle_app_errors`` in-process, around the app the fault tests serve (tests/support/
faults_app.py): the exception before ``start_response`` becomes a 500 with CORS headers and one
log record; off by default; an error after ``start_response`` is never swallowed. The same app
behind real gunicorn is in tests/integration/test_faults.py."""

from __future__ import annotations

import logging

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware

from ..support.asgi_apps import request
from ..support.faults_app import ALLOWED_ORIGINS, POLICY, app

ORIGIN = ALLOWED_ORIGINS[0]


def test_handle_app_errors_logs_the_exception(caplog: pytest.LogCaptureFixture) -> None:
    client = TestApp(CORSMiddleware(app, POLICY, handle_app_errors=True))
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        response = client.get("/raise-early", headers={"Origin": ORIGIN}, status=500)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    (record,) = caplog.records
    assert "unhandled exception in the application for GET /raise-early" in record.getMessage()
    assert record.exc_info is not None and "before start_response" in str(record.exc_info[1])


def test_handle_app_errors_is_off_by_default_and_the_exception_propagates() -> None:
    client = TestApp(CORSMiddleware(app, POLICY))
    with pytest.raises(RuntimeError, match="before start_response"):
        client.get("/raise-early", headers={"Origin": ORIGIN})


def test_an_error_after_start_response_is_not_swallowed() -> None:
    client = TestApp(CORSMiddleware(app, POLICY, handle_app_errors=True))
    with pytest.raises(RuntimeError, match="mid-stream"):
        client.get("/raise-mid", headers={"Origin": ORIGIN})


def test_handle_app_errors_also_with_exposed_response_headers() -> None:
    policy = {"allow_origins": [ORIGIN], "allow_credentials": True, "expose_headers": "*"}
    client = TestApp(CORSMiddleware(app, policy, handle_app_errors=True))
    response = client.get("/raise-early", headers={"Origin": ORIGIN}, status=500)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Expose-Headers"] == "content-type, content-length"


@pytest.mark.parametrize(
    "policy",
    [POLICY, {"allow_origins": [ORIGIN], "allow_credentials": True, "expose_headers": "*"}],
)
def test_the_500_is_the_same_under_wsgi_and_asgi(policy: dict[str, object]) -> None:
    """The answer to an exception before the response started, header for header."""

    async def raising(scope: object, receive: object, send: object) -> None:
        raise RuntimeError("before http.response.start")

    logging.disable(logging.ERROR)
    try:
        wsgi = TestApp(CORSMiddleware(app, policy, handle_app_errors=True))
        response = wsgi.get("/raise-early", headers={"Origin": ORIGIN}, status=500)
        asgi = ASGICORSMiddleware(raising, policy, handle_app_errors=True)
        exchange = request(asgi, "GET", "/raise-early", {"Origin": ORIGIN})
    finally:
        logging.disable(logging.NOTSET)
    assert exchange.status == 500
    assert exchange.body == response.body
    assert sorted((n.lower(), v) for n, v in exchange.headers) == sorted(
        (n.lower(), v) for n, v in response.headerlist
    )
