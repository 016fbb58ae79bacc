"""The one list of URLs anyone may open without logging in (deny by default, 等保 访问控制).

Everything else requires a logged-in, second-factor-verified session or an API token.
`tests/security/test_deny_by_default.py` walks every URL pattern and fails for any route that is
reachable anonymously and not listed here; the accounts middleware lets these through without a
session. Add a prefix here only for pages meant for the public (portal, complaint form)."""
from __future__ import annotations

PUBLIC_URL_PREFIXES: list[str] = [
    "/public/",  # portal: public pages, complaint form (rectify/portal)
    "/accounts/login/",
    "/accounts/setup/",  # the one-time link that sets a new account's password (accounts.tokens)
    "/i18n/",  # language switch
    "/static/",
    "/favicon.ico",  # browsers ask for it on every site; it leads to the static icon
    "/health/",  # the load balancers' check (core/health.py): states only, no details
]

# Reached with a password-authenticated session that has not finished the second factor or a
# forced password change yet (see rectify/accounts/middleware.py). Not public: each view needs
# the half-authenticated session.
AUTH_FLOW_PREFIXES: list[str] = [
    "/accounts/logout/",
    "/accounts/totp/",
    "/accounts/password/",
]


def is_public(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in PUBLIC_URL_PREFIXES)
