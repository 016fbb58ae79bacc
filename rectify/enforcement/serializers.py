"""API serializers that differ from the derived ones."""
from __future__ import annotations

from rest_framework import serializers

from rectify.core.generic.builders import ScopedModelSerializer

from .forms import COMPLAINT_FIELDS
from .models import Complaint
from .services.personal import mask_id_number, mask_name, mask_phone


class ComplaintSerializer(ScopedModelSerializer):
    """Personal data can be written through the API but is only ever read back masked: the
    audited full view is on the handling unit's page."""

    reporter_masked = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = ["id", "url", *COMPLAINT_FIELDS, "status", "decision", "decided_on", "verified_on", "accept_due",
                  "verify_due", "region", "line", "reporter_masked"]
        read_only_fields = ["status", "decision", "decided_on", "verified_on", "accept_due", "verify_due", "region",
                            "line"]
        extra_kwargs = {name: {"write_only": True, "required": False} for name in Complaint.PERSONAL_FIELDS}

    def get_reporter_masked(self, obj: Complaint) -> dict:
        return {"name": mask_name(obj.reporter_name), "phone": mask_phone(obj.reporter_phone),
                "id_number": mask_id_number(obj.reporter_id_number)}
