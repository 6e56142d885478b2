"""The documentation site's sources, for the tests that hold them to the code."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

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


#: The strict build CI runs (.ci/run), into a folder of the caller's.
BUILD_TIMEOUT = 300.0


def build_site(out: Path, source: Path = DOCS) -> subprocess.CompletedProcess[str]:
    """Build the site from *source* strictly (``-W --keep-going``: any warning fails) into
    *out*, as a fresh build (``-E``, no doctree cache from an earlier run). The caller checks
    the return code."""
    import pytest

    if not os.environ.get("CI"):  # .ci/run installs the docs group: there, a missing Sphinx fails
        pytest.importorskip("sphinx", reason="the docs group: pip install --group docs")
    return subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html"),
            *("-d", str(out / ".doctrees"), str(source), str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        cwd=PROJECT,
        check=False,
    )


class _Links(HTMLParser):
    """The anchors a page defines (``id``, ``name``) and the links it makes (``href``, ``src``)."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and tag != "meta":
                self.anchors.add(value)
            elif name in ("href", "src"):
                self.links.append(value)


def broken_links(site: Path) -> list[str]:
    """Every link inside the built site whose file or anchor does not exist, as
    ``page: link (why)``. Links that leave the site (a scheme, ``//host``) are not followed."""
    pages: dict[Path, _Links] = {}
    for path in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = parser
    broken = []
    for path, parser in pages.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("javascript:"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            name = f"{path.relative_to(site.resolve())}: {link}"
            if not target.is_file():
                broken.append(f"{name} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                anchors = pages[target].anchors if target in pages else set()
                if unquote(parts.fragment) not in anchors:
                    broken.append(f"{name} (no such anchor)")
    return broken
