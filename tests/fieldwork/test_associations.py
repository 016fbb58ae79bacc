"""Industry associations and self-discipline: only a member commits to its association's convention,
once, not before the convention; a member who signed stays a member; on the page, the API and a PATCH."""
from __future__ import annotations

from rectify.fieldwork.models import IndustryAssociation, MemberCommitment, SelfDisciplineConvention
from rectify.testing import WorldTestCase
from tests.enterprises.factories import enterprise

from . import factories as f

ADD, API = "/fieldwork/membercommitment/add/", "/api/fieldwork/membercommitment/"
ASSOC_API = "/api/fieldwork/industryassociation/"


class CommitmentRuleTests(WorldTestCase):
    def setUp(self):
        unit = self.unit("210100-samr")
        self.convention = f.self_discipline_convention(unit)
        self.association = self.convention.association
        self.member, self.other = list(self.association.members.order_by("pk"))
        self.outsider = enterprise(unit)

    def data(self, **changes):
        return {"convention": self.convention.pk, "enterprise": self.member.pk, "signed_on": "2020-05-25",
                "content": "承诺明码标价", **changes}

    def test_a_non_member_cannot_commit_on_the_page_or_the_api(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.data(enterprise=self.outsider.pk))
        self.assertEqual(response.status_code, 400)
        self.assertIn("不是“", response.context["form"].errors["enterprise"][0])
        response = self.api("shenyang_samr").post(API, self.data(enterprise=self.outsider.pk), format="json")
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("enterprise", response.json())
        self.assertFalse(MemberCommitment.objects.exists())

    def test_once_per_member_and_not_before_the_convention(self):
        api = self.api("shenyang_samr")
        self.assertEqual(api.post(API, self.data(), format="json").status_code, 201)
        again = api.post(API, self.data(signed_on="2020-05-26"), format="json")
        self.assertEqual(again.status_code, 400, again.content[:400])
        self.assertIn("已签署此公约的承诺", str(again.json()))
        early = api.post(API, self.data(enterprise=self.other.pk, signed_on="2020-05-01"), format="json")
        self.assertEqual(early.status_code, 400, early.content[:400])
        self.assertIn("signed_on", early.json())
        self.assertEqual(MemberCommitment.objects.count(), 1)

    def test_an_api_patch_is_checked_against_the_commitment_as_kept(self):
        commitment = MemberCommitment.objects.create(convention=self.convention, enterprise=self.member,
                                                     signed_on=f.D(2020, 5, 25))
        other_convention = SelfDisciplineConvention.objects.create(
            association=f.industry_association(self.unit("210100-samr")), title="另一协会的公约",
            adopted_on=f.D(2020, 5, 20), content="…")
        api = self.api("shenyang_samr")
        url = f"{API}{commitment.pk}/"
        response = api.patch(url, {"convention": other_convention.pk}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("enterprise", response.json())
        moved = api.patch(url, {"enterprise": self.other.pk}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(moved.status_code, 200, moved.content[:400])

    def test_a_member_who_signed_stays_a_member(self):
        MemberCommitment.objects.create(convention=self.convention, enterprise=self.member, signed_on=f.D(2020, 5, 25))
        api = self.api("shenyang_samr")
        url = f"{ASSOC_API}{self.association.pk}/"
        response = api.patch(url, {"members": [self.other.pk]}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn(self.member.name, response.json()["members"][0])
        self.login("shenyang_samr")
        page = self.client.post(f"/fieldwork/industryassociation/{self.association.pk}/edit/", {
            "unit": self.association.unit_id, "name": self.association.name, "credit_code": "", "contact": "",
            "members": [self.other.pk], "notes": "", "version": self.association.version})
        self.assertEqual(page.status_code, 400)
        self.assertIn("members", page.context["form"].errors)
        self.assertEqual(IndustryAssociation.objects.get().members.count(), 2)
        kept = api.patch(url, {"members": [self.member.pk, self.outsider.pk]}, format="json",
                         HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(kept.status_code, 200, kept.content[:400])

    def test_the_association_page_counts_the_members_who_signed_each_convention(self):
        MemberCommitment.objects.create(convention=self.convention, enterprise=self.member, signed_on=f.D(2020, 5, 25))
        self.login("shenyang_samr")
        page = self.client.get(self.association.get_absolute_url())
        self.assertContains(page, self.convention.title)
        self.assertContains(page, "1 / 2")
        self.assertContains(page, f"/fieldwork/selfdisciplineconvention/add/?association={self.association.pk}")
        self.login("shenyang_leader")
        page = self.client.get(self.association.get_absolute_url())
        self.assertContains(page, "1 / 2")
        self.assertNotContains(page, "/fieldwork/selfdisciplineconvention/add/")
