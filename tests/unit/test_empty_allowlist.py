"""A configuration that allows no origin at all is not silent: building a middleware logs a
WARNING naming its paths, and ``check`` exits 1 with W012. Per-path policies that leave some
paths empty beside others that allow origins are deliberate and stay quiet."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGIMiddleware
from cors_wsgi.cli import main
from cors_wsgi.lint import nothing_allowed_anywhere


def wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    return []


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    return None


ALLOWS = {"allow_origins": "https://a.example"}
# (configuration, the paths the warning names, or None when no warning)
CASES: list[tuple[str, Any, list[str] | None]] = [
    ("empty dict", {}, ["/*"]),
    ("empty policy", CORSPolicy(), ["/*"]),
    ("blank origins (unset variable)", {"allow_origins": ""}, ["/*"]),
    ("origins", ALLOWS, None),
    ("regex only", {"allow_origin_regex": r"https://a\.example"}, None),
    ("function only", {"allow_origin_func": "tests.support.origin_funcs:is_partner"}, None),
    ("every path empty", [("/api/*", {}), ("/*", {"allow_origins": ""})], ["/api/*", "/*"]),
    ("one path deliberately empty", [("/admin/*", {}), ("/*", ALLOWS)], None),
]


@pytest.mark.parametrize("middleware", ["wsgi", "asgi"])
@pytest.mark.parametrize(("config", "paths"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_building_a_middleware_warns_once(
    middleware: str, config: Any, paths: list[str] | None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        if middleware == "wsgi":
            CORSMiddleware(wsgi_app, config)
        else:
            ASGIMiddleware(asgi_app, config)
    warnings = [r for r in caplog.records if r.name == "cors_wsgi" and r.levelno == logging.WARNING]
    if paths is None:
        assert warnings == []
        return
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "W012" in message
    assert "no origin" in message
    for path in paths:
        assert path in message


@pytest.mark.parametrize(("config", "paths"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_rule_itself(config: Any, paths: list[str] | None) -> None:
    middleware = CORSMiddleware(wsgi_app, config)
    problem = nothing_allowed_anywhere(middleware.decider.path_policies())
    assert (problem is None) == (paths is None)
    if problem is not None:
        assert problem.code == "W012"
        assert problem.severity == "warning"


INI: list[tuple[str, str, int]] = [
    ("[cors]\nallow_origins =\n", "W012", 1),
    ("[cors]\nallow_methods = GET\n", "W012", 1),
    ("[cors:/api/*]\n\n[cors:/*]\nallow_origins =\n", "W012", 1),
    ("[cors:/admin/*]\n\n[cors:/*]\nallow_origins = https://a.example\n", "W002", 0),
    ("[cors]\nallow_origins = https://a.example\n", "", 0),
]


@pytest.mark.parametrize(("text", "code", "exit_code"), INI)
def test_check_exits_1_when_nothing_is_allowed(
    text: str, code: str, exit_code: int, tmp_path: Path
) -> None:
    path = tmp_path / "cors.ini"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    assert main(["check", str(path)], out=out) == exit_code
    if code:
        assert code in out.getvalue()
    if code == "W012":
        assert "environment variable" in out.getvalue()


# -- check names each per-path policy's pattern, even a single one ---------------------------------

PATTERNS: list[tuple[str, list[str]]] = [
    ("[cors:/api/*]\nallow_origins = https://a.example\n", ["[cors:/api/*]"]),
    (
        "[cors:/api/*]\nallow_origins = https://a.example\n\n[cors:/*]\nallow_origins = *\n",
        ["[cors:/api/*]", "[cors:/*]"],
    ),
]


@pytest.mark.parametrize(("text", "headers"), PATTERNS)
def test_check_shows_each_path_pattern(text: str, headers: list[str], tmp_path: Path) -> None:
    path = tmp_path / "cors.ini"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    assert main(["check", str(path)], out=out) == 0
    shown = [line for line in out.getvalue().splitlines() if line.startswith("[")]
    assert shown == headers
