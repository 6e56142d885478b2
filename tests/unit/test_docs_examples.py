"""Every code example of README.md and the documentation site works: each Python block compiles,
each self-contained one runs, and each INI block is read by cors_wsgi's INI reader and, where it
configures CORS, builds its policies."""

from __future__ import annotations

import ast
import builtins
import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.options import read_ini

from ..support.asgi_apps import run_async
from ..support.docs import DOCS, code_blocks, docs_pages
from ..support.servers import PROJECT

PAGES = [PROJECT / "README.md", *docs_pages()]


def blocks(language: str) -> list[tuple[str, str]]:
    """``(id, code)`` for every block of *language*, the id naming the page and its place."""
    found = []
    for page in PAGES:
        name = page.relative_to(PROJECT).as_posix()
        for number, code in enumerate(code_blocks(page.read_text(encoding="utf-8"), language)):
            found.append((f"{name}#{number}", code))
    return found


PYTHON = blocks("python")
INI = blocks("ini")


def free_names(tree: ast.Module) -> set[str]:
    """Names a block reads that it neither binds nor imports, nor are builtins: a block that
    has none is self-contained (it may still need an installed package)."""
    bound: set[str] = set(dir(builtins))
    read: set[str] = set()
    before: set[str] = set()  # read by an assignment to the same name: application = f(application)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
            loads = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            before |= targets & loads
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return (read - bound) | before


def test_the_pages_have_examples() -> None:
    assert len(PYTHON) >= 12 and len(INI) >= 4
    assert sum(not free_names(ast.parse(code)) for _, code in PYTHON) >= 5


class _Rows(list[dict[str, object]]):
    def exists(self) -> bool:
        return bool(self)


class Partner:
    """The reader's partner table, as the run-time origins page names it (a Django model's
    ``Partner.objects.filter(...).exists()``): two rows in memory."""

    class objects:  # the ORM's spelling
        rows: ClassVar[list[dict[str, object]]] = [
            {"origin": "https://shop.partner.example", "active": True},
            {"origin": "https://old.partner.example", "active": False},
        ]

        @classmethod
        def filter(cls, **wanted: object) -> _Rows:
            return _Rows(r for r in cls.rows if all(r.get(k) == v for k, v in wanted.items()))


def reader_namespace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What a fragment names as the reader's own, supplied by real parts: a WSGI application,
    a Flask app, an ASGI app, a FastAPI app, a policy, the INI files and the environment the
    page reads, the reader's partner table and policy loader."""
    from fastapi import FastAPI
    from flask import Flask

    def application(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    ini = "[cors]\nallow_origins = https://app.example.com\n"
    (tmp_path / "cors.ini").write_text(ini, encoding="utf-8")
    (tmp_path / "app.ini").write_text(ini.replace("[cors]", "[api]"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://app.example.com")
    monkeypatch.setenv("API_CORS_ALLOW_ORIGINS", "https://app.example.com")
    policy = CORSPolicy(allow_origins=["https://app.example.com"])
    return {
        "__name__": "example",
        "CORSMiddleware": CORSMiddleware,
        "CORSPolicy": CORSPolicy,
        "application": application,
        "app": Flask("example"),
        "asgi_app": asgi_app,
        "fastapi_app": FastAPI(),
        "policy": policy,
        "Partner": Partner,
        "load_policy": lambda: policy,
    }


@pytest.mark.parametrize("code", [code for _, code in PYTHON], ids=[i for i, _ in PYTHON])
def test_python_block_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Python example runs: a self-contained one alone, a fragment with the reader's
    names (its application, its policy, ...) supplied by real parts."""
    tree = ast.parse(code)  # a SyntaxError names the line
    missing = free_names(tree)
    namespace = reader_namespace(tmp_path, monkeypatch) if missing else {"__name__": "example"}
    monkeypatch.chdir(tmp_path)  # a block that writes a file writes it here
    assert missing <= set(namespace), f"names the reader supplies, unknown here: {missing}"
    exec(compile(tree, "<example>", "exec"), namespace)


@pytest.mark.parametrize("text", [text for _, text in INI], ids=[i for i, _ in INI])
def test_ini_block_reads_and_builds(text: str, tmp_path: Path) -> None:
    path = tmp_path / "example.ini"
    path.write_text(text, encoding="utf-8")
    sections = read_ini(path)
    assert sections
    cors = [name for name in sections if name == "cors" or name.startswith("cors:")]
    if cors:  # the plain [cors] section and per-path [cors:...] sections, as from_ini reads them
        middleware = CORSMiddleware.from_ini(lambda environ, start_response: [], path)
        assert middleware.policy is not None or middleware.routes
    for name in sections:
        if name.startswith("filter:"):  # a PasteDeploy filter section: the same keys
            assert isinstance(CORSPolicy.from_ini(path, section=name), CORSPolicy)
    assert cors or any(name.startswith("filter:") for name in sections), sorted(sections)


def tutorial_blocks() -> list[str]:
    return code_blocks((DOCS / "tutorial" / "index.md").read_text(encoding="utf-8"), "python")


PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


def test_tutorial_wsgi_api_answers_the_json_post_from_the_page() -> None:
    """The tutorial's Flask API (its first block), wrapped as its second block says, lets the
    page's JSON POST through: the preflight, then the request."""
    from webtest import TestApp

    namespace: dict[str, Any] = {"__name__": "tutorial"}
    exec("\n".join(tutorial_blocks()[:2]), namespace)
    client = TestApp(namespace["app"])
    page = {"Origin": "http://frontend.location.org"}
    preflight = client.options("/api/v1/donuts", headers={**page, **PREFLIGHT})
    assert preflight.status_int == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == page["Origin"]
    post = client.post("/api/v1/donuts", "{}", headers={**page, "Content-Type": "application/json"})
    assert post.headers["Access-Control-Allow-Origin"] == page["Origin"]
    assert post.json == {"msg": "Congrats on the new donut!"}
    other = client.post("/api/v1/donuts", "{}", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_tutorial_asgi_api_answers_the_json_post_from_the_page() -> None:
    """The tutorial's ASGI API (its last block) answers the preflight and the JSON POST."""
    namespace: dict[str, Any] = {"__name__": "tutorial"}
    exec(tutorial_blocks()[-1], namespace)
    app = namespace["app"]
    origin = b"http://127.0.0.1:8080"

    async def call(method: str, headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": "/api/v1/donuts", "raw_path": b"/api/v1/donuts",
            "root_path": "", "query_string": b"", "headers": headers,
            "server": ("127.0.0.1", 5000), "client": ("127.0.0.1", 50000),
        }  # fmt: skip
        await app(scope, receive, send)
        return sent

    preflight = run_async(
        call(
            "OPTIONS",
            [(b"origin", origin)]
            + [(k.lower().encode(), v.encode()) for k, v in PREFLIGHT.items()],
        )
    )
    assert preflight[0]["status"] == 200
    assert (b"access-control-allow-origin", origin) in preflight[0]["headers"]
    post = run_async(call("POST", [(b"origin", origin), (b"content-type", b"application/json")]))
    assert (b"access-control-allow-origin", origin) in post[0]["headers"]
    assert json.loads(post[1]["body"]) == {"msg": "Congrats on the new donut!"}
