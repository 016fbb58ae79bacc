"""Loaders shared by the data migration and the test kit (rectify.testing.reload_reference_data)."""


def load_roles(apps) -> None:
    from rectify.core.access.roles import ROLE_NAMES

    Role = apps.get_model("accounts", "Role")
    for code, name in ROLE_NAMES.items():
        Role.objects.update_or_create(code=code, defaults={"name": str(name)})
