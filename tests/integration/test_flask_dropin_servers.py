"""examples/flask_dropin.py (flask-cors's API, served by ``cors_wsgi.flask``) behind real
servers on 127.0.0.1: gunicorn, Werkzeug's dev server, and ``flask run`` itself. Every example's
checks, plus the drop-in's own layers: the blueprint's credentials, the public
``@cross_origin`` view, Flask's abort(404) page."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from ..support.example_checks import check_example
from ..support.helpers import EVIL, EXAMPLE_ORIGIN
from ..support.servers import PROJECT, free_port, request, serve, stop, wait_for_port

TARGET = "examples.flask_dropin:application"


@contextmanager
def flask_run() -> Iterator[str]:
    """``flask --app examples.flask_dropin run`` on a free port of 127.0.0.1."""
    port = free_port()
    command = [sys.executable, "-m", "flask", "--app", "examples.flask_dropin", "run",
               "--host", "127.0.0.1", "--port", str(port), "--no-reload"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=PROJECT, env=dict(os.environ), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@contextmanager
def served(server: str) -> Iterator[str]:
    if server == "flask run":
        with flask_run() as url:
            yield url
        return
    with serve(server, TARGET) as url:
        yield url


@pytest.mark.parametrize("server", ["gunicorn", "werkzeug", "flask run"])
def test_the_flask_drop_in_example_behind_a_real_server(server: str) -> None:
    with served(server) as url:
        check_example(url)
        status, headers, _ = request(
            url, "OPTIONS", "/api/items/7",
            {"Origin": EXAMPLE_ORIGIN, "Access-Control-Request-Method": "DELETE"},
        )  # fmt: skip
        assert status == 200 and headers["Access-Control-Allow-Credentials"] == "true"
        status, headers, _ = request(url, "GET", "/api/status", {"Origin": EVIL})
        assert (status, headers["Access-Control-Allow-Origin"]) == (200, "*")
        status, headers, _ = request(url, "GET", "/api/items/gone", {"Origin": EXAMPLE_ORIGIN})
        assert (status, headers["Access-Control-Allow-Origin"]) == (404, EXAMPLE_ORIGIN)
        status, headers, _ = request(
            url, "OPTIONS", "/api/items/7", {"Origin": EVIL, "Access-Control-Request-Method": "PUT"}
        )
        assert status == 403 and "Access-Control-Allow-Origin" not in headers
