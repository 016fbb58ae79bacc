"""Roles and what each may do. The scope (which rows) is decided in core/access/scope.py; this decides
which actions a role allows on which area of models."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CLERK = "clerk"
REVIEWER = "reviewer"
OFFICE_ADMIN = "office_admin"
LEADER = "leader"
AUDITOR = "auditor"
SYS_ADMIN = "sys_admin"
SEC_ADMIN = "sec_admin"
AUDIT_ADMIN = "audit_admin"

ROLE_NAMES = {
    CLERK: _("数据录入员"),
    REVIEWER: _("审核员"),
    OFFICE_ADMIN: _("办公室管理员"),
    LEADER: _("领导（只读）"),
    AUDITOR: _("业务审计员（只读）"),
    SYS_ADMIN: _("系统管理员"),
    SEC_ADMIN: _("安全管理员"),
    AUDIT_ADMIN: _("审计管理员"),
}
# 等保 三员分立: no account may hold two of these.
SEPARATED_ADMIN_ROLES = frozenset({SYS_ADMIN, SEC_ADMIN, AUDIT_ADMIN})

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACCOUNT_LOG = "account_log"
# Workflow actions checked by services: review (submit/accept reports), manage (merge, publish, 督办).
REVIEW, MANAGE = "review", "manage"

# area -> role -> actions
GRANTS: dict[str, dict[str, frozenset[str]]] = {
    "records": {
        CLERK: frozenset({VIEW, ADD, CHANGE}),
        REVIEWER: frozenset({VIEW, CHANGE, REVIEW}),
        OFFICE_ADMIN: frozenset({VIEW, ADD, CHANGE, DELETE, REVIEW, MANAGE}),
        LEADER: frozenset({VIEW}),
        AUDITOR: frozenset({VIEW}),
    },
    "reference": {
        CLERK: frozenset({VIEW}),
        REVIEWER: frozenset({VIEW}),
        OFFICE_ADMIN: frozenset({VIEW}),
        LEADER: frozenset({VIEW}),
        AUDITOR: frozenset({VIEW}),
        SYS_ADMIN: frozenset({VIEW, ADD, CHANGE, DELETE}),
        SEC_ADMIN: frozenset({VIEW}),
    },
    # A campaign and its configuration (phases, categories, indicators, table layouts): everyone
    # reads it; the office admins write it, and the models' province-owned scope
    # (core.access.scope.PROVINCIAL_OFFICE_DATA) keeps that to the provincial office's — a city
    # office reads the campaign it reports in but does not set it up. The system admin keeps it too.
    "campaign": {
        CLERK: frozenset({VIEW}),
        REVIEWER: frozenset({VIEW}),
        OFFICE_ADMIN: frozenset({VIEW, ADD, CHANGE, DELETE}),
        LEADER: frozenset({VIEW}),
        AUDITOR: frozenset({VIEW}),
        SYS_ADMIN: frozenset({VIEW, ADD, CHANGE, DELETE}),
        SEC_ADMIN: frozenset({VIEW}),
    },
    # user accounts: the system admin keeps them, the security admin grants roles and unlocks.
    "accounts": {
        SYS_ADMIN: frozenset({VIEW, ADD, CHANGE}),
        SEC_ADMIN: frozenset({VIEW, CHANGE, MANAGE}),
    },
    # the audit log and change history as a whole
    "audit": {
        AUDIT_ADMIN: frozenset({VIEW}),
        AUDITOR: frozenset({VIEW}),
    },
    # 三员分立: the accounts' own history (changes, roles, logins, locks) is read by the audit
    # administrator alone — not by the administrators whose work it records, nor by the business
    # auditor, who reviews business records (models opt in with `log_area`, core/access/history.py).
    ACCOUNT_LOG: {
        AUDIT_ADMIN: frozenset({VIEW}),
    },
}


def allowed(role_codes: set[str], area: str, action: str) -> bool:
    grants = GRANTS.get(area, {})
    return any(action in grants.get(code, ()) for code in role_codes)
