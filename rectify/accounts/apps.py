from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rectify.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from rectify.accounts import registrations, signals  # noqa: F401
