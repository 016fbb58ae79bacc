"""Account models: users, the roles they hold and their previous passwords (users.py)."""
from .users import PasswordHistory, RectifyUserManager, Role, User

__all__ = ["PasswordHistory", "RectifyUserManager", "Role", "User"]
