"""README.md matches the code: the test command CI runs, the option table, the example commands."""

from __future__ import annotations

import importlib
import re

from cors_wsgi.options import OPTION_NAMES, OPTIONS

from ..support.servers import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    command = README.split("# 2. The tests.\n", 1)[1].splitlines()[0]
    ci_lines = (PROJECT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci_lines[-1] == command
    assert "pytest" in command


#: The checks that are not tests, which CI runs before the suite.
CI_CHECKS = [
    ".venv/bin/ruff check .",
    ".venv/bin/ruff format --check .",
    ".venv/bin/mypy",
    ".venv/bin/python .ci/check_package.py",
    ".venv/bin/python -m tests.benchmarks.bench_cors --quick",
    ".venv/bin/python -m tests.benchmarks.bench_gunicorn --quick",
]


def test_ci_runs_every_check_and_stops_on_the_first_failure() -> None:
    lines = (PROJECT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert "set -euo pipefail" in lines
    for check in CI_CHECKS:
        assert check in lines[:-1], check  # a line of its own, before the test command


def test_option_table_is_generated_from_the_option_table() -> None:
    """The README's options table is the option table's rows (name, what it does, kind, default,
    example), in its order; nothing else in the reference is a row for an option."""
    reference = README.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    expected = [
        "| Key | What it does | Type | Default | Example (string form) |",
        "|---|---|---|---|---|",
    ]
    expected += [
        f"| `{o.name}` | {o.doc} | {o.kind} | {o.default_text} | `{o.example}` |" for o in OPTIONS
    ]
    assert "\n".join(expected) in reference
    rows = re.findall(r"^\| `([a-z_]+)` \|", reference, flags=re.MULTILINE)
    assert rows == list(OPTION_NAMES)


def test_every_example_command_names_a_real_module() -> None:
    for module in re.findall(r"gunicorn (examples\.\w+):application", README):
        assert hasattr(importlib.import_module(module), "application")
    for module in re.findall(r"uvicorn (examples\.\w+):app", README):
        assert hasattr(importlib.import_module(module), "app")
    assert re.findall(r"uvicorn (examples\.\w+):app", README)
    for ini in re.findall(r"gunicorn --paste (examples/\S+\.ini)", README):
        assert (PROJECT / ini).is_file()


def test_the_check_example_is_what_check_prints() -> None:
    import io
    import os

    from cors_wsgi.cli import main

    command = "$ python -m cors_wsgi check examples/cors.ini --section filter:cors\n"
    shown = README.split(command, 1)[1].split("```", 1)[0]
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(PROJECT)  # the example names the file relative to the checkout
    try:
        assert main(["check", "examples/cors.ini", "--section", "filter:cors"], out=out) == 0
    finally:
        os.chdir(cwd)
    # The example shows the first options and elides the rest with "  ...": each line shown
    # is printed, in order, so a new option needs no README edit here.
    printed = out.getvalue().splitlines()
    lines = shown.splitlines()
    assert lines[-1] == "  ..." and len(lines) >= 8
    assert printed[: len(lines) - 1] == lines[:-1]
