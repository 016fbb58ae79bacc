"""Field-work services (writes with rules). Import from here: `from rectify.fieldwork.services import ...`.

Each is keyword-only, validates, saves, records the workflow event and re-checks the actor's scope,
in one transaction. The steps of the sampling, disposal and covert-visit workflows go through
`core.workflow.engine.perform` (declared in rectify/fieldwork/workflows.py), which checks who may
take them and when; their bodies here do the rest. The `<entity>_create(*, model, data, actor)` and
`<entity>_update(*, obj, data, actor, expected_version)` ones are what the ModelConfig of the generic
pages and API calls. What the apps above derive from is announced after the write
(`rectify.enterprises.signals`, `rectify.fieldwork.signals`)."""
from .associations import association_update, commitment_create, commitment_update
from .bulletins import bulletin_create, bulletin_read, bulletin_recipients, bulletin_send
from .directory import institution_create, institution_save, institution_update
from .disposal import DISPOSAL_STEPS, disposal_step, disposal_update
from .export import export_check_create, export_check_record, export_check_update
from .fasttests import fast_test_create, fast_test_result, fast_test_update
from .inspection import inspection_create, inspection_record, inspection_update, measure_add, measure_create
from .interviews import interview_create, interview_update
from .ledger import ledger_entry_create, ledger_entry_update, ledger_import
from .meetings import (
    meeting_task_complete,
    meeting_task_confirm,
    meeting_task_create,
    meeting_task_reopen,
    meeting_task_update,
    meeting_update,
)
from .sampling import (
    sample_create,
    sample_notify,
    sample_object,
    sample_record,
    sample_result,
    sample_retest,
    sample_update,
)
from .tracing import tell_downstream
from .visits import (
    covert_visit_create,
    covert_visit_respond,
    covert_visit_return,
    covert_visit_update,
    covert_visit_verify,
)

__all__ = [
    "DISPOSAL_STEPS", "association_update", "bulletin_create", "bulletin_read", "bulletin_recipients",
    "bulletin_send", "commitment_create", "commitment_update", "covert_visit_create", "covert_visit_respond",
    "covert_visit_return", "covert_visit_update", "covert_visit_verify", "disposal_step", "disposal_update",
    "export_check_create", "export_check_record", "export_check_update", "fast_test_create", "fast_test_result",
    "fast_test_update", "inspection_create", "inspection_record", "inspection_update", "institution_create",
    "institution_save", "institution_update", "interview_create", "interview_update", "ledger_entry_create",
    "ledger_entry_update", "ledger_import", "measure_add", "measure_create", "meeting_task_complete",
    "meeting_task_confirm", "meeting_task_create", "meeting_task_reopen", "meeting_task_update", "meeting_update",
    "sample_create", "sample_notify", "sample_object", "sample_record", "sample_result", "sample_retest",
    "sample_update", "tell_downstream",
]
