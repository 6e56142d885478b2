"""Starlette's own CORS tests, run against cors_wsgi's ASGI middleware by changing only what
``starlette.middleware.cors.CORSMiddleware`` names (the shim): every test passes except the
documented deliberate differences (starlette_differences.py), and each of those still fails.
A subprocess: this tier is not one of the in-process ones."""

from __future__ import annotations

from pathlib import Path

from ..support.peer_suites import assert_only_documented_failures, run_suite, suite_dir
from .starlette_differences import DIFFERENCES

SUITE = "starlette-1.10.0"


def test_starlettes_cors_tests_pass_but_for_the_documented_differences(tmp_path: Path) -> None:
    run = run_suite(
        suite_dir(SUITE),
        ["tests/middleware/test_cors.py"],
        "tests.peer_suites.shim_starlette",
        tmp_path,
    )
    assert_only_documented_failures(run, DIFFERENCES)
    assert len(run.passed) + len(run.failed) == 36, run.output  # the file's tests, both backends


def test_the_shim_is_what_the_suite_runs(tmp_path: Path) -> None:
    """Without the shim the same tests all pass: the failures above are cors_wsgi's answers."""
    root = suite_dir(SUITE)
    run = run_suite(root, ["tests/middleware/test_cors.py"], "tests.peer_suites.no_shim", tmp_path)
    assert run.passed and not run.failed, run.output[-3000:]
