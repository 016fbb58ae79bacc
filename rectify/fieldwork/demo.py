"""Demo data for field work: inspections with outcomes, sampling with nonconforming batches and
their disposals, export checks, recalls, ledger chains to trace, the institution directory,
covert visits, collective interviews, scheduling meetings with their tasks, bulletins with their
receipts, industry associations with their conventions and members' commitments, publicity reports,
and (after
enforcement has seeded its cases: `seed_late`) the fast-track tests of cases' evidence — across all
14 cities, dated 2020-05-15..06-30.
Deterministic through ctx.rng.

Small scale: a few hundred records. Large scale: several hundred thousand records plus a
1,000,000-entry ledger, built in Python and written with bulk_create in batches of 5,000 (the
change log of bulk writes is automatic and is most of the time taken)."""
from __future__ import annotations

import datetime
from collections import defaultdict

from rectify.accounts.models import User
from rectify.enforcement.models import Case
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Unit

from .models import (
    Bulletin,
    BulletinReceipt,
    CollectiveInterview,
    CovertVisit,
    Disposal,
    ExportCheck,
    FastTest,
    IndustryAssociation,
    Inspection,
    InspectionOutcome,
    LedgerEntry,
    MeetingTask,
    MemberCommitment,
    PublicityReport,
    Recall,
    Sample,
    SchedulingMeeting,
    SelfDisciplineConvention,
    TestingInstitution,
)
from .services.bulletins import bulletin_recipients

BATCH = 5000
OUTCOMES = ["passed"] * 14 + ["failed_review", "failed_certification", "failed_other", "no_standard"]
# (name, tests, certifies, jurisdiction): the international groups and CQC both test and certify.
INSTITUTIONS = [
    ("辽宁省产品质量监督检验院", True, False, "domestic"), ("沈阳市产品质量监督检验院", True, False, "domestic"),
    ("大连市产品质量检验检测研究院", True, False, "domestic"), ("辽宁省医疗器械检验检测院", True, False, "domestic"),
    ("中国质量认证中心", True, True, "domestic"), ("方圆标志认证集团", False, True, "domestic"),
    ("TÜV SÜD", True, True, "eu"), ("SGS", True, True, "eu"), ("BSI", False, True, "uk"),
    ("Intertek", True, True, "us"), ("UL", True, True, "us"), ("JQA", False, True, "jp"),
]
INTERVIEW_TOPICS = ["规范防疫用品生产经营秩序集中约谈", "口罩等防护用品价格行为提醒告诫",
                    "医用防护用品质量安全主体责任约谈", "电商平台防疫用品销售行政指导会",
                    "出口防疫物资质量合规集中约谈"]
COUNTRIES = ["意大利", "德国", "法国", "西班牙", "美国", "英国", "日本", "韩国", "澳大利亚", "加拿大"]


def _bulk(model, rows: list) -> list:
    out = []
    for i in range(0, len(rows), BATCH):
        out += model.objects.bulk_create(rows[i:i + BATCH], batch_size=BATCH)
    return out


def _enterprises(ctx, cities) -> dict[int, list[Enterprise]]:
    ids = ctx.store.get("enterprises") or {}
    if not ids:  # the enterprises demo did not run: a few of our own
        rows = [Enterprise(name=ctx.company(city.name, code), credit_code=ctx.credit_code(city.code), region=city,
                           is_producer=True)
                for city in cities for code in ("mask", "protective_suit", "nonwoven", "thermometer", "mask",
                                                "meltblown")]
        ids = defaultdict(list)
        for e in _bulk(Enterprise, rows):
            ids[e.region_id].append(e.pk)
    by_city: dict[int, list[Enterprise]] = defaultdict(list)
    wanted = [pk for pks in ids.values() for pk in pks]
    chosen = Enterprise.objects.filter(pk__in=wanted).select_related("region", "county").order_by("pk")
    for e in chosen.iterator(chunk_size=5000):
        by_city[e.region_id].append(e)
    return by_city


