"""Reading and checking an Excel/CSV file of price observations, through `rectify.core.generic.importing`
(the hostile-file checks live there). Every row is checked, the failed ones kept with their reasons for
the failed-rows workbook; writing the rows is the service's (`services.price_observation_import`), and
it writes nothing when any row fails."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rectify.core.generic.importing import Column, RowError, parse_date, read_table
from rectify.enforcement.services import match_enterprise
from rectify.organisations.models import ProductCategory

from .models import PriceObservation

COLUMNS = [
    Column("outlet_name", "经营场所/店铺", ("outlet", "店铺名称", "经营者"), required=True,
           example="沈阳市和平区康民大药房"),
    Column("credit_code", "统一社会信用代码", ("credit_code",), example=""),
    Column("product", "商品名称", ("product",), required=True, example="一次性使用医用口罩"),
    Column("specification", "规格型号", ("specification", "规格"), example="17.5cm×9.5cm"),
    Column("category", "产品类别", ("category",), required=True, example="口罩"),
    Column("unit_of_sale", "计价单位", ("unit", "单位"), example="只"),
    Column("price", "销售价格（元）", ("price", "销售价格", "价格"), required=True, example="1.50"),
    Column("purchase_cost", "进货成本（元）", ("cost", "进货价格", "进货成本"), example="0.60"),
    Column("stock_quantity", "库存数量", ("stock", "库存"), example=""),
    Column("normal_daily_sales", "正常日均销量", ("daily_sales", "日均销量"), example=""),
    Column("observed_on", "采集日期", ("date", "日期"), required=True, example="2020-05-20"),
    Column("source", "来源", ("source",), example="现场检查"),
    Column("notes", "备注", ("notes",), example=""),
]
SOURCES = {str(label): value for value, label in PriceObservation.Source.choices}


@dataclass
class ObservationsRead:
    observations: list[PriceObservation] = field(default_factory=list)  # unsaved: the rows without an error
    errors: list[RowError] = field(default_factory=list)
    failed: list[tuple[int, list[str], list[str]]] = field(default_factory=list)  # (row, cells, reasons)
    headers: list[str] = field(default_factory=list)


def _decimal(value: str, label: str, row: int, errors: list[RowError], required: bool = False) -> Decimal | None:
    value = (value or "").replace(",", "").replace("元", "").strip()
    if not value:
        if required:
            errors.append(RowError(row, label, _("必须填写。")))
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        errors.append(RowError(row, label, _("“%(v)s”不是数字。") % {"v": value}))
        return None
    if number < 0:
        errors.append(RowError(row, label, _("不能为负数。")))
        return None
    return number


def _int(value: str, label: str, row: int, errors: list[RowError]) -> int | None:
    number = _decimal(value, label, row, errors)
    return int(number) if number is not None else None


def read_observations(*, name: str, data: bytes, unit) -> ObservationsRead:
    """Every row of a sheet as an observation of `unit`, checked like the add page (the model's
    rules included). Raises ImportFileError for an unusable file."""
    table = read_table(name, data, COLUMNS)
    categories = {c.name: c for c in ProductCategory.objects.current()}
    categories.update({c.code: c for c in categories.values()})
    labels = {c.key: c.label for c in COLUMNS}
    # rows the file itself could not give are failed rows too
    result = ObservationsRead(headers=table.headers, errors=list(table.errors),
                              failed=[(e.row, [], [str(e)]) for e in table.errors])
    for row in table.rows:
        errors: list[RowError] = []
        v = row.values
        category = categories.get(v.get("category", ""))
        if category is None:
            errors.append(RowError(row.number, labels["category"],
                                   _("未知的产品类别“%(c)s”。") % {"c": v.get("category", "")}))
        try:
            observed_on = parse_date(v.get("observed_on", ""))
            if observed_on is None:
                errors.append(RowError(row.number, labels["observed_on"], _("必须填写。")))
        except ValueError:
            observed_on = None
            errors.append(RowError(row.number, labels["observed_on"], _("日期格式不正确。")))
        source = SOURCES.get(v.get("source", ""), v.get("source", "") or PriceObservation.Source.INSPECTION)
        if source not in PriceObservation.Source.values:
            errors.append(RowError(row.number, labels["source"], _("来源应为：%(s)s。") % {"s": "、".join(SOURCES)}))
        obs = PriceObservation(
            unit=unit, outlet_name=v.get("outlet_name", ""), product=v.get("product", ""),
            specification=v.get("specification", ""), category=category,
            unit_of_sale=v.get("unit_of_sale", "") or "只",
            price=_decimal(v.get("price", ""), labels["price"], row.number, errors, required=True),
            purchase_cost=_decimal(v.get("purchase_cost", ""), labels["purchase_cost"], row.number, errors),
            stock_quantity=_int(v.get("stock_quantity", ""), labels["stock_quantity"], row.number, errors),
            normal_daily_sales=_int(v.get("normal_daily_sales", ""), labels["normal_daily_sales"], row.number, errors),
            observed_on=observed_on, source=source, notes=v.get("notes", ""),
            enterprise=match_enterprise(credit_code=v.get("credit_code", ""), name=v.get("outlet_name", "")),
        )
        if not errors:
            obs.fill_scope()
            try:
                obs.full_clean()
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors += [RowError(row.number, labels.get(key, ""), m) for m in messages]
        if errors:
            result.errors += errors
            result.failed.append((row.number, row.raw, [str(e) for e in errors]))
        else:
            result.observations.append(obs)
    return result
