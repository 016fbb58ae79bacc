"""Generic error pages: no stack traces, no internals, the request id to quote to support."""
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Which exceptions mean "the database is not answering" (a restart, a failover, a lost network)
# rather than a defect: the user is told to retry in a moment, with 503 so that a load balancer
# and API clients retry too.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


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


def service_unavailable(request) -> HttpResponse:
    """The database did not answer. The page is rendered without the site's frame, which reads the
    database (the user, the menu, the notices), so it cannot fail the same way."""
    title = _("数据库暂时不可用")
    text = _("系统正在恢复数据库连接，您的操作未完成（未保存任何内容）。请稍候片刻后刷新页面重试。")
    request_id = getattr(request, "id", "")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": f"{title}：{text}", "request_id": request_id}, status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("core/unavailable.html", {
            "title": title, "text": text, "request_id": request_id}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        return service_unavailable(request)
    try:
        return _page(request, 500, _("系统错误"), _("服务器处理请求时出错，已记录。请稍后重试或联系管理员。"))
    except UNAVAILABLE:  # the error page's own frame needs the database
        return service_unavailable(request)