def seed(ctx) -> str:
    cities = ctx.cities()
    cats = ctx.categories()
    units = {u.code: u for u in Unit.objects.select_related("region", "department")
             .filter(region__level__in=["city", "province"])}
    by_city = _enterprises(ctx, cities)
    officers = defaultdict(list)
    for pk, unit_id in User.objects.filter(is_enforcement_officer=True).order_by("pk").values_list("pk", "unit_id"):
        officers[unit_id].append(pk)
    start, end = datetime.date(2020, 5, 15), datetime.date(2020, 6, 30)
    rng = ctx.rng
    province_samr = units["210000-samr"]

    institutions = _bulk(TestingInstitution, [
        TestingInstitution(unit=province_samr, name=name, is_testing_lab=tests, is_certification_body=certifies,
                           jurisdiction=jur, accreditation_number=f"LN-{'CMA' if tests else 'CNCA'}-{i:03d}",
                           valid_from=datetime.date(2019, 1, 1), valid_to=datetime.date(2024, 12, 31))
        for i, (name, tests, certifies, jur) in enumerate(INSTITUTIONS, start=1)])
    testing = [i for i in institutions if i.is_testing_lab]

    n_insp, n_sample, n_export, n_chains = ctx.n(10, 8000), ctx.n(6, 2500), ctx.n(3, 1000), ctx.n(1, 0)
    inspections, outcome_plan, samples, exports, recalls, visits = [], [], [], [], [], []
    for city in cities:
        ents = by_city.get(city.pk) or []
        if not ents:
            continue
        samr, commerce = units[f"{city.code}-samr"], units[f"{city.code}-commerce"]
        customs = next(u for u in units.values() if u.department.line == "customs" and city.pk in u.covered_city_ids())
        for _ in range(n_insp):
            ent, date = rng.choice(ents), ctx.date_between(start, end)
            inspections.append(Inspection(unit=samr, enterprise=ent, date=date,
                                          staff_dispatched=rng.choice((2, 2, 3, 4)),
                                          check_licence=True, check_raw_material=rng.random() < .8,
                                          check_process=rng.random() < .8,
                                          check_labels=True, check_registration=rng.random() < .5,
                                          check_ledgers=rng.random() < .7,
                                          check_sales_channels=rng.random() < .5, check_quality_standard=True))
            outcome_plan.append([(c, rng.choice(OUTCOMES)) for c in rng.sample(cats, rng.choice((1, 1, 2, 3)))])
        for _ in range(n_sample):
            ent, sampled = rng.choice(ents), ctx.date_between(start, datetime.date(2020, 6, 20))
            result = "nonconforming" if rng.random() < .15 else "conforming"
            samples.append(Sample(unit=samr, enterprise=ent, product_name="一次性使用医用口罩",
                                  category=rng.choice(cats),
                                  batch_number=f"{city.code[:4]}{sampled:%m%d}{rng.randint(100, 999)}",
                                  quantity=rng.randint(10, 60),
                                  production_date=sampled - datetime.timedelta(days=rng.randint(3, 60)),
                                  sampled_on=sampled,
                                  stage=rng.choice(("production", "circulation", "ecommerce")),
                                  testing_institution=rng.choice(testing),
                                  report_number=f"BG{sampled:%Y%m%d}{rng.randint(1000, 9999)}",
                                  standard="GB 19083-2010",
                                  items_tested="过滤效率、微生物指标", result=result, final_result=result,
                                  failing_items="细菌过滤效率" if result == "nonconforming" else "",
                                  notified_on=sampled + datetime.timedelta(days=7)))
        for _i in range(n_export):
            exporter, producer = rng.choice(ents), rng.choice(ents)
            checked, bad = rng.randint(1, 8), 0 if rng.random() < .85 else 1
            exports.append(ExportCheck(unit=customs,
                                       declaration_number=f"{customs.code[-2:]}{city.code}{len(exports):08d}",
                                       checked_on=ctx.date_between(start, end), exporter=exporter, producer=producer,
                                       enterprise=producer,
                                       category=rng.choice(cats), batches_checked=checked, batches_nonconforming=bad,
                                       destination_country=rng.choice(COUNTRIES),
                                       action_taken="returned" if bad else "released",
                                       certification_body=rng.choice(institutions)))
        recalls.append(Recall(unit=commerce, enterprise=rng.choice(ents), category=rng.choice(cats),
                              product_name="医用外科口罩",
                              quantity=rng.randint(100, 5000), recalled_on=ctx.date_between(start, end),
                              reason="抽检不合格召回"))
        if rng.random() < .5:
            visit_on = ctx.date_between(datetime.date(2020, 5, 26), datetime.date(2020, 6, 20))
            visits.append(CovertVisit(unit=units["210000-office"], visited_city=city, start_date=visit_on,
                                      end_date=visit_on,
                                      team=f"省专项办 {ctx.person()}、{ctx.person()}",
                                      findings="部分药店销售无生产日期口罩；价格公示不规范。",
                                      requirements="五个工作日内整改并反馈。",
                                      response_due=visit_on + datetime.timedelta(days=7)))
    inspections = _bulk(Inspection, inspections)
    through, outcomes = Inspection.inspectors.through, []
    links = []
    for insp, plan in zip(inspections, outcome_plan, strict=True):
        team = officers.get(insp.unit_id, [])
        links += [through(inspection_id=insp.pk, user_id=u) for u in team[:2]]
        outcomes += [InspectionOutcome(inspection=insp, category=c, outcome=o, enterprise_id=insp.enterprise_id,
                                       date=insp.date,
                                       region_id=insp.region_id, county_id=insp.county_id,
                                       line=insp.line) for c, o in plan]
    through.objects.bulk_create(links, batch_size=BATCH)
    _bulk(InspectionOutcome, outcomes)
    samples = _bulk(Sample, samples)
    bad = [s for s in samples if s.result == "nonconforming"]
    _bulk(Disposal, [Disposal(sample=s, unit=s.unit, enterprise=s.enterprise, category=s.category,
                              batch_number=s.batch_number,
                              cause_analysis_on=s.notified_on + datetime.timedelta(days=3),
                              recall_ordered_on=s.notified_on
                              + datetime.timedelta(days=2), quantity_to_recall=(q := rng.randint(500, 5000)),
                              quantity_returned=int(q * rng.uniform(.5, 1))) for s in bad])
    _bulk(ExportCheck, exports)
    _bulk(Recall, recalls)
    _bulk(CovertVisit, visits)
    ledger = _ledger(ctx, bad, by_city, n_chains, units)
    interviews = _interviews(ctx, cities, by_city, units)
    meetings, tasks = _meetings(ctx, cities, units)
    bulletins, receipts = _bulletins(ctx, cities, units)
    associations, commitments = _associations(ctx, cities, by_city, units)
    publicity = _publicity(ctx, cities, units)
    return (f"{len(inspections)} inspections ({len(outcomes)} outcomes), {len(samples)} samples "
            f"({len(bad)} disposals), {len(exports)} export checks, {len(recalls)} recalls, {ledger} ledger entries, "
            f"{len(visits)} covert visits, {interviews} collective interviews, {meetings} scheduling meetings "
            f"({tasks} tasks), {bulletins} bulletins ({receipts} receipts), {associations} industry associations "
            f"({commitments} member commitments), {publicity} publicity reports")


