"""``probe`` against a real gunicorn on 127.0.0.1 serving the plain WSGI example three times:
with a correct policy, a deliberately broken one and one with cross_origin_protection. The
in-process parts of the command line are in tests/unit/test_cli.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..support.cli import run_json
from ..support.helpers import EVIL, EXAMPLE_ORIGIN
from ..support.servers import PROJECT, gunicorn, serve


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The plain WSGI example behind gunicorn twice: with a correct and with a broken policy."""
    ini = (PROJECT / "examples" / "cors.ini").read_text(encoding="utf-8")
    folder = tmp_path_factory.mktemp("probe")
    good = folder / "good.ini"
    good.write_text(ini, encoding="utf-8")
    broken = folder / "broken.ini"  # forgets Authorization and PUT
    broken.write_text(
        ini.replace(
            "allow_headers = Authorization", "allow_headers = X-Other\ndebug = true"
        ).replace("GET, POST, PUT, DELETE", "GET, POST"),
        encoding="utf-8",
    )
    protected = folder / "protected.ini"
    protected.write_text(
        ini.replace("max_age = 600", "max_age = 600\ncross_origin_protection = true\ndebug = true"),
        encoding="utf-8",
    )
    with (
        gunicorn(["--paste", str(good)]) as good_url,
        gunicorn(["--paste", str(broken)]) as bad_url,
        gunicorn(["--paste", str(protected)]) as protected_url,
    ):
        yield {"good": good_url, "broken": bad_url, "protected": protected_url}


PUT_WITH_AUTH = ["--origin", EXAMPLE_ORIGIN, "--method", "PUT", "--header", "Authorization: Bearer t", "--credentials"]  # fmt: skip


def test_probe_correct_policy_passes(servers: dict[str, str]) -> None:
    code, report = run_json("probe", servers["good"] + "/api/items/3", *PUT_WITH_AUTH)
    assert code == 0
    preflight, actual = report["exchanges"]
    assert preflight["status"] == 200 and actual["status"] == 200
    assert all(check["passed"] for check in preflight["checks"] + actual["checks"])


def test_probe_broken_policy_fails_with_the_browser_reason(servers: dict[str, str]) -> None:
    code, report = run_json("probe", servers["broken"] + "/api/items/3", *PUT_WITH_AUTH)
    assert code == 1
    (preflight,) = report["exchanges"]  # the browser stops after a failed preflight
    assert preflight["status"] == 403
    assert not preflight["checks"][-1]["passed"]
    assert "does not have HTTP ok status" in preflight["checks"][-1]["message"]


def test_probe_says_which_part_the_server_refused(servers: dict[str, str]) -> None:
    code, report = run_json("probe", servers["broken"] + "/api/items/3", *PUT_WITH_AUTH)
    assert code == 1
    assert report["exchanges"][0]["reason"] == "method_not_allowed PUT"  # from X-CORS-Reason
    assert report["fix"].startswith("add PUT to the server's allow_methods")


def test_probe_preflight_only(servers: dict[str, str]) -> None:
    code, report = run_json(
        "probe", servers["good"] + "/api/items/3", *PUT_WITH_AUTH, "--preflight-only"
    )
    assert code == 0
    assert [e["request"] for e in report["exchanges"]] == ["OPTIONS /api/items/3 (preflight)"]
    code, report = run_json(
        "probe", servers["good"] + "/api/items", "--origin", "https://a.example", "--preflight-only"
    )
    assert code == 2
    assert "needs no preflight" in report["error"]


def test_probe_simple_request_from_a_refused_origin(servers: dict[str, str]) -> None:
    code, report = run_json("probe", servers["good"] + "/api/items", "--origin", EVIL)
    assert code == 1
    assert (
        "No 'Access-Control-Allow-Origin' header" in report["exchanges"][0]["checks"][0]["message"]
    )


def test_probe_a_refused_cross_origin_write(servers: dict[str, str]) -> None:
    url = servers["protected"] + "/api/items"
    code, report = run_json("probe", url, "--origin", EVIL, "--method", "POST")
    assert code == 1
    (exchange,) = report["exchanges"]
    assert exchange["status"] == 403 and exchange["reason"] == "cross_origin_request_refused"
    assert report["fix"].startswith("add https://evil.example to the server's allow_origins")
    # Without Sec-Fetch-Site (older browsers) the Origin is compared with Host: still refused.
    absent = run_json("probe", url, "--origin", EVIL, "--method", "POST",
                      "--sec-fetch-site", "absent")[1]  # fmt: skip
    assert absent["exchanges"][0]["status"] == 403


def test_probe_writes_that_pass_protection(servers: dict[str, str]) -> None:
    url = servers["protected"] + "/api/items"
    code, report = run_json("probe", url, "--origin", EXAMPLE_ORIGIN, "--method", "POST")
    assert code == 0 and report["exchanges"][0]["reason"] == "allowed"
    own = servers["protected"]  # the page on the API's own origin: Sec-Fetch-Site same-origin
    for site in ([], ["--sec-fetch-site", "absent"]):
        code, report = run_json("probe", url, "--origin", own, "--method", "POST", *site)
        assert code == 0, report
        (exchange,) = report["exchanges"]
        assert exchange["status"] == 201 and exchange["reason"] == "same_origin"  # created


@pytest.mark.parametrize(
    ("name", "args", "reason", "fix"),
    [
        ("127.0.0.1", ["--origin", EVIL], "origin_refused", f"add {EVIL} to the server's allow_origins"),
        ("localhost", ["--origin", "https://app.example.com"], "", ""),
    ],
)  # fmt: skip
def test_probe_a_guarded_local_server(name: str, args: list[str], reason: str, fix: str) -> None:
    """The guarded server of the rebinding tests (allowed_hosts = loopback,
    refuse_untrusted_origins, debug) under uvicorn: probe reads the guard's reason and fix."""
    with serve("uvicorn", "tests.support.rebinding_app:guarded") as url:
        code, report = run_json("probe", url.replace("127.0.0.1", name) + "/secret", *args)
    (actual,) = report["exchanges"]
    if not reason:
        assert (code, actual["status"], actual["reason"]) == (0, 200, "allowed")
        return
    assert (code, actual["status"], actual["reason"]) == (1, 403, reason)
    assert actual["checks"][-1]["check"] == "trusted origin"
    assert report["fix"].startswith(fix)
