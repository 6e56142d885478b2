"""Running the command line in-process, as the CLI tests do."""

from __future__ import annotations

import io
import json
from typing import Any

from cors_wsgi.cli import main


def run(*argv: str) -> tuple[int, str]:
    """``python -m cors_wsgi ARGV`` in-process: its exit code and what it printed."""
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def run_json(*argv: str) -> tuple[int, dict[str, Any]]:
    """The same with ``--json``: its exit code and its report."""
    code, text = run(*argv, "--json")
    report: dict[str, Any] = json.loads(text)
    return code, report