def _interviews(ctx, cities, by_city, units) -> int:
    """Collective interviews convened by each city's market regulator: a few to a dozen of its
    enterprises invited, most of them attending, a commitment letter from most of those. Drawn
    last, so that the field-work records drawn before them stayed as they were."""
    rng = ctx.rng
    rows, invited, attended = [], [], []
    for city in cities:
        ents = by_city.get(city.pk) or []
        if not ents:
            continue
        for _ in range(ctx.n(2, 300)):
            guests = rng.sample(ents, min(len(ents), rng.randint(3, 12)))
            present = [e for e in guests if rng.random() < .85]
            signed = sum(rng.random() < .9 for _ in present)
            day = ctx.date_between(datetime.date(2020, 5, 15), datetime.date(2020, 6, 30))
            rows.append(CollectiveInterview(unit=units[f"{city.code}-samr"], date=day,
                                            topic=rng.choice(INTERVIEW_TOPICS), commitments_signed=signed,
                                            follow_up="企业已提交整改报告，执法人员逐户回访核实。" if signed else ""))
            invited.append(guests)
            attended.append(present)
    rows = _bulk(CollectiveInterview, rows)
    for field, chosen in (("invited", invited), ("attended", attended)):
        through = getattr(CollectiveInterview, field).through
        _bulk(through, [through(collectiveinterview_id=row.pk, enterprise_id=e.pk)
                        for row, ents in zip(rows, chosen, strict=True) for e in ents])
    return len(rows)


