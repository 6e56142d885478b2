"""The references the site generates from the code, so they cannot drift from it.

``options_table()`` renders the option table (``cors_wsgi.options.OPTIONS``) and
``cli_reference()`` the command line's ``--help`` texts (``cors_wsgi.cli.build_parser``); a
page asks for them with an empty ``{cors-options-table}`` or ``{cors-cli-reference}`` fence.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The width the help texts are wrapped at, whatever the terminal: the page and the tests agree.
HELP_COLUMNS = 80


def options_table() -> str:
    """The options table, one row per option in the option table's order (Markdown)."""
    from cors_wsgi.options import OPTIONS

    rows = [
        "| Key | What it does | Type | Default | Example (string form) |",
        "|---|---|---|---|---|",
    ]
    rows += [
        f"| `{o.name}` | {o.doc} | {o.kind} | {o.default_text} | `{o.example}` |" for o in OPTIONS
    ]
    return "\n".join(rows) + "\n"


@contextmanager
def help_width(columns: int = HELP_COLUMNS) -> Iterator[None]:
    """argparse wraps help at ``$COLUMNS``: fix it while help is formatted."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def command_helps() -> list[tuple[str, str]]:
    """``(command line, help text)`` for the program and each subcommand, in the parser's order."""
    from cors_wsgi.cli import build_parser

    parser = build_parser()
    with help_width():
        helps = [("python -m cors_wsgi --help", parser.format_help())]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    helps.append((f"python -m cors_wsgi {name} --help", sub.format_help()))
    return helps


def cli_reference() -> str:
    """One section per command with its ``--help`` text (Markdown)."""
    parts = []
    for command, text in command_helps():
        name = command.removeprefix("python -m cors_wsgi ").removesuffix(" --help")
        title = "python -m cors_wsgi" if name == "--help" else name
        parts.append(f"## `{title}`\n\n```text\n$ {command}\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


#: A placeholder in a page's source, and what replaces it before the page is parsed.
GENERATED = {
    "```{cors-options-table}\n```\n": options_table,
    "```{cors-cli-reference}\n```\n": cli_reference,
}


def fill_in(source: str) -> str:
    """The page's source with every placeholder replaced by the text it stands for."""
    for placeholder, render in GENERATED.items():
        if placeholder in source:
            source = source.replace(placeholder, render())
    return source


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    source[0] = fill_in(source[0])


def setup(app: Any) -> dict[str, Any]:
    """Fill the placeholders in as each page is read."""
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
