from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "rectify.enterprises"
    label = "enterprises"
    verbose_name = "企业名录"

    def ready(self) -> None:
        from . import registrations  # noqa: F401
