"""Enterprise services (writes with rules). Import from here: `from rectify.enterprises.services import ...`."""
from .imports import (
    enterprise_import_apply,
    get_progress,
    import_job_check,
    import_job_commit,
    import_job_confirm,
    import_job_create,
)
from .merge import enterprise_merge

__all__ = [
    "enterprise_import_apply", "enterprise_merge", "get_progress", "import_job_check", "import_job_commit",
    "import_job_confirm", "import_job_create",
]
