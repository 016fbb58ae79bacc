from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rectify.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        from . import changelog, checks, inputs, registrations, tablespeed  # noqa: F401  (signal handlers; system checks; registry entries)

        tablespeed.install()
        inputs.install()
