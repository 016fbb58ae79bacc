"""The page sweep: every page six roles can open on the demo data reads as Chinese for people.

The small demo data set is loaded once; then, for a city office, a clerk, the provincial office, a
customs district, a police unit and the auditor, a crawler opens the work desk, the notices, every
registered model's list and add page, the detail pages of two of the user's rows of each model (the
first and the last) and the history and edit pages of the first, every other page of the site that
takes no argument, and then every internal link those pages show (workflow step pages, report
drills, filtered lists, related records ...), each URL shape once (a list's page and order are left
off a link: they show the same cells). The public site is swept the same way by an anonymous
visitor.

A page fails on:
- an HTTP 500;
- a moment that is not Beijing time to the minute: an ISO timestamp (2026-12-06T09:00), a UTC
  offset (+00:00) or the word UTC, seconds with microseconds;
- a Python repr: {'…': …}, [{'…': …}], <Model object …>, Foo object (1), Decimal('…'), datetime(…);
  outside a form's text area, a JSON text ({"…": …}) stands for a repr too;
- True / False / None as text;
- an internal code as an element's text: a choice's stored value instead of its label, a field's
  name, a workflow event's name ("report.submit"), any snake_case or dotted identifier; a column or
  field explicitly headed 代码 or 编码 is excepted, and so are the users' login names.

Downloads (an export, an xlsx, a zip, an uploaded file) are not pages: they are not fetched here
(the exports' Beijing time is tests/registry/test_beijing_time.py's). Every response a link leads to
is parsed as HTML; one that cannot be parsed fails the sweep.
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from lxml import etree

from rectify.core.access.history import may_read_history
from rectify.core.access.scope import can, model_allows
from rectify.core.audit.models import Event
from rectify.core.registry import registry
from rectify.core.workflow.declare import workflows

# role -> the demo account that plays it (rectify/accounts/demo.py)
ROLES = {
    "city office": "shenyang_office",
    "clerk": "shenyang_clerk",
    "province": "sheng_admin",
    "customs": "customs_dalian",
    "police": "shenyang_police",
    "auditor": "auditor",
}
PER_SHAPE = 1  # pages opened per URL shape (the path with its numbers as <n>, and the query's names)
MAX_PAGES = 1500  # per role: a crawl that finds more has found a loop, and says so

# Never followed: leaving the session or the language, the API, static and uploaded files, downloads.
SKIPPED_PATHS = re.compile(r"^/(?:i18n|api|static|media|files)/|^/accounts/logout/|\.(?:xlsx|xls|csv|zip|docx|pdf)$")
SKIPPED_QUERY = {"export", "format"}  # a download
# A list's other pages and orders show the same cells as the first: the link is followed without them.
DROPPED_QUERY = {"page", "per_page", "sort"}

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
OFFSET = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2}:?\d{2}\b|[+-]00:00\b")
UTC_WORD = re.compile(r"(?<![A-Za-z])UTC(?![A-Za-z])")
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d{1,6}")
PY_REPR = re.compile(
    r"\{'[^']*':|\[\{'|\['[^']*'(?:,|\])|<\w[\w.]* object at 0x|\b\w+ object \(\d+\)|\bDecimal\('|"
    r"\bdatetime\.(?:date|datetime|time)\(|\bUUID\('|<QuerySet|\bOrderedDict\(")
JSON_TEXT = re.compile(r"\{\"[^\"]*\":|\[\{\"")
PY_WORD = re.compile(r"(?<![A-Za-z_])(True|False|None)(?![A-Za-z_])")
# snake_case, a dotted event name (report.submit), a model's label (enforcement.Case)
IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*|[a-z][a-z0-9_]*\.[A-Z]\w*")
CODE_HEADINGS = ("代码", "编码")
TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-bs-title")
MACHINE_INPUTS = {"hidden", "date", "datetime-local", "time", "month", "week", "number", "password", "file",
                  "checkbox", "radio", "submit", "button", "color", "range"}


def internal_codes() -> set[str]:
    """What a page must not show as an element's text: the stored values of the project's choices
    (where the label differs), its fields' names, its workflows' states and event names."""
    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("rectify."):
            continue
        for f in model._meta.get_fields():
            if not getattr(f, "concrete", False):
                continue
            codes.update({f.name, f.attname} if len(f.name) > 2 else set())
            for value, label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and re.search("[a-z]", value) and len(value) > 1 and value != str(label):
                    codes.add(value)
    for workflow in workflows():
        codes.add(workflow.name)
        codes.update(state for state, label in workflow.states if state != str(label))
        codes.update(step.event or f"{workflow.name}.{step.name}" for step in workflow.steps)
        codes.update(step.name for step in workflow.steps if len(step.name) > 2)
    codes.update(Event.objects.values_list("event", flat=True).distinct())
    return {c for c in codes if c and not c.isdigit()}


@dataclass
class Fault:
    url: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.url}  [{self.kind}]  {self.text[:160]!r}"


def _shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"\d+", "<n>", parts.path)
    names = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{path}?{'&'.join(names)}" if names else path


def _heading(el) -> str:
    """The heading a value stands under: its table column's header, or the dt before its dd."""
    for node in (el, *el.iterancestors()):
        if node.tag == "dd":
            dt = node.getprevious()
            while dt is not None and dt.tag != "dt":
                dt = dt.getprevious()
            return dt.text_content() if dt is not None else ""
        if node.tag in {"td", "th"}:
            index = sum(int(c.get("colspan") or 1) for c in node.itersiblings(preceding=True) if isinstance(c.tag, str))
            table = next((t for t in node.iterancestors() if t.tag == "table"), None)
            heads = table.xpath("./thead/tr[last()]/*") if table is not None else []
            column = 0
            for head in heads:
                if column == index:
                    return head.text_content()
                column += int(head.get("colspan") or 1)
            return ""
    return ""


