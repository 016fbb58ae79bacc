from django.apps import AppConfig


class PricesConfig(AppConfig):
    name = "rectify.prices"
    label = "prices"
    verbose_name = "价格与服务"

    def ready(self) -> None:
        from . import registrations  # noqa: F401
