"""The package's layering: each module imports only modules below it, counting imports inside
functions and under ``TYPE_CHECKING``, so there is no import cycle of any kind; the two protocol
adapters (middleware.py for WSGI, asgi.py for ASGI) never import each other; and nothing below
them speaks a protocol."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ..support.servers import PROJECT

PACKAGE = PROJECT / "cors_wsgi"
#: Bottom to top: a module may import only modules of lower layers.
LAYERS = [
    {"errors", "_regex", "_http", "_log", "migrate"},  # leaves: no package imports
    {"origins"},
    {"hosts"},  # allowed_hosts: Host values and origins' authorities
    {"options"},  # the option table, validation, the compiled options the rules read
    {"lint", "origin_func"},
    {"decision"},  # the vocabulary: Reason, Action, Decision
    {"rules"},  # the server's side of CORS, pure
    {"memo"},  # the caches in front of the rules
    {"browser"},  # the browser's side of CORS: evaluate(), explain, probe
    {"policy"},  # CORSPolicy, the public value
    {"routes"},
    {"core", "response"},
    {"middleware", "asgi"},  # the adapters: siblings, never each other
    # and the drop-ins for django-cors-headers and flask-cors, imported only by their users
    {"paste", "cli", "django", "flask"},
    {"__init__", "__main__"},
]
LAYER = {name: index for index, names in enumerate(LAYERS) for name in names}


def sources(name: str) -> list[Path]:
    """The module's file, or every file of the subpackage (which counts as one module)."""
    if (PACKAGE / name).is_dir():
        return sorted((PACKAGE / name).rglob("*.py"))
    return [PACKAGE / f"{name}.py"]


def modules() -> set[str]:
    return {p.stem for p in PACKAGE.glob("*.py")} | {
        p.parent.name for p in PACKAGE.glob("*/__init__.py")
    }


def imported_modules(name: str) -> set[str]:
    """Every package module *name* imports, anywhere in its files: at module level, inside
    functions and under ``if TYPE_CHECKING:``. A subpackage's own relative imports stay inside
    it; ``..`` imports reach the package."""
    found: set[str] = set()
    for path in sources(name):
        found |= imports_of(path, inside_subpackage=path.parent != PACKAGE)
    return found & set(LAYER)


def imports_of(path: Path, *, inside_subpackage: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package_level = 2 if inside_subpackage else 1
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == package_level:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cors_wsgi"):
            found.add((node.module or "").removeprefix("cors_wsgi.").split(".")[0] or "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cors_wsgi."):
                    found.add(alias.name.split(".")[1])
    return found


def test_every_module_has_a_layer() -> None:
    assert modules() <= set(LAYER), f"give {modules() - set(LAYER)} a layer"


@pytest.mark.parametrize("name", sorted(LAYER))
def test_imports_only_go_down(name: str) -> None:
    if not all(path.exists() for path in sources(name)):
        pytest.skip(f"no {name}.py")
    upward = {m for m in imported_modules(name) if LAYER[m] >= LAYER[name] and m != name}
    assert not upward, f"{name} imports {upward} from its own layer or above"


def test_no_import_cycle() -> None:
    """Stated on its own, from the import graph alone (the layers above imply it)."""
    graph = {name: imported_modules(name) - {name} for name in modules()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, " -> ".join([*visiting[visiting.index(module) :], module])
        visiting.append(module)
        for imported in sorted(graph.get(module, ())):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_adapters_never_import_each_other() -> None:
    assert "asgi" not in imported_modules("middleware")
    assert "middleware" not in imported_modules("asgi")


def test_only_the_adapters_speak_a_protocol() -> None:
    """Outside the adapters nothing calls start_response or awaits send/receive."""
    for path in PACKAGE.glob("*.py"):
        if path.stem in ("middleware", "asgi", "paste"):
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("start_response(", "await send(", "await receive("):
            assert word not in text, f"{path.name} uses {word}"
