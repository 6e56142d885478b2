"""The behaviour table (tests/behaviour/behaviours.py) through the core, the WSGI middleware and
the ASGI middleware (tests/behaviour/runner.py)."""

from __future__ import annotations

from typing import Any

import pytest

from .behaviours import BEHAVIOURS, Behaviour
from .runner import ADAPTERS, through_core

ROWS = [pytest.param(row, id=row.id) for row in BEHAVIOURS]
#: Headers the decision alone sets (the others depend on the application's response).
DECIDED = {
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
    "x-cors-reason",
}


def with_debug(policy: Any) -> Any:
    """The same configuration with the debug header on, which shows the adapter's reason."""
    if isinstance(policy, list):
        return [(pattern, {**options, "debug": True}) for pattern, options in policy]
    return {**policy, "debug": True}


def check_headers(row: Behaviour, headers: dict[str, str]) -> None:
    """Names compare case-insensitively, and so do values: ASGI lists header names in lower
    case, as it carries them."""
    for name, expected in row.headers.items():
        found = headers.get(name.lower())
        assert (found and found.lower()) == (expected and expected.lower()), (name, headers)


def check_answer(
    row: Behaviour, debug: bool, status: int, header_list: list[tuple[str, str]], app_called: bool
) -> None:
    """What an adapter answered, against the row: status, whether the app ran, and the reason
    (with the debug header on) or the headers (with it off)."""
    headers = {name.lower(): value for name, value in header_list}
    assert status == row.status
    assert app_called is row.app_called
    if debug:
        expected = None if row.reason == "no_policy_for_path" else row.reason
        assert reason_shown(headers) == expected
    elif "X-CORS-Reason" not in row.headers:
        check_headers(row, headers)


def reason_shown(headers: dict[str, str]) -> str | None:
    shown = headers.get("x-cors-reason")
    return shown.split(" ")[0] if shown else None


@pytest.mark.parametrize("row", ROWS)
def test_behaviour_through_the_core(row: Behaviour) -> None:
    decision = through_core(row.policy, row.method, row.path, row.request_headers)
    assert decision.reason == row.reason
    produced = {name.lower(): value for name, value in decision.headers}
    app_names = {name.lower() for name, _ in row.app_headers}
    for name, expected in row.headers.items():
        if name.lower() in DECIDED and name.lower() not in app_names:
            assert produced.get(name.lower()) == expected, (name, produced)


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("row", ROWS)
def test_behaviour_through_the_adapter(row: Behaviour, adapter: str) -> None:
    for debug in (False, True):
        policy = with_debug(row.policy) if debug else row.policy
        answer = ADAPTERS[adapter](policy, row.method, row.path, row.request_headers,
                                   row.app_headers)  # fmt: skip
        check_answer(row, debug, answer.status, answer.headers, answer.app_called)
