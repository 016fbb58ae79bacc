"""rectify.wsgi runs each request through core/speed/datastack.py's one-chunk trampoline (a workaround
for CPython gh-142183 on 3.11/3.12): the application still answers as before, and the trampoline
really reserves the stack it promises."""
import io
import sys
from unittest import mock

from django.test import TestCase

from rectify import wsgi
from rectify.core.speed import datastack


class OneChunkTests(TestCase):
    def test_wrapper_passes_the_call_and_the_answer_through(self):
        seen = []

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [environ["PATH_INFO"].encode()]

        wrapped = datastack.one_chunk(app)
        body = wrapped({"PATH_INFO": "/x"}, lambda status, headers, exc_info=None: seen.append((status, headers)))
        self.assertEqual(body, [b"/x"])
        self.assertEqual(seen, [("200 OK", [("Content-Type", "text/plain")])])
        if datastack.NEEDED:
            self.assertIsNot(wrapped, app)
            self.assertGreaterEqual(datastack._trampoline.__code__.co_stacksize, datastack.RESERVED_SLOTS)
        else:
            self.assertIs(wrapped, app)

    def test_steps_aside_where_not_needed(self):
        def app(environ, start_response):
            return [b""]

        with mock.patch.object(datastack, "NEEDED", False):
            self.assertIs(datastack.one_chunk(app), app)

    def test_the_project_wsgi_application_serves_through_it(self):
        statuses = []
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/accounts/login/", "QUERY_STRING": "",
                   "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
                   "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
                   "SERVER_PROTOCOL": "HTTP/1.1"}
        body = b"".join(wsgi.application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        self.assertEqual(statuses, ["200 OK"])
        self.assertIn(b"<form", body)
        if datastack.NEEDED:
            self.assertEqual(wsgi.application.__qualname__, "one_chunk.<locals>.application")
