"""Reading and checking a complaints export of the national 12315 platform (Excel), through the
guarded reader of core/generic/importing.py (hostile-file checks, header mapping). Each row is checked
on its own, against the model's field rules too (lengths, no future dates), and a failing row is
reported with its number and column without stopping the others. Writing the rows that pass is the
service's: `services.complaints_import_12315`."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rectify.core.generic.importing import Column, RowError, parse_date, read_table
from rectify.core.security.validators import normalise_uscc
from rectify.organisations.models import ProductCategory

from .models import Complaint

COLUMNS_12315 = [
    Column("number", "登记编号", ("工单编号", "投诉举报编号"), required=True, example="1210100002020052500001"),
    Column("kind", "类型", ("诉求类型", "业务类型"), required=True, example="投诉"),
    Column("received_on", "登记日期", ("登记时间", "接收时间"), required=True, example="2020-05-25"),
    Column("channel", "来源渠道", ("渠道",), example="12315热线"),
    Column("reporter_name", "姓名", ("投诉人", "举报人", "诉求人姓名")),
    Column("reporter_phone", "联系电话", ("电话", "手机")),
    Column("reporter_id_number", "证件号码", ("身份证号码",)),
    Column("anonymous", "是否匿名", ("匿名",)),
    Column("subject_name", "被投诉举报主体", ("被投诉人", "被举报人", "涉事主体名称"),
           example="沈阳某某口罩经营部"),
    Column("subject_credit_code", "统一社会信用代码", ("主体信用代码",)),
    Column("product", "商品/服务", ("产品类别", "商品类别")),
    Column("content", "诉求内容", ("投诉举报内容", "内容"), required=True),
]
LABELS = {column.key: column.label for column in COLUMNS_12315}
KIND_WORDS = {"投诉": Complaint.Kind.COMPLAINT, "举报": Complaint.Kind.TIP}
CHANNEL_WORDS = {str(label): value for value, label in Complaint.Channel.choices} | {
    "12315": Complaint.Channel.HOTLINE, "热线": Complaint.Channel.HOTLINE, "互联网": Complaint.Channel.WEB,
    "全国12315平台": Complaint.Channel.WEB, "信函": Complaint.Channel.LETTER, "走访": Complaint.Channel.VISIT}
# Checked by the service or the database when the rows are written, not per row here: a foreign key's
# check is one query per row.
NOT_CHECKED_PER_ROW = [f.name for f in Complaint._meta.concrete_fields if f.is_relation]


@dataclass
class Checked:
    """The rows that passed, as unsaved complaints of the importing unit, and why the others did not."""

    complaints: list[Complaint] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _category(text: str, categories: dict[str, ProductCategory]) -> ProductCategory | None:
    for name, category in categories.items():
        if name and (name in text or text in name) and text:
            return category
    return None


def _field_errors(complaint: Complaint, row: int) -> list[RowError]:
    try:
        complaint.clean_fields(exclude=NOT_CHECKED_PER_ROW)
    except ValidationError as exc:
        return [RowError(row, LABELS.get(name, str(Complaint._meta.get_field(name).verbose_name)), message)
                for name, messages in exc.message_dict.items() for message in messages]
    return []


def read_12315(*, name: str, data: bytes, unit) -> Checked:
    """Read the file and check its rows as complaints of `unit`. A number already imported, or
    repeated in the file, is a row error. Raises ImportFileError for a file that cannot be used."""
    table = read_table(name, data, COLUMNS_12315)
    categories = {c.name: c for c in ProductCategory.objects.current()}
    existing = set(Complaint.objects.filter(number__in=[r.values.get("number", "") for r in table.rows])
                   .values_list("number", flat=True))
    checked = Checked(errors=list(table.errors))  # rows the file itself could not give
    for row in table.rows:
        v = row.values
        problems = []
        kind = KIND_WORDS.get(v.get("kind", "").strip()[:2])
        if kind is None:
            problems.append(RowError(row.number, "类型", _("应为“投诉”或“举报”")))
        try:
            received = parse_date(v.get("received_on", ""))
            if received is None:
                problems.append(RowError(row.number, "登记日期", _("必填")))
        except ValueError:
            received = None
            problems.append(RowError(row.number, "登记日期", _("不是日期")))
        number = v.get("number", "")
        if not number:
            problems.append(RowError(row.number, "登记编号", _("必填")))
        elif number in existing:
            problems.append(RowError(row.number, "登记编号", _("已导入过")))
        if not v.get("content"):
            problems.append(RowError(row.number, "诉求内容", _("必填")))
        if problems:
            checked.errors += problems
            continue
        complaint = Complaint(
            unit=unit, number=number, kind=kind, received_on=received,
            channel=CHANNEL_WORDS.get(v.get("channel", ""), Complaint.Channel.WEB),
            anonymous=v.get("anonymous", "") in {"是", "匿名", "1", "Y", "y"},
            reporter_name=v.get("reporter_name", ""), reporter_phone=v.get("reporter_phone", ""),
            reporter_id_number=v.get("reporter_id_number", ""), subject_name=v.get("subject_name", ""),
            subject_credit_code=normalise_uscc(v.get("subject_credit_code", "")),
            product_category=_category(v.get("product", ""), categories), content=v["content"],
        )
        problems = _field_errors(complaint, row.number)
        if problems:
            checked.errors += problems
            continue
        existing.add(number)
        checked.complaints.append(complaint)
    return checked
