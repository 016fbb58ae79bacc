"""Reports services: the weekly calendar, the figures, the report's workflow. Import from here:
`from rectify.reports import services`."""
from .figures import (
    compute_tables,
    layouts_of,
    named_differences,
    province_workbook,
    report_scope,
    snapshot_of,
    versions_compare,
)
from .weeks import (
    Urged,
    campaign_weeks,
    completeness,
    completeness_totals,
    deadline_for,
    may_urge,
    report_open,
    reporting_units,
    reports_open_week,
    reports_urge,
    timeliness,
    week_of,
)
from .workflow import (
    configuration_findings,
    previous_week_version,
    receiver_may_review,
    report_accept,
    report_check,
    report_reopen,
    report_request_reopen,
    report_return,
    report_submit,
    seal,
)

__all__ = [
    "Urged", "campaign_weeks", "completeness", "completeness_totals", "may_urge", "reports_urge", "timeliness",
    "compute_tables", "configuration_findings", "deadline_for", "layouts_of",
    "named_differences", "previous_week_version",
    "province_workbook", "receiver_may_review", "report_accept", "report_check", "report_open", "report_reopen",
    "report_request_reopen", "report_return",
    "report_scope", "report_submit", "reporting_units", "reports_open_week", "seal", "snapshot_of", "versions_compare",
    "week_of",
]