def _texts(root) -> Iterator[tuple[object, str]]:
    """Each text node of the document with the element it belongs to, scripts and styles left out."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in {"script", "style"}:
            continue
        if el.text and el.text.strip():
            yield el, el.text.strip()
        for child in el:
            if child.tail and child.tail.strip():
                yield el, child.tail.strip()


def page_faults(url: str, html: str, codes: set[str], names: set[str]) -> list[Fault]:
    faults: list[Fault] = []
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        return [Fault(url, "not parseable as HTML", str(exc))]

    def moments(text: str, where: str) -> None:
        for kind, pattern in (("ISO timestamp", ISO_MOMENT), ("UTC offset", OFFSET), ("UTC", UTC_WORD),
                              ("microseconds", MICROSECONDS)):
            if pattern.search(text):
                faults.append(Fault(url, f"{kind}{where}", text))

    def reprs(text: str, where: str, json_too: bool) -> None:
        if PY_REPR.search(text) or text in {"[]", "{}", "()", "set()"} or (json_too and JSON_TEXT.search(text)):
            faults.append(Fault(url, f"Python repr{where}", text))
        word = PY_WORD.search(text)
        if word:
            faults.append(Fault(url, f"{word.group(1)} as text{where}", text))

    for el, text in _texts(root):
        in_textarea = el.tag == "textarea"
        moments(text, "")
        reprs(text, "", json_too=not in_textarea)
        if in_textarea or el.tag in {"option"} and el.getparent() is not None and el.get("value") == text:
            continue
        # the text itself, or a label or value of "label：value；label：value" written in one element
        for piece in {text, *(p.strip() for p in re.split(r"[：:；;]", text))} - {""}:
            if piece in names:
                continue
            if piece in codes or IDENTIFIER.fullmatch(piece):
                heading = _heading(el)
                if not any(word in heading for word in CODE_HEADINGS):
                    faults.append(Fault(url, "internal code as text", f"{piece}  (in <{el.tag}> {text[:60]!r})"))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attribute in TEXT_ATTRIBUTES:
            value = el.get(attribute)
            if value:
                moments(value, f" in @{attribute}")
                reprs(value, f" in @{attribute}", json_too=True)
        if el.tag == "input" and (el.get("type") or "text").lower() not in MACHINE_INPUTS and el.get("value"):
            moments(el.get("value"), " in an input's value")
            reprs(el.get("value"), " in an input's value", json_too=False)
    return faults


def _links(root) -> Iterator[str]:
    for a in root.iter("a"):
        href = a.get("href")
        if href:
            yield href


@dataclass
class Sweep:
    client: Client
    codes: set[str]
    names: set[str]
    inside: str = "/"  # the part of the site this visitor crawls
    visited: dict[str, int] = field(default_factory=dict)  # url -> status
    shapes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    faults: list[Fault] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)

    def add(self, url: str, seed: bool = False) -> None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith(self.inside):
            return
        if SKIPPED_PATHS.search(parts.path) or (self.inside == "/" and parts.path.startswith("/public/")):
            return
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(k in SKIPPED_QUERY for k, _v in query):
            return
        query = [(k, v) for k, v in query if k not in DROPPED_QUERY]
        url = parts.path + (f"?{urlencode(query)}" if query else "")
        if url in self.visited or url in self.queue:
            return
        shape = _shape(url)
        if self.shapes[shape] >= PER_SHAPE and not seed:
            return
        self.shapes[shape] += 1
        self.queue.append(url)

    def run(self, seeds: Iterable[str]) -> None:
        for url in seeds:
            self.add(url, seed=True)
        while self.queue:
            if len(self.visited) >= MAX_PAGES:
                self.faults.append(Fault(self.queue[0], "crawl", f"more than {MAX_PAGES} pages: a loop?"))
                return
            url = self.queue.pop(0)
            response = self.client.get(url)
            self.visited[url] = response.status_code
            if response.status_code >= 500:
                self.faults.append(Fault(url, f"HTTP {response.status_code}", ""))
                continue
            if response.status_code == 405:  # an action's address (it answers a POST), not a page
                continue
            if response.status_code in {301, 302, 303, 307, 308}:
                self.add(response["Location"])
                continue
            kind = response.get("Content-Type", "")
            if not kind.startswith("text/html"):
                # a download, or a machine's answer (/health/): not a page people read
                if not (response.get("Content-Disposition", "").startswith("attachment")
                        or kind.startswith("application/json")):
                    self.faults.append(Fault(url, "neither a page nor a download", kind))
                continue
            html = response.content.decode()
            found = page_faults(url, html, self.codes, self.names)
            self.faults += found
            if not found or not any(f.kind == "not parseable as HTML" for f in found):
                for href in _links(lxml.html.document_fromstring(html)):
                    self.add(href)


def _pattern_seeds() -> list[str]:
    """Every page of the site that takes no argument (the registered models' lists among them)."""
    urls: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p, route)
            elif isinstance(p, URLPattern) and "<" not in route and "^" not in route:
                urls.append("/" + route)
    walk(get_resolver(), "")
    return urls


