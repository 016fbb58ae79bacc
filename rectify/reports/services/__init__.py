"""Reports services: the weekly calendar, who reports to whom, the figures, the tables as reported,
the report's workflow. Import from here: `from rectify.reports import services`."""
from .campaigns import (
    CampaignCopy,
    CampaignValues,
    campaign_activate,
    campaign_copy,
    campaign_deactivate,
    campaign_problems,
)
from .figures import (
    compute_tables,
    layouts_of,
    named_differences,
    province_workbook,
    report_scope,
    snapshot_of,
    versions_compare,
)
from .preview import Preview, indicator_preview, layout_preview, preview_period
from .receiving import member_reporting_units, received_units, receiver_may_review, reporting_units
from .reported import AsReported, ReportedUnit, add_snapshots, as_reported, unit_totals
from .weeks import (
    Urged,
    campaign_weeks,
    completeness,
    completeness_totals,
    deadline_for,
    may_urge,
    opens_week_on,
    reminds_on,
    report_open,
    reports_open_week,
    reports_urge,
    timeliness,
    week_of,
    weekly_reporters,
)
from .workflow import (
    configuration_findings,
    previous_week_version,
    report_accept,
    report_check,
    report_reopen,
    report_request_reopen,
    report_return,
    report_submit,
    seal,
)

__all__ = [
    "AsReported", "CampaignCopy", "CampaignValues", "Preview", "ReportedUnit", "Urged", "add_snapshots",
    "as_reported", "campaign_activate", "campaign_copy", "campaign_deactivate", "campaign_problems", "campaign_weeks",
    "completeness", "completeness_totals", "compute_tables", "configuration_findings", "deadline_for",
    "indicator_preview", "layout_preview", "layouts_of", "may_urge", "member_reporting_units", "named_differences",
    "opens_week_on", "preview_period", "previous_week_version", "province_workbook", "received_units",
    "receiver_may_review", "reminds_on", "report_accept", "report_check", "report_open", "report_reopen",
    "report_request_reopen", "report_return", "report_scope", "report_submit", "reporting_units",
    "reports_open_week", "reports_urge", "seal", "snapshot_of", "timeliness", "unit_totals", "versions_compare",
    "week_of", "weekly_reporters",
]
