"""Publicity reports: a link or a scan, the scan an upload checked by its content and opened only
through the guarded file view; on the page, the API and a PATCH."""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from rectify.fieldwork.models import PublicityReport
from rectify.testing import WorldTestCase

from . import factories as f

ADD, API = "/fieldwork/publicityreport/add/", "/api/fieldwork/publicityreport/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class PublicityTests(WorldTestCase):
    def data(self, **changes):
        return {"unit": self.unit("210100-samr").pk, "published_on": "2020-05-22", "channel": "newspaper",
                "outlet": "辽沈晚报", "title": "我市开展防疫物资专项整治", "link": "", "notes": "", **changes}

    def test_neither_link_nor_scan_is_a_field_error_on_the_page_and_the_api(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.data())
        self.assertEqual(response.status_code, 400)
        self.assertIn("二者至少其一", response.context["form"].errors["link"][0])
        response = self.api("shenyang_samr").post(API, self.data(), format="json")
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("link", response.json())
        self.assertFalse(PublicityReport.objects.exists())

    def test_a_scan_is_uploaded_checked_and_opened_only_through_the_file_view(self):
        self.login("shenyang_samr")
        fake = SimpleUploadedFile("报纸.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        response = self.client.post(ADD, {**self.data(), "scan": fake})
        self.assertEqual(response.status_code, 400)
        self.assertIn("scan", response.context["form"].errors)
        response = self.client.post(ADD, {**self.data(), "scan": SimpleUploadedFile("辽沈晚报.pdf", PDF)})
        self.assertEqual(response.status_code, 302, response.content[:400])
        report = PublicityReport.objects.get()
        url = f"/files/fieldwork/publicityreport/{report.pk}/scan/"
        self.assertContains(self.client.get(report.get_absolute_url()), url)
        opened = self.client.get(url)
        self.assertEqual(opened.status_code, 200)
        self.assertEqual(b"".join(opened.streaming_content), PDF)
        self.login("shenyang_police")  # every unit of the city sees its publicity
        self.assertEqual(self.client.get(url).status_code, 200)
        self.login("dalian_office")
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_api_patch_that_clears_the_only_link_is_refused(self):
        report = f.publicity_report(self.unit("210100-samr"))
        api = self.api("shenyang_samr")
        url = f"{API}{report.pk}/"
        response = api.patch(url, {"link": ""}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("link", response.json())
        report.refresh_from_db()
        self.assertTrue(report.link)
        response = api.patch(url, {"channel": "weibo"}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 200, response.content[:400])
