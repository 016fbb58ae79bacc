"""Framework models: the base every domain model inherits, and the in-app notification.

- `BaseModel`: timestamps, an optimistic-lock `version`, and the `RestrictedQuerySet` manager
  whose `.restrict(user, action)` is the single entry point for who-may-see-what (access/scope.py).
- `ScopedRecord`: a record owned by a unit; carries the denormalised region, county and line of
  work that scope filters on, so the scope filter needs no join.
- `Notification`: an in-app message to one user.

The two append-only logs live in audit/models.py; they are imported here so that Django registers
them with this app.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.audit.models import Event, ObjectChange  # noqa: F401  (registered with this app)
from rectify.core.current import chosen_campaign_id
from rectify.core.querysets import RestrictedQuerySet
from rectify.core.registry import RegistryURLMixin


class BaseModel(RegistryURLMixin, models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictedQuerySet.as_manager()

    change_logged = True
    # Which area of permissions governs the model: "records" (business data, scoped),
    # "reference" (organisation and catalogues: everyone reads, system admin writes).
    perm_area = "records"
    # Fields never shown in the change log in clear (encrypted personal data etc.).
    log_exclude: tuple[str, ...] = ()
    # The fields __str__ reads, when that is all a list showing the record as a column needs
    # (core/generic/views.py reads only these of a joined record); None: read the whole record.
    label_fields: tuple[str, ...] | None = None

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> Any:
        """Django rebuilds a field's choices dict and translates a label on every get_FOO_display;
        the change log names every row of a bulk import, often with a choice label, so each field's
        labels are translated once per language and looked up."""
        key = (field, get_language())
        labels = _CHOICE_LABELS.get(key)
        if labels is None:
            labels = _CHOICE_LABELS[key] = {make_hashable(v): str(label) for v, label in field.flatchoices}
        value = getattr(self, field.attname)
        return labels.get(make_hashable(value), force_str(value, strings_only=True))


_CHOICE_LABELS: dict[tuple[models.Field, str | None], dict[Any, str]] = {}


class ScopedRecord(BaseModel):
    """A business record owned by a unit. `fill_scope()` derives region/county/line from it."""

    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "organisations.Region", verbose_name=_("所属市"), on_delete=models.PROTECT, related_name="+",
        editable=False,
    )
    county = models.ForeignKey(
        "organisations.Region", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True, editable=False,
    )
    line = models.CharField(_("业务条线"), max_length=20, editable=False, db_index=True)

    scope = RECORD_SCOPE
    # The lines of work whose member units keep such records (("market",): an inspection is entered
    # for a market-regulation bureau, never for the police or the customs): the forms offer only
    # those units, and not the offices. None: any unit the user enters records for.
    unit_lines: tuple[str, ...] | None = None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.unit_id:
            self.fill_scope()
        super().save(*args, **kwargs)

    def scope_region_source(self):
        """The region a record belongs to: its enterprise's city when it has one (a customs office
        covers several cities), otherwise its unit's. Override for other shapes."""
        enterprise = getattr(self, "enterprise", None)
        if enterprise is not None and getattr(enterprise, "region_id", None):
            return enterprise.region, enterprise.county
        return self.unit.city, self.unit.county

    def fill_scope(self) -> None:
        region, county = self.scope_region_source()
        self.region = region
        self.county = county
        self.line = self.unit.department.line


class CampaignRecord(ScopedRecord):
    """A business record of one campaign: its lists, tables and choices are the campaign's. A new
    record joins the campaign its writer works in (core.current.chosen_campaign_id, or the default
    campaign); the organisation, the enterprises and the directory are shared and are no such record."""

    campaign = models.ForeignKey(
        "organisations.Campaign", verbose_name=_("专项行动"), on_delete=models.PROTECT, related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    @classmethod
    def campaign_for_new_rows(cls) -> int | None:
        chosen = chosen_campaign_id()
        if chosen is not None:
            return chosen
        campaign = cls._meta.get_field("campaign").related_model.default()
        return campaign.pk if campaign is not None else None

    @classmethod
    def narrow_choices(cls, queryset: models.QuerySet, held: list | tuple = ()) -> models.QuerySet:
        """Offered as a choice (a disposal's sample, a lead's case): the current campaign's rows, and
        those the edited record already holds (core.generic.builders.current_choices)."""
        current = models.Q(campaign=cls._meta.get_field("campaign").related_model.current_subquery())
        return queryset.filter(current | models.Q(pk__in=held) if held else current)

    def fill_scope(self) -> None:
        super().fill_scope()
        if not self.campaign_id:
            self.campaign_id = self.campaign_for_new_rows()

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        if not self.campaign_id:
            self.campaign_id = self.campaign_for_new_rows()
        if self._state.adding and self.campaign_id and not self.campaign.is_active:
            raise ValidationError(_("专项行动“%(name)s”不在进行中（已结束或尚未启动），不能再新增记录；"
                                    "请在页面顶部切换到进行中的专项行动。") % {"name": self.campaign})
        super().full_clean(*args, **kwargs)


class Notification(models.Model):
    """An in-app message to one user (reminders, returns). Seen only by its recipient."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="notifications")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    key = models.CharField(_("去重键"), max_length=120, blank=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""), name="notification_once"),
        ]

    def __str__(self) -> str:
        return self.title


class PeriodicRun(models.Model):
    """When each scheduled job (settings.CELERY_BEAT_SCHEDULE) last ran without Celery beat: the
    in-process scheduler and `rectify run_periodic` share it, so a job runs once per slot however
    many processes look."""

    name = models.CharField(_("任务"), max_length=120, unique=True)
    last_run_at = models.DateTimeField(_("上次运行"))

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")

    def __str__(self) -> str:
        return self.name
