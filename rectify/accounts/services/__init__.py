"""Account services (writes with rules). Import from here: `from rectify.accounts.services import ...`."""
from .campaign import user_choose_campaign
from .imports import AccountImportResult, RoleImportResult, accounts_import, roles_import
from .roles import ensure_may_set_roles, user_set_roles, validate_role_combination
from .rollout import (
    IssuedLink,
    account_issue_initial_password,
    account_issue_link,
    account_password_set,
    ensure_may_issue_credentials,
    ensure_may_roll_out,
    link_invalid_message,
)
from .signin import (
    end_user_sessions,
    login_failed,
    login_refused_locked,
    login_succeeded,
    password_change,
    password_expired,
    user_unlock,
)
from .tokens import (
    ApiTokenRefused,
    IssuedApiToken,
    api_token_authenticate,
    api_token_days,
    api_token_issue,
    api_token_owners,
    api_token_revoke,
    api_tokens_visible,
    ensure_may_manage_api_tokens,
    may_manage_api_tokens,
)
from .totp import (
    TOTP_ISSUER,
    seal_secret,
    totp_begin_enrolment,
    totp_provisioning_uri,
    totp_qr_data_uri,
    totp_reset,
    totp_secret,
    totp_verify,
)
from .users import disable_inactive_users, user_create, user_update

__all__ = [
    "user_choose_campaign",
    "TOTP_ISSUER", "AccountImportResult", "ApiTokenRefused", "IssuedApiToken", "IssuedLink", "RoleImportResult",
    "account_issue_initial_password", "account_issue_link", "account_password_set", "accounts_import",
    "api_token_authenticate", "api_token_days", "api_token_issue", "api_token_owners", "api_token_revoke",
    "api_tokens_visible", "disable_inactive_users", "end_user_sessions", "ensure_may_issue_credentials",
    "ensure_may_manage_api_tokens", "ensure_may_roll_out", "ensure_may_set_roles", "link_invalid_message",
    "may_manage_api_tokens",
    "login_failed", "login_refused_locked", "login_succeeded",
    "password_change", "password_expired", "roles_import", "seal_secret", "totp_begin_enrolment",
    "totp_provisioning_uri", "totp_qr_data_uri", "totp_reset", "totp_secret", "totp_verify", "user_create",
    "user_set_roles", "user_unlock", "user_update", "validate_role_combination",
]