def role_seeds(user) -> list[str]:
    seeds = ["/", "/notifications/", *_pattern_seeds()]
    for config in registry:
        model = config.model
        if not model_allows(user, model, "view"):
            continue
        seeds.append(registry.url_for(model, "list"))
        if config.allow_add and model_allows(user, model, "add"):
            seeds.append(registry.url_for(model, "add"))
        rows = model.objects.restrict(user, "view").order_by("pk")
        first, last = rows.first(), rows.last()
        if first is None:
            continue
        seeds += [registry.url_for(obj, "detail") for obj in {first, last}]
        if may_read_history(user, model):
            seeds.append(registry.url_for(first, "history"))
        if config.allow_edit and can(user, "change", first):
            seeds.append(registry.url_for(first, "edit"))
    return seeds


class PageSweepTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", scale="small", stdout=io.StringIO())

    def setUp(self):
        self.codes = internal_codes()
        self.names = set(get_user_model().objects.values_list("username", flat=True))

    def sweep(self, username: str | None, inside: str = "/") -> Sweep:
        client = Client(raise_request_exception=False)  # a server error is a fault of the sweep, not its end
        seeds = [inside]
        if username is not None:
            user = get_user_model().objects.get(username=username)
            client.force_login(user)
            seeds = role_seeds(user)
        sweep = Sweep(client, self.codes, self.names, inside=inside)
        sweep.run(seeds)
        return sweep

    def assert_clean(self, role: str, sweep: Sweep, least: int = 200) -> None:
        self.assertGreater(len(sweep.visited), least, f"{role}: the crawl found almost nothing")
        shown = sorted({str(f) for f in sweep.faults})
        self.assertEqual(shown, [], f"{role}: {len(shown)} faults on {len(sweep.visited)} pages:\n" + "\n".join(shown))

    def test_city_office(self):
        self.assert_clean("city office", self.sweep(ROLES["city office"]))

    def test_clerk(self):
        self.assert_clean("clerk", self.sweep(ROLES["clerk"]))

    def test_province(self):
        self.assert_clean("province", self.sweep(ROLES["province"]))

    def test_customs(self):
        self.assert_clean("customs", self.sweep(ROLES["customs"]))

    def test_police(self):
        self.assert_clean("police", self.sweep(ROLES["police"]))

    def test_auditor(self):
        self.assert_clean("auditor", self.sweep(ROLES["auditor"]))

    def test_public_site(self):
        self.assert_clean("public", self.sweep(None, inside="/public/"), least=10)


