"""The benchmark's quick mode runs to the end (timing is not asserted: it is noise here)."""

from __future__ import annotations

import subprocess
import sys

from ..servers import PROJECT


def test_benchmark_quick_mode_runs() -> None:
    # A subprocess: the benchmark configures Django settings of its own.
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_cors", "--quick"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified: every stack sends the expected headers" in result.stdout
    assert "| cors_wsgi |" in result.stdout
    assert "Streaming" in result.stdout


def test_gunicorn_benchmark_quick_mode_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_gunicorn", "--quick"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| cors_wsgi |" in result.stdout
