"""The PasteDeploy filter (egg:cors_wsgi#cors) loaded from a real INI file."""

from __future__ import annotations

from pathlib import Path

import pytest
from paste.deploy import loadapp
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware

from ..support.helpers import EXAMPLE_ORIGIN
from ..support.servers import PROJECT

EXAMPLE_INI = PROJECT / "examples" / "cors.ini"


def test_example_pipeline() -> None:
    app = loadapp(f"config:{EXAMPLE_INI}")
    assert isinstance(app, CORSMiddleware)
    client = TestApp(app)
    response = client.get("/api/items", headers={"Origin": "https://shop.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://shop.example.org"
    assert response.headers["Access-Control-Expose-Headers"] == "X-Total-Count"
    preflight = client.options(
        "/api/items/1",
        headers={
            "Origin": EXAMPLE_ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_int == 200
    assert preflight.headers["Access-Control-Max-Age"] == "600"


def test_webtest_config_uri() -> None:
    response = TestApp(f"config:{EXAMPLE_INI}").get(
        "/api/items", headers={"Origin": EXAMPLE_ORIGIN}
    )
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


def write_ini(tmp_path: Path, filter_body: str) -> Path:
    path = tmp_path / "app.ini"
    path.write_text(
        f"""
[DEFAULT]
debug = true

[pipeline:main]
pipeline = cors myapp

[filter:cors]
use = egg:cors_wsgi#cors
{filter_body}

[app:myapp]
use = call:examples.paste_app:app_factory
""",
        encoding="utf-8",
    )
    return path


def test_typo_in_filter_section_fails_at_load_time(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "allow_orgins = https://a.example")
    with pytest.raises(ConfigError, match=r"allow_orgins.*did you mean allow_origins"):
        loadapp(f"config:{path}")


def test_default_section_values_are_not_taken_as_options(tmp_path: Path) -> None:
    """[DEFAULT] keys such as debug belong to the whole file, not to the filter."""
    path = write_ini(tmp_path, "allow_origins = https://a.example")
    app = TestApp(loadapp(f"config:{path}"))
    assert (
        app.get("/api/items", headers={"Origin": "https://a.example"}).headers[
            "Access-Control-Allow-Origin"
        ]
        == "https://a.example"
    )


def test_bad_boolean_in_filter_section(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "allow_origins = https://a.example\nallow_credentials = sure")
    with pytest.raises(ConfigError, match="allow_credentials = 'sure'"):
        loadapp(f"config:{path}")
