"""Enforcement services (writes with rules). Import from here: `from rectify.enforcement.services import ...`."""
from .cases import (
    case_decision_correct,
    case_from_lead,
    case_transition,
    credit_record_for_decision,
    may_follow_up,
    penalty_in_10k,
    supervision_create,
    supervision_follow_up,
    supervision_list,
    supervision_refusal,
)
from .complaints import (
    complaint_close,
    complaint_create,
    complaint_decide,
    complaint_lead_ready,
    complaint_receive,
    complaint_to_lead,
    complaint_update,
    complaint_verify,
    complaints_import_12315,
    match_enterprise,
)
from .credit import credit_record_create, credit_record_update, credit_standing, sync_credit_status
from .ledger import problem_create, problem_record, problem_set_status
from .personal import complaint_personal_data, mask_id_number, mask_name, mask_phone
from .publicity import (
    exposure_publish,
    exposure_review,
    exposure_withdraw,
    joint_action_done,
    joint_punishment_decide,
)
from .transfers import (
    case_transfer,
    lead_transfer,
    transfer_accept,
    transfer_police_decision,
    transfer_return,
)

__all__ = [
    "credit_record_create", "credit_record_update", "credit_standing", "sync_credit_status",
    "case_decision_correct", "case_from_lead", "case_transfer", "case_transition", "complaint_close",
    "complaint_create",
    "complaint_decide", "complaint_lead_ready", "complaint_personal_data", "complaint_receive", "complaint_to_lead",
    "complaint_update", "complaint_verify", "complaints_import_12315", "credit_record_for_decision", "exposure_publish",
    "exposure_review", "exposure_withdraw", "joint_action_done", "joint_punishment_decide", "lead_transfer",
    "mask_id_number", "mask_name", "mask_phone", "match_enterprise", "may_follow_up", "penalty_in_10k",
    "problem_create", "problem_record", "problem_set_status", "supervision_create", "supervision_follow_up",
    "supervision_list", "supervision_refusal", "transfer_accept", "transfer_police_decision", "transfer_return",
]
