"""``probe`` against servers whose refused preflight says nothing (no ``debug``): the command
finds the refused method or header itself with a few preflights of its own, names the fix, and
says plainly when it cannot tell. gunicorn on 127.0.0.1, serving the plain WSGI example."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..support.cli import run_json
from ..support.helpers import EXAMPLE_ORIGIN
from ..support.servers import PROJECT, gunicorn


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A policy without debug that allows GET and POST, X-Other and X-H1 to X-H8 only."""
    ini = (PROJECT / "examples" / "cors.ini").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("quiet") / "quiet.ini"
    path.write_text(
        ini.replace(
            "allow_headers = Authorization",
            "allow_headers = X-Other, " + ", ".join(f"X-H{n}" for n in range(1, 9)),
        ).replace("GET, POST, PUT, DELETE", "GET, POST"),
        encoding="utf-8",
    )
    with gunicorn(["--paste", str(path)]) as url:
        yield url


JSON = "Content-Type: application/json"
# (the page's request, what the fix names, what it must not name)
CASES: list[tuple[list[str], list[str], list[str]]] = [
    (["--method", "PUT"], ["add PUT to the server's allow_methods"], ["allow_headers"]),
    (["--method", "POST", "--header", "Authorization: Bearer t", "--header", JSON],
     ["add Authorization to the server's allow_headers"], ["Content-Type", "allow_methods"]),
    (["--method", "POST", "--header", "X-A: 1", "--header", "X-Other: 1", "--header", "X-B: 1"],
     ["add X-A, X-B to the server's allow_headers"], ["X-Other", "Content-Type"]),
    (["--method", "PUT", "--header", "Authorization: t"],
     ["add PUT to the server's allow_methods"], []),
]  # fmt: skip


@pytest.mark.parametrize(("request_args", "named", "not_named"), CASES)
def test_probe_finds_what_a_quiet_server_refused(
    quiet: str, request_args: list[str], named: list[str], not_named: list[str]
) -> None:
    code, report = run_json(
        "probe", quiet + "/api/items", "--origin", EXAMPLE_ORIGIN, *request_args
    )
    assert code == 1
    (preflight,) = report["exchanges"]
    assert preflight["status"] == 403 and not preflight.get("reason")  # the server says nothing
    for fragment in named:
        assert fragment in report["fix"]
    for fragment in not_named:
        assert fragment not in report["fix"]


def test_probe_a_refused_origin(quiet: str) -> None:
    code, report = run_json("probe", quiet + "/api/items", "--origin", "https://evil.example",
                            "--method", "PUT")  # fmt: skip
    assert code == 1
    assert "add https://evil.example to the server's allow_origins" in report["fix"]


def test_probe_says_when_it_cannot_tell(quiet: str) -> None:
    # The refused header comes after as many allowed ones as probe tries one by one.
    headers = [item for n in range(1, 9) for item in ("--header", f"X-H{n}: 1")]
    code, report = run_json("probe", quiet + "/api/items", "--origin", EXAMPLE_ORIGIN,
                            "--method", "POST", *headers, "--header", "X-Late: 1")  # fmt: skip
    assert code == 1
    fix = report["fix"]
    assert "the server did not say why" in fix
    assert "debug" in fix and "explain" in fix
    assert "X-H1" not in fix and "allow_headers" not in fix.split(";")[0]
