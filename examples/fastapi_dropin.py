"""A FastAPI application set up as FastAPI's CORS tutorial sets it up, with cors_wsgi's
middleware: the import is the only line that differs from Starlette's ``CORSMiddleware``.

Serve it:  uvicorn examples.fastapi_dropin:app --host 127.0.0.1 --port 8000
Allowed origins come from CORS_ALLOW_ORIGINS, comma-separated (default http://localhost:3000).
Writing needs ``Authorization: Bearer demo-token``; tests replace the store and the user with
FastAPI's ``dependency_overrides``.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Response

from cors_wsgi.asgi import CORSMiddleware  # was: from fastapi.middleware.cors import ...

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000").split(","),
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
    expose_headers=["X-Total-Count"],
    max_age=600,
)


class Store:
    """The items, in memory (a database session in a real application)."""

    def __init__(self, items: list[dict[str, Any]] | None = None) -> None:
        self.items = items if items is not None else [{"id": 1}, {"id": 2}]


_STORE = Store()


def get_store() -> Store:
    return _STORE


def current_user(authorization: Annotated[str | None, Header()] = None) -> str:
    """The caller, from a bearer token (a real application would verify it)."""
    if authorization != "Bearer demo-token":
        raise HTTPException(status_code=401, detail="not signed in")
    return "demo"


StoreDep = Annotated[Store, Depends(get_store)]
UserDep = Annotated[str, Depends(current_user)]


@app.get("/api/items")
def list_items(response: Response, store: StoreDep) -> list[dict[str, Any]]:
    response.headers["X-Total-Count"] = str(len(store.items))
    return store.items


@app.post("/api/items", status_code=201)
def create_item(item: dict[str, Any], store: StoreDep, user: UserDep) -> dict[str, Any]:
    created = {"id": len(store.items) + 1, **item, "by": user}
    store.items.append(created)
    return created


@app.delete("/api/items/{item_id}")
def delete_item(item_id: int, store: StoreDep, user: UserDep) -> dict[str, Any]:
    store.items = [item for item in store.items if item["id"] != item_id]
    return {"deleted": item_id, "by": user}
