"""Policy construction: defaults, string forms, dict and INI loading, and every ConfigError."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from cors_wsgi.options import DEFAULTS


def test_defaults() -> None:
    policy = CORSPolicy()
    assert policy.options() == DEFAULTS
    published = {  # the defaults of every option published so far
        "allow_origins": (),
        "allow_origin_regex": (),
        "allow_origin_func": None,
        "origin_func_cache_seconds": 60.0,
        "allow_methods": ("GET", "HEAD", "POST"),
        "allow_headers": (),
        "expose_headers": (),
        "allow_credentials": False,
        "max_age": 600,
        "allow_private_network": False,
        "keep_app_cors_headers": False,
        "preflight_continue": False,
        "cross_origin_protection": False,
        "debug": False,
    }
    assert policy.options().items() >= published.items()
    assert not policy.origin_allowed("https://app.example.com")


def test_policy_is_immutable() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com"])
    with pytest.raises(AttributeError, match="immutable"):
        policy.allow_credentials = True
    with pytest.raises(AttributeError, match="immutable"):
        del policy.max_age


def test_equal_policies_compare_equal_and_repr_round_trips() -> None:
    one = CORSPolicy(allow_origins="https://a.example https://b.example", max_age="60")
    two = CORSPolicy(allow_origins=["https://a.example", "https://b.example"], max_age=60)
    assert one == two
    assert hash(one) == hash(two)
    assert CORSPolicy(**one.options()) == one  # type: ignore[arg-type]
    assert "https://a.example" in repr(one)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("GET,POST", ("GET", "POST"), id="commas"),
        pytest.param("GET POST", ("GET", "POST"), id="spaces"),
        pytest.param("GET, POST", ("GET", "POST"), id="comma and space"),
        pytest.param("\n  GET\n  POST\n", ("GET", "POST"), id="newlines"),
        pytest.param("GET,,POST ,", ("GET", "POST"), id="empty items dropped"),
        pytest.param("*", "*", id="star"),
    ],
)
def test_list_string_forms(text: str, expected: object) -> None:
    assert CORSPolicy(allow_methods=text).allow_methods == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(w, True) for w in ("true", "True", "YES", "on", "1", " yes ")]
    + [(w, False) for w in ("false", "No", "off", "0")],
)
def test_boolean_string_forms(text: str, expected: bool) -> None:
    assert (
        CORSPolicy(allow_origins="https://a.example", allow_credentials=text).allow_credentials
        is expected
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("600", 600), (0, 0), (7200, 7200), (None, None), ("none", None), ("", None)],
)
def test_max_age_forms(value: Any, expected: int | None) -> None:
    assert CORSPolicy(max_age=value).max_age == expected


# One row per configuration error: the options, text that the message must contain (always
# the key and the bad value), and the problem's code.
CONFIG_ERRORS = [
    pytest.param(
        {"allow_orgins": ["https://a.example"]},
        ["allow_orgins", "did you mean allow_origins"],
        "E001",
        id="typo",
    ),
    pytest.param(
        {"allow_origins": "*", "allow_credentials": True},
        ["allow_origins", "'*'", "allow_credentials"],
        "E017",
        id="star with credentials",
    ),
    pytest.param(
        {"allow_origins": "null", "allow_credentials": "yes"},
        ["allow_origins", "'null'", "allow_credentials"],
        "E020",
        id="null with credentials",
    ),
    pytest.param(
        {"allow_origins": "https://a.example/"},
        ["allow_origins", "'https://a.example/'", "trailing slash"],
        "E013",
        id="trailing slash",
    ),
    pytest.param(
        {"allow_origins": "https://a.example/app"},
        ["'https://a.example/app'", "no path"],
        "E013",
        id="path",
    ),
    pytest.param(
        {"allow_origins": "https://a.example?x=1"},
        ["'https://a.example?x=1'", "query"],
        "E013",
        id="query",
    ),
    pytest.param(
        {"allow_origins": "a.example"}, ["'a.example'", "no scheme"], "E013", id="missing scheme"
    ),
    pytest.param(
        {"allow_origins": "https://A.example"},
        ["'https://A.example'", "lower case"],
        "E013",
        id="upper case",
    ),
    pytest.param(
        {"allow_origins": "https://a.example:443"},
        ["'https://a.example:443'", "default port"],
        "E013",
        id="default port",
    ),
    pytest.param(
        {"allow_origins": "https://u@a.example"},
        ["'https://u@a.example'", "user name"],
        "E013",
        id="userinfo",
    ),
    pytest.param(
        {"allow_origins": "https://a.*.example"},
        ["'https://a.*.example'", "leftmost label"],
        "E012",
        id="inner wildcard",
    ),
    pytest.param(
        {"allow_origins": "https://*"},
        ["'https://*'", "leftmost label"],
        "E012",
        id="bare host wildcard",
    ),
    pytest.param(
        {"allow_origins": "https://*.com"},
        ["'https://*.com'", "too broad"],
        "E012",
        id="top-level wildcard",
    ),
    pytest.param(
        {"allow_origins": "*.example.com"},
        ["'*.example.com'"],
        "E012",
        id="wildcard without scheme",
    ),
    pytest.param(
        {"allow_origins": ["*", "https://a.example"]},
        ["allow_origins", "list nothing else"],
        "E014",
        id="star among others",
    ),
    pytest.param(
        {"allow_origin_regex": "https://a{99999999999}"},
        ["allow_origin_regex", "invalid regular expression"],
        "E010",
        id="regex count too large (OverflowError, found by fuzzing)",
    ),
    pytest.param(
        {"allow_origin_regex": "https://(a"},
        ["allow_origin_regex", "'https://(a'", "invalid regular expression"],
        "E010",
        id="bad regex",
    ),
    pytest.param({"max_age": -1}, ["max_age", "-1"], "E005", id="negative max_age"),
    pytest.param({"max_age": "-5"}, ["max_age", "'-5'"], "E005", id="negative max_age string"),
    pytest.param({"max_age": 1.5}, ["max_age", "1.5"], "E005", id="fractional max_age"),
    pytest.param({"max_age": "ten"}, ["max_age", "'ten'"], "E005", id="word max_age"),
    pytest.param({"max_age": True}, ["max_age", "True"], "E005", id="bool max_age"),
    pytest.param(
        {"allow_credentials": "maybe"},
        ["allow_credentials", "'maybe'", "true/false"],
        "E004",
        id="bad boolean",
    ),
    pytest.param(
        {"allow_private_network": 2}, ["allow_private_network", "2"], "E004", id="non-bool"
    ),
    pytest.param(
        {"allow_methods": ["GET", "BAD METHOD"]},
        ["allow_methods", "'BAD METHOD'"],
        "E015",
        id="list items are not split",
    ),
    pytest.param(
        {"allow_methods": ["GE(T"]}, ["allow_methods", "'GE(T'", "token"], "E015", id="bad method"
    ),
    pytest.param(
        {"allow_headers": ["X-Ok", "X:Bad"]}, ["allow_headers", "'X:Bad'"], "E015", id="bad header"
    ),
    pytest.param(
        {"expose_headers": ["*", "X-A"]},
        ["expose_headers", "list nothing else"],
        "E014",
        id="star among names",
    ),
    pytest.param({"allow_origins": 42}, ["allow_origins", "42"], "E002", id="not a list"),
    pytest.param(
        {"allow_origins": ["https://a.example", 42]},
        ["allow_origins", "42", "string"],
        "E002",
        id="non-string item",
    ),
    pytest.param(
        {"allow_origins": "*", "allow_private_network": True},
        ["allow_private_network", "'*'"],
        "E021",
        id="star with private network",
    ),
]


@pytest.mark.parametrize(("options", "expected", "code"), CONFIG_ERRORS)
def test_config_errors(options: dict[str, Any], expected: list[str], code: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy.from_dict(options)
    message = str(raised.value)
    for fragment in expected:
        assert fragment in message
    assert isinstance(raised.value, ValueError)
    assert [p.code for p in raised.value.problems] == [code]


@pytest.mark.parametrize(("options", "expected", "code"), CONFIG_ERRORS)
def test_config_errors_through_the_middleware(
    options: dict[str, Any], expected: list[str], code: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(expected[0])) as raised:
        CORSMiddleware(lambda environ, start_response: [], options)
    assert [p.code for p in raised.value.problems] == [code]


def test_unknown_keyword_raises_config_error_not_type_error() -> None:
    with pytest.raises(ConfigError, match="did you mean allow_origins"):
        CORSPolicy(allow_orgins=["https://a.example"])  # type: ignore[call-arg]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy.from_dict({"allow_orgins": "x", "max_age": "-1", "allow_credentials": "perhaps"})
    assert [p.key for p in raised.value.problems] == [
        "allow_orgins",
        "allow_credentials",
        "max_age",
    ]
    assert str(raised.value).startswith("3 problems:")


def test_from_dict_accepts_native_and_string_values() -> None:
    native = CORSPolicy.from_dict(
        {"allow_origins": ["https://a.example"], "allow_credentials": True, "max_age": 0}
    )
    strings = CORSPolicy.from_dict(
        {"allow_origins": "https://a.example", "allow_credentials": "true", "max_age": "0"}
    )
    assert native == strings
    assert native.max_age == 0


def test_from_ini(tmp_path: Path) -> None:
    path = tmp_path / "cors.ini"
    path.write_text(
        """
