"""Targeted supervision (靶向监管): risk scores, sampling plans from risk, 双随机 draws with
conflict-of-interest recusal, certificate/test-report checks and export white/negative lists.

Split by topic; everything is importable from `rectify.targeting.models`."""
from .checks import CertificateCheck
from .draws import ConflictOfInterest, Draw
from .exports import ExportFlag, ExportListEntry, ExportListRule
from .plans import SamplingPlan
from .risk import Factor, RiskScore, RiskWeight

__all__ = [
    "CertificateCheck", "ConflictOfInterest", "Draw", "ExportFlag", "ExportListEntry", "ExportListRule", "Factor",
    "RiskScore", "RiskWeight", "SamplingPlan",
]
