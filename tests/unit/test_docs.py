"""README.md and the documentation site (docs/) match the code: the test command CI runs, the
generated option and command-line references, the example commands."""

from __future__ import annotations

import importlib
import io
import re
from contextlib import redirect_stdout

import pytest

from cors_wsgi.options import OPTION_NAMES, OPTIONS

from ..support.docs import DOCS, cors_docs, docs_pages
from ..support.servers import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
#: README and every page of the site, which the example commands are gathered from.
ALL_DOCS = README + "".join(page.read_text(encoding="utf-8") for page in docs_pages())


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
    ".venv/bin/python -m tests.benchmarks.bench_dropins --quick",
    ".venv/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html",
]


def test_ci_runs_every_check_and_stops_on_the_first_failure() -> None:
    lines = (PROJECT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert "set -euo pipefail" in lines
    for check in CI_CHECKS:
        assert check in lines[:-1], check  # a line of its own, before the test command


def test_option_table_is_generated_from_the_option_table() -> None:
    """The options reference's table is the option table's rows (name, what it does, kind,
    default, example), in its order, filled in where the page asks for it; nothing else in the
    page is a row for an option."""
    page = (DOCS / "reference" / "options.md").read_text(encoding="utf-8")
    assert page.count("```{cors-options-table}\n```\n") == 1
    expected = [
        "| Key | What it does | Type | Default | Example (string form) |",
        "|---|---|---|---|---|",
    ]
    expected += [
        f"| `{o.name}` | {o.doc} | {o.kind} | {o.default_text} | `{o.example}` |" for o in OPTIONS
    ]
    filled = cors_docs().fill_in(page)
    assert "\n".join(expected) in filled
    rows = re.findall(r"^\| `([a-z_]+)` \|", filled, flags=re.MULTILINE)
    assert rows == list(OPTION_NAMES)


def cli_help(*args: str) -> str:
    """What ``python -m cors_wsgi ARGS`` prints (its ``main``, in this process), at the width
    the page is generated at."""
    from cors_wsgi.cli import main

    out = io.StringIO()
    with cors_docs().help_width(), redirect_stdout(out), pytest.raises(SystemExit) as exit:
        main(list(args))
    assert exit.value.code == 0
    return out.getvalue()


def test_cli_reference_is_what_help_prints() -> None:
    """Every command's section in the CLI reference is its ``--help`` output, and every command
    the parser has is in it."""
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    assert page.count("```{cors-cli-reference}\n```\n") == 1
    filled = cors_docs().fill_in(page)
    blocks = re.findall(r"```text\n\$ (python -m cors_wsgi.*?) --help\n(.*?)```", filled, re.S)
    commands = [command.split()[3:] for command, _ in blocks]
    assert commands == [[], ["check"], ["explain"], ["probe"], ["migrate"]]
    for words, (_, shown) in zip(commands, blocks, strict=True):
        assert shown == cli_help(*words, "--help"), words


def test_every_example_command_names_a_real_module() -> None:
    for module in re.findall(r"gunicorn (examples\.\w+):application", ALL_DOCS):
        assert hasattr(importlib.import_module(module), "application")
    for module in re.findall(r"uvicorn (examples\.\w+):app", ALL_DOCS):
        assert hasattr(importlib.import_module(module), "app")
    assert re.findall(r"uvicorn (examples\.\w+):app", README)
    assert len(re.findall(r"gunicorn (examples\.\w+):application", ALL_DOCS)) >= 5
    for ini in re.findall(r"gunicorn --paste (examples/\S+\.ini)", ALL_DOCS):
        assert (PROJECT / ini).is_file()


def test_the_check_example_is_what_check_prints() -> None:
    import io
    import os

    from cors_wsgi.cli import main

    command = "$ python -m cors_wsgi check examples/cors.ini --section filter:cors\n"
    page = (DOCS / "howto" / "troubleshooting.md").read_text(encoding="utf-8")
    shown = page.split(command, 1)[1].split("```", 1)[0]
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(PROJECT)  # the example names the file relative to the checkout
    try:
        assert main(["check", "examples/cors.ini", "--section", "filter:cors"], out=out) == 0
    finally:
        os.chdir(cwd)
    # The example shows the first options and elides the rest with "  ...": each line shown
    # is printed, in order, so a new option needs no edit of the page.
    printed = out.getvalue().splitlines()
    lines = shown.splitlines()
    assert lines[-1] == "  ..." and len(lines) >= 8
    assert printed[: len(lines) - 1] == lines[:-1]


def test_readme_is_short_and_every_fence_closes() -> None:
    """README stays a front page (the rest lives in docs/), and no code block swallows the
    text after it (the screenshot included)."""
    lines = README.splitlines()
    assert len(lines) <= 150
    fences = [line for line in lines if line.startswith("```")]
    assert len(fences) % 2 == 0 and all(f == "```" for f in fences[1::2]), fences
    assert "![The demo page" in README.split("```\n\n", 1)[1].split("## Install", 1)[0]
