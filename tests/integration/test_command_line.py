"""The installed commands run as processes (``python -m cors_wsgi`` and the ``cors-wsgi``
script): exit codes, one-line errors instead of tracebacks, and what ``migrate``, ``check`` and
``explain`` print. Their logic is tested in-process in tests/unit/."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cors_wsgi.routes import load_ini

from ..support.helpers import EVIL, PARTNER
from ..support.servers import PROJECT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m cors_wsgi ARGS`` from the checkout, with a timeout."""
    return subprocess.run([sys.executable, "-m", "cors_wsgi", *args], capture_output=True,
                          text=True, cwd=PROJECT, timeout=60)  # fmt: skip


def test_module_and_script_entry_points(tmp_path: Path) -> None:
    config = tmp_path / "cors.ini"
    config.write_text("[cors]\nallow_origins = https://app.example.com\n", encoding="utf-8")
    for command in (
        [sys.executable, "-m", "cors_wsgi"],
        [str(Path(sys.executable).parent / "cors-wsgi")],
    ):
        result = subprocess.run(
            [*command, "check", str(config)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert "valid" in result.stdout
    usage = subprocess.run(
        [sys.executable, "-m", "cors_wsgi"], capture_output=True, text=True, timeout=60
    )
    assert usage.returncode == 2


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("allow_origins = https://a.example\n", id="no section header"),
        pytest.param("[cors]\nallow_origins\n[cors]\n", id="duplicate section"),
        pytest.param(b"\xff\xfe\x00binary", id="binary"),
    ],
)
def test_malformed_file_is_a_problem_report_not_a_traceback(
    tmp_path: Path, content: str | bytes
) -> None:
    path = tmp_path / "broken.ini"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    for command in ("check", "explain"):
        args = [command, str(path)] + (
            ["--origin", "https://a.example"] if command == "explain" else []
        )
        result = subprocess.run(
            [sys.executable, "-m", "cors_wsgi", *args], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1, result  # a problem of the configuration (E029)
        assert "Traceback" not in result.stdout + result.stderr
        assert "E029" in result.stdout or command == "explain"  # explain lists no codes
        assert str(path) in result.stdout


def test_version() -> None:
    from cors_wsgi import __version__

    result = subprocess.run(
        [sys.executable, "-m", "cors_wsgi", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.strip().endswith(__version__)


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["flask-cors", "{'origins': ['https://app.example.com'], 'supports_credentials': True}"],
         0, "allow_credentials = true"),
        (["starlette", "{'allow_origins': ['*'], 'allow_credentials': True}"], 1, "# UNSAFE:"),
        (["django", "{'CORS_ALLOWED_ORIGINS': ['https://app.example.com'], "
                    "'CORS_URLS_REGEX': '^/api/'}"], 0, "[cors:re:(?:^/api/)(?s:.*)]"),
        (["flask-cors", "not.a.module:x"], 2, "cannot import"),
    ],
)  # fmt: skip
def test_the_command_prints_an_ini_section(args: list[str], code: int, expected: str) -> None:
    result = run("migrate", *args)
    assert result.returncode == code, result.stderr
    assert expected in result.stdout


def test_the_printed_ini_loads_as_the_same_policy(tmp_path: Path) -> None:
    ini = tmp_path / "wsgicors.ini"
    ini.write_text("[filter:cors]\nuse = egg:wsgicors#middleware\npolicy = web\n"
                   "web_origin = https://app.example.com https://*.example.org\n"
                   "web_methods = GET, PUT\nweb_headers = *\nweb_maxage = 600\n")  # fmt: skip
    result = run("migrate", "wsgicors", str(ini))
    assert result.returncode == 0, result.stderr
    migrated = tmp_path / "cors.ini"
    migrated.write_text(result.stdout)
    policy = load_ini(migrated)
    assert not isinstance(policy, list)
    assert policy.origin_allowed("https://shop.example.org")
    assert not policy.origin_allowed("https://a.b.example.org.evil.example")
    assert re.search(r"glob .* became the regex", result.stdout)


def test_check_shows_the_function_and_explain_asks_it(tmp_path: Path) -> None:
    ini = tmp_path / "cors.ini"
    ini.write_text("[cors]\nallow_origins = https://app.example.com\n"
                   "allow_origin_func = tests.support.origin_funcs:is_partner\n"
                   "origin_func_cache_seconds = 30\n")  # fmt: skip

    checked = run("check", str(ini))
    assert checked.returncode == 0, checked.stdout
    assert "allow_origin_func = tests.support.origin_funcs:is_partner" in checked.stdout
    assert "origin_func_cache_seconds = 30" in checked.stdout
    assert "cannot be checked offline" in checked.stdout
    allowed = run("explain", str(ini), "--origin", PARTNER)
    assert allowed.returncode == 0 and "browser: allowed" in allowed.stdout
    refused = run("explain", str(ini), "--origin", EVIL)
    assert refused.returncode == 1
    assert "or let tests.support.origin_funcs:is_partner allow it" in refused.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", "examples/cors.ini", "--section", "filter:cors", "--json"],
        ["check", "examples/cors.ini", "--section", "filter:cors"],
        ["explain", "examples/cors.ini", "--section", "filter:cors", "--origin",
         "http://localhost:3000", "--json"],
    ],
)  # fmt: skip
def test_a_reader_that_stops_early_gets_no_traceback(args: list[str]) -> None:
    # | head -1 through a real shell pipe: head may exit before or after the write.
    command = " ".join([sys.executable, "-m", "cors_wsgi", *args, "| head -1"])
    piped = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=PROJECT,
                           timeout=60)  # fmt: skip
    assert piped.stderr == ""
    assert len(piped.stdout.splitlines()) == 1
    # The reader gone before the first write: always a broken pipe, still quiet.
    process = subprocess.Popen([sys.executable, "-m", "cors_wsgi", *args], cwd=PROJECT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    try:
        errors = process.stderr.read().decode()
    finally:
        process.wait(timeout=60)
        process.stderr.close()
    assert errors == ""
    assert process.returncode == 1


def test_usage_names_the_command_as_it_was_run() -> None:
    for command, name in (
        ([str(Path(sys.executable).parent / "cors-wsgi")], "cors-wsgi"),
        ([sys.executable, "-m", "cors_wsgi"], "python -m cors_wsgi"),
    ):
        result = subprocess.run([*command, "check"], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2
        assert result.stderr.startswith(f"usage: {name} check"), result.stderr


def test_check_the_demo_ini_with_its_global() -> None:
    result = run("check", "examples/demo/api.ini", "--section", "filter:cors",
                 "--global", "page_origin=http://127.0.0.1:8001")  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert "allow_origins = http://127.0.0.1:8001" in result.stdout
