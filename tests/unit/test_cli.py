"""The command line (cors_wsgi.cli), in-process: check, explain and probe's argument handling,
against real configs. probe against real servers is in tests/integration/test_probe.py, the
installed commands run as processes in tests/integration/test_command_line.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.cli import run, run_json
from ..support.servers import PROJECT, free_port

GOOD = """
[cors]
allow_origins = https://app.example.com
allow_methods = GET, POST, PUT
allow_headers = Authorization
allow_credentials = true
max_age = 600
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "cors.ini"
    path.write_text(GOOD, encoding="utf-8")
    return path


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "c.ini"
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- check ---------------------------------------------------------------------------------------


def test_check_valid_prints_the_effective_policy(config: Path) -> None:
    code, text = run("check", str(config))
    assert code == 0
    assert "allow_origins = https://app.example.com" in text
    assert "allow_methods = GET, POST, PUT" in text
    assert "max_age = 600" in text
    assert "warning" not in text


def test_check_reports_every_problem_with_its_key(tmp_path: Path) -> None:
    code, report = run_json(
        "check", write(tmp_path, "[cors]\nallow_orgins = x\nmax_age = -1\nallow_origins = a.b/\n")
    )
    assert code == 1
    assert {p["key"] for p in report["problems"]} == {"allow_orgins", "max_age", "allow_origins"}
    assert [(p["code"], p["severity"]) for p in report["problems"]] == [
        ("E001", "error"),
        ("E013", "error"),
        ("E005", "error"),
    ]
    text = run("check", write(tmp_path, "[cors]\nallow_orgins = x\n"))[1]
    assert "  error E001: allow_orgins = 'x': unknown option" in text


@pytest.mark.parametrize(
    ("options", "key", "fragment", "problem_code"),
    [
        ("allow_origins = http://app.example.com\nallow_credentials = true", "allow_origins", "plain http", "W007"),
        ("max_age = 3600", "max_age", "WebKit (Safari) at 600 s", "W008"),
        ("max_age = 10000", "max_age", "WebKit (Safari) at 600 s and Chromium at 7200 s", "W008"),
        ("max_age = 100000", "max_age", "and Firefox at 86400", "W008"),
        ("allow_methods = get, post, patch", "allow_methods", "patch is not upper case", "W003"),
        ("allow_origins = https://*.github.io", "allow_origins", "github.io is a public suffix", "W004"),
        ("allow_origin_regex = https://[a-z0-9-]+\\.vercel\\.app|.*", "allow_origin_regex", "nobody can own", "W005"),
        ("allow_origins = null", "allow_origins", "null is listed", "W010"),
        ("allow_origin_regex = https://api.example.com", "allow_origin_regex", "unescaped '.'", "W006"),
        ("debug = on", "debug", "X-CORS-Reason", "W011"),
        ("allow_origins = *\ncross_origin_protection = true", "cross_origin_protection", "every origin is trusted", "W009"),
        ("refuse_untrusted_origins = true", "refuse_untrusted_origins", "DNS-rebinding page", "W013"),
    ],
)  # fmt: skip
def test_check_warns_on_risky_but_legal_settings(
    tmp_path: Path, options: str, key: str, fragment: str, problem_code: str
) -> None:
    if not options.startswith(("allow_origins", "allow_origin_regex")):
        options = f"allow_origins = https://app.example.com\n{options}"
    code, report = run_json("check", write(tmp_path, f"[cors]\n{options}\n"))
    assert code == 0
    assert [w["key"] for w in report["warnings"]] == [key]
    assert fragment in report["warnings"][0]["message"]
    warning = report["warnings"][0]
    assert (warning["code"], warning["severity"]) == (problem_code, "warning")
    text = run("check", write(tmp_path, f"[cors]\n{options}\n"))[1]
    assert f"  warning {problem_code}: {key}: " in text


