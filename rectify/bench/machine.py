"""The machine a run was measured on, and the data set's size."""
from __future__ import annotations

import os
import platform
import sys

from django.db import connection


def describe() -> dict[str, str]:
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, StopIteration, ValueError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    load = ""
    if hasattr(os, "getloadavg"):
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cores (nproc)": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "memory": memory,
        "CPU": _cpu_model() or platform.processor(),
        "PostgreSQL": pg,
        "Python": sys.version.split()[0],
        "OS": platform.platform(),
        "load average at start (1/5/15 min)": load,
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def data_set() -> dict[str, int]:
    """Row counts (PostgreSQL's estimate would do, but exact counts are cheap enough once)."""
    from django.apps import apps

    labels = ["enterprises.Enterprise", "fieldwork.Inspection", "fieldwork.InspectionOutcome", "fieldwork.Sample",
              "fieldwork.Disposal", "fieldwork.ExportCheck", "fieldwork.Recall", "fieldwork.LedgerEntry",
              "enforcement.Complaint", "enforcement.Lead", "enforcement.Case", "enforcement.CreditRecord",
              "prices.PriceObservation"]
    out = {}
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        out[label] = model._base_manager.count()
    return out
