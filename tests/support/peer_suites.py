"""Running a peer's own test suite against a drop-in: the suite from the peer's source
distribution (``.ci/fetch_peer_suites`` puts it in ``.peer-suites/``), a shim (a pytest plugin
of ours) that makes the peer's import resolve to cors_wsgi, and the documented deliberate
differences: every test of the suite passes except those, and each of those fails (a listed
difference that passes is stale and fails the check too).

The suites are not part of this repository: outside CI a missing suite skips; with ``CI`` set
(``.ci/run`` fetches them) it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from .servers import PROJECT

SUITES = PROJECT / ".peer-suites"
#: The migration guide's address in the documentation site, for the differences' links.
DOCS = "https://cors-wsgi.readthedocs.io/en/latest/"


@dataclass(frozen=True)
class Difference:
    """A test of the peer's suite that fails against the drop-in on purpose."""

    #: Why cors_wsgi answers differently (what the peer does, and why cors_wsgi does not).
    reason: str
    #: The page and anchor of the migration guide that documents it (relative to the docs).
    docs: str


@dataclass(frozen=True)
class SuiteRun:
    passed: frozenset[str]
    failed: frozenset[str]
    output: str


def suite_dir(name: str) -> Path:
    """The unpacked source distribution, e.g. ``suite_dir("starlette-1.10.0")``."""
    found = SUITES / name
    if not (found / "tests").is_dir():
        message = f"{found} is missing: run .ci/fetch_peer_suites"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run_suite(
    root: Path, tests: Sequence[str], shim: str, tmp_path: Path, timeout: float = 600
) -> SuiteRun:
    """Run the peer's *tests* (paths relative to *root*) with the plugin *shim* (a module of
    this repository, e.g. ``tests.peer_suites.shim_starlette``) loaded first, in a fresh
    interpreter; the outcome of every test, by its node id."""
    report = tmp_path / "report.xml"
    # The peer's suite is a package named tests too, which would hide ours: the shim is loaded
    # by its bare name from its own directory.
    package, _, module = shim.rpartition(".")
    shim_dir = PROJECT.joinpath(*package.split("."))
    path = os.pathsep.join([str(root), str(PROJECT), str(shim_dir)])
    env = {**os.environ, "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", module, "-p", "no:cacheprovider", "-q",
         "--rootdir", str(root), "-o", "addopts=", "-o", "filterwarnings=",
         f"--junitxml={report}", *tests],
        cwd=root, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    passed: set[str] = set()
    failed: set[str] = set()
    assert report.exists(), result.stdout + result.stderr
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        node = f"{case.get('classname')}::{case.get('name')}"
        if case.find("skipped") is not None:
            continue
        bad = case.find("failure") is not None or case.find("error") is not None
        (failed if bad else passed).add(node)
    return SuiteRun(frozenset(passed), frozenset(failed), result.stdout + result.stderr)


def assert_only_documented_failures(run: SuiteRun, differences: Mapping[str, Difference]) -> None:
    """Every failure is a documented difference, and every documented difference fails."""
    assert run.passed or run.failed, run.output
    undocumented = sorted(run.failed - set(differences))
    stale = sorted(set(differences) - run.failed)
    assert not undocumented, (
        f"{len(undocumented)} failures are neither fixed nor documented: {undocumented}\n"
        + run.output[-6000:]
    )
    assert not stale, f"documented differences that no longer fail (remove them): {stale}"
    for node, difference in differences.items():
        assert difference.reason and difference.docs.split("#")[0].endswith(".html"), node
