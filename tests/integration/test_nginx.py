"""A real nginx in front of gunicorn serving the Flask example (cors_wsgi inside): what
docs/howto/proxies.md warns about. nginx's add_header on top of cors_wsgi duplicates
Access-Control-Allow-Origin; proxy_hide_header leaves nginx's alone; a plain proxy_pass
passes cors_wsgi's through; without "always" a 500 loses nginx's. Skipped where nginx is not installed (Debian: nginx-light)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ..support.example_checks import ORIGIN
from ..support.helpers import EVIL
from ..support.servers import free_port, gunicorn, request, stop, wait_for_port

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
INSTALL = "nginx is not installed (apt-get install nginx-light)"
# Skipped where nginx is absent, except in CI, where .ci/run installs it: there it must run.
pytestmark = pytest.mark.skipif(NGINX is None and not os.environ.get("CI"), reason=INSTALL)


@pytest.fixture(autouse=True)
def nginx_installed() -> None:
    assert NGINX is not None, INSTALL


ADD = f'add_header Access-Control-Allow-Origin "{ORIGIN}" always;'
HIDE = "proxy_hide_header Access-Control-Allow-Origin;"
ADD_NOT_ALWAYS = ADD.removesuffix(" always;") + ";"


@contextmanager
def nginx(upstream: str, directives: str, tmp_path: Path) -> Iterator[str]:
    """nginx on 127.0.0.1 proxying to *upstream*, with *directives* in its location; one
    process (master_process off), logs to stderr, every path under *tmp_path*."""
    assert NGINX is not None
    port = free_port()
    temp = {name: tmp_path / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp["client"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass {upstream};
            {directives}
        }}
    }}
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-e", "stderr", "-p", str(tmp_path), "-c", str(config)],
        env=os.environ.copy(),
        start_new_session=True,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.mark.parametrize(
    ("directives", "allowed", "refused", "on_500"),
    [
        # cors_wsgi owns CORS, nginx only proxies: one header, none for a refused origin
        pytest.param("", [ORIGIN], [], [ORIGIN], id="proxy_pass only"),
        # both add it: two values, which browsers refuse; the refused origin gets nginx's
        pytest.param(
            ADD, [ORIGIN, ORIGIN], [ORIGIN], [ORIGIN, ORIGIN], id="add_header on top of cors_wsgi"
        ),
        # nginx owns CORS and hides the upstream's copy: nginx's one, whatever the origin
        pytest.param(
            f"{HIDE}\n{ADD}", [ORIGIN], [ORIGIN], [ORIGIN], id="proxy_hide_header + add_header"
        ),
        # without "always", nginx adds nothing to the 500: the frontend sees a CORS error
        pytest.param(
            f"{HIDE}\n{ADD_NOT_ALWAYS}", [ORIGIN], [ORIGIN], [], id="add_header without always"
        ),
    ],
)
def test_allow_origin_headers_through_nginx(
    directives: str, allowed: list[str], refused: list[str], on_500: list[str], tmp_path: Path
) -> None:
    with (
        gunicorn(["examples.flask_app:application"]) as upstream,
        nginx(upstream, directives, tmp_path) as url,
    ):
        status, headers, _ = request(url, "GET", "/api/items", {"Origin": ORIGIN})
        assert status == 200
        assert (headers.get_all("Access-Control-Allow-Origin") or []) == allowed
        status, headers, _ = request(url, "GET", "/api/items", {"Origin": EVIL})
        assert status == 200
        assert (headers.get_all("Access-Control-Allow-Origin") or []) == refused
        status, headers, _ = request(url, "GET", "/api/error", {"Origin": ORIGIN})
        assert status == 500
        assert (headers.get_all("Access-Control-Allow-Origin") or []) == on_500
