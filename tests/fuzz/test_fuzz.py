"""The fuzz target runs for a bounded time in the suite; longer by hand (see fuzz_cors.py)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..servers import PROJECT

SECONDS = 20


@pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (pip install atheris; wheels exist for x86_64 Linux)",
)
def test_fuzz_target_runs_clean_for_a_bounded_time(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "tests/fuzz/fuzz_cors.py", f"-max_total_time={SECONDS}", "-print_final_stats=1",
         f"-artifact_prefix={tmp_path}/"],
        cwd=PROJECT, capture_output=True, text=True, timeout=SECONDS * 6,
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