MEETING_TITLES = ["防疫物资专项整治调度会", "专项整治工作推进会", "联合执法调度会", "出口防疫物资质量监管协调会"]
MEETING_TASKS = ["对辖区口罩生产企业开展全覆盖排查，报送排查清单", "对投诉集中的经营者开展联合检查",
                 "督促不合格批次召回并核查流向", "梳理涉嫌犯罪线索，按规定移送公安机关",
                 "开展出口防疫物资质量抽查", "对重点企业开展价格行为提醒告诫", "汇总本周专项整治进展并报送"]
MEETING_DEPTS = ("samr", "commerce", "police", "nmpa", "ndrc", "miit")


def _meetings(ctx, cities, units) -> tuple[int, int]:
    """Scheduling meetings convened by each city's office with the city's member units, their
    decisions assigned to the units that attended, most reported and confirmed by the end of the
    campaign. Drawn last, so that the field-work records drawn before them stayed as they were."""
    rng = ctx.rng
    meetings, attendance, plans = [], [], []
    for city in cities:
        members = [units[f"{city.code}-{d}"] for d in MEETING_DEPTS if f"{city.code}-{d}" in units]
        customs = [u for u in units.values() if u.department.line == "customs" and city.pk in u.covered_city_ids()]
        members += customs
        for _ in range(ctx.n(1, 40)):
            day = ctx.date_between(datetime.date(2020, 5, 18), datetime.date(2020, 6, 22))
            present = rng.sample(members, min(len(members), rng.randint(3, 6)))
            meetings.append(SchedulingMeeting(unit=units[f"{city.code}-office"], date=day,
                                              title=rng.choice(MEETING_TITLES),
                                              minutes="通报各成员单位专项整治进展，研究部署下一阶段重点任务。"))
            attendance.append(present)
            plans.append([(rng.choice(present), rng.choice(MEETING_TASKS), day + datetime.timedelta(
                days=rng.choice((5, 7, 10, 14)))) for _ in range(rng.randint(2, 4))])
    meetings = _bulk(SchedulingMeeting, meetings)
    through = SchedulingMeeting.attendees.through
    _bulk(through, [through(schedulingmeeting_id=m.pk, unit_id=u.pk)
                    for m, present in zip(meetings, attendance, strict=True) for u in present])
    tasks = []
    for meeting, plan in zip(meetings, plans, strict=True):
        for unit, text, deadline in plan:
            done = deadline <= datetime.date(2020, 6, 30) and rng.random() < .8
            done_on = min(deadline + datetime.timedelta(days=rng.randint(-4, 2)), datetime.date(2020, 6, 30))
            done_on = max(done_on, meeting.date) if done else None
            tasks.append(MeetingTask(meeting=meeting, description=text, assignee=unit, deadline=deadline,
                                     report="已按会议要求完成，相关材料已归档。" if done else "", done_on=done_on,
                                     confirmed_on=done_on if done and rng.random() < .7 else None))
    _bulk(MeetingTask, tasks)
    return len(meetings), len(tasks)


