from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "rectify.enforcement"
    label = "enforcement"
    verbose_name = "执法办案"

    def ready(self) -> None:
        from . import registrations  # noqa: F401
