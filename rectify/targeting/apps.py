from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "rectify.targeting"
    label = "targeting"
    verbose_name = "靶向监管"

    def ready(self) -> None:
        from . import receivers, registrations  # noqa: F401

        receivers.connect()
