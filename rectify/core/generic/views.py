"""Generic views behind every registered model: list (filters, search, sort, pages, export),
detail, create/edit (through services, with optimistic locking), delete and history.

Everything is narrowed by `restrict(user, action)`; an object out of scope answers 404."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from rectify.core.access.history import history_object, log_area
from rectify.core.access.scope import can, model_allows, write_refusal
from rectify.core.audit.changelog import history_for
from rectify.core.audit.events import events_for, record_event
from rectify.core.generic import display, services
from rectify.core.generic.builders import BootstrapFormMixin, form_for, scoped_filterset, table_for
from rectify.core.generic.campaigns import in_campaign, takes_new_records
from rectify.core.generic.exports import file_response, table_rows, write_csv, write_xlsx
from rectify.core.generic.listing import (
    DEADLINE_COLUMN,
    DeadlineColumn,
    has_deadlines,
    list_totals,
    row_deadlines,
    show_totals,
)
from rectify.core.registry import ModelConfig, registry
from rectify.core.security.inputs import parse_int


class ConfigView(LoginRequiredMixin, View):
    config: ModelConfig = None  # set by as_view(config=...)

    def base_queryset(self, action: str = "view", prefetch: list[str] | None = None):
        """The user's rows with the config's relations (`prefetch` replaces the config's)."""
        qs = self.config.model.objects.restrict(self.request.user, action)
        if self.config.select_related:
            qs = qs.select_related(*self.config.select_related)
        prefetch = self.config.prefetch_related if prefetch is None else prefetch
        if prefetch:
            qs = qs.prefetch_related(*prefetch)
        return qs

    def get_object(self, action: str = "view"):
        obj = with_detail_relations(self.base_queryset("view"), self.config).filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("记录不存在或不在您的数据范围内。"))
        if action != "view" and not can(self.request.user, action, obj):
            raise PermissionDenied(write_refusal(self.request.user, action, obj))
        return obj

    def context(self, **extra):
        model = self.config.model
        user = self.request.user
        return {
            "config": self.config,
            "model_name": self.config.verbose_name,
            "model_name_plural": self.config.verbose_name_plural,
            "can_add": self.config.allow_add and model_allows(user, model, "add") and takes_new_records(model),
            "can_change": self.config.allow_edit and model_allows(user, model, "change"),
            "can_delete": self.config.allow_delete and model_allows(user, model, "delete"),
            **extra,
        }

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if self.config is not None and self.config.sensitive:
            response["Cache-Control"] = "no-store"
        return response


class AppRootView(LoginRequiredMixin, View):
    """An app's prefix (/enterprises/, /fieldwork/): its main list — the first of its models in the
    menu, in the order they are registered, that the user may see."""

    app_label = ""

    def get(self, request):
        configs = sorted(registry.for_app(self.app_label), key=lambda c: not c.menu)  # menu entries first
        for config in configs:
            if model_allows(request.user, config.model, "view"):
                return HttpResponseRedirect(registry.url_for(config.model, "list"))
        raise PermissionDenied(_("您没有查看此类记录的权限。"))


