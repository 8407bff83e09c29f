"""Writes of the reports app."""

from datetime import timedelta

from django.utils import timezone

from reports.models import WorkerHeartbeat


def heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` ran a job, and keep only a day of history."""
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    return WorkerHeartbeat.objects.create(worker=worker[:200])