def test_check_a_guard_only_policy_draws_no_warning_and_names_a_bad_host(tmp_path: Path) -> None:
    """A local server's policy that allows no origin on purpose draws neither W002 nor W012."""
    guard = "[cors]\nallowed_hosts = loopback\nrefuse_untrusted_origins = true\n"
    code, report = run_json("check", write(tmp_path, guard))
    assert (code, report["warnings"]) == (0, [])
    code, report = run_json(
        "check", write(tmp_path, "[cors]\nallowed_hosts = http://localhost:8000\n")
    )
    assert code == 1
    (problem,) = report["problems"]
    assert (problem["code"], problem["key"]) == ("E032", "allowed_hosts")
    assert "write localhost:8000" in problem["message"]


def test_check_no_warning_for_loopback_http_or_escaped_regex(tmp_path: Path) -> None:
    text = (
        "[cors]\nallow_origins = http://localhost:3000\nallow_credentials = true\n"
        "allow_origin_regex = https://pr-[0-9]+\\.example\\.com\n"
    )
    assert run_json("check", write(tmp_path, text))[1]["warnings"] == []


def test_check_per_path_sections(tmp_path: Path) -> None:
    text = "[cors:/api/*]\nallow_origins = https://a.example\n\n[cors]\nallow_origins = *\n"
    code, report = run_json("check", write(tmp_path, text))
    assert code == 0
    assert [p["path"] for p in report["policies"]] == ["/api/*", "/*"]


def test_check_a_paste_filter_section() -> None:
    code, text = run("check", str(PROJECT / "examples" / "cors.ini"), "--section", "filter:cors")
    assert code == 0, text
    assert "https://*.example.org" in text


def test_check_missing_section_and_missing_file(tmp_path: Path) -> None:
    assert run("check", write(tmp_path, "[other]\n"))[0] == 1
    assert run("check", str(tmp_path / "absent.ini"))[0] == 2


# -- explain -------------------------------------------------------------------------------------


def test_explain_allowed_simple_request(config: Path) -> None:
    code, report = run_json("explain", str(config), "--origin", "https://app.example.com")
    assert code == 0
    assert report["preflight"]["needed"] is False
    (exchange,) = report["exchanges"]
    assert ["Access-Control-Allow-Origin", "https://app.example.com"] in exchange["headers"]


def test_explain_preflighted_request_lists_why_and_headers(config: Path) -> None:
    code, report = run_json(
        "explain", str(config), "--origin", "https://app.example.com", "--method", "put",
        "--header", "Content-Type: application/json", "--header", "Authorization",
        "--credentials",
    )  # fmt: skip
    assert code == 0
    assert report["method"] == "PUT"  # browsers upper-case put
    assert report["preflight"]["why"] == [
        "the method PUT is not GET, HEAD or POST",
        "the request header authorization is not CORS-safelisted",
        "the request header content-type is not CORS-safelisted",
    ]
    preflight, actual = report["exchanges"]
    assert preflight["status"] == 200 and preflight["passed"]
    assert actual["passed"]


@pytest.mark.parametrize(
    ("args", "reason", "fix"),
    [
        (["--origin", "https://evil.example"], "origin_not_allowed", "add https://evil.example to allow_origins"),
        (["--origin", "https://app.example.com", "--method", "DELETE"], "method_not_allowed DELETE", "add DELETE to allow_methods"),
        (["--origin", "https://app.example.com", "--method", "patch"], "method_not_allowed patch", "add patch to allow_methods"),
        (["--origin", "https://app.example.com", "--header", "X-Api-Key: k"], "header_not_allowed x-api-key", "add x-api-key to allow_headers"),
        (["--origin", "https://app.example.com/", "--method", "PUT"], "invalid_origin", "none: 'https://app.example.com/' is not an origin"),
    ],
)  # fmt: skip
def test_explain_refusals_give_the_smallest_fix(
    config: Path, args: list[str], reason: str, fix: str
) -> None:
    code, report = run_json("explain", str(config), *args)
    assert code == 1
    assert report["exchanges"][-1]["reason"] == reason
    assert report["fix"].startswith(fix)


GUARDED_INI = (
    "[cors]\nallow_origins = https://app.example.com\nallowed_hosts = loopback\n"
    "refuse_untrusted_origins = true\n"
)


