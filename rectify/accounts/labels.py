"""The accounts' events in words, for the history tab (core.generic.display)."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events

label_events({
    "account.created": _("开通账号"), "account.campaign": _("切换专项行动"),
    "account.initial_password": _("设置初始密码"),
    "account.link_issued": _("发放设置密码链接"), "account.locked": _("锁定账号"),
    "account.password_set": _("设置密码"), "account.unlocked": _("解锁账号"),
    "api_token.issued": _("发放接口令牌"), "api_token.revoked": _("吊销接口令牌"),
    "login": _("登录"), "login.2fa": _("第二因素验证"), "login.failed": _("登录失败"),
    "login.locked": _("登录被锁定"), "logout": _("退出登录"), "password.changed": _("修改密码"),
    "session.expired": _("会话过期"), "totp.enrolled": _("绑定动态口令"), "totp.reset": _("重置动态口令"),
    "user.disabled_inactive": _("停用长期未登录账号"), "user.roles": _("分配角色"),
})
