"""The documentation site's sources, for the tests that hold them to the code."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from types import ModuleType

from .servers import PROJECT

DOCS = PROJECT / "docs"


def docs_pages() -> list[Path]:
    """Every Markdown page of the site, in a stable order (the build folder left out)."""
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)


@cache
def cors_docs() -> ModuleType:
    """The site's Sphinx extension (``docs/_ext/cors_docs.py``), which renders the generated
    references; it is no package module, so it is loaded from its file."""
    spec = importlib.util.spec_from_file_location("cors_docs", DOCS / "_ext" / "cors_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def code_blocks(text: str, language: str) -> list[str]:
    """The fenced code blocks of one language in a Markdown text, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
