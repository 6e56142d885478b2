"""A local server's data, read by a DNS-rebinding page: ``cors_only`` is guarded by CORS alone
(and the WebSocket origin check), ``guarded`` by ``allowed_hosts = loopback`` and
``refuse_untrusted_origins`` too. Each serves ``GET /secret`` and a WebSocket echo on ``/ws``.
"""

from __future__ import annotations

from typing import Any

from cors_wsgi.asgi import CORSMiddleware

SECRET = b'{"secret": "local data"}'
CORS: dict[str, Any] = {"allow_origins": "https://app.example.com", "debug": True}
GUARDS: dict[str, Any] = {**CORS, "allowed_hosts": "loopback", "refuse_untrusted_origins": True}


async def local_server(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] == "websocket":
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        message = await receive()
        if message["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": f"echo {message.get('text')}"})
        await send({"type": "websocket.close", "code": 1000})
        return
    found = scope["path"] == "/secret"
    body = SECRET if found else b"not found"
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200 if found else 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})


cors_only = CORSMiddleware(local_server, CORS, check_websocket_origin=True)
guarded = CORSMiddleware(local_server, GUARDS, check_websocket_origin=True)
