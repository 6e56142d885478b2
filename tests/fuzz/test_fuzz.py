"""The fuzz target replays its corpus and runs for a few seconds in the default suite, for a
minute with --run-slow, and for as long as wanted by hand (see fuzz_cors.py)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..support.servers import PROJECT

#: Seconds of fuzzing: a short run by default (the target still runs clean), a long one with
#: --run-slow.
RUNS = [
    pytest.param(3, id="3 s"),
    pytest.param(60, id="60 s", marks=pytest.mark.slow),
]


@pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (pip install atheris; wheels exist for x86_64 Linux)",
)
@pytest.mark.parametrize("seconds", RUNS)
def test_fuzz_target_runs_clean_for_a_bounded_time(tmp_path: Path, seconds: int) -> None:
    result = subprocess.run(
        [sys.executable, "tests/fuzz/fuzz_cors.py", f"-max_total_time={seconds}", "-print_final_stats=1",
         f"-artifact_prefix={tmp_path}/"],
        cwd=PROJECT, capture_output=True, text=True, timeout=seconds * 6 + 30,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    runs = re.search(r"Done (\d+) runs in (\d+) second", output)
    assert runs is not None, output[-3000:]
    assert int(runs.group(1)) > 1000
    print(f"\nfuzz: {runs.group(1)} executions in {runs.group(2)} s, no findings")


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
def test_earlier_findings_stay_fixed() -> None:
    """Each input the fuzzer once crashed on (tests/fuzz/corpus/) runs clean."""
    findings = sorted(str(path) for path in (PROJECT / "tests" / "fuzz" / "corpus").iterdir())
    assert findings
    result = subprocess.run(
        [sys.executable, "tests/fuzz/fuzz_cors.py", *findings],
        cwd=PROJECT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