class ObjectListView(ConfigView):
    template_name = "core/object_list.html"
    paginate_by = 50

    def get(self, request):
        if not model_allows(request.user, self.config.model, "view"):
            raise PermissionDenied(_("您没有查看此类记录的权限。"))
        qs = in_campaign(self.list_queryset())
        if self.config.ordering:
            qs = qs.order_by(*self.config.ordering)
        filterset = scoped_filterset(self.config, request.GET or None, qs, request.user, request)
        qs = qs.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
        fmt = request.GET.get("export")
        table = self.make_table(qs, exporting=fmt in {"xlsx", "csv"})
        if fmt in {"xlsx", "csv"}:
            RequestConfig(request, paginate=False).configure(table)
            headers, rows = table_rows(table)
            record_event("export", detail={"model": self.config.model._meta.label, "format": fmt, "rows": len(rows),
                                           "filters": {k: v for k, v in request.GET.items() if k != "export"}})
            name = f"{self.config.verbose_name_plural}.{fmt}"
            if fmt == "xlsx":
                content = write_xlsx(headers, rows, sheet=self.config.verbose_name_plural)
            else:
                content = write_csv(headers, rows)
            return file_response(content, name, fmt)
        # Pages are read here, not by RequestConfig: it passes ?per_page=-1 on to the paginator (a
        # 500) and lets ?per_page= exceed the 200 cap. A page past the end shows the last one.
        RequestConfig(request, paginate=False).configure(table)
        per_page = parse_int(request.GET.get("per_page"), self.paginate_by, minimum=1, maximum=200)
        try:
            table.paginate(per_page=per_page, page=parse_int(request.GET.get("page"), 1, minimum=1))
        except EmptyPage:
            table.page = table.paginator.page(table.paginator.num_pages)
        if has_deadlines(self.config):
            table.row_deadlines = row_deadlines(self.config, [row.record.pk for row in table.page.object_list])
        show_totals(table, list_totals(self.config, qs))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return render(request, self.template_name,
                      self.context(table=table, filterset=filterset, querystring=query.urlencode()))

    def make_table(self, qs, exporting: bool = False):
        """The list's table; on a page (not an export) with the rows' open deadlines after its
        first column where the model's rows have deadlines (core.workflow.deadlines)."""
        table_class = table_for(self.config)
        if exporting or not has_deadlines(self.config):
            return table_class(qs)
        names = self.config.list_columns if self.config.table is None else []
        sequence = [names[0], DEADLINE_COLUMN, *names[1:]] if names else None  # else last
        return table_class(qs, extra_columns=[(DEADLINE_COLUMN, DeadlineColumn())], sequence=sequence)

    def list_queryset(self):
        """The rows of the list. With the generic table it reads only the columns shown (and joins
        and prefetches only what they show), as the config's relations serve the detail page; an
        app's own table may read anything, so it gets the config's relations in full."""
        config = self.config
        if config.table is not None:
            return with_list_relations(self.base_queryset(), config)
        shown = [p for p in config.prefetch_related if p.split("__")[0] in config.list_columns]
        qs = with_list_relations(self.base_queryset(prefetch=shown), config)
        fields = list_fields(config)
        return qs.only(*fields, *label_paths(config)) if fields else qs


