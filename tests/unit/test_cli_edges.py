"""The command line's rough edges for operators, in-process: --global values for a PasteDeploy
INI, explain on per-path policies without --path, line numbers of an invalid INI, the program
name in usage. (Pipes and the console script run as processes in
tests/integration/test_command_line.py.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cors_wsgi.cli import main

from ..support.cli import run
from ..support.servers import PROJECT

DEMO = str(PROJECT / "examples" / "demo" / "api.ini")
PAGE = "http://127.0.0.1:8001"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "c.ini"
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- --global --------------------------------------------------------------------------------------

# (arguments after the command, exit code, a fragment of the output)
GLOBALS: list[tuple[list[str], int, str]] = [
    (["check", DEMO, "--section", "filter:cors", "--global", f"page_origin={PAGE}"], 0,
     f"allow_origins = {PAGE}"),
    (["check", DEMO, "--section", "filter:cors"], 1, "--global name=value"),
    (["check", DEMO, "--section", "filter:cors", "--global", "other=1"], 1,
     "%(page_origin)s names no global value; give it with --global page_origin=VALUE"),
    (["check", DEMO, "--section", "filter:cors", "--global", "page_origin"], 2,
     "--global 'page_origin': write NAME=VALUE"),
    (["explain", DEMO, "--section", "filter:cors", "--global", f"page_origin={PAGE}",
      "--origin", PAGE, "--credentials"], 0, "browser: allowed"),
    (["explain", DEMO, "--section", "filter:cors", "--global", f"page_origin={PAGE}",
      "--origin", "http://127.0.0.1:8002"], 1, "browser: BLOCKED"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "code", "fragment"), GLOBALS)
def test_global_values_fill_a_paste_deploy_ini(argv: list[str], code: int, fragment: str) -> None:
    exit_code, text = run(*argv)
    assert exit_code == code, text
    assert fragment in text


@pytest.mark.parametrize(
    ("text", "globals_", "expected"),
    [
        ("[cors]\nallow_origins = %(a)s, %(b)s\n", ["a=https://a.example", "b=https://b.example"],
         "allow_origins = https://a.example, https://b.example"),
        ("[cors]\nallow_origins = https://a.example\nallow_headers = X-%%\n", [], "X-%"),
    ],
)  # fmt: skip
def test_several_globals_and_escaped_percent(
    tmp_path: Path, text: str, globals_: list[str], expected: str
) -> None:
    args = [item for value in globals_ or ["unused=1"] for item in ("--global", value)]
    code, out = run("check", write(tmp_path, text), *args)
    assert code == 0, out
    assert expected in out


# -- explain on per-path policies ------------------------------------------------------------------

PER_PATH = "[cors:/api/*]\nallow_origins = https://a.example\n\n[cors:/*]\nallow_origins = *\n"


@pytest.mark.parametrize(
    ("path", "code", "fragment"),
    [
        ([], 2, "has per-path policies (/api/*, /*); give --path"),
        (["--path", "/api/x"], 0, "browser: allowed"),
        (["--path", "/"], 0, "browser: allowed"),
    ],
)
def test_explain_asks_for_a_path(tmp_path: Path, path: list[str], code: int, fragment: str) -> None:
    exit_code, text = run("explain", write(tmp_path, PER_PATH), "--origin", "https://a.example",
                          *path)  # fmt: skip
    assert exit_code == code, text
    assert fragment in text


def test_explain_on_a_single_policy_needs_no_path(tmp_path: Path) -> None:
    config = write(tmp_path, "[cors]\nallow_origins = https://a.example\n")
    assert run("explain", config, "--origin", "https://a.example")[0] == 0


# -- an unreadable INI is a configuration problem that keeps its line number -----------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("allow_origins = x\n[cors]\n", "line 1: no [section] header before 'allow_origins = x'"),
        ("[cors]\nallow_origins = x\nnonsense\n", "line 3: cannot parse 'nonsense'"),
        ("[cors]\na = 1\na = 2\n", "line 3: option 'a' in section 'cors' already exists"),
        ("[cors]\n\n[cors]\n", "line 3: section 'cors' already exists"),
    ],
)
def test_an_invalid_ini_names_its_line(tmp_path: Path, text: str, fragment: str) -> None:
    code, out = run("check", write(tmp_path, text))
    assert code == 1
    assert fragment in out
    assert "E029" in out
    assert "is not a valid INI file" in out


@pytest.mark.parametrize(
    ("encoding", "fragment"),
    [
        ("utf-16", "byte 0 (0xff)"),
        ("latin-1", "byte 34 (0xe9)"),
    ],
)
def test_an_ini_that_is_not_utf8_says_so(tmp_path: Path, encoding: str, fragment: str) -> None:
    path = tmp_path / "cors.ini"
    path.write_bytes("[cors]\nallow_origins = https://caf\u00e9.example\n".encode(encoding))
    code, out = run("check", str(path))
    assert code == 1
    assert "is not UTF-8 text; save the file as UTF-8" in out
    assert fragment in out


def test_an_ini_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    """Notepad and PowerShell 5.1 write UTF-8 with a byte-order mark."""
    path = tmp_path / "cors.ini"
    path.write_bytes(b"\xef\xbb\xbf[cors]\nallow_origins = https://app.example.com\n")
    code, out = run("check", str(path))
    assert code == 0, out


# -- the program name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv0", "name"),
    [
        ("/venv/bin/cors-wsgi", "cors-wsgi"),
        ("/site-packages/cors_wsgi/__main__.py", "python -m cors_wsgi"),
        ("cors-wsgi.exe", "cors-wsgi"),
    ],
)
def test_usage_names_the_command_as_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv0: str, name: str
) -> None:
    monkeypatch.setattr(sys, "argv", [argv0])
    with pytest.raises(SystemExit):
        main(["check"])
    assert f"usage: {name} check" in capsys.readouterr().err
