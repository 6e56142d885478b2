"""A Bottle application with no CORS code, made cross-origin readable by cors_wsgi.

Serve it:  gunicorn examples.bottle_app:application --bind 127.0.0.1:8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import os
from typing import Any

import bottle

from cors_wsgi import CORSMiddleware, CORSPolicy

app = bottle.Bottle()


@app.get("/api/items")
def list_items() -> Any:
    bottle.response.set_header("X-Total-Count", "2")
    bottle.response.content_type = "application/json"
    return '[{"id": 1}, {"id": 2}]'


@app.post("/api/items")
def create_item() -> dict[str, Any]:
    bottle.response.status = 201
    return {"id": 3, "received": bottle.request.json}


@app.route("/api/items/<item_id:int>", method=["PUT", "DELETE"])
def change_item(item_id: int) -> dict[str, Any]:
    return {"id": item_id, "method": bottle.request.method}


@app.get("/api/error")
def fail() -> Any:
    raise RuntimeError("this endpoint always fails")


policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

application = CORSMiddleware(app, policy)
