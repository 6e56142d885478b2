"""The project's CORS tests, as they were with django-cors-headers: self.client and
AsyncClient, against a SQLite database file."""

from __future__ import annotations

from django.test import TestCase

from .models import Item

ALLOWED = "https://app.example.com"
EVIL = "https://evil.example"


class CorsTests(TestCase):  # type: ignore[misc]  # Django is untyped here
    @classmethod
    def setUpTestData(cls) -> None:
        Item.objects.create(name="first")

    def test_allowed_origin_reads_the_list(self) -> None:
        response = self.client.get("/api/items/", headers={"origin": ALLOWED})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], ALLOWED)
        self.assertEqual(response["Access-Control-Allow-Credentials"], "true")
        self.assertEqual(response["Access-Control-Expose-Headers"], "X-Total-Count")
        self.assertEqual(response.json(), [{"id": 1, "name": "first"}])

    def test_refused_origin_gets_no_grant(self) -> None:
        response = self.client.get("/api/items/", headers={"origin": EVIL})
        self.assertNotIn("Access-Control-Allow-Origin", response)
        self.assertEqual(response["Vary"], "Origin")

    def test_preflight_is_answered(self) -> None:
        response = self.client.options(
            "/api/items/",
            headers={"origin": ALLOWED, "access-control-request-method": "POST",
                     "access-control-request-headers": "content-type,x-api-key"},
        )  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertIn("POST", response["Access-Control-Allow-Methods"])
        self.assertIn("x-api-key", response["Access-Control-Allow-Headers"])
        self.assertEqual(response["Access-Control-Max-Age"], "600")

    def test_cross_origin_write_reaches_the_database(self) -> None:
        response = self.client.post(
            "/api/items/", '{"name": "second"}', content_type="application/json",
            headers={"origin": ALLOWED},
        )  # fmt: skip
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response["Access-Control-Allow-Origin"], ALLOWED)
        self.assertEqual(Item.objects.count(), 2)

    def test_errors_and_redirects_carry_the_headers(self) -> None:
        missing = self.client.get("/api/items/99/", headers={"origin": ALLOWED})
        self.assertEqual((missing.status_code, missing["Access-Control-Allow-Origin"]),
                         (404, ALLOWED))  # fmt: skip
        redirect = self.client.get("/api/items", headers={"origin": ALLOWED})
        self.assertEqual((redirect.status_code, redirect["Access-Control-Allow-Origin"]),
                         (301, ALLOWED))  # fmt: skip

    def test_paths_outside_cors_urls_regex_are_untouched(self) -> None:
        response = self.client.get("/page/", headers={"origin": ALLOWED})
        self.assertNotIn("Access-Control-Allow-Origin", response)
        self.assertNotIn("Vary", response)

    def test_static_files_from_whitenoise_carry_the_headers(self) -> None:
        response = self.client.get("/static/app.js", headers={"origin": ALLOWED})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], ALLOWED)
        self.assertIn(b"served by WhiteNoise", b"".join(response.streaming_content))

    async def test_async_client_goes_through_the_middleware(self) -> None:
        response = await self.async_client.get("/api/items/", headers={"origin": ALLOWED})
        self.assertEqual(response["Access-Control-Allow-Origin"], ALLOWED)
        refused = await self.async_client.get("/api/items/", headers={"origin": EVIL})
        self.assertNotIn("Access-Control-Allow-Origin", refused)
