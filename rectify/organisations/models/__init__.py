"""Organisation models, one module per part: the structure (lines, regions, departments, units), the
campaign (phases, categories) and the phases' deliverables with each city's progress on them."""
from .campaigns import Campaign, CampaignBound, CampaignBoundQuerySet, CaseCategory, Phase, ProductCategory
from .deliverables import CityDeliverable, Deliverable
from .structure import Department, Line, Region, Unit

__all__ = [
    "Campaign", "CampaignBound", "CampaignBoundQuerySet", "CaseCategory", "CityDeliverable", "Deliverable",
    "Department", "Line", "Phase", "ProductCategory", "Region", "Unit",
]
