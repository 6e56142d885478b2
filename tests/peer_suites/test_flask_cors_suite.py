"""flask-cors's own test suite (from its 6.0.5 source distribution) against ``cors_wsgi.flask``,
with only the import swapped (``shim_flask_cors``): every test passes but the documented
deliberate differences, and each of those fails."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..support.peer_suites import assert_only_documented_failures, run_suite, suite_dir
from .flask_cors_differences import DIFFERENCES, SUITE


def test_flask_cors_suite_passes_but_for_the_documented_differences(tmp_path: Path) -> None:
    # The suite's package is named ``tests``, as ours is: a renamed copy lets the shim (a
    # module of our tests package) import in the same interpreter.
    root = tmp_path / "suite"
    shutil.copytree(suite_dir("flask_cors-6.0.5") / "tests", root / SUITE)
    run = run_suite(root, [SUITE], "tests.peer_suites.shim_flask_cors", tmp_path)
    assert_only_documented_failures(run, DIFFERENCES)
    assert len(run.passed) >= 60, run.output[-3000:]  # the suite ran, not just its errors
