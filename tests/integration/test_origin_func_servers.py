"""allow_origin_func behind real servers: the plain function under gunicorn's threads, the
async one under uvicorn; concurrent requests over loopback, every answer checked."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from ..support.servers import request, serve

ORIGINS = {
    "https://app.example.com": "https://app.example.com",  # fixed entry
    "https://shop.partner.example": "https://shop.partner.example",  # in the table
    "https://evil.example": None,  # not in the table
}


@pytest.mark.parametrize(
    ("server", "target"),
    [
        pytest.param("gunicorn", "examples.partner_origins:application", id="gunicorn threads"),
        pytest.param("uvicorn", "examples.partner_origins:app", id="uvicorn async"),
    ],
)
def test_partner_origins_under_concurrency(server: str, target: str) -> None:
    with serve(server, target) as url:

        def one(index: int) -> tuple[str, str | None, str | None, int]:
            origin = list(ORIGINS)[index % len(ORIGINS)]
            if index % 2:
                headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
                status, found, _ = request(url, "OPTIONS", "/", headers)
            else:
                status, found, _ = request(url, "GET", "/", {"Origin": origin})
            return origin, found["Access-Control-Allow-Origin"], found["Vary"], status

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(one, range(120)))
    for origin, allowed, vary, status in answers:
        assert allowed == ORIGINS[origin], origin
        assert vary is not None and "Origin" in vary
        assert status in (200, 403)