@pytest.mark.parametrize(
    ("args", "code", "reason", "fix"),
    [
        (["--origin", "https://app.example.com"], 0, "allowed", ""),
        (["--origin", "https://evil.example"], 1, "origin_refused", "add https://evil.example to allow_origins, or"),
        (["--origin", "https://evil.example", "--method", "PUT"], 1, "origin_refused", "add https://evil.example to allow_origins"),
        (["--origin", "http://rebind.test:8000", "--host", "rebind.test:8000", "--sec-fetch-site", "same-origin"],
         1, "host_not_allowed", "add rebind.test:8000 to allowed_hosts, if"),
        (["--origin", "https://app.example.com", "--host", "localhost:8000"], 0, "allowed", ""),
    ],
)  # fmt: skip
def test_explain_the_guards(
    tmp_path: Path, args: list[str], code: int, reason: str, fix: str
) -> None:
    """explain sends a Host the policy allows unless --host names another; each guard's
    refusal is a failed check with its fix."""
    found, report = run_json("explain", write(tmp_path, GUARDED_INI), *args)
    assert found == code
    assert report["exchanges"][-1]["reason"] == reason
    assert report.get("fix", "").startswith(fix)
    if code:
        assert not report["exchanges"][-1]["checks"][-1]["passed"]


def test_explain_credentials_without_allow_credentials(tmp_path: Path) -> None:
    path = write(tmp_path, "[cors]\nallow_origins = *\n")
    code, report = run_json("explain", path, "--origin", "https://a.example", "--credentials")
    assert code == 1
    check = report["exchanges"][-1]["checks"][-1]
    assert "must not be the wildcard '*'" in check["message"]
    assert (
        report["fix"]
        == "replace * in allow_origins by https://a.example; set allow_credentials = true"
    )


def test_explain_per_path_and_no_policy_for_path(tmp_path: Path) -> None:
    path = write(tmp_path, "[cors:/api/*]\nallow_origins = https://a.example\n")
    ok = run_json("explain", path, "--origin", "https://a.example", "--path", "/api/x")
    assert ok[0] == 0
    code, report = run_json("explain", path, "--origin", "https://a.example", "--path", "/other")
    assert code == 1
    assert report["exchanges"][-1]["reason"] == "no_policy_for_path"
    assert report["fix"].startswith("add a [cors:/other] section")


def test_explain_human_output(config: Path) -> None:
    code, text = run(
        "explain", str(config), "--origin", "https://app.example.com", "--header", "X-Api-Key"
    )
    assert code == 1
    assert "preflight: needed: the request header x-api-key is not CORS-safelisted" in text
    assert "reason: header_not_allowed x-api-key" in text
    assert "browser: BLOCKED" in text
    assert "smallest fix: add x-api-key to allow_headers" in text


# -- probe (against real gunicorn: tests/integration/test_probe.py) -----------------------------


@pytest.mark.parametrize(
    ("origin", "fragment"),
    [
        ("https://app.example.com/", "trailing slash"),
        ("app.example.com", "no scheme"),
        ("http://127.1", "write http://127.0.0.1"),
    ],
)
def test_probe_validates_the_origin(origin: str, fragment: str) -> None:
    code, report = run_json("probe", "http://127.0.0.1:9/", "--origin", origin)
    assert code == 2
    assert fragment in report["error"]


def test_probe_unreachable_host() -> None:
    port = free_port()
    code, report = run_json(
        "probe", f"http://127.0.0.1:{port}/", "--origin", "https://a.example", "--timeout", "2"
    )
    assert code == 3
    assert "connection refused" in report["error"]


def test_probe_rejects_a_non_http_url() -> None:
    assert run("probe", "ftp://example.com/", "--origin", "https://a.example")[0] == 2


# -- config from Python objects, bad files, --version ---------------------------------------------

