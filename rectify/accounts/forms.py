from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from rectify.core.builders import BootstrapFormMixin, ScopedModelForm

from .models import Role, User
from .services import validate_role_combination


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self._style()


class UserForm(ScopedModelForm):
    roles = forms.ModelMultipleChoiceField(queryset=Role.objects.all(), required=False, label=_("角色"),
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = User
        fields = ["username", "full_name", "unit", "roles", "phone", "email", "is_enforcement_officer", "officer_number", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from rectify.organisations.models import Unit

        self.fields["unit"].queryset = Unit.objects.filter(is_active=True)
        self.fields["roles"].widget.attrs["class"] = "form-check-input"

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        validate_role_combination({r.code for r in roles})
        return roles
