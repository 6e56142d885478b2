"""A FastAPI application with no CORS code, made cross-origin readable by cors_wsgi's ASGI twin.

Serve it:  uvicorn examples.fastapi_app:app --host 127.0.0.1 --port 8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, Request, Response, WebSocket

from cors_wsgi import CORSPolicy
from cors_wsgi.asgi import CORSMiddleware

api = FastAPI()


@api.get("/api/items")
def list_items(response: Response) -> list[dict[str, int]]:
    response.headers["X-Total-Count"] = "2"
    return [{"id": 1}, {"id": 2}]


@api.post("/api/items", status_code=201)
async def create_item(request: Request) -> dict[str, Any]:
    return {"id": 3, "received": await request.json()}


@api.put("/api/items/{item_id}")
@api.delete("/api/items/{item_id}")
def change_item(item_id: int, request: Request) -> dict[str, Any]:
    return {"id": item_id, "method": request.method}


@api.get("/api/error")
def fail() -> None:
    raise RuntimeError("this endpoint always fails")


@api.websocket("/ws")
async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

# Wrap the whole application rather than api.add_middleware(...): FastAPI puts its own error
# middleware outside added ones, so its 500 pages would carry no CORS headers.
app = CORSMiddleware(api, policy, check_websocket_origin=True)
