"""The test suite's own rule: the fast tiers (tests/unit, tests/behaviour) start no process, so
``pytest tests/unit tests/behaviour`` stays an edit-test loop of seconds (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest


def test_a_command_cannot_be_run_here() -> None:
    with pytest.raises(RuntimeError, match="belongs in tests/integration"):
        subprocess.run([sys.executable, "-c", "pass"], timeout=10)


def test_a_server_cannot_be_started_here() -> None:
    with pytest.raises(RuntimeError, match="belongs in tests/integration"):
        subprocess.Popen([sys.executable, "-m", "http.server", "0"])


def test_nor_through_asyncio() -> None:
    async def start() -> None:
        await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")

    with pytest.raises(RuntimeError, match="belongs in tests/integration"):
        asyncio.run(start())
