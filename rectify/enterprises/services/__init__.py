"""Enterprise services (writes with rules). Import from here: `from rectify.enterprises.services import ...`."""
from .imports import (
    enterprise_import_apply,
    get_progress,
    import_job_check,
    import_job_commit,
    import_job_confirm,
    import_job_create,
)
from .letters import letter_batch_docx, letter_batch_issue, letter_batch_targets, letter_coverage
from .merge import enterprise_merge
from .register import enterprise_create, enterprise_update, qualification_create, qualification_update

__all__ = [
    "enterprise_create", "enterprise_import_apply", "enterprise_merge", "enterprise_update", "get_progress",
    "import_job_check", "import_job_commit", "import_job_confirm", "import_job_create", "qualification_create",
    "letter_batch_docx", "letter_batch_issue", "letter_batch_targets", "letter_coverage", "qualification_update",
]
