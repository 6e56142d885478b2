"""CORSPolicy.from_env and CORSMiddleware.from_env (WSGI and ASGI): the option table's names
upper-cased after a prefix, parsed as INI values are; JSON arrays, quotes and unknown names
refused with the variable named."""

from __future__ import annotations

from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGIMiddleware
from cors_wsgi.options import OPTIONS


def wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    return []


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    return None


# (environment, prefix, the options expected to differ from the defaults)
GOOD: list[tuple[dict[str, str], str, dict[str, object]]] = [
    ({}, "CORS_", {}),
    (
        {"CORS_ALLOW_ORIGINS": "https://a.example, https://b.example", "PATH": "/bin"},
        "CORS_",
        {"allow_origins": ("https://a.example", "https://b.example")},
    ),
    (
        {"CORS_ALLOW_CREDENTIALS": "yes", "CORS_ALLOW_ORIGINS": "https://a.example"},
        "CORS_",
        {"allow_credentials": True, "allow_origins": ("https://a.example",)},
    ),
    ({"CORS_MAX_AGE": "none"}, "CORS_", {"max_age": None}),
    ({"API_CORS_ALLOW_HEADERS": "X-Api-Key", "CORS_DEBUG": "x"}, "API_CORS_", {}),
    ({"CORS_ALLOW_ORIGINS": ""}, "CORS_", {}),  # an empty variable: nothing allowed
]


@pytest.mark.parametrize(("environ", "prefix", "expected"), GOOD)
def test_from_env_reads_the_options(
    environ: dict[str, str], prefix: str, expected: dict[str, object]
) -> None:
    policy = CORSPolicy.from_env(prefix, environ)
    defaults = CORSPolicy().options()
    changed = {k: v for k, v in policy.options().items() if v != defaults[k]}
    if prefix == "API_CORS_":
        expected = {"allow_headers": ("X-Api-Key",)}
    assert changed == expected


def test_every_option_has_a_variable() -> None:
    examples = {f"CORS_{entry.name.upper()}": entry.example for entry in OPTIONS}
    examples.pop("CORS_ALLOW_ORIGIN_FUNC")  # the example names a function of the docs
    examples["CORS_ALLOW_ORIGINS"] = "https://a.example"
    examples.pop("CORS_ALLOW_ORIGIN_REGEX")
    examples.pop("CORS_ALLOW_PRIVATE_NETWORK", None)
    assert CORSPolicy.from_env(environ=examples) == CORSPolicy.from_dict(
        {k.removeprefix("CORS_").lower(): v for k, v in examples.items()}
    )


# (environment, the variable named, the code, a fragment of the message)
BAD: list[tuple[dict[str, str], str, str, str]] = [
    ({"CORS_ALLOW_ORIGINS": '["https://a.example"]'}, "CORS_ALLOW_ORIGINS", "E028",
     "CORS_ALLOW_ORIGINS=https://a.example"),
    ({"CORS_ALLOW_ORIGINS": '"https://a.example"'}, "CORS_ALLOW_ORIGINS", "E028",
     "comma-separated list without brackets or quotes"),
    ({"CORS_ALLOW_ORIGINS": "'https://a.example', 'https://b.example'"}, "CORS_ALLOW_ORIGINS",
     "E028", "CORS_ALLOW_ORIGINS=https://a.example,https://b.example"),
    ({"CORS_ALLOW_CREDENTIALS": '"true"'}, "CORS_ALLOW_CREDENTIALS", "E028",
     "without quotes: CORS_ALLOW_CREDENTIALS=true"),
    ({"CORS_ALLOW_ORIGIN": "https://a.example"}, "CORS_ALLOW_ORIGIN", "E001",
     "did you mean CORS_ALLOW_ORIGINS?"),
    ({"CORS_ALLOW_CREDENTIALS": "maybe"}, "CORS_ALLOW_CREDENTIALS", "E004", "maybe"),
    ({"CORS_ALLOW_ORIGINS": "https://a.example/"}, "CORS_ALLOW_ORIGINS", "E013", "a.example"),
    ({"CORS_MAX_AGE": "-1"}, "CORS_MAX_AGE", "E005", "-1"),
]  # fmt: skip


@pytest.mark.parametrize(("environ", "variable", "code", "fragment"), BAD)
def test_from_env_refuses_naming_the_variable(
    environ: dict[str, str], variable: str, code: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy.from_env(environ=environ)
    problems = raised.value.problems
    assert [(p.key, p.code) for p in problems] == [(variable, code)]
    assert fragment in str(raised.value)


def test_unknown_variables_list_the_known_names_once() -> None:
    environ = {"CORS_ALLOW_ORIGIN": "x", "CORS_MAXAGE": "1", "CORS_ALLOW_HEADERS": "X-A"}
    with pytest.raises(ConfigError) as raised:
        CORSPolicy.from_env(environ=environ)
    assert [p.key for p in raised.value.problems] == ["CORS_ALLOW_ORIGIN", "CORS_MAXAGE"]
    assert str(raised.value).count("known:") == 1
    assert "CORS_ORIGIN_FUNC_CACHE_SECONDS" in str(raised.value)


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://env.example")
    assert CORSPolicy.from_env().allow_origins == ("https://env.example",)


@pytest.mark.parametrize("middleware", [CORSMiddleware, ASGIMiddleware])
def test_middlewares_from_env(middleware: Any) -> None:
    app = wsgi_app if middleware is CORSMiddleware else asgi_app
    environ = {"APP_ALLOW_ORIGINS": "https://a.example"}
    wrapped = middleware.from_env(app, "APP_", environ=environ, handle_app_errors=True)
    assert isinstance(wrapped, middleware)
    assert wrapped.policy.allow_origins == ("https://a.example",)
    assert wrapped.evaluate("https://a.example").allowed
    with pytest.raises(ConfigError, match="APP_ALLOW_ORIGINS"):
        middleware.from_env(app, "APP_", environ={"APP_ALLOW_ORIGINS": "[]"})


@pytest.mark.parametrize(
    "given", [{"allow_orgins": "x", "max_ag": "1"}, {"a": 1, "b": 2, "allow_origns": "y"}]
)
def test_unknown_keys_list_the_known_options_once(given: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy.from_dict(given)
    assert len(raised.value.problems) == len(given)
    assert str(raised.value).count("known:") == 1
