"""Letters in bulk: a city or county unit issues warning letters (提醒告诫函) or commitment letters
(承诺书) to every listed producer of its area (of one category, or all) at once, from a Word
template — its own, or the system's — and tracks their return; the coverage per city says how many
listed producers have been reached.

Templates are rendered with docxtpl in Jinja's sandbox: a template is a file a user uploads, and
an unsandboxed Jinja template can reach Python's internals. Placeholders are Chinese names
(`{{ 企业名称 }}`); one the template names and the letter does not know is refused on upload,
naming it, rather than printed blank."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt
from docxcompose.composer import Composer
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from rectify.core.access.scope import restrict
from rectify.core.audit.events import record_event
from rectify.core.generic.services import object_create
from rectify.organisations.models import Region

from ..models import Enterprise, Letter, LetterBatch

PLACEHOLDERS = ("企业名称", "统一社会信用代码", "文号", "产品类别", "发函单位", "日期", "正文")
DEFAULT_BODY = {
    Letter.Kind.WARNING: "你单位已列入本市防疫物资生产企业清单。根据《辽宁省防疫物资产品质量和市场秩序专项整治行动"
                         "实施方案》，现提醒告诫如下：严格落实质量安全主体责任，按标准组织生产，如实标注产品标识，"
                         "建立健全进货查验和出厂检验记录，不得生产销售不合格产品，不得哄抬价格。违者将依法从严查处。",
    Letter.Kind.COMMITMENT: "本企业承诺：严格落实质量安全主体责任，按照标准组织生产，如实标注产品标识，建立健全进货查验"
                            "和出厂检验记录，不生产销售不合格防疫物资，不哄抬价格；自愿接受监管部门和社会监督，"
                            "如有违反，愿承担相应法律责任。",
}


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def default_template(kind: str) -> bytes:
    """The system's template: the title, the number, the addressee, the body and the signature,
    in 仿宋 on A4, every variable part a placeholder."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "仿宋_GB2312", Pt(16)
    style.element.rPr.rFonts.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia",
                                 "仿宋_GB2312")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(Letter.Kind(kind).label)
    run.bold, run.font.size = True, Pt(22)
    number = doc.add_paragraph("{{ 文号 }}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if kind == Letter.Kind.WARNING:
        doc.add_paragraph("{{ 企业名称 }}（统一社会信用代码：{{ 统一社会信用代码 }}）：")
        doc.add_paragraph("{{ 正文 }}").paragraph_format.first_line_indent = Pt(32)
        for text in ("{{ 发函单位 }}", "{{ 日期 }}"):
            doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    else:
        doc.add_paragraph("致{{ 发函单位 }}：")
        doc.add_paragraph("{{ 正文 }}").paragraph_format.first_line_indent = Pt(32)
        for text in ("承诺企业（盖章）：{{ 企业名称 }}", "统一社会信用代码：{{ 统一社会信用代码 }}",
                     "法定代表人（签字）：__________", "日期：______年____月____日"):
            doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _context(batch: LetterBatch, letter: Letter | None, enterprise: Enterprise | None) -> dict[str, str]:
    values = {
        "企业名称": enterprise.name if enterprise else "（企业名称）",
        "统一社会信用代码": enterprise.credit_code if enterprise else "（统一社会信用代码）",
        "文号": letter.number if letter else f"{batch.number_prefix}1号" if batch.number_prefix else "",
        "产品类别": batch.category.name if batch.category_id else _("防疫物资"),
        "发函单位": batch.unit.name,
        "日期": f"{batch.date.year}年{batch.date.month}月{batch.date.day}日",
    }
    # The body may name the same placeholders; it is rendered first, as plain text.
    values["正文"] = _environment().from_string(batch.body).render(**values)
    return values


def _template_bytes(batch: LetterBatch) -> bytes:
    if batch.template:
        batch.template.open("rb")
        try:
            return batch.template.read()
        finally:
            batch.template.close()
    return default_template(batch.kind)


def _render(template: bytes, context: Mapping[str, str]) -> Document:
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(dict(context), jinja_env=_environment(), autoescape=True)
    buf = io.BytesIO()
    doc.save(buf)
    return Document(io.BytesIO(buf.getvalue()))


def check_template(batch: LetterBatch, template: bytes | None = None) -> None:
    """Render the batch's template and body once with sample values: a broken or hostile template,
    or a placeholder the letter does not know, is refused on its field, naming the problem."""
    try:
        _environment().from_string(batch.body).render(**dict.fromkeys(PLACEHOLDERS, ""))
    except TemplateError as exc:
        raise ValidationError({"body": _("正文中的占位有误：%(error)s（可用：%(names)s）")
                               % {"error": exc, "names": "、".join(PLACEHOLDERS[:-1])}}) from None
    try:
        _render(template if template is not None else _template_bytes(batch), _context(batch, None, None))
    except TemplateError as exc:
        raise ValidationError({"template": _("模板中的占位有误：%(error)s（可用：%(names)s）")
                               % {"error": exc, "names": "、".join(PLACEHOLDERS)}}) from None
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ValidationError({"template": _("模板不是可用的 Word 文档（.docx）。")}) from None


def _area(unit) -> Q:
    """The listed producers a unit writes to: those of its county, or of its city."""
    if unit.region.level == Region.Level.COUNTY:
        return Q(county=unit.region)
    return Q(region=unit.region)


def letter_batch_targets(*, unit, kind: str, category, actor) -> models.QuerySet:
    """The listed producers of the unit's area (and category) the actor sees that have not had
    this kind of letter yet."""
    qs = restrict(Enterprise.objects.filter(_area(unit), is_producer=True), actor, "view")
    if category is not None:
        qs = qs.filter(categories=category)
    return qs.exclude(letters__kind=kind).distinct().order_by("name", "pk")


@transaction.atomic
def letter_batch_issue(*, model: type[models.Model] = LetterBatch, data: Mapping[str, Any], actor) -> LetterBatch:
    """Issue one batch: the batch record, then a numbered letter to every target, in one
    transaction; nothing is written when the template fails or no producer is left to write to."""
    unit = data.get("unit")
    if unit is not None and unit.region.level == Region.Level.PROVINCE:
        raise ValidationError({"unit": _("批量发函由市、区县单位向本辖区清单内的生产企业发放。")})
    values = dict(data)
    if not (values.get("body") or "").strip() and values.get("kind") in DEFAULT_BODY:
        values["body"] = DEFAULT_BODY[values["kind"]]
    if unit is not None and values.get("kind") in Letter.Kind.values and values.get("date"):
        # Checked before anything is saved, the uploaded template included.
        probe = LetterBatch(unit=unit, kind=values["kind"], category=values.get("category"), date=values["date"],
                            number_prefix=values.get("number_prefix") or "", body=values["body"])
        upload = values.get("template")
        content = None
        if upload:
            upload.seek(0)
            content = upload.read()
            upload.seek(0)
        check_template(probe, content)
        if not letter_batch_targets(unit=unit, kind=probe.kind, category=probe.category, actor=actor).exists():
            raise ValidationError({"category": _("本辖区清单内没有尚未收到%(kind)s的生产企业。")
                                   % {"kind": probe.get_kind_display()}})
    batch = object_create(model=LetterBatch, data=values, actor=actor)
    targets = list(letter_batch_targets(unit=batch.unit, kind=batch.kind, category=batch.category, actor=actor))
    prefix = batch.number_prefix
    Letter.objects.bulk_create([
        Letter(unit=batch.unit, enterprise=e, kind=batch.kind, date=batch.date, batch=batch,
               number=f"{prefix}{n}号" if prefix else "") for n, e in enumerate(targets, 1)])
    batch.issued = len(targets)
    LetterBatch.objects.filter(pk=batch.pk).update(issued=batch.issued)
    record_event("letters.issue", batch, user=actor, detail={"kind": batch.kind, "issued": batch.issued})
    return batch


def letter_batch_docx(batch: LetterBatch) -> bytes:
    """Every letter of the batch, each on its own pages, in one Word document for printing."""
    template = _template_bytes(batch)
    letters = list(batch.letters.select_related("enterprise").order_by("pk"))
    composer = None
    for letter in letters:
        doc = _render(template, _context(batch, letter, letter.enterprise))
        if composer is None:
            composer = Composer(doc)
            continue
        composer.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        composer.append(doc)
    buf = io.BytesIO()
    (composer.doc if composer else Document()).save(buf)
    return buf.getvalue()


def letter_coverage(actor) -> list[dict[str, Any]]:
    """Per city the actor sees: the listed producers, and how many of them have had a warning
    letter and a commitment letter, and returned it."""
    producers = restrict(Enterprise.objects.filter(is_producer=True), actor, "view")
    per_city = dict(producers.values_list("region").annotate(n=Count("pk")).values_list("region", "n"))
    letters = restrict(Letter.objects.filter(enterprise__is_producer=True), actor, "view")
    reached = letters.values("enterprise__region", "kind").annotate(
        sent=Count("enterprise", distinct=True),
        returned=Count("enterprise", distinct=True, filter=Q(returned_on__isnull=False)))
    counts = {(r["enterprise__region"], r["kind"]): r for r in reached}
    rows = []
    for city in Region.objects.filter(pk__in=per_city).order_by("code"):
        row: dict[str, Any] = {"city": city, "producers": per_city[city.pk]}
        for kind in Letter.Kind.values:
            got = counts.get((city.pk, kind), {})
            row[kind] = {"sent": got.get("sent", 0), "returned": got.get("returned", 0),
                         "rate": round(100 * got.get("sent", 0) / per_city[city.pk], 1) if per_city[city.pk] else 0}
        rows.append(row)
    return rows
