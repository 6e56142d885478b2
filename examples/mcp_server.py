"""A Model Context Protocol server (the official ``mcp`` SDK, streamable HTTP transport) kept
safe from DNS rebinding by cors_wsgi's ASGI middleware.

Serve it:  uvicorn examples.mcp_server:app --host 127.0.0.1 --port 8000
Connect:   an MCP client at http://127.0.0.1:8000/mcp (or localhost, or [::1])

The MCP transport specification requires a server to validate ``Origin`` on every connection
and to answer 403 to an untrusted one. Here a web page under any other name (a DNS-rebinding
page on http://attacker.example:8000 whose name now resolves to 127.0.0.1) is refused by
``allowed_hosts``, and a page of any other site (whose request carries its own ``Origin``) by
``refuse_untrusted_origins``, before the SDK sees the request, on every route and method, the
event stream (GET) included. Clients that send no ``Origin`` (an agent, the SDK's client, curl)
reach the server on 127.0.0.1, localhost and [::1].
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings

from cors_wsgi import CORSPolicy
from cors_wsgi.asgi import CORSMiddleware

server = MCPServer("notes")
NOTES: dict[str, str] = {}


@server.tool()
def add_note(name: str, text: str) -> str:
    """Keep a note under *name*."""
    NOTES[name] = text
    return f"noted {name}"


@server.tool()
def read_note(name: str) -> str:
    """The note kept under *name*."""
    return NOTES.get(name, "")


#: cors_wsgi guards the whole application, whatever framework serves it, so the SDK's own
#: guard (Starlette-only, on its MCP route alone) is left off.
POLICY = CORSPolicy(allowed_hosts="loopback", refuse_untrusted_origins=True)

app = CORSMiddleware(
    server.streamable_http_app(
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False)
    ),
    POLICY,
)
