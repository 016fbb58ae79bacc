"""Weekly reporting models: the tables as data (indicators, layouts, their columns) and the weekly
cycle (reports, their frozen versions, the changes counted after submission)."""
from .indicators import Indicator, LayoutColumn, TableLayout
from .weekly import CountedChange, ReportVersion, WeeklyReport

__all__ = ["CountedChange", "Indicator", "LayoutColumn", "ReportVersion", "TableLayout", "WeeklyReport"]
