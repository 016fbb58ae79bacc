"""API serializers beyond the derived ones: the inspection takes its outcomes and problems."""
from __future__ import annotations

from rest_framework import serializers

from rectify.accounts.models import User
from rectify.core.builders import ScopedModelSerializer
from rectify.organisations.models import ProductCategory

from .models import Inspection, InspectionOutcome


class OutcomeSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=ProductCategory.objects.all())
    outcome = serializers.ChoiceField(choices=InspectionOutcome.Outcome.choices)


class InspectionProblemSerializer(serializers.Serializer):
    description = serializers.CharField()
    requirement = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class InspectionSerializer(ScopedModelSerializer):
    outcomes = OutcomeSerializer(many=True, required=False)
    problems = InspectionProblemSerializer(many=True, required=False, write_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "url", "unit", "region", "county", "line", "enterprise", "date", "inspectors", "staff_dispatched",
                  "check_licence", "check_raw_material", "check_process", "check_labels", "check_registration",
                  "check_ledgers", "check_sales_channels", "check_quality_standard", "notes", "outcomes", "problems",
                  "created_at", "updated_at", "version"]
        read_only_fields = ["region", "county", "line", "created_at", "updated_at", "version"]

    def get_fields(self):
        fields = super().get_fields()
        # Officers are users (accounts area, which clerks cannot list): any active officer may be named.
        fields["inspectors"].child_relation.queryset = User.objects.filter(is_enforcement_officer=True, is_active=True)
        return fields
