"""Factories for the accounts app; see tests/factories.py."""
from __future__ import annotations

from rectify.accounts.models import User
from tests.factories import number
from tests.factories import unit as unit_of


def user(unit=None) -> User:
    n = number()
    return User.objects.create_user(username=f"user{n}", password="x", unit=unit or unit_of("210100-samr"),
                                    full_name=f"测试用户{n}号", phone=f"139{n:08d}", is_enforcement_officer=True)
