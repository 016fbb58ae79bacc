"""Generic error pages: no stack traces, no internals, the request id to quote to support."""
from django.shortcuts import render
from django.utils.translation import gettext as _


def _page(request, status: int, title: str, text: str):
    return render(request, "core/error.html", {"status": status, "title": title, "text": text,
                                                "request_id": getattr(request, "id", "")}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, _("请求有误"), _("请求格式不正确，请返回后重试。"))


def permission_denied(request, exception=None):
    # The services' refusals say why in the user's language ("该记录属于…，您只能查看"); say it.
    reason = str(exception or "").strip()
    return _page(request, 403, _("无权访问"), reason or _("您没有执行此操作的权限。"))


def page_not_found(request, exception=None):
    return _page(request, 404, _("未找到"), _("页面或记录不存在，或不在您的数据范围内。"))


def server_error(request):
    return _page(request, 500, _("系统错误"), _("服务器处理请求时出错，已记录。请稍后重试或联系管理员。"))
