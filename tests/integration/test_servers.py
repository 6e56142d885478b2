"""Every example (Flask, Django, Bottle, Falcon, Pyramid, plain WSGI) served by real gunicorn,
waitress, uWSGI and the Werkzeug dev server on 127.0.0.1 answers a preflight and an actual
request; preflight answers keep the connection open wherever the server keeps any open;
handle_app_errors' 500 arrives whole everywhere."""

from __future__ import annotations

import pytest

from ..support.example_checks import PREFLIGHT, check_example
from ..support.servers import SERVERS, gunicorn, keeps_connection_open, request, serve

TARGETS = [
    pytest.param(["examples.plain_wsgi:application"], id="plain WSGI"),
    pytest.param(["examples.flask_app:application"], id="Flask"),
    pytest.param(["examples.django_app:application"], id="Django"),
    pytest.param(["examples.bottle_app:application"], id="Bottle"),
    pytest.param(["examples.falcon_app:application"], id="Falcon"),
    pytest.param(["examples.pyramid_app:application"], id="Pyramid"),
    pytest.param(["--paste", "examples/cors.ini"], id="PasteDeploy INI"),
]


EXAMPLES = ["plain_wsgi", "flask_app", "django_app", "bottle_app", "falcon_app", "pyramid_app"]
#: Measured: Werkzeug 3.1's dev server sends "Connection: close" on every response ("Always
#: close the connection", werkzeug/serving.py); the others keep a connection open after a
#: 200 with Content-Length: 0, and waitress and uWSGI's router close it after a 204.
KEEPS_CONNECTIONS = {"gunicorn": True, "waitress": True, "uwsgi": True, "werkzeug": False}


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_behind_each_server(server: str, example: str) -> None:
    with serve(server, f"examples.{example}:application") as url:
        check_example(url)
        assert (
            keeps_connection_open(url, "OPTIONS", "/api/items/7", PREFLIGHT)
            is (KEEPS_CONNECTIONS[server])
        )


@pytest.mark.parametrize("server", SERVERS)
def test_handle_app_errors_500_arrives_with_its_body(server: str) -> None:
    """uWSGI drops the body when a first start_response gets exc_info; none is passed."""
    env = {"FAULTS_HANDLE_ERRORS": "1"}
    with serve(server, "tests.support.faults_app:application", env) as url:
        origin = "https://app1.example.com"
        status, headers, body = request(url, "GET", "/raise-early", {"Origin": origin})
    assert status == 500
    assert headers["Access-Control-Allow-Origin"] == origin
    assert body == b"Internal Server Error"


@pytest.mark.parametrize("target", TARGETS)
def test_example_behind_gunicorn(target: list[str]) -> None:
    with gunicorn(target) as url:
        check_example(url)
