"""The package's layering: each module imports only modules below it, and the two protocol
adapters (middleware.py for WSGI, asgi.py for ASGI) never import each other."""

from __future__ import annotations

import ast

import pytest

from ..support.servers import PROJECT

PACKAGE = PROJECT / "cors_wsgi"
#: Bottom to top: a module may import (at module level) only modules of lower layers.
LAYERS = [
    {"errors", "_regex", "fetch", "_log", "migrate"},
    {"origins"},
    {"options"},
    {"policy", "origin_func"},
    {"decision", "routes"},
    {"core", "response"},
    {"middleware", "asgi"},  # the adapters: siblings, never each other
    {"paste", "cli"},
    {"__init__", "__main__"},
]
LAYER = {name: index for index, names in enumerate(LAYERS) for name in names}


def imported_modules(name: str) -> set[str]:
    """The package modules *name* imports at module level, TYPE_CHECKING blocks excluded."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cors_wsgi"):
            found.add((node.module or "").removeprefix("cors_wsgi.").split(".")[0] or "__init__")
    return found & set(LAYER)


def test_every_module_has_a_layer() -> None:
    assert {path.stem for path in PACKAGE.glob("*.py")} == set(LAYER)


@pytest.mark.parametrize("name", sorted(LAYER))
def test_imports_only_go_down(name: str) -> None:
    upward = {m for m in imported_modules(name) if LAYER[m] >= LAYER[name] and m != name}
    assert not upward, f"{name} imports {upward} from its own layer or above"


def test_the_adapters_never_import_each_other() -> None:
    assert "asgi" not in imported_modules("middleware")
    if (PACKAGE / "asgi.py").exists():
        assert "middleware" not in imported_modules("asgi")


def test_only_the_adapters_speak_a_protocol() -> None:
    """Outside the adapters nothing calls start_response or awaits send/receive."""
    for path in PACKAGE.glob("*.py"):
        if path.stem in ("middleware", "asgi", "paste"):
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("start_response(", "await send(", "await receive("):
            assert word not in text, f"{path.name} uses {word}"
