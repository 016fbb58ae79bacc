from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "rectify.fieldwork"
    label = "fieldwork"
    verbose_name = "排查抽检"

    def ready(self) -> None:
        from . import registrations  # noqa: F401
