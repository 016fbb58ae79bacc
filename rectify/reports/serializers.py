"""The API's reading of report versions: a version's figures follow the same rule as its page."""
from __future__ import annotations

from rectify.core.generic.builders import ScopedModelSerializer

from .engine import ReportScope
from .models import ReportVersion
from .selectors import covers

FIGURE_FIELDS = ("tables", "narrative", "explanations", "warnings")


class ReportVersionSerializer(ScopedModelSerializer):
    """A version is a frozen snapshot over its unit's whole scope (a city office's: every line of
    the city). Its figures — the tables, the narrative and the checks naming cells — are read only
    by users who may list every row they count (selectors.covers); others who see the version get
    its record without them, as on the report's page."""

    class Meta:
        model = ReportVersion
        fields = ["id", "url", *[f.name for f in ReportVersion._meta.concrete_fields if f.name != "id"]]
        read_only_fields = ["created_at", "updated_at", "version"]

    def to_representation(self, instance: ReportVersion) -> dict:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not covers(request.user, ReportScope.for_unit(instance.report.unit)):
            for name in FIGURE_FIELDS:
                data[name] = None
        return data
