"""Enforcement models, one module per part: complaints, leads/transfers, cases, credit, ledger."""
from .cases import Case, DecisionVersion, Supervision, TransferThreshold, ViolationType
from .complaints import Complaint
from .credit import CreditRecord, Exposure, JointPunishment, JointPunishmentAction, Measure
from .leads import Lead, Transfer
from .ledger import Problem

__all__ = [
    "Case", "Complaint", "CreditRecord", "DecisionVersion", "Exposure", "JointPunishment", "JointPunishmentAction",
    "Lead", "Measure", "Problem", "Supervision", "Transfer", "TransferThreshold", "ViolationType",
]
