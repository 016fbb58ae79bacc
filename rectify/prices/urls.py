from django.urls import path

from rectify.core.generic.urls import model_urlpatterns

from . import views

app_name = "prices"
urlpatterns = [
    path("chart/", views.PriceChartView.as_view(), name="chart"),
    path("complaints-by-seller/", views.ComplaintsBySellerView.as_view(), name="complaints_by_seller"),
    path("priceobservation/import/", views.ObservationImportView.as_view(), name="observation_import"),
    *model_urlpatterns("prices"),
]
