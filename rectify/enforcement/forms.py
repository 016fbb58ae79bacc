"""Forms that differ from the derived ones: the complaint form hides the reporter's data from
users outside the handling unit (an edit page would otherwise print it in the inputs)."""
from __future__ import annotations

from rectify.core.audit.events import record_event
from rectify.core.generic.builders import ScopedModelForm

from .models import Complaint
from .services.personal import can_see_personal_data

COMPLAINT_FIELDS = ["unit", "number", "kind", "channel", "received_on", "anonymous", "reporter_name", "reporter_phone",
                    "reporter_id_number", "enterprise", "subject_name", "subject_credit_code", "product_category",
                    "content", "attachment"]


class ComplaintForm(ScopedModelForm):
    class Meta:
        model = Complaint
        fields = COMPLAINT_FIELDS

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            if not can_see_personal_data(user, self.instance):
                # The attachment too: the edit widget would print its name, which may be the reporter's.
                for name in (*Complaint.PERSONAL_FIELDS, "attachment"):
                    self.fields.pop(name, None)
            else:
                # Shown in the inputs: a full view, audited like the detail panel's.

                record_event("personal_data.view", self.instance, user=user, detail={"page": "edit"})
        for name in Complaint.PERSONAL_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = "off"

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version" and k in self.fields}
