"""Organisation models, one module per part: the structure (lines, regions, departments, units) and
the campaign (phases, categories)."""
from .campaigns import Campaign, CampaignBound, CampaignBoundQuerySet, CaseCategory, Phase, ProductCategory
from .structure import Department, Line, Region, Unit

__all__ = [
    "Campaign", "CampaignBound", "CampaignBoundQuerySet", "CaseCategory", "Department", "Line", "Phase",
    "ProductCategory", "Region", "Unit",
]
