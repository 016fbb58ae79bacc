"""Field work (排查抽检): inspections, sampling and disposal, export checks and recalls, purchase and
sales ledgers for flow tracing, the directory of testing/certification bodies, covert visits,
collective interviews, scheduling meetings and the tasks they assign, information bulletins and
urgent reports with their receipts, the fast-track tests of a case's evidence, industry associations
with their conventions and their members' commitments, publicity reports.

Split by topic to keep files small; everything is importable from `rectify.fieldwork.models`."""
from .associations import IndustryAssociation, MemberCommitment, SelfDisciplineConvention
from .bulletins import Bulletin, BulletinReceipt
from .directory import TestingInstitution
from .export import ExportCheck, Recall
from .fasttests import FastTest
from .inspection import Inspection, InspectionOutcome, Measure
from .interviews import CollectiveInterview
from .meetings import MeetingTask, SchedulingMeeting
from .publicity import PublicityReport
from .sampling import Disposal, Sample, SamplingTask
from .tracing import LedgerEntry
from .visits import CovertVisit

__all__ = [
    "Bulletin", "BulletinReceipt", "CollectiveInterview", "CovertVisit", "Disposal", "ExportCheck", "FastTest",
    "IndustryAssociation", "Inspection", "InspectionOutcome", "LedgerEntry", "Measure", "MeetingTask",
    "MemberCommitment", "PublicityReport", "Recall", "Sample", "SamplingTask", "SchedulingMeeting",
    "SelfDisciplineConvention", "TestingInstitution",
]
