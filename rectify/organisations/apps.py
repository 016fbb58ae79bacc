from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "rectify.organisations"
    label = "organisations"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from . import registrations  # noqa: F401
