"""Shared fixtures, the in-process rule of the fast tiers, and --run-slow."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

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


#: The tiers of the edit-test loop (``pytest tests/unit tests/behaviour``): in-process only.
IN_PROCESS_TIERS = ("unit", "behaviour")
TESTS = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def in_process_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under tests/unit and tests/behaviour, starting a process (a server, a command, a
    browser) fails the test: such tests belong in tests/integration or tests/e2e."""
    tier = Path(request.node.path).resolve().relative_to(TESTS).parts[0]
    if tier not in IN_PROCESS_TIERS:
        return

    class RefusedPopen(subprocess.Popen[bytes]):
        # A class, as Popen is: modules imported here may write subprocess.Popen[bytes].
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise RuntimeError(
                f"tests/{tier} runs in-process: a test that starts a process belongs in "
                "tests/integration (servers, commands) or tests/e2e (browsers)"
            )

    monkeypatch.setattr(subprocess, "Popen", RefusedPopen)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        help="also run the long load, memory, streaming and fuzzing runs (minutes)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: add --run-slow to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