def _field(model, name: str):
    """The model's field called `name`, or None for a property, method or accessor."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def list_fields(config: ModelConfig) -> list[str] | None:
    """The model's own fields a generic table reads: its field columns and the foreign keys it
    joins. None when a column is not a field (a property or method may read any field)."""
    names = [config.model._meta.pk.name]
    for column in config.list_columns:
        field = _field(config.model, column)
        if field is None:
            return None
        if field.concrete and not field.many_to_many:
            names.append(column)
    names += [path.split("__")[0] for path in config.select_related]
    return list(dict.fromkeys(names))


# PostgreSQL plans a query over n joined tables by trying their orders, so planning grows fast
# with each join; past four it cost more than the one-row queries the extra joins save
# (docs/performance.md). A detail page joins at most this many.
MAX_DETAIL_JOINS = 4


def label_paths(config: ModelConfig) -> list[str]:
    """For each foreign key shown as a column and joined for nothing deeper, the fields its
    record's __str__ reads (the related model's label_fields), as `only()` paths."""
    paths = []
    for column in config.list_columns:
        field = _field(config.model, column)
        to_one = field and field.many_to_one and field.concrete
        label = getattr(field.related_model, "label_fields", None) if to_one else None
        if label and not any(p.startswith(f"{column}__") for p in config.select_related):
            paths += [f"{column}__{name}" for name in label]
    return paths


def with_detail_relations(qs, config: ModelConfig):
    """Join the foreign keys a detail page shows (its detail fields, or all fields) as far as
    MAX_DETAIL_JOINS allows, the config's own first, so a related object's name costs no query."""
    meta = config.model._meta
    names = config.detail_fields if config.detail_fields is not None else [f.name for f in meta.concrete_fields]
    joins: list[str] = []
    room = MAX_DETAIL_JOINS - len(config.select_related)
    for name in names:
        if len(joins) >= room:
            break
        field = _field(config.model, name)
        if field and (field.many_to_one or field.one_to_one) and field.concrete and name not in config.select_related:
            joins.append(name)
    return qs.select_related(*joins) if joins else qs


def with_list_relations(qs, config: ModelConfig):
    """Join the foreign keys and prefetch the many-to-many fields shown as list columns, so a
    column rendering a related object's __str__ costs no query per row (the config's own
    select_related/prefetch_related add deeper paths)."""
    joins, prefetch = [], []
    for name in config.list_columns:
        field = _field(config.model, name)
        if field is None:  # a property or accessor column: nothing to join
            continue
        if field.many_to_many and name not in config.prefetch_related:
            prefetch.append(name)
        elif (field.many_to_one or field.one_to_one) and field.concrete and name not in config.select_related:
            joins.append(name)
    if joins:
        qs = qs.select_related(*joins)
    if prefetch:
        qs = qs.prefetch_related(*prefetch)
    return qs


class ObjectDetailView(ConfigView):
    def get(self, request, pk):
        obj = self.get_object()
        template = self.config.detail_template or "core/object_detail.html"
        rows = detail_fields(obj, self.config.detail_fields, request.user)
        fields, technical = split_technical(obj, rows)
        extra = self.config.detail_context(request, obj) if self.config.detail_context else {}
        panels = list(self.config.detail_panels)
        for extension in registry.extensions:
            extra.update(extension.detail_context(request, obj, self.config))
            panels = extension.detail_panels(self.config) + panels
        extra["detail_panels"] = panels
        extra["related_tables"] = related_tables(self.config, obj, request)
        return render(request, template, self.context(object=obj, fields=fields, technical=technical,
                                                      field_groups=display.field_groups(obj, rows), **extra,
                      can_change_obj=self.config.allow_edit and can(request.user, "change", obj),
                      can_delete_obj=self.config.allow_delete and can(request.user, "delete", obj)))


RELATED_ROWS = 10  # a related table shows the latest rows; the link opens them all in their list
RELATED_COLUMNS = 7


def related_tables(config: ModelConfig, obj, request) -> list[dict]:
    """The tables of the records pointing at `obj` (ModelConfig.related) that the user may read:
    each the related model's list columns but the pointer, its first RELATED_ROWS rows of the
    user's scope, and, when there are more, the link to its list filtered on `obj`."""
    out = []
    for model, pointer in config.related:
        if model not in registry or not model_allows(request.user, model, "view"):
            continue
        rel_config = registry.get(model)
        qs = with_list_relations(model.objects.restrict(request.user, "view"), rel_config).filter(**{pointer: obj})
        if rel_config.ordering:
            qs = qs.order_by(*rel_config.ordering)
        rows = list(qs[:RELATED_ROWS + 1])
        # the first columns of its list, the pointer left out: a table that fits beside the others
        table = table_for(rel_config)(rows[:RELATED_ROWS], orderable=False,
                                      exclude=[pointer, *rel_config.list_columns[RELATED_COLUMNS + 1:]])
        filterable = pointer in rel_config.filter_fields
        out.append({"id": f"related-{model._meta.model_name}", "title": rel_config.verbose_name_plural,
                    "table": table, "rows": len(rows[:RELATED_ROWS]), "more": len(rows) > RELATED_ROWS,
                    "list_url": f"{registry.url_for(model, 'list')}?{pointer}={obj.pk}" if filterable else ""})
    return out


def detail_fields(obj, names=None, user=None) -> list[tuple[str, object, str]]:
    """(label, value as shown, field name) of each field of the record's page (display.shown_value)."""
    rows = []
    meta = obj._meta
    if names is None:
        names = [f.name for f in meta.concrete_fields if f.name not in {"id"}] + [f.name for f in meta.many_to_many]
    exclude = set(getattr(obj, "log_exclude", ()))
    for name in names:
        if name in exclude:
            continue
        field = meta.get_field(name)
        rows.append((str(field.verbose_name), display.shown_value(obj, field, user), name))
    return rows


def split_technical(obj, rows: list[tuple[str, object, str]]):
    """The record's own fields, and its system fields (the page folds them under 技术信息)."""
    own = [(label, value) for label, value, name in rows if not display.is_technical(type(obj), name)]
    technical = [(label, value) for label, value, name in rows if display.is_technical(type(obj), name)]
    return own, technical


