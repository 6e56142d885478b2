"""Starlette's keywords on cors_wsgi's ASGI middleware, outside the process: the FastAPI example
that uses them (examples/fastapi_dropin.py) served by a real uvicorn on 127.0.0.1, and mypy
--strict on a FastAPI snippet (``add_middleware`` with Starlette's keywords type-checks; a
misspelt keyword is flagged, by name, with the closest)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..support.helpers import EVIL
from ..support.servers import PROJECT, free_port, request, serve

PAGE = "http://127.0.0.1:3999"
GOOD = """\
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware

from cors_wsgi.asgi import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
    allow_origin_regex=r"https://.*\\.example\\.org",
    expose_headers=["X-Total-Count"],
    max_age=600,
    allow_private_network=False,
)
other = Starlette(middleware=[Middleware(CORSMiddleware, allow_origins=["https://a.example"])])
"""
MISSPELT = """\
from fastapi import FastAPI

from cors_wsgi.asgi import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origin=["https://app.example.com"])
"""
WRONG_TYPE = """\
from fastapi import FastAPI

from cors_wsgi.asgi import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], max_age=[600])
"""


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module's runs: the second and third check only the snippet."""
    return tmp_path_factory.mktemp("mypy-cache")


def mypy(tmp_path: Path, source: str, cache: Path) -> tuple[int, str]:
    api = pytest.importorskip("mypy.api")
    snippet = tmp_path / "main.py"
    snippet.write_text(source, encoding="utf-8")
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = true\npython_version = 3.10\n", encoding="utf-8")
    out, err, code = api.run(
        ["--config-file", str(config), "--cache-dir", str(cache), str(snippet)]
    )
    return code, out + err


def test_mypy_accepts_add_middleware_with_starlettes_keywords(
    tmp_path: Path, mypy_cache: Path
) -> None:
    code, output = mypy(tmp_path, GOOD, mypy_cache)
    assert code == 0, output


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        (MISSPELT, 'Unexpected keyword argument "allow_origin"'),
        (WRONG_TYPE, '"max_age"'),
    ],
)
def test_mypy_flags_a_misspelt_or_mistyped_keyword(
    tmp_path: Path, mypy_cache: Path, source: str, flagged: str
) -> None:
    code, output = mypy(tmp_path, source, mypy_cache)
    assert code == 1, output
    assert flagged in output and "main.py:6" in output
    if source is MISSPELT:
        assert 'did you mean "allow_origins"' in output


def test_the_fastapi_example_served_by_uvicorn() -> None:
    env = {"CORS_ALLOW_ORIGINS": f"{PAGE},http://localhost:3000"}
    with serve("uvicorn", "examples.fastapi_dropin:app", env) as url:
        status, headers, body = request(url, "OPTIONS", "/api/items", {
            "Origin": PAGE, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})  # fmt: skip
        assert (status, body) == (200, b"")
        assert headers["Access-Control-Allow-Origin"] == PAGE
        assert headers["Access-Control-Allow-Credentials"] == "true"
        assert headers["Access-Control-Allow-Headers"] == "authorization, content-type"
        assert headers["Access-Control-Max-Age"] == "600"
        write = {"Origin": PAGE, "Content-Type": "application/json"}
        status, headers, body = request(url, "POST", "/api/items", write, b'{"name": "x"}')
        assert status == 401  # the real dependency: no token
        assert headers["Access-Control-Allow-Origin"] == PAGE
        authorised = {**write, "Authorization": "Bearer demo-token"}
        status, headers, body = request(url, "POST", "/api/items", authorised, b'{"name": "x"}')
        assert status == 201 and json.loads(body)["by"] == "demo"
        status, headers, _ = request(url, "GET", "/api/items", {"Origin": PAGE})
        assert headers["X-Total-Count"] == "3"
        assert headers["Access-Control-Expose-Headers"] == "X-Total-Count"
        status, headers, _ = request(url, "GET", "/api/items", {"Origin": EVIL})
        assert status == 200 and "Access-Control-Allow-Origin" not in headers
        status, _, _ = request(url, "OPTIONS", "/api/items/1", {
            "Origin": EVIL, "Access-Control-Request-Method": "DELETE"})  # fmt: skip
        assert status == 403


def test_a_misspelt_keyword_stops_uvicorn_at_start_up_naming_the_option() -> None:
    """Starlette builds its middleware when the lifespan starts: with ``--lifespan on`` uvicorn
    stops there, the error naming the option and the closest one. (Under the default ``auto``
    uvicorn takes a failed lifespan for a missing one, and each request is answered 500 with the
    same error logged.)"""
    command = [
        sys.executable, "-m", "uvicorn", "tests.support.starlette_apps:misspelt_app",
        "--host", "127.0.0.1", "--port", str(free_port()), "--lifespan", "on",
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 3, result.stderr
    assert "allow_origin = ['https://app.example.com']: unknown option" in result.stderr
    assert "did you mean allow_origins?" in result.stderr
    assert "Application startup failed" in result.stderr