BULLETINS = [
    ("public_opinion", "网传部分药店高价销售口罩的舆情", "经核实，系个别药店行为，已立案调查，请各部门关注同类舆情。"),
    ("subject", "涉嫌生产不合格防护服企业信息", "该企业抽检不合格批次已流入多地，请相关部门核查处置。"),
    ("complaint_analysis", "本周投诉举报情况分析", "价格类投诉占六成，主要集中在口罩和额温枪，建议加强价格监测。"),
    ("urgent", "关于某企业涉嫌大量生产假冒口罩的紧急专报", "已查封仓库，涉案金额较大，请省专项办协调公安机关介入。"),
]


def _bulletins(ctx, cities, units) -> tuple[int, int]:
    """Bulletins from the cities' member units to a few departments in their own and neighbouring
    cities, an urgent report now and then; most receiving units signed for them. Drawn last, so that
    the field-work records drawn before them stayed as they were."""
    rng = ctx.rng
    users = {}
    for pk, unit_id in User.objects.filter(is_active=True).order_by("pk").values_list("pk", "unit_id"):
        users.setdefault(unit_id, pk)
    departments = {u.department.code: u.department for u in units.values()}
    rows, targets = [], []
    for city in cities:
        senders = [units[f"{city.code}-{d}"] for d in ("samr", "commerce", "police", "nmpa")
                   if f"{city.code}-{d}" in units]
        for _ in range(ctx.n(2, 60)):
            kind, title, content = rng.choice(BULLETINS)
            depts = rng.sample(sorted(departments.values(), key=lambda d: d.code), rng.randint(1, 3))
            regions = [city, *rng.sample(cities, rng.randint(0, 2))]
            sender = rng.choice(senders)
            day = ctx.date_between(datetime.date(2020, 5, 16), datetime.date(2020, 6, 28))
            recipients = bulletin_recipients(kind=kind, departments=depts, regions=regions, sender=sender)
            if not recipients:  # the page refuses a choice that reaches no unit
                continue
            rows.append(Bulletin(unit=sender, kind=kind, title=title, content=content, issued_on=day))
            targets.append((depts, regions, recipients))
    rows = _bulk(Bulletin, rows)
    for field, index in (("to_departments", 0), ("to_regions", 1), ("recipients", 2)):
        through = getattr(Bulletin, field).through
        column = {"to_departments": "department_id", "to_regions": "region_id", "recipients": "unit_id"}[field]
        _bulk(through, [through(bulletin_id=row.pk, **{column: item.pk})
                        for row, target in zip(rows, targets, strict=True) for item in dict.fromkeys(target[index])])
    receipts = []
    for row, (_d, _r, recipients) in zip(rows, targets, strict=True):
        for unit in recipients:
            if unit.pk in users and rng.random() < .7:
                at = datetime.datetime.combine(row.issued_on, datetime.time(1, 0), tzinfo=datetime.UTC)
                receipts.append(BulletinReceipt(bulletin=row, unit=unit, user_id=users[unit.pk],
                                                read_at=at + datetime.timedelta(minutes=rng.randint(10, 2880))))
    _bulk(BulletinReceipt, receipts)
    return len(rows), len(receipts)


ASSOCIATIONS = ["防护用品行业协会", "医疗器械行业协会", "药品零售行业协会", "纺织行业协会"]
CONVENTIONS = [("防疫物资诚信经营自律公约",
                "不哄抬价格、不囤积居奇、不销售假冒伪劣和“三无”产品，明码标价，建立购销台账。"),
               ("防疫物资质量安全自律承诺", "严格执行产品标准，落实出厂检验，发现不合格产品主动召回。")]


