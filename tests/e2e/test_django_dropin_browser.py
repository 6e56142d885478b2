"""A browser on one origin uses the Django project moved to cors_wsgi.django
(tests/integration/django_project), served on another: under gunicorn (WSGI) and uvicorn
(ASGI), Chromium reads what the project allows and is refused what it does not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.django_project import environment, manage
from ..support.servers import serve
from .conftest import fetch_from, localhost
from .engines import Chromium

pytest.importorskip("django")
pytest.importorskip("whitenoise")


@pytest.fixture(scope="module", params=[("gunicorn", "corsproject.wsgi:application"),
                                        ("uvicorn", "corsproject.asgi:application")],
                ids=["gunicorn", "uvicorn"])  # fmt: skip
def django_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, page_origin: str
) -> Iterator[str]:
    """The project on http://localhost:C, allowing the page's origin (with credentials)."""
    server, target = request.param
    data: Path = tmp_path_factory.mktemp("django-project")
    migrated = manage(data, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    with serve(server, target, environment(data, CORS_ALLOWED_ORIGINS=page_origin)) as url:
        yield localhost(url)


def test_the_page_writes_and_reads_through_the_django_project(
    shared_chromium: Chromium, page_server: None, page_origin: str, django_api: str
) -> None:
    created = fetch_from(shared_chromium, page_origin, django_api + "/api/items/", method="POST",
                    body='{"name": "from the page"}', credentials="include",
                    headers={"Content-Type": "application/json", "X-Api-Key": "k"})  # fmt: skip
    assert created["ok"] and created["status"] == 201, created
    listed = fetch_from(
        shared_chromium, page_origin, django_api + "/api/items/", credentials="include"
    )
    assert listed["ok"] and "from the page" in listed["body"], listed
    assert listed["headers"]["x-total-count"] == "1"  # exposed by CORS_EXPOSE_HEADERS
    static = fetch_from(shared_chromium, page_origin, django_api + "/static/app.js")
    assert static["ok"] and "served by WhiteNoise" in static["body"], static


def test_another_origin_is_refused_by_the_browser(
    shared_chromium: Chromium, page_server: None, other_origin: str, django_api: str
) -> None:
    read = fetch_from(shared_chromium, other_origin, django_api + "/api/items/")
    assert not read["ok"] and "TypeError" in read["error"], read
    write = fetch_from(shared_chromium, other_origin, django_api + "/api/items/", method="PUT",
                  body="{}", headers={"Content-Type": "application/json"})  # fmt: skip
    assert not write["ok"], write
