"""A Starlette application with no CORS code, made cross-origin readable by cors_wsgi's ASGI twin.

Serve it:  uvicorn examples.starlette_app:app --host 127.0.0.1 --port 8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from cors_wsgi import CORSPolicy
from cors_wsgi.asgi import CORSMiddleware


async def items(request: Request) -> JSONResponse:
    if request.method == "POST":
        return JSONResponse({"id": 3, "received": await request.json()}, status_code=201)
    return JSONResponse([{"id": 1}, {"id": 2}], headers={"X-Total-Count": "2"})


async def item(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["item_id"], "method": request.method})


async def fail(request: Request) -> JSONResponse:
    raise RuntimeError("this endpoint always fails")


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


starlette = Starlette(
    routes=[
        Route("/api/items", items, methods=["GET", "POST"]),
        Route("/api/items/{item_id:int}", item, methods=["PUT", "DELETE"]),
        Route("/api/error", fail),
        WebSocketRoute("/ws", echo),
    ]
)

policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

app = CORSMiddleware(starlette, policy, check_websocket_origin=True)
