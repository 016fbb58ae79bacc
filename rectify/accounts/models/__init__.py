"""Account models: users, the roles they hold and their previous passwords (users.py); the API
tokens of system clients (tokens.py)."""
from .tokens import ApiToken
from .users import PasswordHistory, RectifyUserManager, Role, User

__all__ = ["ApiToken", "PasswordHistory", "RectifyUserManager", "Role", "User"]
