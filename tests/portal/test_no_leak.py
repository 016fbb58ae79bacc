"""No internal data on the public pages: every public page is rendered with records that carry
marked internal values, and none of them may appear. What may appear is the allow-list in
rectify/portal/selectors.py (and the public texts of notices, guidance and exposures)."""
from __future__ import annotations

import datetime
import re

from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, get_resolver

from rectify.enforcement.models import Case, Complaint, Exposure
from rectify.enterprises.models import Enterprise, Qualification
from rectify.fieldwork.models import TestingInstitution
from rectify.organisations.models import CaseCategory, Region
from rectify.portal import selectors, services
from rectify.prices.models import GuidanceDocument, Notice, ServiceRequest
from rectify.testing import WorldTestCase
from tests.prices import helpers as h

from .helpers import solve

SECRETS = {
    "enterprise phone": "13811112222", "enterprise contact": "联系人甲某", "legal representative": "法人乙某",
    "enterprise notes": "企业内部备注", "reporter name": "举报人丁某", "reporter phone": "13999998888",
    "reporter id": "210102199001011234", "complaint content": "举报内容不公开", "decision reason": "内部决定理由",
    "verification result": "核查结果内部", "staff name": "执法员丙某", "staff phone": "024-88889999",
    "request content": "诉求内容内部", "unpublished notice": "未发布公告", "unpublished guidance": "未发布指导",
    "draft exposure": "草稿曝光", "institution notes": "机构内部备注", "case title": "案件内部标题",
}
D = datetime.date


class NoLeakTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        shenyang = Region.objects.get(code="210100")
        office = cls.unit("210100-office")
        staff = cls.users["shenyang_office"]
        staff.full_name, staff.phone = SECRETS["staff name"], SECRETS["staff phone"]
        staff.save()
        ent = Enterprise.objects.create(name="沈阳华康口罩有限公司", credit_code="91350100M000100Y43", region=shenyang,
                                        phone=SECRETS["enterprise phone"], contact=SECRETS["enterprise contact"],
                                        legal_representative=SECRETS["legal representative"],
                                        notes=SECRETS["enterprise notes"])
        Qualification.objects.create(enterprise=ent, kind="device_registration", number="辽械注准20202140001")
        TestingInstitution.objects.create(unit=cls.unit("210000-samr"), name="辽宁省产品质量监督检验院",
                                          is_testing_lab=True, accreditation_number="CMA-2020-001",
                                          notes=SECRETS["institution notes"])
        complaint, cls.code = services.portal_complaint_file(
            city=shenyang, kind="complaint", content=SECRETS["complaint content"], subject_name=ent.name,
            reporter_name=SECRETS["reporter name"], reporter_phone=SECRETS["reporter phone"])
        Complaint.objects.filter(pk=complaint.pk).update(
            reporter_id_number=SECRETS["reporter id"], status="rejected", decision="rejected",
            decided_on=complaint.received_on, decision_reason=SECRETS["decision reason"],
            verification_result=SECRETS["verification result"])
        cls.request = ServiceRequest.objects.create(unit=office, enterprise=ent, title="熔喷布短缺",
                                                    content=SECRETS["request content"], received_on=D(2020, 5, 20),
                                                    answer="已答复", answered_on=D(2020, 5, 21),
                                                    status="answered", tracking_code="QYNOLEAK00001")
        cls.notice = Notice.objects.create(unit=office, title="公开通告", body="公开正文", published=True,
                                           published_on=D(2020, 5, 20))
        Notice.objects.create(unit=office, title=SECRETS["unpublished notice"], body="x")
        cls.doc = GuidanceDocument.objects.create(unit=office, title="公开指导", body="GB 19083", published=True,
                                                  published_on=D(2020, 5, 20))
        GuidanceDocument.objects.create(unit=office, title=SECRETS["unpublished guidance"], body="x")
        case = Case.objects.create(unit=cls.unit("210100-samr"), number="C-1", title=SECRETS["case title"],
                                   enterprise=ent, product_category=h.mask(),
                                   case_category=CaseCategory.objects.get(code="price"))
        cls.exposure = Exposure.objects.create(unit=office, case=case, title="某药房哄抬口罩价格案",
                                               public_text="依法罚款。", status="published", published_on=D(2020, 6, 1))
        Exposure.objects.create(unit=office, title=SECRETS["draft exposure"], public_text="x")

    def _public_urls(self) -> list[str]:
        """Every portal route and the typical-case pages, with the objects above for the parameters."""
        pks = {"notice": self.notice.pk, "guidance": self.doc.pk, "case": self.exposure.pk}
        urls = []
        for pattern in get_resolver().url_patterns:
            if str(pattern.pattern) not in ("public/", "public/cases/"):
                continue
            for sub in pattern.url_patterns:
                assert isinstance(sub, URLPattern)
                route = "/" + str(pattern.pattern) + str(sub.pattern)
                urls.append(re.sub(r"<int:pk>", str(pks.get(sub.name, 0)), route))
        urls += ["/public/check/?q=沈阳华康&number=辽械注准20202140001", "/public/check/?q=91350100M000100Y43",
                 "/public/directory/?q=检验", "/public/notices/?page=1"]
        return urls

    def assert_clean(self, response, url: str) -> None:
        body = response.content.decode()
        for what, value in SECRETS.items():
            self.assertNotIn(value, body, f"{what} leaked on {url}")

    def test_no_public_page_shows_internal_data(self):
        client = Client()
        urls = self._public_urls()
        self.assertGreaterEqual(len(urls), 12)
        for url in urls:
            cache.clear()
            response = client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assert_clean(response, url)
        # The tracking results, for the complaint and the enterprise request.
        for url, code in (("/public/track/", self.code), ("/public/service/", self.request.tracking_code)):
            page = client.get(url)
            response = client.post(url, {"code": code, "captcha": solve(page)})
            self.assertEqual(response.status_code, 200, url)
            self.assertIn("不予受理" if url == "/public/track/" else "已答复", response.content.decode())
            self.assert_clean(response, url)

    def test_allow_lists_are_what_the_selectors_return(self):
        status = selectors.complaint_status(self.code)
        self.assertEqual(set(status), set(selectors.COMPLAINT_PUBLIC_FIELDS))
        self.assertEqual(set(selectors.service_request_status("QYNOLEAK00001")),
                         set(selectors.SERVICE_REQUEST_PUBLIC_FIELDS))
        self.assertEqual(set(selectors.directory_search()[0]), set(selectors.INSTITUTION_PUBLIC_FIELDS))