MODULE = """
from cors_wsgi import CORSMiddleware, CORSPolicy

POLICY = CORSPolicy(allow_origins=["https://app.example.com"], allow_methods=["GET", "PUT"])
OPTIONS = {"allow_origins": "https://app.example.com"}
MIDDLEWARE = CORSMiddleware(lambda e, s: [], [("/api/*", POLICY), ("/*", OPTIONS)])
NOT_A_POLICY = 42
"""


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    (tmp_path / "cli_policy_module.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield "cli_policy_module"
    sys.modules.pop("cli_policy_module", None)


@pytest.mark.parametrize("attribute", ["POLICY", "OPTIONS", "MIDDLEWARE"])
def test_check_takes_a_python_object(module: str, attribute: str) -> None:
    code, report = run_json("check", f"{module}:{attribute}")
    assert code == 0
    assert report["policies"][0]["options"]["allow_origins"] == ["https://app.example.com"]


def test_explain_takes_a_middleware_with_per_path_policies(module: str) -> None:
    code, report = run_json(
        "explain", f"{module}:MIDDLEWARE", "--origin", "https://app.example.com",
        "--method", "PUT", "--path", "/api/items",
    )  # fmt: skip
    assert code == 0
    code, report = run_json(
        "explain", f"{module}:MIDDLEWARE", "--origin", "https://app.example.com",
        "--method", "PUT", "--path", "/other",
    )  # fmt: skip
    assert code == 1
    assert report["fix"] == "add PUT to allow_methods"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("cli_policy_module:NOT_A_POLICY", "is of type int; expected a CORSPolicy"),
        ("cli_policy_module:MISSING", "has no attribute MISSING"),
        ("no_such_module_here:POLICY", "cannot import no_such_module_here"),
    ],
)
def test_bad_python_object_is_a_one_line_usage_error(module: str, spec: str, fragment: str) -> None:
    code, text = run("check", spec)
    assert code == 2
    assert fragment in text
    assert len(text.strip().splitlines()) == 1


def test_check_warns_when_nothing_is_allowed(tmp_path: Path) -> None:
    code, report = run_json("check", write(tmp_path, "[cors]\nmax_age = 60\n"))
    assert code == 1  # valid, but surely not meant
    assert report["ok"] is False
    assert [(w["key"], w["code"]) for w in report["warnings"]] == [("allow_origins", "W012")]
    assert "no origin is allowed" in report["warnings"][0]["message"]


# -- cross_origin_protection ---------------------------------------------------------------------

PROTECTED = GOOD + "cross_origin_protection = true\n"


@pytest.mark.parametrize(
    "site", [[], ["--sec-fetch-site", "same-site"], ["--sec-fetch-site", "absent"]]
)
def test_explain_a_refused_cross_origin_write(tmp_path: Path, site: list[str]) -> None:
    path = write(tmp_path, PROTECTED)
    code, report = run_json(
        "explain", path, "--origin", "https://evil.example", "--method", "POST", *site
    )
    assert code == 1
    (exchange,) = report["exchanges"]
    assert exchange["status"] == 403 and exchange["reason"] == "cross_origin_request_refused"
    assert "before the application ran" in exchange["checks"][-1]["message"]
    assert report["fix"].startswith("add https://evil.example to allow_origins, or turn "
                                    "cross_origin_protection off for /")  # fmt: skip


@pytest.mark.parametrize(
    ("origin", "method", "site", "reason"),
    [
        ("https://app.example.com", "POST", "cross-site", "allowed"),
        ("https://evil.example", "GET", "cross-site", "origin_not_allowed"),  # safe: not refused
        ("https://api.example.com", "POST", "same-origin", "same_origin"),
    ],
)
def test_explain_writes_that_pass_protection(
    tmp_path: Path, origin: str, method: str, site: str, reason: str
) -> None:
    path = write(tmp_path, PROTECTED)
    code, report = run_json(
        "explain", path, "--origin", origin, "--method", method, "--sec-fetch-site", site
    )
    exchange = report["exchanges"][-1]
    assert exchange["status"] == 200 and exchange["reason"] == reason
    assert code == (0 if reason != "origin_not_allowed" else 1)
