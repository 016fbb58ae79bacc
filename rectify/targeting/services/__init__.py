"""Targeting services. Import from here: `from rectify.targeting.services import ...`."""
from .certificates import (
    Finding,
    certificate_check,
    certificate_check_create,
    certificate_check_record,
    certificate_check_to_lead,
    check_export,
    check_sample,
    checks_for,
    public_certificate_lookup,
)
from .draws import compute_draw, draw_create, draw_rerun, draw_run, draw_verify, public_result
from .exportlists import (
    export_check_screen,
    export_flag_clear,
    export_flag_stop,
    export_list_entry_create,
    export_list_entry_update,
    export_list_import,
)
from .plans import propose_targets, sampling_plan_accept, sampling_plan_create, sampling_plan_generate
from .risk import risk_for, risk_recompute, risk_recompute_all

__all__ = [
    "Finding", "certificate_check", "certificate_check_create", "certificate_check_record",
    "certificate_check_to_lead", "check_export", "check_sample", "checks_for", "compute_draw", "draw_create",
    "draw_rerun", "draw_run", "draw_verify", "export_check_screen", "export_flag_clear", "export_flag_stop",
    "export_list_entry_create", "export_list_entry_update", "export_list_import", "propose_targets",
    "public_certificate_lookup", "public_result", "risk_for", "risk_recompute", "risk_recompute_all",
    "sampling_plan_accept", "sampling_plan_create", "sampling_plan_generate",
]