class PageFaultTests(TestCase):
    """The checks find what they are meant to find (so that a clean sweep means something)."""

    codes = {"market", "decided", "report.submit", "transferred_to_police_on"}

    def faults(self, body: str) -> list[str]:
        return [f.kind for f in page_faults("/x/", f"<html><body>{body}</body></html>", self.codes, {"sheng_admin"})]

    def test_each_fault_is_found(self):
        cases = {
            "<p>2026-12-06T09:00:00</p>": "ISO timestamp",
            "<p>2026-12-06 09:00+00:00</p>": "UTC offset",
            "<p>09:00 UTC</p>": "UTC",
            "<p>2026-12-06 09:00:00.123456</p>": "microseconds",
            "<dd>{'enrolment': False}</dd>": "Python repr",
            "<dd>[{'code': 'certificate_exists'}]</dd>": "Python repr",
            "<td>Decimal('1.50')</td>": "Python repr",
            "<dd>[]</dd>": "Python repr",
            "<td>Inspection object (3)</td>": "Python repr",
            '<dd>{"enrolment": false}</dd>': "Python repr",
            "<td>True</td>": "True as text",
            "<td>None</td>": "None as text",
            "<td>market</td>": "internal code as text",
            "<span>移送前状态：decided</span>": "internal code as text",
            "<li><span>state_from：</span>调查终结</li>": "internal code as text",
            "<td><code>transferred_to_police_on</code></td>": "internal code as text",
            "<td>report.submit</td>": "internal code as text",
            "<td>some_unknown_field</td>": "internal code as text",
            '<a title="2020-06-04T05:46:00+00:00">x</a>': "ISO timestamp in @title",
        }
        for body, kind in cases.items():
            with self.subTest(body=body):
                self.assertIn(kind, self.faults(body))

    def test_what_is_allowed(self):
        allowed = [
            "<td>2020-06-04 05:46</td>",
            "<td>沈阳市市场监管局</td>",
            "<td>sheng_admin</td>",  # a login name
            "<table><thead><tr><th>名称</th><th>代码</th></tr></thead><tbody><tr><td>口罩</td><td>market</td></tr>"
            "</tbody></table>",
            "<dl><dt>统一社会信用代码</dt><dd>market</dd></dl>",
            '<textarea>{"a": 1}</textarea>',
            '<input type="datetime-local" value="2020-06-04T05:46">',
            "<script>var x = {'a': None};</script>",
        ]
        for body in allowed:
            with self.subTest(body=body):
                self.assertEqual(self.faults(body), [])
