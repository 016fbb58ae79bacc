"""Price services (writes with rules). Import from here: `from rectify.prices.services import ...`."""
from .config import config_create, config_delete, config_update
from .flags import (
    price_flag_dismiss,
    price_flag_to_case,
    price_flag_to_lead,
    price_flags_evaluate,
    price_flags_reevaluate,
)
from .observations import (
    ImportResult,
    price_observation_create,
    price_observation_import,
    price_observation_update,
)
from .support import (
    TRACKING_ALPHABET,
    capacity_allocate,
    new_tracking_code,
    service_request_answer,
    service_request_create,
    service_request_update,
)

__all__ = [
    "TRACKING_ALPHABET", "ImportResult", "capacity_allocate", "config_create", "config_delete", "config_update",
    "new_tracking_code", "price_flag_dismiss", "price_flag_to_case", "price_flag_to_lead", "price_flags_evaluate",
    "price_flags_reevaluate", "price_observation_create", "price_observation_import", "price_observation_update",
    "service_request_answer", "service_request_create", "service_request_update",
]
