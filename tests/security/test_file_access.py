"""Item 23: files can be opened by those who may, and by nobody else.

Every upload (letter scans, complaint attachments, rectification evidence) is opened through one
view, /files/<app>/<model>/<pk>/<field>/ (core/generic/files.py): found through the record's scope, the
complaint's attachment only by its handling unit (as the reporter's personal data), every opening
an audit event, sent as an attachment under headers that keep a browser from running it. Nothing
under MEDIA_URL is served; a stored name cannot lead out of MEDIA_ROOT."""
from __future__ import annotations

import importlib
import os
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLResolver, clear_url_caches, get_resolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern

from rectify.core.audit.models import Event
from rectify.enforcement.models import Problem
from rectify.enforcement.services import complaint_receive, problem_record, problem_set_status
from rectify.enterprises.models import Letter
from rectify.testing import WorldTestCase
from tests.enforcement.helpers import d, enterprise, unit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_TYPE = "application/pdf"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def file_path(obj, field: str) -> str:
    return f"/files/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/{field}/"


class FileAccessTests(WorldTestCase):
    def setUp(self):
        self.problem = problem_record(unit=unit("210100-samr"), source="inspection", description="出厂检验记录不全",
                                      requirement="补齐检验记录", deadline=d("2020-06-30"),
                                      actor=self.users["shenyang_samr"])
        problem_set_status(problem=self.problem, status="done", rectification="已补齐",
                           actor=self.users["shenyang_samr"],
                           evidence=SimpleUploadedFile("整改记录.pdf", PDF, content_type=PDF_TYPE))
        self.problem.refresh_from_db()
        self.complaint = complaint_receive(
            unit=unit("210100-samr"), actor=self.users["shenyang_samr"], number="C-7", received_on=d("2020-06-01"),
            content="药店高价销售口罩", reporter_name="张三", reporter_phone="13812341234",
            attachment=SimpleUploadedFile("张三的购物小票.pdf", PDF, content_type=PDF_TYPE))

    def _events(self, obj, outcome: str = Event.SUCCESS):
        return Event.objects.filter(event="file.download", content_type=ContentType.objects.get_for_model(obj),
                                    object_id=str(obj.pk), outcome=outcome)

    def test_the_owner_unit_opens_the_evidence_with_safe_headers_and_an_audit_event(self):
        self.login("shenyang_samr")
        response = self.client.get(file_path(self.problem, "evidence"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(body(response), PDF)
        name = os.path.basename(self.problem.evidence.name)
        self.assertTrue(name.startswith("整改记录") and name.endswith(".pdf"), name)
        self.assertEqual(response["Content-Disposition"], f"attachment; filename*=utf-8''{quote(name)}")
        self.assertEqual(response["Content-Type"], PDF_TYPE)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertIn("default-src 'none'", response["Content-Security-Policy"])
        self.assertIn("private", response["Cache-Control"])
        event = self._events(self.problem).get()
        self.assertEqual(event.user_id, self.users["shenyang_samr"].pk)
        self.assertEqual(event.detail, {"model": "enforcement.Problem", "pk": self.problem.pk, "field": "evidence",
                                        "file": name})

    def test_the_city_office_sees_the_evidence_of_its_city(self):
        self.login("shenyang_office")
        response = self.client.get(file_path(self.problem, "evidence"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(body(response), PDF)

    def test_another_city_and_users_without_a_role_get_404_and_nothing_is_logged_as_opened(self):
        for key in ("dalian_office", "dalian_samr", "shenyang_norole", "shenyang_police"):
            self.login(key)
            for obj, field in ((self.problem, "evidence"), (self.complaint, "attachment")):
                with self.subTest(user=key, model=obj._meta.model_name):
                    self.assertEqual(self.client.get(file_path(obj, field)).status_code, 404)
        self.assertFalse(Event.objects.filter(event="file.download").exists())
        self.login("shenyang_samr")  # the same addresses open for the owner unit
        for obj, field in ((self.problem, "evidence"), (self.complaint, "attachment")):
            self.assertEqual(body(self.client.get(file_path(obj, field))), PDF)
        self.assertEqual(Event.objects.filter(event="file.download", user=self.users["shenyang_samr"]).count(), 2)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(file_path(self.problem, "evidence"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/"), response["Location"])

    def test_the_handling_unit_opens_a_complaint_attachment_never_cached(self):
        self.login("shenyang_samr")
        response = self.client.get(file_path(self.complaint, "attachment"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(body(response), PDF)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertIn("filename*=utf-8''", response["Content-Disposition"])
        self.assertEqual(self._events(self.complaint).count(), 1)

    def test_a_user_in_scope_outside_the_handling_unit_cannot_open_the_complaint_attachment(self):
        # The city office sees the complaint (masked reporter) but not the reporter's material:
        # 403 with the reason, the refusal audited, and the detail page names no file.
        self.login("shenyang_office")
        self.assertEqual(self.client.get(self.complaint.get_absolute_url()).status_code, 200)
        response = self.client.get(file_path(self.complaint, "attachment"))
        self.assertContains(response, "仅承办单位可以查看", status_code=403)
        self.assertNotIn(PDF, response.content)
        self.assertEqual(self._events(self.complaint, Event.FAILURE).count(), 1)
        self.assertFalse(self._events(self.complaint).exists())
        page = self.client.get(self.complaint.get_absolute_url())
        self.assertContains(page, "已上传（您无权查看此文件）")
        self.assertNotContains(page, "张三的购物小票")
        self.assertNotContains(page, file_path(self.complaint, "attachment"))
        edit = self.client.get(f"/enforcement/complaint/{self.complaint.pk}/edit/")
        self.assertEqual(edit.status_code, 200)
        self.assertNotContains(edit, "张三的购物小票")

    def test_the_detail_page_links_the_file_view_with_the_base_name(self):
        self.login("shenyang_samr")
        name = os.path.basename(self.problem.evidence.name)
        page = self.client.get(self.problem.get_absolute_url())
        self.assertContains(page, f'<a href="{file_path(self.problem, "evidence")}">{name}</a>', html=True)
        self.assertNotContains(page, self.problem.evidence.name)  # the storage path
        self.assertNotContains(page, settings.MEDIA_URL)
        complaint_page = self.client.get(self.complaint.get_absolute_url())
        self.assertContains(complaint_page, file_path(self.complaint, "attachment"))
        edit = self.client.get(f"/enforcement/problem/{self.problem.pk}/edit/")
        self.assertContains(edit, f'href="{file_path(self.problem, "evidence")}"')
        self.assertNotContains(edit, settings.MEDIA_URL)

    def test_the_api_shows_the_file_view_not_the_media_path(self):
        api = self.api("shenyang_samr")
        data = api.get(f"/api/enforcement/problem/{self.problem.pk}/").json()
        self.assertEqual(data["evidence"], file_path(self.problem, "evidence"))
        listed = api.get("/api/enforcement/problem/").json()["results"]
        self.assertEqual([row["evidence"] for row in listed if row["id"] == self.problem.pk],
                         [file_path(self.problem, "evidence")])
        complaint = api.get(f"/api/enforcement/complaint/{self.complaint.pk}/").json()
        self.assertEqual(complaint["attachment"], file_path(self.complaint, "attachment"))
        self.assertNotIn(settings.MEDIA_URL, str(data) + str(listed) + str(complaint))
        # The schema says so: read, a path of the file view; written, an upload as before.
        schemas = api.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
        self.assertEqual(schemas["Problem"]["properties"]["evidence"]["pattern"], "^/files/")
        self.assertEqual(schemas["ProblemRequest"]["properties"]["evidence"]["format"], "binary")

    def test_empty_unknown_and_non_file_fields_answer_404(self):
        self.login("shenyang_samr")
        bare = problem_record(unit=unit("210100-samr"), source="inspection", description="标签不全", requirement="整改",
                              deadline=d("2020-06-30"), actor=self.users["shenyang_samr"])
        for path in (file_path(bare, "evidence"), file_path(self.problem, "description"),
                     file_path(self.problem, "nosuchfield"),
                     f"/files/enforcement/nosuchmodel/{self.problem.pk}/evidence/",
                     f"/files/enforcement/problem/{self.problem.pk + 1000}/evidence/",
                     f"/files/enforcement/problem/{10 ** 30}/evidence/", "/files/core/event/1/detail/"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)
        self.assertEqual(self.client.post(file_path(self.problem, "evidence")).status_code, 405)

    def test_a_file_is_opened_through_the_view_never_under_media_url(self):
        self.login("shenyang_samr")
        stored = self.problem.evidence.name
        self.assertTrue(default_storage.exists(stored))
        self.assertEqual(self.client.get(f"{settings.MEDIA_URL}{stored}").status_code, 404)
        self.assertEqual(body(self.client.get(file_path(self.problem, "evidence"))), PDF)
        with self.assertRaises(Resolver404):
            get_resolver().resolve(f"{settings.MEDIA_URL}{stored}")

    def test_media_url_is_not_served_under_debug_either(self):
        import rectify.urls

        try:
            with override_settings(DEBUG=True):
                patterns = importlib.reload(rectify.urls).urlpatterns
            with self.assertRaises(Resolver404):
                URLResolver(RegexPattern(r"^/"), patterns).resolve(f"/media/{self.problem.evidence.name}")
        finally:
            importlib.reload(rectify.urls)
            clear_url_caches()

    def test_a_stored_name_cannot_lead_out_of_media_root(self):
        secret = settings.MEDIA_ROOT.parent / "secret.pdf"
        secret.write_bytes(b"%PDF-1.4 outside the media root")
        with self.assertRaises(SuspiciousFileOperation):
            default_storage.open("../secret.pdf")
        self.login("shenyang_samr")
        for name in ("../secret.pdf", "problems/../../secret.pdf", str(secret)):
            Problem.objects.filter(pk=self.problem.pk).update(evidence=name)
            with self.subTest(name=name):
                response = self.client.get(file_path(self.problem, "evidence"))
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(b"outside the media root", response.content)
        self.assertFalse(self._events(self.problem).exists())
        self.assertEqual(self._events(self.problem, Event.FAILURE).count(), 3)

    def test_a_link_inside_media_root_pointing_out_is_refused(self):
        secret = settings.MEDIA_ROOT.parent / "linked.pdf"
        secret.write_bytes(b"%PDF-1.4 outside the media root")
        os.symlink(secret, settings.MEDIA_ROOT / "problems" / "linked.pdf")
        Problem.objects.filter(pk=self.problem.pk).update(evidence="problems/linked.pdf")
        self.login("shenyang_samr")
        response = self.client.get(file_path(self.problem, "evidence"))
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"outside the media root", response.content)
        refusal = self._events(self.problem, Event.FAILURE).get()
        self.assertEqual(refusal.detail["reason"], "SuspiciousFileOperation")

    def test_a_file_missing_from_disk_answers_404(self):
        self.login("shenyang_samr")
        self.assertEqual(self.client.get(file_path(self.problem, "evidence")).status_code, 200)
        default_storage.delete(self.problem.evidence.name)
        self.assertEqual(self.client.get(file_path(self.problem, "evidence")).status_code, 404)
        self.assertEqual(self._events(self.problem, Event.FAILURE).get().detail["reason"], "FileNotFoundError")


class LetterScanTests(WorldTestCase):
    def _upload(self, name: str = "承诺书 扫描.pdf") -> Letter:
        self.login("shenyang_samr")
        ent = enterprise("210100")
        response = self.client.post("/enterprises/letter/add/", {
            "unit": unit("210100-samr").pk, "enterprise": ent.pk, "kind": "commitment", "date": "2020-05-19",
            "number": "沈市监承〔2020〕7号", "notes": "",
            "document": SimpleUploadedFile(name, PDF, content_type=PDF_TYPE)})
        self.assertEqual(response.status_code, 302, response.content[:500])
        return Letter.objects.get(enterprise=ent)

    def test_a_scan_uploaded_on_the_page_is_opened_from_its_detail_page(self):
        letter = self._upload()
        name = os.path.basename(letter.document.name)
        page = self.client.get(letter.get_absolute_url())
        self.assertContains(page, f'<a href="{file_path(letter, "document")}">{name}</a>', html=True)
        response = self.client.get(file_path(letter, "document"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(body(response), PDF)
        self.assertEqual(response["Content-Type"], PDF_TYPE)
        self.assertEqual(Event.objects.filter(event="file.download", object_id=str(letter.pk)).count(), 1)
        self.login("dalian_samr")
        self.assertEqual(self.client.get(file_path(letter, "document")).status_code, 404)
        self.login("shenyang_police")  # same city, another line of work
        self.assertEqual(self.client.get(file_path(letter, "document")).status_code, 404)

    def test_a_type_outside_the_list_goes_out_as_opaque_bytes(self):
        letter = self._upload()
        stored = default_storage.save("letters/2020/05/page.html", ContentFile(b"<script>alert(1)</script>"))
        Letter.objects.filter(pk=letter.pk).update(document=stored)
        response = self.client.get(file_path(letter, "document"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/octet-stream")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="page.html"')
        self.assertIn("sandbox", response["Content-Security-Policy"])

