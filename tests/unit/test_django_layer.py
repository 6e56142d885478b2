"""``import cors_wsgi`` never imports Django: only the drop-in's subpackage, ``cors_wsgi.django``,
names Django (or asgiref), and nothing else in the package imports the drop-in."""

from __future__ import annotations

import ast

from .test_layout import PACKAGE

FRAMEWORK = {"django", "asgiref"}


def imported_top_levels(path: object) -> set[str]:
    """Top-level names imported; ``cors_wsgi.django`` for the drop-in imported relatively from
    the package's own top level (``from .django import``, ``from . import django``)."""
    tree = ast.parse(PACKAGE.joinpath(str(path)).read_text(encoding="utf-8"))
    at_top = "/" not in str(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1 and at_top:
                modules = [node.module] if node.module else [a.name for a in node.names]
                if any(m.split(".")[0] == "django" for m in modules):
                    found.add("cors_wsgi.django")
    return found


def test_only_the_drop_in_imports_django() -> None:
    outside = [p for p in PACKAGE.rglob("*.py") if "django" not in p.relative_to(PACKAGE).parts]
    assert outside
    for path in outside:
        names = imported_top_levels(path.relative_to(PACKAGE))
        assert not names & (FRAMEWORK | {"cors_wsgi.django"}), path
    inside = list((PACKAGE / "django").rglob("*.py"))
    assert any("django" in imported_top_levels(p.relative_to(PACKAGE)) for p in inside)
