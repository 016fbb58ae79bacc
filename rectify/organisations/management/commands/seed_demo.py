import contextlib
import importlib
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from rectify.core.audit.changelog import change_log_suspended
from rectify.core.audit.events import record_event
from rectify.core.current import acting_as
from rectify.organisations.demo import DemoContext


class Command(BaseCommand):
    help = "Load deterministic demo data (small: a working demo; large: ≥1,000,000 records for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "large"], default="small")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when demo users already exist")

    def handle(self, *args, scale, seed, if_empty, **options):
        User = get_user_model()
        if if_empty and User.objects.filter(username="sheng_admin").exists():
            self.stdout.write("demo data already loaded")
            return
        ctx = DemoContext(scale=scale, seed=seed)
        suspend = change_log_suspended() if scale == "large" else contextlib.nullcontext()
        with acting_as(None, request_id=f"seed-demo-{seed}"), suspend:
            record_event("seed_demo", detail={"scale": scale, "seed": seed, "change_log": scale != "large"})
            modules = []
            for config in apps.get_app_configs():
                if not config.name.startswith("rectify."):
                    continue
                try:
                    modules.append((config.label, importlib.import_module(f"{config.name}.demo")))
                except ModuleNotFoundError as exc:
                    if exc.name == f"{config.name}.demo":
                        continue
                    raise
            # seed_late: an app's records that hang off the records of an app seeded after it (field
            # work's fast-track tests of enforcement's cases), drawn once every app has seeded.
            for stage in ("seed", "seed_late"):
                for label, module in modules:
                    if not hasattr(module, stage):
                        continue
                    started = time.monotonic()
                    with transaction.atomic():
                        summary = getattr(module, stage)(ctx)
                    self.stdout.write(f"{label}: {summary or 'done'} ({time.monotonic() - started:.1f}s)")
