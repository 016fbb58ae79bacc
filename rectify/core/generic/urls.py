"""The pages of every registered model of an app: list, detail, history, and add/edit/delete
where its ModelConfig allows them; the app's own root leads to its main list."""
from __future__ import annotations

from django.urls import path

from rectify.core.generic import views
from rectify.core.registry import registry


def model_urlpatterns(app_label: str) -> list:
    patterns = [path("", views.AppRootView.as_view(app_label=app_label), name="app_root")]
    for config in registry.for_app(app_label):
        base = config.model._meta.model_name
        kw = {"config": config}
        patterns += [
            path(f"{base}/", views.ObjectListView.as_view(**kw), name=f"{base}_list"),
            path(f"{base}/<int:pk>/", views.ObjectDetailView.as_view(**kw), name=f"{base}_detail"),
            path(f"{base}/<int:pk>/history/", views.ObjectHistoryView.as_view(**kw), name=f"{base}_history"),
        ]
        if config.allow_add:
            patterns.append(path(f"{base}/add/", views.ObjectEditView.as_view(**kw), name=f"{base}_add"))
        if config.allow_edit:
            patterns.append(path(f"{base}/<int:pk>/edit/", views.ObjectEditView.as_view(**kw), name=f"{base}_edit"))
        if config.allow_delete:
            patterns.append(path(f"{base}/<int:pk>/delete/", views.ObjectDeleteView.as_view(**kw),
                                 name=f"{base}_delete"))
        for extension in registry.extensions:
            patterns += extension.urls(config)
    return patterns
