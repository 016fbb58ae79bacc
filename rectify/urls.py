from django.contrib.auth.decorators import login_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from rectify.core.generic.api.urls import build_router
from rectify.core.health import health
from rectify.reports.api import TablesView
from rectify.reports.home import dashboard


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for by themselves: the platform's icon among the static files."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("rectify/favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
    path("accounts/", include("rectify.accounts.urls")),
    path("org/", include("rectify.organisations.urls")),
    # the coverage page was the registry's before it became field work's: old links still lead to it
    path("enterprises/coverage/", login_required(RedirectView.as_view(pattern_name="fieldwork:coverage",
                                                                      permanent=True))),
    path("enterprises/", include("rectify.enterprises.urls")),
    path("fieldwork/", include("rectify.fieldwork.urls")),
    path("enforcement/", include("rectify.enforcement.urls")),
    path("reports/", include("rectify.reports.urls")),
    path("targeting/", include("rectify.targeting.urls")),
    path("prices/", include("rectify.prices.urls")),
    path("public/draws/", include("rectify.targeting.public.urls")),
    path("public/cases/", include("rectify.enforcement.public.urls")),
    path("public/", include("rectify.portal.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/reports/tables/", TablesView.as_view(), name="api-reports-tables"),
    path("api/", include(build_router().urls)),
    path("", dashboard, name="home"),
    path("", include("rectify.core.urls")),
]

handler400 = "rectify.core.generic.errors.bad_request"
handler403 = "rectify.core.generic.errors.permission_denied"
handler404 = "rectify.core.generic.errors.page_not_found"
handler500 = "rectify.core.generic.errors.server_error"

# MEDIA_URL is deliberately not served, not even with DEBUG: an upload is opened only through
# core.generic.files, which checks the record's scope (tests/security/test_file_access.py).
