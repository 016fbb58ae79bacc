"""API serializers beyond the derived ones: the inspection takes its outcomes and problems, the
sample its lab from the testing labs of the directory, the ledger entry a buyer in another city."""
from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rectify.accounts.models import User
from rectify.core.generic.builders import PkListsListSerializer, ScopedModelSerializer
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import ProductCategory

from .forms import directory_body, directory_choices
from .models import Inspection, InspectionOutcome, LedgerEntry, Sample, TestingInstitution


class OutcomeSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=ProductCategory.objects.current())
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
        fields = ["id", "url", "unit", "region", "county", "line", "enterprise", "date", "inspectors",
                  "staff_dispatched",
                  "check_licence", "check_raw_material", "check_process", "check_labels", "check_registration",
                  "check_ledgers", "check_sales_channels", "check_quality_standard", "notes", "outcomes", "problems",
                  "created_at", "updated_at", "version"]
        read_only_fields = ["region", "county", "line", "created_at", "updated_at", "version"]

    def get_fields(self):
        fields = super().get_fields()
        # Officers are users (accounts area, which clerks cannot list): any active officer may be named.
        fields["inspectors"].child_relation.queryset = User.objects.filter(is_enforcement_officer=True, is_active=True)
        return fields


class TestingLabRelatedField(serializers.PrimaryKeyRelatedField):
    """A sample's lab (the API twin of forms.TestingLabField): testing labs only, and the lab the
    sample already holds; another body is refused by name, with what it is."""

    def get_queryset(self):
        instance = getattr(self.parent, "instance", None)
        held = instance.testing_institution_id if isinstance(instance, models.Model) else None
        return directory_choices(super().get_queryset(), TestingInstitution.Kind.TESTING, held)

    def to_internal_value(self, data: Any):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            body = directory_body(data)
            refusal = body and body.role_refusal(TestingInstitution.Kind.TESTING, Sample.LAB_USE)
            if refusal:
                raise serializers.ValidationError(refusal, code="wrong_kind") from None
            raise


class SampleSerializer(ScopedModelSerializer):
    testing_institution = TestingLabRelatedField(queryset=TestingInstitution.objects.all(), required=False,
                                                 allow_null=True, label=_("检验机构"))

    class Meta:
        model = Sample
        fields = ["id", "url", *[f.name for f in Sample._meta.concrete_fields if f.name != "id"]]
        read_only_fields = ["region", "county", "line", "created_at", "updated_at", "version"]
        list_serializer_class = PkListsListSerializer


class LedgerEntrySerializer(ScopedModelSerializer):
    """`buyer` among the enterprises the caller sees (and the one the entry already holds);
    `buyer_key`, write only, names a buyer anywhere in the registry by credit code or exact name."""

    buyer_key = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200,
                                      label=_("外市购买方（统一社会信用代码或名录全称）"))

    class Meta:
        model = LedgerEntry
        fields = ["id", "url", *[f.name for f in LedgerEntry._meta.concrete_fields if f.name != "id"], "buyer_key"]
        read_only_fields = ["region", "county", "line", "created_at", "updated_at", "version"]
        list_serializer_class = PkListsListSerializer

    def get_fields(self):
        fields = super().get_fields()
        held = self.instance.buyer_id if isinstance(self.instance, models.Model) else None
        if held and "buyer" in fields:
            fields["buyer"].queryset = fields["buyer"].queryset.all() | Enterprise.objects.filter(pk=held)
        return fields
