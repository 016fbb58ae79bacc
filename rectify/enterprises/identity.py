"""One enterprise, one identity: the credit code in one written form whichever way it comes in, and
the checks that tell whether a code fits the region it is entered for.

The code is normalised by its model field (`CreditCodeField`), so every way a code reaches the
database — the form, the API, the imports, a service, `bulk_create`/`bulk_update`/`update()`, a
lookup such as `filter(credit_code=...)` — meets the same text: “９１２１０１…”, “91210100ma0y…” and
“9121 0100 MA0Y…” are one firm."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers

from rectify.core.security.validators import normalise_uscc, uscc_division
from rectify.organisations.models import Region


class CreditCodeFormField(forms.CharField):
    """Normalised before its length is checked: “9121 0100 MA0Y 4L2Q 4T” is 18 characters."""

    def to_python(self, value: Any) -> str | None:
        value = normalise_uscc(super().to_python(value))
        return value or self.empty_value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No maxlength: the browser would cut a pasted code with spaces before it is normalised.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class CreditCodeSerializerField(serializers.CharField):
    """The API's side of the same rule: normalised before the length and uniqueness checks."""

    def to_internal_value(self, data: Any) -> str:
        return normalise_uscc(super().to_internal_value(data))


class CreditCodeField(models.CharField):
    """A unified social credit code, stored and looked up normalised (core.security.validators.normalise_uscc);
    an empty code is stored as NULL where the column allows it, so codeless enterprises do not collide
    on "" (a lookup of "" stays a lookup of "", which matches nothing)."""

    serializer_field_class = CreditCodeSerializerField

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        return None if value is None else normalise_uscc(value)

    def _stored(self, value: str | None) -> str | None:
        return None if value == "" and self.null else value

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = self._stored(self.to_python(getattr(model_instance, self.attname)))
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value: Any, connection) -> str | None:
        # update() and bulk_update() write without pre_save.
        return self._stored(super().get_db_prep_save(value, connection))

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": CreditCodeFormField, **kwargs})


def division_warning(code: str | None, city, county=None, names: Mapping[str, str] | None = None) -> str | None:
    """A note when the registering authority's division in the code (positions 3-8) is not the
    chosen city or county. Not an error: a firm that moved keeps its code; the user is asked to look
    again, not stopped. `names` (division code → name) spares an import a query per row."""
    division = uscc_division(code or "")
    if not division or city is None or division == f"{city.code[:2]}0000":  # registered by the province
        return None
    if division[:4] == city.code[:4] and (county is None or division[4:] == "00" or division == county.code):
        return None
    if names is None:
        names = dict(Region.objects.filter(code__in=[division, f"{division[:4]}00"]).values_list("code", "name"))
    where = names.get(division) or names.get(f"{division[:4]}00") or _("本省以外或未登记的地区")
    chosen = f"{city.name}{county.name}" if county is not None and division[:4] == city.code[:4] else city.name
    return _("统一社会信用代码第3-8位（登记管理机关行政区划码）为 %(division)s（%(where)s），与所选的%(chosen)s不一致，"
             "请核对代码或所在地。") % {"division": division, "where": where, "chosen": chosen}


def normalise_stored_codes(enterprise_model: type[models.Model]) -> list[str]:
    """Bring every stored credit code to its normalised form (the data migration; also for rows
    written behind the application's back). Codes that become equal are a collision, not a crash:
    one row keeps the code — not merged, already written that way, oldest, in that order — the
    others lose it, with the old code and the reason kept in their notes, so the office can find
    them and merge (the duplicate finder lists same-name rows without a code). Returns one line per
    collision."""
    manager = enterprise_model._base_manager
    groups: dict[str | None, list[tuple[int, str, str, int | None, str]]] = {}
    for pk, raw, name, merged_into_id, notes in manager.exclude(credit_code=None).order_by("pk").values_list(
            "pk", "credit_code", "name", "merged_into_id", "notes"):
        groups.setdefault(normalise_uscc(raw) or None, []).append((pk, raw, name, merged_into_id, notes))
    report: list[str] = []
    for code, rows in groups.items():
        if code is None:
            manager.filter(pk__in=[r[0] for r in rows]).update(credit_code=None)
            continue
        keeper = min(rows, key=lambda r: (r[3] is not None, r[1] != code, r[0]))
        for pk, raw, name, _merged, notes in rows:
            if pk == keeper[0]:
                continue
            line = (f"企业“{name}”（编号 {pk}）的统一社会信用代码“{raw}”规范化后为 {code}，与企业“{keeper[2]}”"
                    f"（编号 {keeper[0]}）相同：本条的代码已清空，请核对后合并。")
            manager.filter(pk=pk).update(credit_code=None, notes=f"{notes}\n{line}".strip())
            report.append(line)
        if keeper[1] != code:
            manager.filter(pk=keeper[0]).update(credit_code=code)
    return report
