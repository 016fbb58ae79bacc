from django.utils.translation import gettext_lazy as _

from rectify.accounts.forms import UserForm
from rectify.accounts.models import User
from rectify.accounts.services import may_manage_api_tokens, user_create, user_update
from rectify.accounts.views import rollout_context
from rectify.core.generic.navigation import add_link
from rectify.core.registry import ModelConfig, registry

from . import labels  # noqa: F401  (the app's events in words, for the history tab)

registry.register(ModelConfig(
    model=User, menu="system", list_columns=["username", "full_name", "unit", "is_active", "last_login"],
    filter_fields=["unit", "is_active", "roles"], search_fields=["username", "full_name", "phone"],
    form=UserForm, allow_delete=False, create=user_create, update=user_update, select_related=["unit"],
    detail_fields=["username", "full_name", "unit", "roles", "phone", "email", "is_enforcement_officer",
                   "officer_number", "is_active", "last_login", "date_joined"],
    api_fields=["username", "full_name", "unit", "roles", "phone", "email", "is_active", "is_enforcement_officer"],
    detail_panels=["accounts/user_rollout_panel.html"], detail_context=rollout_context,
    list_actions=[(_("批量开通账号"), "accounts:user_import")],
))

add_link("system", _("接口令牌"), "accounts:token_list", check=may_manage_api_tokens)
