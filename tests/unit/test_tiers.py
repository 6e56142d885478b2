"""The test suite's own rule: the fast tiers (tests/unit, tests/behaviour) start no process, so
``pytest tests/unit tests/behaviour`` stays an edit-test loop of seconds (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading

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

    # In a thread of its own: a browser driver earlier in the run may keep an event loop
    # running in this one, where asyncio.run refuses to start.
    raised: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(start())
        except BaseException as error:  # re-raised below, in the test's thread
            raised.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert raised, "the subprocess was started"
    with pytest.raises(RuntimeError, match="belongs in tests/integration"):
        raise raised[0]
