"""Deterministic demo data. `rectify seed_demo` builds a DemoContext and calls, in INSTALLED_APPS
order, each app's `demo.seed(ctx)`. Apps add their records there; the context gives them a seeded
random generator, the organisation, demo users and realistic Chinese names and codes."""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from rectify.core.security.validators import USCC_ALPHABET, uscc_check_char
from rectify.organisations.models import Campaign, CityDeliverable, Region, Unit

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩凯健俊帆帅旭宁雪琳晨曦博文瑞"
NAME_PARTS = ["华康", "佳禾", "安泰", "恒信", "众诚", "鑫源", "瑞丰", "盛达", "博远", "长城", "东方", "北方", "辽海",
              "金桥", "新纪元", "天成", "宏图", "永安", "润泽", "卫康", "洁康", "护佳", "宝隆", "汇通", "百川", "正大",
              "中科", "联创", "启航", "兴业"]
TRADES = {
    "mask": ["医用防护用品", "口罩", "卫生用品"], "ventilator": ["医疗器械", "呼吸设备"],
    "protective_suit": ["防护用品", "服装"], "thermometer": ["电子科技", "测温设备"],
    "test_reagent": ["生物科技", "诊断试剂"], "meltblown": ["熔喷材料", "新材料"],
    "nonwoven": ["无纺布制品", "纺织"], "ir_sensor": ["传感技术", "光电科技"],
}
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]


@dataclass
class DemoContext:
    scale: str = "small"
    seed: int = 2020
    rng: random.Random = field(init=False)
    users: dict = field(default_factory=dict)
    store: dict = field(default_factory=dict)  # apps leave what later apps need (e.g. enterprises)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def large(self) -> bool:
        return self.scale == "large"

    def n(self, small: int, large: int) -> int:
        return large if self.large else small

    # organisation -------------------------------------------------------------------------
    def campaign(self):
        return Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def cities(self):
        return list(Region.objects.filter(level="city").order_by("code"))

    def unit(self, code: str):
        return Unit.objects.select_related("region", "department").get(code=code)

    def categories(self):
        return list(self.campaign().categories.order_by("order"))

    # values ---------------------------------------------------------------------------------
    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def company(self, city_name: str, category_code: str, individual: bool = False) -> str:
        trade = self.rng.choice(TRADES.get(category_code, ["科技"]))
        brand = self.rng.choice(NAME_PARTS) + self.rng.choice(NAME_PARTS)[0]
        city = city_name.removesuffix("市")
        if individual:
            return f"{city}市{brand}{trade}经营部"
        return f"{city}{brand}{trade}{self.rng.choice(SUFFIXES)}"

    def credit_code(self, region_code: str, individual: bool = False) -> str:
        head = "92" if individual else "91"
        body = "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9))
        first17 = head + region_code + body
        return first17 + uscc_check_char(first17)

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def campaign_date(self, end: datetime.date | None = None) -> datetime.date:
        c = self.campaign()
        return self.date_between(c.start, min(end or c.end, c.end))


# -- the phases' deliverables: each city's progress, a mix of states -----------------------------------------
# The states by deliverable order of the two cities whose offices have demo users: Shenyang has something
# to report and a return to answer, Dalian a report awaiting the province. The other cities' are drawn.
DELIVERABLE_PLANS = {
    "210100": ["done", "reported", "returned", "open"],
    "210200": ["done", "done", "reported", "in_progress"],
}
DELIVERABLE_NOTES = {
    "publicity": "已在{city}电视台、{city}日报及政府网站集中宣传专项整治行动措施及要求。",
    "complaint_channel": "已通过政府网站和微信公众号公布12315投诉举报电话及网上受理方式。",
    "producer_list": "已完成调研摸底，建立防疫物资及其重要原辅材料生产企业清单并录入系统。",
    "exporter_list": "已建立医用防疫物资出口生产、经营企业清单并录入系统。",
    "other": "已按要求完成。",
}
RETURN_REASON = "清单缺少熔喷布生产企业，请补充后重新报告。"


def seed_late(ctx) -> str:
    """Each city's progress on the first campaign's deliverables (after every app has seeded: a row's
    figures count the enterprises and publicity of its city). Drawn from a generator of its own, so
    the other apps' demo records stay as they were."""
    rng = random.Random(ctx.seed * 31 + 7)
    rows = list(CityDeliverable.objects.filter(deliverable__phase__campaign=ctx.campaign())
                .select_related("deliverable", "region", "unit").order_by("region__code", "deliverable__order"))
    users = get_user_model().objects.filter(is_active=True)
    offices = {u.unit_id: u for u in users.filter(unit__is_office=True, unit__region__level="city").order_by("pk")}
    province = users.filter(username="sheng_admin").first()
    states = {"open": 0, "in_progress": 0, "reported": 0, "done": 0}
    for row in rows:
        plan = DELIVERABLE_PLANS.get(row.region.code)
        state = plan[row.deliverable.order - 1] if plan and row.deliverable.order <= len(plan) else rng.choices(
            ["done", "reported", "in_progress", "open"], weights=[55, 15, 15, 15])[0]
        _plan_row(row, state, rng, offices.get(row.unit_id), province)
        states[row.status] += 1
    CityDeliverable.objects.bulk_update(rows, ["status", "completed_on", "evidence_note", "evidence_link",
                                               "reported_by", "confirmed_on", "confirmed_by", "return_reason"])
    return "deliverables: " + ", ".join(f"{count} {state}" for state, count in states.items())


def _plan_row(row, state: str, rng: random.Random, reporter, province) -> None:
    S = row.Status
    returned = state == "returned"
    row.status = S.IN_PROGRESS if returned else state
    if state in ("open", "in_progress"):
        return
    note = DELIVERABLE_NOTES.get(row.deliverable.kind, DELIVERABLE_NOTES["other"])
    row.evidence_note = note.format(city=row.region.name.removesuffix("市"))
    row.evidence_link = f"https://www.example.gov.cn/{row.region.code}/zxzz/{row.deliverable.kind}.html"
    row.reported_by = reporter
    if returned:
        row.return_reason = RETURN_REASON
        return
    row.completed_on = row.due + datetime.timedelta(days=rng.randint(-7, 3))
    if state == "done":
        row.confirmed_on = row.completed_on + datetime.timedelta(days=rng.randint(0, 3))
        row.confirmed_by = province
