from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rectify.reports"
    label = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from . import registrations  # noqa: F401
