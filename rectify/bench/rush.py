"""The clients of the Thursday case (thursday.py), run as a separate process (`python -m
rectify.bench.rush`, a JSON plan on stdin, a JSON result on stdout) so that no client shares an
interpreter lock with the bench or the server. No Django here: only what a browser or an API
client sends over HTTP on loopback.

- A reporter (one per reporting unit) waits for its moment in the minute, opens its weekly report's
  page (which computes the live tables and runs the check step), writes an explanation for every
  warning the check shows, keeps the narrative drafted from the records, and submits the page's
  form; it then opens the page it is sent back to, as the browser does. A submission the server
  refuses (a clerk's new record moved a figure after the page was read, so a new warning needs its
  explanation) is read from the page's message and tried again from a fresh page, as the user
  would, up to three times.
- A clerk records inspections through the API (`POST /api/fieldwork/inspection/`, its API token)
  one after another with a pause, from before the minute until the last reporter is done.
- A probe asks a bare view (one plain query, the same middleware) at a steady pace meanwhile: the
  baseline under the same load.
"""
from __future__ import annotations

import html
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from typing import Any

LOOPBACK = "127.0.0.1"
TIMEOUT = 120
ATTEMPTS = 3
EXPLANATION = "经核实，本周数据变化属实：集中开展专项排查。"

