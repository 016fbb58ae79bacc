from django.urls import path

from rectify.core.generic.urls import model_urlpatterns

from . import campaign_views, dashboard, reported_views, views

app_name = "reports"
urlpatterns = [
    path("tables/", views.tables, name="tables"),
    path("reported/", reported_views.reported, name="reported"),
    path("drill/<int:indicator_id>/", views.drill, name="drill"),
    path("weeklyreport/<int:pk>/action/", views.report_action, name="report_action"),
    path("weeklyreport/<int:pk>/file.<str:fmt>", views.report_file, name="report_file"),
    path("province.xlsx", views.province_workbook, name="province_workbook"),
    path("completeness/", views.completeness_view, name="completeness"),
    path("completeness/urge/", views.completeness_urge, name="completeness_urge"),
    path("weeklyreport/open/", views.report_open_view, name="report_open"),
    path("final-package.zip", views.final_package, name="final_package"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("campaign/<int:pk>/copy/", campaign_views.campaign_copy, name="campaign_copy"),
    path("campaign/<int:pk>/state/", campaign_views.campaign_state, name="campaign_state"),
    path("tablelayout/<int:pk>/preview/", campaign_views.layout_preview, name="layout_preview"),
    path("indicator/<int:pk>/preview/", campaign_views.indicator_preview, name="indicator_preview"),
    *model_urlpatterns("reports"),
]
