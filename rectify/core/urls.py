from django.urls import path

from rectify.core.generic.autocomplete import pick
from rectify.core.generic.files import serve_file
from rectify.core.generic.urls import model_urlpatterns
from rectify.core.notifications import inbox, mark_all_read, open_notice

app_name = "core"
urlpatterns = [
    path("notifications/", inbox, name="notifications"),
    path("notifications/<int:pk>/", open_notice, name="notification_open"),
    path("notifications/read-all/", mark_all_read, name="notifications_read_all"),
    # Every uploaded file, checked against its record's scope (files.py); MEDIA_URL is not served.
    path("files/<slug:app_label>/<slug:model_name>/<int:pk>/<slug:field_name>/", serve_file, name="file"),
    # What a generic form's picker offers for what is typed (the form's own scoped field).
    path("pick/<slug:app_label>/<slug:model_name>/<slug:field_name>/", pick, name="pick"),
    *model_urlpatterns("core"),
]