_FORM = re.compile(r'<form[^>]*id="submit"[^>]*>(.*?)</form>', re.S)
_INPUT = re.compile(r'<input[^>]*\bname="([^"]+)"[^>]*>')
_VALUE = re.compile(r'\bvalue="([^"]*)"')
_TEXTAREA = re.compile(r'<textarea[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
_MESSAGE = re.compile(r'<div class="alert alert-(\w+)[^"]*" role="alert">(.*?)\s*<button', re.S)
_TAGS = re.compile(r"<[^>]+>")


class Browser:
    """Cookies kept the way a browser keeps them (set, replaced, deleted by the server); a new
    connection per request, as gunicorn's sync workers close each one."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None, headers: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.headers = dict(headers or {})

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str, float]:
        sent = {**self.headers, **(headers or {}), "Host": f"{LOOPBACK}:{self.port}"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=TIMEOUT)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            elapsed = time.perf_counter() - started
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text, elapsed
        except (OSError, http.client.HTTPException) as exc:
            return 0, {}, f"{type(exc).__name__}: {exc}", time.perf_counter() - started
        finally:
            conn.close()

    def _keep(self, header: str) -> None:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.coded_value

    def get(self, path: str) -> tuple[int, dict[str, str], str, float]:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str, float]:
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded", "Referer": path})

    def post_json(self, path: str, data: Any) -> tuple[int, dict[str, str], str, float]:
        return self.request("POST", path, json.dumps(data).encode(), {"Content-Type": "application/json"})


def submit_form(page: str) -> dict[str, str] | None:
    """The fields the report page's submit form sends as the user leaves them, every warning
    explained; None when the page offers no submission."""
    match = _FORM.search(page)
    if match is None:
        return None
    form = match.group(1)
    fields: dict[str, str] = {}
    for tag in _INPUT.finditer(form):
        value = _VALUE.search(tag.group(0))
        fields[tag.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, text in _TEXTAREA.findall(form):
        fields[name] = html.unescape(text).strip() or (EXPLANATION if name.startswith("explain_") else "")
    fields["filled_by"] = fields.get("filled_by") or "值班填报员"
    return fields


def messages(page: str) -> list[tuple[str, str]]:
    """The page's flash messages: (level, text)."""
    return [(level, html.unescape(_TAGS.sub("", text)).strip()) for level, text in _MESSAGE.findall(page)]


def _wait_until(moment: float) -> None:
    delay = moment - time.time()
    if delay > 0:
        time.sleep(delay)


def reporter(port: int, rush_at: float, who: dict[str, Any]) -> dict[str, Any]:
    _wait_until(rush_at + who["start"])
    browser = Browser(port, {who["cookie_name"]: who["cookie"]})
    out: dict[str, Any] = {"unit": who["unit"], "began": time.time(), "opens": [], "submits": [], "afters": [],
                           "warnings": [], "errors": [], "submitted": False, "attempts": 0}
    for _attempt in range(ATTEMPTS):
        out["attempts"] += 1
        status, _headers, page, elapsed = browser.get(who["page"])
        out["opens"].append(elapsed)
        if status != 200:
            out["errors"].append(f"GET {who['page']}: {status} {page[:200]}")
            break
        fields = submit_form(page)
        if fields is None:
            out["errors"].append(f"GET {who['page']}: no submit form")
            break
        out["warnings"].append(sum(1 for name in fields if name.startswith("explain_")))
        out["posted_at"] = time.time()
        status, headers, body, elapsed = browser.post_form(who["action"], fields)
        out["submits"].append(elapsed)
        if status != 302:
            out["errors"].append(f"POST {who['action']}: {status} {body[:200]}")
            break
        location = urllib.parse.urlsplit(headers.get("location", who["page"]))
        status, _headers, page, elapsed = browser.get(location.path + (f"?{location.query}" if location.query else ""))
        out["afters"].append(elapsed)
        said = messages(page)
        if any(level == "success" for level, _text in said):
            out["submitted"] = True
            break
        out["errors"].append("refused: " + " / ".join(text for _level, text in said)[:300])
    out["ended"] = time.time()
    return out


def clerk(port: int, who: dict[str, Any], stop: threading.Event, hard_stop: float) -> dict[str, Any]:
    browser = Browser(port, headers={"Authorization": f"Token {who['token']}", "Accept": "application/json"})
    out: dict[str, Any] = {"unit": who["unit"], "latencies": [], "statuses": {}, "created": [], "errors": []}
    bodies = who["bodies"]
    n = 0
    while not stop.is_set() and time.time() < hard_stop:
        status, _headers, text, elapsed = browser.post_json("/api/fieldwork/inspection/", bodies[n % len(bodies)])
        n += 1
        out["latencies"].append(elapsed)
        out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1
        if status == 201:
            out["created"].append(json.loads(text)["id"])
        elif len(out["errors"]) < 5:
            out["errors"].append(f"{status} {text[:300]}")
        stop.wait(who["pause"])
    return out


def probe(port: int, who: dict[str, Any], stop: threading.Event, hard_stop: float) -> dict[str, Any]:
    browser = Browser(port, {who["cookie_name"]: who["cookie"]})
    out: dict[str, Any] = {"samples": [], "statuses": {}}
    while not stop.is_set() and time.time() < hard_stop:
        at = time.time()
        status, _headers, _text, elapsed = browser.get(who["path"])
        out["samples"].append([at, elapsed])
        out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1
        stop.wait(who["pause"])
    return out


def run(plan: dict[str, Any]) -> dict[str, Any]:
    port, rush_at = plan["port"], plan["rush_at"]
    hard_stop = rush_at + plan["limit"]
    stop = threading.Event()
    results: dict[str, Any] = {"reporters": [], "clerks": [], "probe": None}
    lock = threading.Lock()

    def keep(kind: str, fn, *args) -> None:
        value = fn(*args)
        with lock:
            if kind == "probe":
                results["probe"] = value
            else:
                results[kind].append(value)

    background = [threading.Thread(target=keep, args=("clerks", clerk, port, who, stop, hard_stop))
                  for who in plan["clerks"]]
    if plan.get("probe"):
        background.append(threading.Thread(target=keep, args=("probe", probe, port, plan["probe"], stop, hard_stop)))
    reporters = [threading.Thread(target=keep, args=("reporters", reporter, port, rush_at, who))
                 for who in plan["reporters"]]
    for thread in background + reporters:
        thread.start()
    for thread in reporters:
        thread.join(max(1.0, hard_stop - time.time() + TIMEOUT * ATTEMPTS))
    stop.set()
    for thread in background:
        thread.join(TIMEOUT + 5)
    return results


def main() -> None:
    plan = json.loads(sys.stdin.read())
    print(json.dumps(run(plan)))


if __name__ == "__main__":
    main()
