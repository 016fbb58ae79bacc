"""The health answer for load balancers: public, states only; the database decides 200/503, a cache
that does not answer makes the node "degraded" while pages go on from the database."""
from __future__ import annotations

import socket

from django.test import TestCase, override_settings

from rectify.core import cache as resilient


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed on return: nothing listens there


class HealthTests(TestCase):
    def test_public_and_without_details(self):
        response = self.client.get("/health/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(set(body), {"status", "database", "cache", "seconds"})
        self.assertEqual((body["status"], body["database"], body["cache"]), ("ok", "ok", "ok"))
        self.assertEqual(response["Cache-Control"].split(",")[0].strip(), "max-age=0")
        self.assertEqual(self.client.post("/health/").status_code, 405)

    def test_cache_down_degrades_and_pages_still_serve(self):
        dead = {"default": {"BACKEND": "rectify.core.cache.ResilientRedisCache",
                            "LOCATION": f"redis://127.0.0.1:{dead_port()}/0",
                            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}
        resilient._down_until[0] = 0.0
        try:
            with override_settings(CACHES=dead):
                response = self.client.get("/health/")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["status"], "degraded")
                self.assertEqual(response.json()["cache"], "unavailable")
                self.assertEqual(self.client.get("/accounts/login/").status_code, 200)
                self.assertEqual(self.client.get("/public/").status_code, 200)
        finally:
            resilient._down_until[0] = 0.0
