"""Price models, one module per part: price supervision (observations, baselines, rules, flags) and
service to market entities (requests, capacity, guidance, notices)."""
from .monitoring import PriceBaseline, PriceFlag, PriceObservation, PriceRule
from .support import (
    CapacityAllocation,
    CapacityOffer,
    CapacityRequest,
    GuidanceDocument,
    Notice,
    ServiceRequest,
)

__all__ = [
    "CapacityAllocation", "CapacityOffer", "CapacityRequest", "GuidanceDocument", "Notice", "PriceBaseline",
    "PriceFlag", "PriceObservation", "PriceRule", "ServiceRequest",
]
