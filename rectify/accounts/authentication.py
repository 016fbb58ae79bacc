"""The API's token authentication: `Authorization: Token <secret>`, as DRF's, but against the
digests of accounts.ApiToken (services/tokens.py decides whether a token is accepted now).

A refused token answers 401 with the reason in Chinese (expired on which day, revoked when); the
class comes first in REST_FRAMEWORK's list, since DRF answers 401 rather than 403 only with the
first class's challenge."""
from __future__ import annotations

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from rectify.accounts import services


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str):
        try:
            token = services.api_token_authenticate(key)
        except services.ApiTokenRefused as exc:
            raise AuthenticationFailed(str(exc)) from None
        return token.owner, token
