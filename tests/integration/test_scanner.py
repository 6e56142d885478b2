"""A real CORS misconfiguration scanner (CORScanner) against cors_wsgi behind gunicorn finds
nothing; against a deliberately reflecting app it reports the flaw, so it is seen to bite.

CORScanner needs a virtualenv of its own (it pulls gevent and an old argparse): .ci/run makes
.venv-corscanner; elsewhere point CORSCANNER at its executable.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ..support.servers import PROJECT, gunicorn

SCANNER = Path(os.environ.get("CORSCANNER", PROJECT / ".venv-corscanner" / "bin" / "corscanner"))

pytestmark = pytest.mark.skipif(
    not SCANNER.exists(),
    reason=f"CORScanner not found at {SCANNER}: python3 -m venv .venv-corscanner && "
    ".venv-corscanner/bin/pip install corscanner (or set CORSCANNER)",
)


def scan(url: str, tmp_path: Path) -> list[dict[str, Any]]:
    report = tmp_path / "scan.json"
    result = subprocess.run(
        [str(SCANNER), "-u", url, "-o", str(report)],
        cwd=tmp_path,
        env={**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""},  # no download
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "Finished CORS scanning" in result.stdout + result.stderr, result.stderr[-2000:]
    findings: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))
    return findings


def test_scanner_finds_nothing_in_cors_wsgi(tmp_path: Path) -> None:
    with gunicorn(
        ["tests.support.faults_app:application"], env={"FAULTS_CLOSE_LOG": os.devnull}
    ) as url:
        assert scan(url + "/echo", tmp_path) == []


def test_scanner_bites_on_a_reflecting_app(tmp_path: Path) -> None:
    with gunicorn(["tests.support.reflecting_app:application"]) as url:
        findings = scan(url + "/", tmp_path)
    assert {finding["type"] for finding in findings} >= {"reflect_origin"}
    assert findings[0]["credentials"] == "true"
