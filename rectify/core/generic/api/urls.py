"""The API router: an endpoint per registered model, under /api/<app>/<model>/."""
from rest_framework.routers import DefaultRouter

from rectify.core.generic.api.viewsets import viewset_for
from rectify.core.registry import registry


def build_router() -> DefaultRouter:
    router = DefaultRouter()
    for config in registry:
        router.register(f"{config.app_label}/{config.model_name}", viewset_for(config),
                        basename=f"api-{config.app_label}-{config.model_name}")
    return router