def _associations(ctx, cities, by_city, units) -> tuple[int, int]:
    """An industry association or two per city, guided by the city's market regulator, its members
    drawn from the city's enterprises; a convention each, signed by most members. Drawn last, so that
    the field-work records drawn before them stayed as they were."""
    rng = ctx.rng
    rows, members = [], []
    for city in cities:
        ents = by_city.get(city.pk) or []
        if not ents:
            continue
        for name in rng.sample(ASSOCIATIONS, ctx.n(1, 4)):
            rows.append(IndustryAssociation(unit=units[f"{city.code}-samr"], name=f"{city.name}{name}",
                                            contact=f"{ctx.person()} {ctx.phone()}"))
            members.append(rng.sample(ents, min(len(ents), rng.randint(3, ctx.n(8, 60)))))
    rows = _bulk(IndustryAssociation, rows)
    through = IndustryAssociation.members.through
    _bulk(through, [through(industryassociation_id=row.pk, enterprise_id=e.pk)
                    for row, ents in zip(rows, members, strict=True) for e in ents])
    conventions = _bulk(SelfDisciplineConvention, [
        SelfDisciplineConvention(association=row, title=title, content=text,
                                 adopted_on=ctx.date_between(datetime.date(2020, 5, 15), datetime.date(2020, 6, 1)))
        for row in rows for title, text in [rng.choice(CONVENTIONS)]])
    commitments = [MemberCommitment(convention=c, enterprise=e, content="本企业承诺遵守公约，接受社会监督。",
                                    signed_on=c.adopted_on + datetime.timedelta(days=rng.randint(0, 20)))
                   for c, ents in zip(conventions, members, strict=True) for e in ents if rng.random() < .75]
    _bulk(MemberCommitment, commitments)
    return len(rows), len(commitments)


PUBLICITY = [("tv", "{city}电视台", "{city}全面开展防疫物资质量和市场秩序专项整治"),
             ("newspaper", "辽沈晚报", "{city}市场监管部门严查哄抬防疫物资价格行为"),
             ("gov_site", "{city}人民政府网", "关于公布防疫物资投诉举报渠道的通告"),
             ("wechat", "{city}市场监管", "买口罩，认准这些标识"),
             ("weibo", "{city}发布", "防疫物资专项整治典型案例通报"),
             ("radio", "{city}广播电台", "专项整治进行时：执法人员走进生产企业")]


def _publicity(ctx, cities, units) -> int:
    """What each city published on its channels, with a link (a scan is an upload made on the page).
    Drawn last, so that the field-work records drawn before them stayed as they were."""
    rng = ctx.rng
    rows = []
    for city in cities:
        name = city.name.removesuffix("市")
        for i in range(ctx.n(3, 80)):
            channel, outlet, title = rng.choice(PUBLICITY)
            rows.append(PublicityReport(
                unit=units[f"{city.code}-{rng.choice(('office', 'samr', 'samr', 'commerce'))}"], channel=channel,
                outlet=outlet.format(city=name), title=title.format(city=name),
                published_on=ctx.date_between(datetime.date(2020, 5, 15), datetime.date(2020, 6, 30)),
                link=f"https://www.example.gov.cn/{city.code}/publicity/2020/{i + 1:04d}.html"))
    return len(_bulk(PublicityReport, rows))


FAST_TESTS = [("涉案口罩", "细菌过滤效率、颗粒过滤效率、标识标签"), ("涉案防护服", "抗渗水性、断裂强力"),
              ("涉案额温枪", "测量准确度、注册证真伪"), ("涉案检测试剂", "产品注册证与标签一致性"),
              ("涉案熔喷布", "过滤效率、克重")]
FAST_RESULTS = ["nonconforming"] * 4 + ["counterfeit"] * 2 + ["conforming", "inconclusive"]
FAST_FINDINGS = {"nonconforming": "所检项目不符合标准要求，详见检验报告。",
                 "counterfeit": "经权利人比对鉴定，送检物品为假冒产品。",
                 "conforming": "经检验，所检项目符合标准要求。",
                 "inconclusive": "送检样品数量不足，无法作出判定，建议补充送检。"}


