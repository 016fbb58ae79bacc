from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rectify.reports"
    label = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from . import corrections, registrations  # noqa: F401  (signal receivers; registry entries)
