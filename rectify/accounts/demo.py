"""Demo users: one per role and kind of unit, so every scope can be tried by hand."""
from __future__ import annotations

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from rectify.accounts.models import Role, User
from rectify.accounts.services import seal_secret
from rectify.organisations.models import Unit

# (username, unit code, roles, what to try with it)
DEMO_USERS = [
    ("sheng_admin", "210000-office", ["office_admin", "reviewer"], "省专项办：全省数据、周报审核"),
    ("sheng_leader", "210000-office", ["leader"], "省领导：只读"),
    ("sheng_samr", "210000-samr", ["clerk", "reviewer"], "省市场监管局：全省市场监管条线"),
    ("sheng_police", "210000-police", ["clerk"], "省公安厅：全省公安条线"),
    ("shenyang_office", "210100-office", ["office_admin", "reviewer", "clerk"], "沈阳市专项办：沈阳全部数据、周报"),
    ("shenyang_clerk", "210100-samr", ["clerk"], "沈阳市市场监管局录入员"),
    ("shenyang_police", "210100-police", ["clerk"], "沈阳市公安局"),
    ("heping_inspector", "210102-samr", ["clerk"], "和平区市场监管局（区县）"),
    ("dalian_office", "210200-office", ["office_admin", "reviewer", "clerk"], "大连市专项办"),
    ("dalian_clerk", "210200-samr", ["clerk"], "大连市市场监管局录入员"),
    ("customs_dalian", "210200-customs_dl", ["clerk"], "大连海关：大连、丹东、锦州、营口、盘锦、葫芦岛"),
    ("auditor", "210000-office", ["auditor"], "业务审计（只读）"),
    ("sysadmin", "210000-office", ["sys_admin"], "系统管理员（不能看审计日志）"),
    ("secadmin", "210000-office", ["sec_admin"], "安全管理员"),
    ("auditadmin", "210000-office", ["audit_admin"], "审计管理员（只读审计日志）"),
]


def seed(ctx) -> str:
    password = make_password(settings.RECTIFY["DEMO_PASSWORD"])  # hashed once, shared by the demo users
    roles = {r.code: r for r in Role.objects.all()}
    created = 0
    for username, unit_code, role_codes, _note in DEMO_USERS:
        user, made = User.objects.get_or_create(username=username, defaults={
            "unit": Unit.objects.get(code=unit_code), "full_name": ctx.person(), "phone": ctx.phone(),
        })
        if made:
            # Demo accounts come enrolled in the second factor so a tester can log in at once:
            # `rectify totp_code USERNAME` prints the current code (it needs the server's keys).
            user.password = password
            user.password_changed_at = timezone.now()
            user.totp_secret = seal_secret(pyotp.random_base32())
            user.totp_confirmed_at = timezone.now()
            user.save()
            created += 1
        user.roles.set([roles[c] for c in role_codes])
        ctx.users[username] = user
    # Enforcement officers (执法人员) per market-regulation and customs unit: inspectors for field work.
    officers = []
    units = Unit.objects.filter(department__line__in=["market", "customs", "drug"], is_office=False)
    for unit in units.select_related("region"):
        for i in range(ctx.n(3, 6)):
            name = ctx.person()
            officers.append(User(username=f"officer_{unit.code}_{i}", unit=unit, full_name=name,
                                 is_enforcement_officer=True, officer_number=f"LN{unit.region.code}{i:04d}",
                                 password="!"))
    existing = set(User.objects.filter(username__startswith="officer_").values_list("username", flat=True))
    User.objects.bulk_create([o for o in officers if o.username not in existing], batch_size=500)
    return f"{created} demo users, {len(officers)} enforcement officers"
