"""The bench's load generator (rectify/bench/load.py) against a real HTTP server on loopback: every
path gets its requests, in blocks taken in turn, and the blocks' results are merged per path."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import SimpleTestCase

from rectify.bench import load


class _Handler(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        status = 404 if self.path == "/missing" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


class LoadGeneratorTests(SimpleTestCase):
    def setUp(self) -> None:
        _Handler.seen = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)

    def test_rounds_take_turns_and_merge_per_path(self):
        port = self.server.server_address[1]
        result = load.run(port, "", ["/page", "/bare", "/missing"], threads=2, requests=9, seconds=30, rounds=3)
        self.assertEqual(sorted(result), ["/bare", "/missing", "/page"])
        for path in result:
            self.assertEqual(len(result[path]["latencies"]), 9, path)
            self.assertGreater(result[path]["wall"], 0)
        self.assertEqual(result["/page"]["statuses"], {200: 9})
        self.assertEqual(result["/missing"]["statuses"], {404: 9})
        # blocks of 3 in turn: page, bare, missing, page, ...
        order = [path for i, path in enumerate(_Handler.seen) if i == 0 or _Handler.seen[i - 1] != path]
        self.assertEqual(order, ["/page", "/bare", "/missing"] * 3)
