"""Forms that differ from the derived ones: the complaint form hides the reporter's data from
users outside the handling unit (an edit page would otherwise print it in the inputs)."""
from __future__ import annotations

from rectify.core.generic.builders import ScopedModelForm

from .models import Complaint
from .services.personal import complaint_personal_data_for_edit

COMPLAINT_FIELDS = ["unit", "number", "kind", "channel", "received_on", "anonymous", "reporter_name",
                    "reporter_phone", "reporter_id_number", "enterprise", "subject_name", "subject_credit_code",
                    "product_category", "content", "attachment"]


class ComplaintForm(ScopedModelForm):
    class Meta:
        model = Complaint
        fields = COMPLAINT_FIELDS

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk and not complaint_personal_data_for_edit(complaint=self.instance, user=user):
            # The attachment too: the edit widget would print its name, which may be the reporter's.
            for name in (*Complaint.PERSONAL_FIELDS, "attachment"):
                self.fields.pop(name, None)
        for name in Complaint.PERSONAL_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = "off"

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version" and k in self.fields}
