"""The documentation site builds strictly (a warning fails), and every link inside it leads to
a file and an anchor that exist; README's links into it resolve too."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.docs import broken_links, build_site, docs_pages
from ..support.servers import PROJECT


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("site")
    built = build_site(out)
    assert built.returncode == 0, built.stdout + built.stderr
    yield out


def test_the_build_has_no_warnings_and_every_page(site: Path) -> None:
    for page in docs_pages():
        html = site / page.relative_to(PROJECT / "docs").with_suffix(".html")
        assert html.is_file(), html
    assert (site / "search.html").is_file() and (site / "searchindex.js").is_file()


def test_generated_references_and_api_are_in_the_site(site: Path) -> None:
    options = (site / "reference" / "options.html").read_text(encoding="utf-8")
    assert "cross_origin_protection" in options and "{cors-options-table}" not in options
    cli = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    assert "usage: python -m cors_wsgi migrate" in cli
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    for target in (
        "cors_wsgi.CORSPolicy.evaluate",
        "cors_wsgi.CORSMiddleware.reconfigure",
        "cors_wsgi.asgi.CORSMiddleware.from_ini",
        "cors_wsgi.Decision",
        "cors_wsgi.Reason.ORIGIN_NOT_ALLOWED",
        "cors_wsgi.ConfigError",
        "cors_wsgi.Problem",
    ):
        assert f'id="{target}"' in api, target
    assert "check_websocket_origin" in api


def test_every_internal_link_and_anchor_exists(site: Path) -> None:
    assert broken_links(site) == []
    # ... and there are links to check: the tables of contents, cross-page links, permalinks.
    html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert html.count('href="#') > 100 and html.count(".html#") > 20


@pytest.mark.parametrize(
    ("html", "broken"),
    [
        ('<a href="#here">x</a><p id="here"></p>', []),
        ('<a href="#gone">x</a>', ["index.html: #gone (no such anchor)"]),
        ('<a href="other.html">x</a>', ["index.html: other.html (no such file)"]),
        ('<a href="https://example.com/x#y">x</a><img src="//cdn.example/a.png">', []),
    ],
)
def test_the_link_checker_finds_what_is_broken(
    html: str, broken: list[str], tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    assert broken_links(tmp_path) == broken


def test_the_build_fails_on_a_warning(tmp_path: Path) -> None:
    """-W is in force: a page outside every toctree is a warning, so the build of a copy of the
    sources with one such page fails, naming it."""
    source = tmp_path / "docs"
    shutil.copytree(PROJECT / "docs", source, ignore=shutil.ignore_patterns("_build"))
    (source / "zz_stray_page_for_test.md").write_text("# Stray\n", encoding="utf-8")
    built = build_site(tmp_path / "out", source)
    assert built.returncode != 0
    assert "zz_stray_page_for_test" in built.stderr


def test_readme_links_into_the_site_resolve() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(((?:docs|examples)/[^)#]+)\)", readme)
    assert len(targets) >= 15
    for target in targets:
        assert (PROJECT / target).is_file(), target