[cors]
allow_origins =
    https://app.example.com
    https://*.example.org
allow_origin_regex = https://pr-[0-9]+\\.preview\\.example\\.com
allow_methods = GET, POST, PUT
allow_headers = Content-Type Authorization
expose_headers = X-Total-Count
allow_credentials = yes
max_age = 0
allow_private_network = off

[other]
allow_origins = *
""",
        encoding="utf-8",
    )
    policy = CORSPolicy.from_ini(path)
    assert policy.allow_origins == ("https://app.example.com", "https://*.example.org")
    assert policy.allow_methods == ("GET", "POST", "PUT")
    assert policy.allow_headers == ("Content-Type", "Authorization")
    assert policy.allow_credentials is True
    assert policy.max_age == 0
    assert policy.origin_allowed("https://pr-12.preview.example.com")
    assert CORSPolicy.from_ini(str(path), section="other").allow_any_origin


def test_from_ini_errors_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "cors.ini"
    path.write_text("[cors]\nallow_origins = https://a.example/\nmax_ag = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        CORSPolicy.from_ini(path)
    assert {p.key for p in raised.value.problems} == {"allow_origins", "max_ag"}


def test_from_ini_missing_section_lists_sections(tmp_path: Path) -> None:
    path = tmp_path / "cors.ini"
    path.write_text("[corz]\nallow_origins = *\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"no \[cors\] section .*found: \[corz\]"):
        CORSPolicy.from_ini(path)


def test_from_ini_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        CORSPolicy.from_ini(tmp_path / "absent.ini")


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("not a policy", id="string"),
        pytest.param(42, id="number"),
        pytest.param([("api/*", {})], id="pattern without slash"),
        pytest.param([("/api/*/x", {})], id="star in the middle"),
        pytest.param([("/api*", {})], id="star not after slash"),
        pytest.param([("/api/*", "nope")], id="policy not a dict"),
        pytest.param([("/api/*",)], id="not a pair"),
    ],
)
def test_bad_middleware_policy_argument(bad: Any) -> None:
    with pytest.raises(ConfigError):
        CORSMiddleware(lambda environ, start_response: [], bad)


def test_per_path_errors_name_the_pattern() -> None:
    with pytest.raises(ConfigError, match=r"/api/\*: allow_origins = 'https://a.example/'"):
        CORSMiddleware(lambda e, s: [], [("/api/*", {"allow_origins": "https://a.example/"})])


def test_middleware_from_ini_with_per_path_sections(tmp_path: Path) -> None:
    from webtest import TestApp

    from ..support.helpers import RecordingApp

    path = tmp_path / "cors.ini"
    path.write_text(
        "[cors:/api/*]\nallow_origins = https://a.example\n\n"
        "[cors:/admin/*]\nallow_origins =\n\n"
        "[cors]\nallow_origins = *\n",
        encoding="utf-8",
    )
    app = TestApp(CORSMiddleware.from_ini(RecordingApp(), path))
    origin = {"Origin": "https://a.example"}
    assert (
        app.get("/api/x", headers=origin).headers["Access-Control-Allow-Origin"]
        == "https://a.example"
    )
    assert "Access-Control-Allow-Origin" not in app.get("/admin/x", headers=origin).headers
    assert app.get("/other", headers=origin).headers["Access-Control-Allow-Origin"] == "*"


def test_middleware_from_ini_path_section_errors_name_the_pattern(tmp_path: Path) -> None:
    path = tmp_path / "cors.ini"
    path.write_text("[cors:api]\nallow_origins = *\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="path pattern = 'api'"):
        CORSMiddleware.from_ini(lambda e, s: [], path)
