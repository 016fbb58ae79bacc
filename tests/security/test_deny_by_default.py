"""Item 5: deny by default. Every URL pattern of the project — pages, the API router, anything
added later — is opened as an anonymous user; each must send to the login page or answer
401/403 (404/405 for object URLs and methods), unless it is on the public allow-list in
rectify/core/access/public.py."""
from __future__ import annotations

import re
import uuid

from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import UUIDConverter
from django.utils.regex_helper import normalize

from rectify.core.access.public import PUBLIC_URL_PREFIXES, is_public

SAMPLE = {"format": "json"}


def _sample(name: str, converter) -> str:
    if isinstance(converter, UUIDConverter):
        return str(uuid.UUID(int=1))
    value = SAMPLE.get(name, "1")
    if converter is None or re.fullmatch(converter.regex, value):
        return value
    # another converter (e.g. DRF's format suffix "\.[a-z0-9]+"): the simplest string it accepts
    return normalize(converter.regex)[0][0]


def _fill(regex: str, converters: dict) -> list[tuple[str, bool]]:
    """Concrete paths for a (partial) pattern regex: every parameter becomes 1 (a UUID for uuid
    converters, json for DRF's format suffix). Returns (path, has_parameters)."""
    out = []
    for template, params in normalize(regex):
        values = {}
        for name in params:
            values[name] = _sample(name, converters.get(name))
        out.append((template % values, bool(params)))
    return out


def all_urls(resolver: URLResolver | None = None, prefix: str = "/",
             prefix_params: bool = False) -> list[tuple[str, bool]]:
    resolver = resolver or get_resolver()
    urls = []
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        regex = pattern.regex.pattern.lstrip("^").replace(r"\Z", "").rstrip("$")
        for part, has_params in _fill(regex, getattr(pattern, "converters", {})):
            path = prefix + part
            if isinstance(entry, URLResolver):
                urls += all_urls(entry, path, prefix_params or has_params)
            elif isinstance(entry, URLPattern):
                urls.append((path, prefix_params or has_params))
    return urls


class DenyByDefaultTests(TestCase):
    def test_walker_finds_the_known_routes(self):
        urls = {u for u, _ in all_urls()}
        for expected in ("/", "/accounts/user/", "/accounts/user/1/edit/", "/api/", "/api/accounts/user/",
                         "/api/accounts/user/1/", "/api/schema/", "/event/", "/public/"):
            self.assertIn(expected, urls)
        for url in urls:  # every generated path really resolves to the pattern it came from
            resolve(url.split("?")[0])

    def test_every_non_public_url_needs_login(self):
        urls = all_urls()
        self.assertGreater(len(urls), 50)
        problems = []
        for url, has_params in urls:
            if is_public(url):
                continue
            for method in ("get", "post"):
                response = getattr(self.client, method)(url)
                status = response.status_code
                if status == 302 and response["Location"].startswith("/accounts/login/"):
                    continue
                if status in (401, 403):
                    continue
                if status == 405 or (status == 404 and has_params):
                    continue
                problems.append(f"{method.upper()} {url} -> {status} {response.get('Location', '')}")
        self.assertEqual(problems, [],
                         "reachable without login and not on rectify.core.access.public.PUBLIC_URL_PREFIXES")

    def test_public_pages_are_reachable(self):
        self.assertEqual(self.client.get("/public/").status_code, 200)
        self.assertEqual(self.client.get("/accounts/login/").status_code, 200)
        self.assertIn("/accounts/login/", PUBLIC_URL_PREFIXES)
        # nothing internal hides under a public prefix
        self.assertFalse(any(p in ("/", "/api/", "/accounts/") for p in PUBLIC_URL_PREFIXES))
