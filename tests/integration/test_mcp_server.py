"""The MCP example (examples/mcp_server.py: the official ``mcp`` SDK's streamable HTTP server
behind cors_wsgi.asgi with ``allowed_hosts = loopback`` and ``refuse_untrusted_origins``) on a
real uvicorn: the SDK's own client uses it under each loopback name; a rebound Host and an
untrusted Origin are answered 403 before the SDK, on POST and on the event stream's GET."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from mcp import Client

from ..support.asgi_apps import run_async
from ..support.servers import request, serve

INITIALIZE = (
    b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": '
    b'"2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}'
)
MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


@pytest.fixture(scope="module")
def mcp_url() -> Iterator[str]:
    with serve("uvicorn", "examples.mcp_server:app") as url:
        yield url


async def use_notes(url: str) -> tuple[str, str]:
    async with Client(url) as client:
        noted = await client.call_tool("add_note", {"name": "a", "text": "kept"})
        read = await client.call_tool("read_note", {"name": "a"})
    return noted.content[0].text, read.content[0].text  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_the_sdks_client_uses_the_guarded_server(mcp_url: str, name: str) -> None:
    url = mcp_url.replace("127.0.0.1", name) + "/mcp"
    assert run_async(asyncio.wait_for(use_notes(url), 30)) == ("noted a", "kept")


# request headers beyond MCP's, expected status (403: cors_wsgi's answer, empty)
REQUESTS = [
    pytest.param({}, None, id="no Origin: an agent"),
    pytest.param({"Origin": "http://localhost:6274"}, None, id="a page on another local port"),
    pytest.param({"Host": "rebind.test"}, 403, id="a rebound Host"),
    pytest.param({"Host": "rebind.test", "Origin": "http://rebind.test"}, 403, id="a rebound page"),
    pytest.param({"Origin": "https://evil.example"}, 403, id="a site's page"),
    pytest.param({"Origin": "null"}, 403, id="a sandboxed page"),
]


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize(("headers", "refused"), REQUESTS)
def test_untrusted_hosts_and_origins_never_reach_the_sdk(
    mcp_url: str, method: str, headers: dict[str, str], refused: int | None
) -> None:
    body = INITIALIZE if method == "POST" else None
    status, answer, content = request(mcp_url, method, "/mcp", {**MCP_HEADERS, **headers}, body)
    if refused:
        assert (status, content, answer["Content-Length"]) == (403, b"", "0")
    else:
        assert status != 403  # the SDK answered (GET without a session: its own 4xx)
        assert answer.get("Content-Type", "").startswith(("application/json", "text/event-stream"))
