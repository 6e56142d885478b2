"""Option values that once came out wrong: each row is a defect, fixed and kept fixed."""

from __future__ import annotations

from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSPolicy


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(".x:f", id="relative module"),
        pytest.param("..x:f", id="two dots"),
        pytest.param("x..y:f", id="empty module name part"),
    ],
)
def test_a_bad_import_string_is_a_config_error(value: str) -> None:
    with pytest.raises(ConfigError, match="allow_origin_func"):
        CORSPolicy(allow_origin_func=value)


# A name listed twice (after upper-casing a method, or in another case for a header) is sent
# once, where it was first listed.
DUPLICATES: list[Any] = [
    pytest.param(
        {"allow_methods": ["get", "GET", "Get", "PUT"]},
        "allow_methods",
        ("GET", "PUT"),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        id="methods upper-cased",
    ),
    pytest.param(
        {"allow_methods": "PATCH patch PATCH"},
        "allow_methods",
        ("PATCH", "patch"),
        ("Access-Control-Allow-Methods", "PATCH, patch"),
        id="methods outside the six stay case-sensitive",
    ),
    pytest.param(
        {"allow_headers": ["X-Api-Key", "x-api-key", "Content-Type"]},
        "allow_headers",
        ("X-Api-Key", "Content-Type"),
        (
            "Access-Control-Allow-Headers",
            "X-Api-Key, Content-Type, Accept, Accept-Language, Content-Language",
        ),
        id="request headers, any case",
    ),
    pytest.param(
        {"allow_origins": "https://a.example", "expose_headers": "X-Total x-total X-Page"},
        "expose_headers",
        ("X-Total", "X-Page"),
        ("Access-Control-Expose-Headers", "X-Total, X-Page"),
        id="exposed headers, any case",
    ),
]


@pytest.mark.parametrize(("options", "key", "normalised", "header"), DUPLICATES)
def test_duplicates_are_listed_once(
    options: dict[str, Any], key: str, normalised: tuple[str, ...], header: tuple[str, str]
) -> None:
    policy = CORSPolicy.from_dict(options)
    assert policy.options()[key] == normalised
    assert header in (*policy.preflight_extra, *policy.actual_extra)
