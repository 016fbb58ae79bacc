from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rectify.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        # Imported once the models are loaded: the change log's signal handlers, the system checks
        # and the logs' registry entries.
        from rectify.core import registrations  # noqa: F401
        from rectify.core.audit import changelog  # noqa: F401
        from rectify.core.generic import checks  # noqa: F401
        from rectify.core.security import inputs
        from rectify.core.speed import tablespeed

        tablespeed.install()
        from rectify.core.registry import registry
        from rectify.core.workflow.hooks import WorkflowExtension

        registry.extend(WorkflowExtension())
        inputs.install()
