from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The `rectify bench` command and the bare baseline views it measures against."""

    name = "rectify.bench"
    label = "bench"
    verbose_name = "性能基准"
