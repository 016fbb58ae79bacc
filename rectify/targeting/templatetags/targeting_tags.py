"""Template tags for the panels other apps' detail pages include (no change to their views):

    {% load targeting_tags %}{% risk_scores_for object as scores %}
    {% certificate_checks_for object as checks %}   {% export_flags_for object as flags %}
Each result is narrowed by the viewing user's scope."""
from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType

from ..models import CertificateCheck, ExportFlag, RiskScore

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def risk_scores_for(context, enterprise):
    return list(RiskScore.objects.restrict(_user(context), "view").filter(enterprise=enterprise)
                .select_related("category").order_by("-score"))


@register.simple_tag(takes_context=True)
def certificate_checks_for(context, obj):
    ct = ContentType.objects.get_for_model(obj)
    return list(CertificateCheck.objects.restrict(_user(context), "view").filter(content_type=ct, object_id=obj.pk)
                .order_by("-created_at", "-id"))


@register.simple_tag(takes_context=True)
def export_flags_for(context, export_check):
    return list(ExportFlag.objects.restrict(_user(context), "view").filter(export_check=export_check).order_by("-id"))


@register.simple_tag
def check_at_label(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"
