"""Reads of the reports app."""

from datetime import datetime

from reports.models import WorkerHeartbeat


def worker_last_seen() -> datetime | None:
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