class ObjectEditView(ConfigView):
    template_name = "core/object_edit.html"

    def _form(self, obj=None, data=None, files=None):
        return form_for(self.config)(data=data, files=files, instance=obj, user=self.request.user)

    def _load(self):
        if "pk" in self.kwargs:
            return self.get_object("change")
        if not model_allows(self.request.user, self.config.model, "add"):
            raise PermissionDenied(write_refusal(self.request.user, "add", self.config.model))
        return None

    def get(self, request, pk=None):
        obj = self._load()
        initial = {k: v for k, v in request.GET.items()} if obj is None else None
        form = form_for(self.config)(instance=obj, initial=initial, user=request.user)
        return render(request, self.template_name, self.context(form=form, object=obj))

    def post(self, request, pk=None):
        obj = self._load()
        form = self._form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                if obj is None:
                    create = self.config.create or services.object_create
                    obj = create(model=self.config.model, data=form.service_data(), actor=request.user)
                    messages.success(request,
                                     _("已新增%(name)s：%(obj)s") % {"name": self.config.verbose_name, "obj": obj})
                else:
                    update = self.config.update or services.object_update
                    obj = update(obj=obj, data=form.service_data(), actor=request.user,
                                 expected_version=form.cleaned_data.get("version"))
                    messages.success(request,
                                     _("已保存%(name)s：%(obj)s") % {"name": self.config.verbose_name, "obj": obj})
                # What deserves a second look but did not stop the save (a model's data_warnings()).
                for note in getattr(obj, "data_warnings", list)():
                    messages.warning(request, note)
                return HttpResponseRedirect(obj.get_absolute_url())
            except services.ConflictError as exc:
                add_validation_errors(form, exc)
                current = self.get_object("view")
                messages.error(request, _("保存失败：该记录已被他人修改，您的修改未保存。"))
                return render(request, self.template_name, self.context(
                    form=form, object=current, conflict=conflict_rows(form, current)), status=409)
            except ValidationError as exc:
                add_validation_errors(form, exc)
        messages.error(request, _("保存失败，请按提示修改。"))
        return render(request, self.template_name, self.context(form=form, object=obj), status=400)


def _shown(obj, name: str) -> str:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    if field.many_to_many:
        return "、".join(str(v) for v in getattr(obj, name).all())
    if field.choices:
        return str(getattr(obj, f"get_{name}_display")())
    value = getattr(obj, name)
    return "" if value is None else str(value)


def conflict_rows(form, current) -> list[dict[str, str]]:
    """The fields where what the user sent differs from what is saved now (the other user's
    save), each with both values, so nothing of either is lost silently."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or isinstance(field.widget, forms.HiddenInput) or name not in form.cleaned_data:
            continue
        sent = form.cleaned_data[name]
        if hasattr(sent, "all") or isinstance(sent, list | tuple | set):
            sent_text = "、".join(str(v) for v in sent)
        elif sent is None:
            sent_text = ""
        elif getattr(field, "choices", None) and not hasattr(sent, "pk"):
            sent_text = str(dict(field.choices).get(sent, sent))
        else:
            sent_text = str(sent)
        now_text = _shown(current, name)
        if sent_text != now_text:
            rows.append({"label": str(field.label), "current": now_text, "sent": sent_text})
    return rows


def add_validation_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class DeleteForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("删除原因"), max_length=services.REASON_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("删除记录须填写删除原因。")},
                             help_text=gettext_lazy("必填，记入变更历史。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ObjectDeleteView(ConfigView):
    template_name = "core/object_delete.html"

    def get(self, request, pk):
        obj = self.get_object("delete")
        return render(request, self.template_name, self.context(object=obj, form=DeleteForm()))

    def post(self, request, pk):
        obj = self.get_object("delete")
        form = DeleteForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(object=obj, form=form), status=400)
        try:
            (self.config.delete or services.object_delete)(obj=obj, actor=request.user,
                                                           reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                add_validation_errors(form, exc)
                return render(request, self.template_name, self.context(object=obj, form=form), status=400)
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, _("已删除：%(obj)s") % {"obj": obj})

        return HttpResponseRedirect(registry.url_for(self.config.model, "list"))


class ObjectHistoryView(ConfigView):
    template_name = "core/object_history.html"

    def get_object(self, action: str = "view"):
        # A model with a log area (the accounts) keeps its history to that area's holders.
        if log_area(self.config.model):
            return history_object(self.config.model, self.kwargs["pk"], self.request.user)
        return super().get_object(action)

    def get(self, request, pk):
        obj = self.get_object()
        return render(request, self.template_name, self.context(
            object=obj, changes=history_for(obj)[:200], events=events_for(obj)[:200]))