def seed_late(ctx) -> str:
    """Fast-track tests of the cases' evidence, sent to the directory's testing labs: about one case in
    five, most answered by the deadline. Cases are enforcement's, seeded after field work, so these
    are drawn once every app has seeded."""
    rng = ctx.rng
    labs = list(TestingInstitution.objects.filter(is_testing_lab=True, jurisdiction="domestic").order_by("pk"))
    cases = list(Case.objects.filter(filed_on__isnull=False).order_by("pk").values_list("pk", "filed_on"))
    if not labs or not cases:
        return "no cases or labs: no fast-track tests"
    last = datetime.date(2020, 6, 30)
    rows = []
    for case_id, filed_on in cases:
        if rng.random() >= .2:
            continue
        samples, items = rng.choice(FAST_TESTS)
        asked = min(filed_on + datetime.timedelta(days=rng.randint(0, 5)), last)
        deadline = asked + datetime.timedelta(days=rng.choice((3, 5, 7)))
        answered = deadline <= last and rng.random() < .85
        on = min(asked + datetime.timedelta(days=rng.randint(1, 8)), last) if answered else None
        result = rng.choice(FAST_RESULTS) if answered else ""
        rows.append(FastTest(case_id=case_id, institution=rng.choice(labs), requested_on=asked, samples=samples,
                             items=items, deadline=deadline, result=result, result_on=on,
                             report_number=f"KJ-2020-{len(rows) + 1:05d}" if answered else "",
                             findings=FAST_FINDINGS.get(result, "")))
    _bulk(FastTest, rows)
    return f"{len(rows)} fast-track tests"


def _ledger(ctx, bad: list[Sample], by_city, chains_per_city: int, units) -> int:
    """Distribution trees (producer → distributors → retailers → pharmacies), across cities, with
    the odd sale back up the chain. The nonconforming batches get one each so they can be traced;
    at large scale 1,000,000 entries in all."""
    rng = ctx.rng
    every = [e for ents in by_city.values() for e in ents]
    target = ctx.n(0, 1_000_000)
    seeds = [(s.enterprise, s.batch_number, s.sampled_on) for s in bad]
    written, rows = 0, []

    def flush():
        nonlocal rows, written
        _bulk(LedgerEntry, rows)
        written += len(rows)
        rows = []

    def tree(root, batch, day):
        unit = units[f"{root.region.code}-samr"]
        level, frontier = 0, [root]
        while frontier and level < 4:
            nxt = []
            for seller in frontier:
                for _ in range(rng.choice((1, 2, 3)) if level else 3):
                    buyer = rng.choice(every)
                    if buyer.pk == seller.pk:
                        continue
                    qty = rng.randint(50, 2000) // (level + 1)
                    rows.append(LedgerEntry(unit=unit, seller=seller, buyer=buyer, product_name="医用口罩",
                                            batch_number=batch,
                                            quantity=max(qty, 1), traded_on=day + datetime.timedelta(days=level)))
                    nxt.append(buyer)
            if level == 2:
                rows.append(LedgerEntry(unit=unit, seller=rng.choice(nxt or frontier), buyer=None,
                                        buyer_name=f"{ctx.person()}大药房",
                                        product_name="医用口罩", batch_number=batch, quantity=rng.randint(5, 50),
                                        traded_on=day))
            frontier, level = nxt[:4], level + 1
        if len(rows) >= BATCH:
            flush()

    for root, batch, day in seeds:
        tree(root, batch, day)
    n = 0
    while written + len(rows) < target or n < chains_per_city * 14 and not ctx.large:
        root = rng.choice(every)
        tree(root, f"LD{n:07d}", ctx.date_between(datetime.date(2020, 5, 15), datetime.date(2020, 6, 20)))
        n += 1
    if ctx.large and written + len(rows) > target:
        rows = rows[: target - written]
    flush()
    return written
