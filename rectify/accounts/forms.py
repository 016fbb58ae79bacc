import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import Role, User
from rectify.accounts.services import api_token_days, api_token_owners, ensure_may_set_roles, validate_role_combination
from rectify.core import clock
from rectify.core.generic.builders import BootstrapFormMixin, ScopedModelForm
from rectify.organisations.models import Unit


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self._style()

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # The backend marks the request when the account is (or has just become) locked, so
            # the user learns why the right password is refused and when to try again.
            until = getattr(self.request, "rectify_locked_until", None)
            if until is not None:
                raise ValidationError(
                    _("连续登录失败次数过多，账号已锁定至 %(time)s。请稍后再试或联系安全管理员解锁。")
                    % {"time": clock.format_moment(until)}, code="locked")
            raise


class TotpForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("动态口令"), max_length=8, min_length=6,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RectifyPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    """Validates the old password and the new one against the policy (AUTH_PASSWORD_VALIDATORS);
    saving goes through services.password_change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("当前密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("确认新密码")
        self._style()


class AccountSetupForm(BootstrapFormMixin, SetPasswordForm):
    """The one-time link's page: a new password twice, checked against the policy for this user
    (AUTH_PASSWORD_VALIDATORS); saving goes through services.account_password_set."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("确认新密码")
        self._style()


class UserForm(ScopedModelForm):
    roles = forms.ModelMultipleChoiceField(queryset=Role.objects.all(), required=False, label=_("角色"),
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = User
        fields = ["username", "full_name", "unit", "roles", "phone", "email", "is_enforcement_officer",
                  "officer_number", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["unit"].queryset = Unit.objects.filter(is_active=True)
        self.fields["roles"].widget.attrs["class"] = "form-check-input"

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        codes = {r.code for r in roles}
        # The services refuse both (PermissionDenied, ValidationError); here they become messages
        # on the field rather than a 403 or, for the service's {"roles": ...} error, a 500.
        if codes != (self.instance.role_codes if self.instance.pk else set()):
            try:
                ensure_may_set_roles(user=self.instance, actor=self.user)
            except PermissionDenied as exc:
                raise ValidationError(str(exc), code="permission") from None
        try:
            validate_role_combination(codes)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return roles


class TokenOwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = f"{obj.full_name}（{obj.username}）" if obj.full_name else obj.username
        return f"{name} · {obj.unit}" if obj.unit_id else name


class ApiTokenIssueForm(BootstrapFormMixin, forms.Form):
    """Issuing an API token: the accounts offered are those the administrator may issue one for;
    the expiry's bounds are checked again by services.api_token_issue."""

    owner = TokenOwnerField(queryset=User.objects.none(), label=_("所属账号"),
                            help_text=_("接口以该账号的身份和数据范围调用；管理员账号不在此列。"))
    purpose = forms.CharField(label=_("用途"), max_length=100,
                              help_text=_("对接的系统或程序，例如“市局执法办案系统数据同步”。"))
    expires_on = forms.DateField(label=_("有效期至"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = api_token_owners(actor).select_related("unit")
        default_days, max_days = api_token_days()
        today = clock.today()
        latest = today + datetime.timedelta(days=max_days)
        self.fields["expires_on"].initial = today + datetime.timedelta(days=default_days)
        self.fields["expires_on"].help_text = _(
            "含当日（北京时间）；留空为 %(default)s 天；最长 %(days)s 天，即不晚于 %(date)s。"
        ) % {"default": default_days, "days": max_days, "date": latest.isoformat()}
        self.fields["expires_on"].widget.attrs.update({"min": today.isoformat(), "max": latest.isoformat()})
        self._style()


class ApiTokenRevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写撤销原因。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
