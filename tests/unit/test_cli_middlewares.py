"""``check`` and ``explain`` accept any configuration a user has: a policy, a dict, an INI file,
or a WSGI or ASGI middleware named as ``module:attribute``."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.cli import run_json

MODULE = """
from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGIMiddleware

OPTIONS = {"allow_origins": ["https://app.example.com"], "allow_methods": ["GET", "PUT"]}
POLICY = CORSPolicy(**OPTIONS)


def wsgi_app(environ, start_response):
    start_response("200 OK", [])
    return [b""]


async def asgi_app(scope, receive, send):
    pass


wsgi = CORSMiddleware(wsgi_app, OPTIONS)
asgi = ASGIMiddleware(asgi_app, OPTIONS)
asgi_routes = ASGIMiddleware(asgi_app, [("/api/*", OPTIONS)])
"""
SPECS = ["cli_configs:POLICY", "cli_configs:OPTIONS", "cli_configs:wsgi", "cli_configs:asgi"]


@pytest.fixture(autouse=True)
def configs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "cli_configs.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the CLI imports module:attribute from the current directory
    importlib.invalidate_caches()  # another test's "." may be remembered with its listing
    yield
    sys.modules.pop("cli_configs", None)


@pytest.mark.parametrize("spec", SPECS)
def test_check_accepts_every_kind_of_configuration(spec: str) -> None:
    code, report = run_json("check", spec)
    assert code == 0, report
    assert "https://app.example.com" in json.dumps(report)


@pytest.mark.parametrize("spec", SPECS)
def test_explain_accepts_every_kind_of_configuration(spec: str) -> None:
    allowed, report = run_json(
        "explain", spec, "--origin", "https://app.example.com", "--method", "PUT"
    )
    assert allowed == 0, report
    refused, _ = run_json("explain", spec, "--origin", "https://evil.example", "--method", "PUT")
    assert refused == 1


def test_explain_reads_the_routes_of_an_asgi_middleware() -> None:
    governed, _ = run_json("explain", "cli_configs:asgi_routes", "--origin", "https://app.example.com",
                      "--path", "/api/x")  # fmt: skip
    assert governed == 0
    ungoverned, _ = run_json("explain", "cli_configs:asgi_routes", "--origin", "https://app.example.com",
                        "--path", "/other")  # fmt: skip
    assert ungoverned == 1
