"""Shared fixtures."""

from __future__ import annotations

import pytest

from cors_wsgi import CORSPolicy

from .support.helpers import ALLOWED, OTHER_ALLOWED, RecordingApp


@pytest.fixture
def app() -> RecordingApp:
    return RecordingApp()


@pytest.fixture
def policy() -> CORSPolicy:
    """The policy from the README's quick start."""
    return CORSPolicy(
        allow_origins=[ALLOWED, OTHER_ALLOWED, "https://*.example.org"],
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["Content-Type", "Authorization"],
        expose_headers=["X-Total-Count"],
        allow_credentials=True,
        max_age=600,
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        help="also run the long load, memory and streaming tests (minutes)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: add --run-slow to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
