"""Shared helpers of the security tests: real logins through the login page and the TOTP step."""
from __future__ import annotations

import time

import pyotp

from rectify.accounts.services import totp_secret
from rectify.testing import PASSWORD


def password_login(client, user, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": user.username, "password": password})


def code_for(user, offset_steps: int = 0) -> str:
    """The TOTP code of `user` for the current time step (+ offset: a fresh one after a use)."""
    user.refresh_from_db()
    totp = pyotp.TOTP(totp_secret(user))
    return totp.at(time.time() + offset_steps * totp.interval)


def full_login(client, user, password: str = PASSWORD):
    """Password, then enrol (first time) or verify the second factor, as a person would."""
    response = password_login(client, user, password)
    assert response.status_code == 302, response.content[:300]
    user.refresh_from_db()
    page = "/accounts/totp/" if user.has_totp else "/accounts/totp/enrol/"
    client.get(page)  # enrolment creates the secret
    step = 1 if user.totp_last_step else 0
    response = client.post(page, {"code": code_for(user, step), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/", response.content[:500]
    return response
