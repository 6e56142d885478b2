"""A Django project moved from django-cors-headers to cors_wsgi.django (one import, INSTALLED_APPS
and MIDDLEWARE changed; tests/integration/django_project): its own CORS tests pass under
``manage.py test`` with a SQLite database file, ``manage.py check`` reports a bad setting, and
gunicorn (WSGI) and uvicorn (ASGI) serve it with the headers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.django_project import PROJECT_DIR, environment, manage
from ..support.servers import request, serve

pytest.importorskip("django")
pytest.importorskip("whitenoise")

ALLOWED = "https://app.example.com"


def test_the_project_s_own_cors_tests_pass_on_a_database_file(tmp_path: Path) -> None:
    result = manage(tmp_path, "test", "items", "--noinput", "-v", "2")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Ran 8 tests" in output and "OK" in output
    assert str(tmp_path / "test_db.sqlite3") in output  # a file, not :memory:
    assert "test_async_client_goes_through_the_middleware" in output


def test_manage_py_check_reports_the_cors_settings(tmp_path: Path) -> None:
    assert manage(tmp_path, "check").returncode == 0
    bad = manage(tmp_path, "check", CORS_ALLOWED_ORIGINS="app.example.com")
    assert bad.returncode == 1 and "cors_wsgi.E013" in bad.stderr, bad.stderr


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("django-project")
    result = manage(data, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    yield data


@pytest.mark.parametrize(
    ("server", "target"),
    [("gunicorn", "corsproject.wsgi:application"), ("uvicorn", "corsproject.asgi:application")],
)
def test_a_real_server_serves_the_project_with_the_headers(
    migrated: Path, server: str, target: str
) -> None:
    with serve(server, target, env=environment(migrated)) as base:
        created = request(base, "POST", "/api/items/", {"Origin": ALLOWED,
                          "Content-Type": "application/json"}, b'{"name": "served"}')  # fmt: skip
        listed = request(base, "GET", "/api/items/", {"Origin": ALLOWED})
        preflight = request(base, "OPTIONS", "/api/items/", {
            "Origin": ALLOWED, "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-api-key"})  # fmt: skip
        refused = request(base, "GET", "/api/items/", {"Origin": "https://evil.example"})
        static = request(base, "GET", "/static/app.js", {"Origin": ALLOWED})
    assert created[0] == 201 and created[1]["Access-Control-Allow-Origin"] == ALLOWED
    assert listed[0] == 200 and b"served" in listed[2]
    assert listed[1]["Access-Control-Expose-Headers"] == "X-Total-Count"
    assert preflight[0] == 200 and "x-api-key" in preflight[1]["Access-Control-Allow-Headers"]
    assert refused[1]["Access-Control-Allow-Origin"] is None and refused[1]["Vary"] == "Origin"
    assert static[0] == 200 and static[1]["Access-Control-Allow-Origin"] == ALLOWED


def test_migrate_reads_the_project_s_settings_as_the_middleware_does(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cors_wsgi", "migrate", "django", "corsproject.settings"],
        cwd=PROJECT_DIR, env=environment(tmp_path), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "[cors:re:(?:^/(api|static)/)(?s:.*)]" in result.stdout
    assert "x-api-key" in result.stdout and "allow_credentials = true" in result.stdout
