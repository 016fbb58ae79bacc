"""Shared by the migrations that tie each app's records to a campaign."""
from collections.abc import Callable


def records_to_current_campaign(app_label: str, model_names: list[str]) -> Callable:
    """A RunPython step: every record of `model_names` kept so far belongs to the campaign that was
    current when it was written — the one in progress that started last (there was one campaign at
    a time), else the first loaded."""

    def forwards(apps, schema_editor) -> None:
        campaigns = apps.get_model("organisations", "Campaign").objects
        campaign = (campaigns.filter(is_active=True).order_by("-start", "-pk").first()
                    or campaigns.order_by("pk").first())
        for name in model_names:
            model = apps.get_model(app_label, name)
            if campaign is None:
                if model.objects.exists():
                    raise RuntimeError(f"{app_label}.{name}: records without any campaign to belong to")
                continue
            model.objects.filter(campaign__isnull=True).update(campaign=campaign)

    return forwards
