"""The reporter's personal data: full only for the handling unit (audited), masked elsewhere."""
from __future__ import annotations

from rectify.core.audit.events import record_event

from ..models import Complaint


def mask_name(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1) if value else ""


def mask_phone(value: str) -> str:
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str) -> str:
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def can_see_personal_data(user, complaint: Complaint) -> bool:
    """Only users of the handling unit (保密: SAMR order 20 art. 10)."""
    return bool(getattr(user, "is_authenticated", False) and user.unit_id == complaint.unit_id)


def complaint_personal_data_for_edit(*, complaint: Complaint, user) -> bool:
    """Whether an edit form may show `user` the reporter's data in its inputs (and the attachment,
    whose name may be the reporter's): the handling unit only, and then it is a full view, recorded
    like the detail panel's."""
    if not can_see_personal_data(user, complaint):
        return False
    record_event("personal_data.view", complaint, user=user, detail={"page": "edit"})
    return True


def complaint_personal_data(*, complaint: Complaint, user) -> dict:
    """The reporter's data for display. A full view is recorded as `personal_data.view`; callers
    must only call this when the data is actually shown (pages set Cache-Control: no-store)."""
    if complaint.anonymous and not complaint.reporter_name:
        return {"full": False, "anonymous": True, "name": "", "phone": "", "id_number": ""}
    if can_see_personal_data(user, complaint):
        record_event("personal_data.view", complaint, user=user,
                     detail={"fields": list(Complaint.PERSONAL_FIELDS)})
        return {"full": True, "anonymous": complaint.anonymous, "name": complaint.reporter_name,
                "phone": complaint.reporter_phone, "id_number": complaint.reporter_id_number}
    return {"full": False, "anonymous": complaint.anonymous, "name": mask_name(complaint.reporter_name),
            "phone": mask_phone(complaint.reporter_phone), "id_number": mask_id_number(complaint.reporter_id_number)}
