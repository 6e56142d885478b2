"""The benchmarks' quick modes run to the end (timing is not asserted: it is noise here)."""

from __future__ import annotations

import subprocess
import sys

from ..servers import PROJECT


def run_quick(module: str, timeout: float) -> str:
    """Run a benchmark in quick mode in a subprocess (it may configure Django settings of its
    own) and return what it printed; fail if it failed."""
    result = subprocess.run(
        [sys.executable, "-m", module, "--quick"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_benchmark_quick_mode_runs() -> None:
    output = run_quick("tests.benchmarks.bench_cors", timeout=300)
    assert "verified: every stack sends the expected headers" in output
    assert "| cors_wsgi |" in output
    assert "Streaming" in output


def test_gunicorn_benchmark_quick_mode_runs() -> None:
    assert "| cors_wsgi |" in run_quick("tests.benchmarks.bench_gunicorn", timeout=120)
