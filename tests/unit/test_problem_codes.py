"""Problem codes: one registry, each code unique, raised somewhere, documented in the
problem-codes reference (docs/reference/problem-codes.md), and each one seen on a configuration
that shows it."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy, Problem
from cors_wsgi.errors import PROBLEM_CODES
from cors_wsgi.lint import nothing_allowed_anywhere, policy_warnings
from cors_wsgi.routes import load_ini

from ..support.servers import PROJECT

PACKAGE = PROJECT / "cors_wsgi"
CODE = re.compile(r"[EW]\d{3}")


def problem_calls() -> list[tuple[str, ast.Call]]:
    """Every ``Problem(...)`` call in the package, with the file it is in."""
    calls = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem":
                calls.append((path.name, node))
    return calls


def code_argument(call: ast.Call) -> ast.expr | None:
    if len(call.args) == 4:
        return call.args[3]
    return next((k.value for k in call.keywords if k.arg == "code"), None)


def test_the_registry_has_no_repeated_code_or_meaning() -> None:
    """A dict literal keeps the last of two equal keys silently: read the source."""
    tree = ast.parse((PACKAGE / "errors.py").read_text(encoding="utf-8"))
    literal = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict) and node.keys and isinstance(node.keys[0], ast.Constant)
    )
    keys = [key.value for key in literal.keys if isinstance(key, ast.Constant)]
    assert keys == list(PROBLEM_CODES)  # no key written twice
    assert len(set(PROBLEM_CODES.values())) == len(PROBLEM_CODES)


def test_codes_are_numbered_in_order_per_severity() -> None:
    for letter in "EW":
        numbers = [int(code[1:]) for code in PROBLEM_CODES if code.startswith(letter)]
        assert numbers == list(range(1, len(numbers) + 1)), letter
    assert all(CODE.fullmatch(code) for code in PROBLEM_CODES)


def test_every_problem_raised_in_the_package_has_a_registered_code() -> None:
    calls = problem_calls()
    assert len(calls) > 40
    used: set[str] = set()
    for name, call in calls:
        code = code_argument(call)
        assert isinstance(code, ast.Constant) and isinstance(code.value, str), (
            f"{name}:{call.lineno}: the code must be a literal"
        )
        assert code.value in PROBLEM_CODES, f"{name}:{call.lineno}: {code.value} unregistered"
        used.add(code.value)
    assert used == set(PROBLEM_CODES)  # and no registered code is left unused


def test_severity_follows_the_letter() -> None:
    assert Problem("max_age", -1, "negative", "E005").severity == "error"
    assert Problem("debug", True, "on", "W011").severity == "warning"
    assert Problem("debug", True, "on", "W011").description == PROBLEM_CODES["W011"]


def test_the_reference_documents_every_code() -> None:
    page = (PROJECT / "docs" / "reference" / "problem-codes.md").read_text(encoding="utf-8")
    section = page.split("## Problem codes\n", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([EW]\d{3})` \| (.+?) \|$", section, flags=re.MULTILINE)
    assert dict(rows) == dict(PROBLEM_CODES)
    assert [code for code, _ in rows] == list(PROBLEM_CODES)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cors.ini"
    path.write_text(text, encoding="utf-8")
    return path


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    """An ASGI application, which the WSGI middleware refuses."""


async def is_partner_async(origin: str) -> bool:
    return origin.endswith(".partner.example")


# One row per error code: what raises it (given a scratch directory).
RAISING: dict[str, Callable[[Path], object]] = {
    "E001": lambda _: CORSPolicy.from_dict({"allow_orgins": "https://a.example"}),
    "E002": lambda _: CORSPolicy.from_dict({"allow_headers": 42}),
    "E003": lambda _: CORSPolicy(allow_methods=["GET", " "]),
    "E004": lambda _: CORSPolicy(debug="maybe"),
    "E005": lambda _: CORSPolicy(max_age=-1),
    "E006": lambda _: CORSPolicy(origin_func_cache_seconds="soon"),
    "E007": lambda _: CORSPolicy(allow_origin_func="tests.support.origin_funcs:absent"),
    "E008": lambda _: CORSPolicy.from_dict({"allow_origin_func": 42}),
    "E009": lambda _: CORSPolicy.from_dict({"allow_origin_regex": 42}),
    "E010": lambda _: CORSPolicy(allow_origin_regex="https://(a"),
    "E011": lambda _: CORSPolicy(allow_origin_regex=r"https://(a+)+\.example"),
    "E012": lambda _: CORSPolicy(allow_origins="https://a.*.example"),
    "E013": lambda _: CORSPolicy(allow_origins="https://a.example/"),
    "E014": lambda _: CORSPolicy(allow_methods=["*", "GET"]),
    "E015": lambda _: CORSPolicy(allow_headers=["X:Bad"]),
    "E016": lambda _: CORSPolicy(
        allow_origins="*", allow_origin_func="tests.support.origin_funcs:is_partner"
    ),
    "E017": lambda _: CORSPolicy(allow_origins="*", allow_credentials=True),
    "E018": lambda _: CORSPolicy(allow_origin_regex=".*", allow_credentials=True),
    "E019": lambda _: CORSPolicy(allow_origins="https://*.github.io", allow_credentials=True),
    "E020": lambda _: CORSPolicy(allow_origins="null", allow_credentials=True),
    "E021": lambda _: CORSPolicy(allow_origins="*", allow_private_network=True),
    "E022": lambda tmp: CORSPolicy.from_ini(write(tmp, "[cors]\nallow_origins = %(here)s\n")),
    "E023": lambda tmp: CORSPolicy.from_ini(write(tmp, "[other]\nallow_origins = *\n")),
    "E024": lambda _: CORSMiddleware(lambda e, s: [], [("/api/*", "no policy")]),  # type: ignore[list-item]
    "E025": lambda _: CORSMiddleware(lambda e, s: [], [("api/*", {})]),
    "E026": lambda _: CORSMiddleware(asgi_app, {}),  # type: ignore[arg-type]
    "E027": lambda _: CORSMiddleware(lambda e, s: [], {"allow_origin_func": is_partner_async}),
    "E028": lambda _: CORSPolicy.from_env(environ={"CORS_ALLOW_ORIGINS": '["https://a.example"]'}),
    "E029": lambda tmp: CORSPolicy.from_ini(write(tmp, "[cors]\na = 1\na = 2\n")),
    "E030": lambda _: CORSPolicy(origin_func_timeout=0),
    "E031": lambda _: CORSPolicy(origin_func_concurrency="many"),
    "E032": lambda _: CORSPolicy(allowed_hosts=["http://localhost:8000"]),
    "E033": lambda _: CORSPolicy(
        allow_origin_regex=r"https://.*example\.com", allow_credentials=True
    ),
}

# One row per warning code: a valid [cors] section that draws it.
WARNING: dict[str, str] = {
    "W001": "allow_origin_func = tests.support.origin_funcs:is_partner",
    "W002": "allow_methods = GET",
    "W003": "allow_origins = https://a.example\nallow_methods = patch",
    "W004": "allow_origins = https://*.github.io",
    "W005": "allow_origin_regex = .*",
    "W006": "allow_origin_regex = https://api.example.com",
    "W007": "allow_origins = http://a.example\nallow_credentials = true",
    "W008": "allow_origins = https://a.example\nmax_age = 7200",
    "W009": "allow_origins = *\ncross_origin_protection = true",
    "W010": "allow_origins = null",
    "W011": "allow_origins = https://a.example\ndebug = true",
    "W012": "allow_origins =",
    "W013": "refuse_untrusted_origins = true",
    "W014": "allow_origin_regex = https://.*example\\.com",
}


def test_every_code_has_a_row() -> None:
    assert {*RAISING, *WARNING} == set(PROBLEM_CODES)


@pytest.mark.parametrize("code", sorted(RAISING))
def test_each_error_code_is_raised(code: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        RAISING[code](tmp_path)
    assert code in [p.code for p in raised.value.problems]
    assert all(p.severity == "error" for p in raised.value.problems)


@pytest.mark.parametrize("code", sorted(WARNING))
def test_each_warning_code_is_drawn(code: str, tmp_path: Path) -> None:
    policy = load_ini(write(tmp_path, f"[cors]\n{WARNING[code]}\n"))
    assert isinstance(policy, CORSPolicy)
    whole = nothing_allowed_anywhere([("/*", policy)])  # a rule over the whole configuration
    warnings = policy_warnings(policy) + ([whole] if whole else [])
    assert code in [w.code for w in warnings]
    assert all(w.severity == "warning" for w in warnings)
