"""Writes of the reports app: heartbeats and the debounced index refresh."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reports.models import IndexRun, WorkerHeartbeat


def heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` ran a job, and keep only a day of history."""
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    return WorkerHeartbeat.objects.create(worker=worker[:200])


def indices_request(*, campaign_id: int) -> bool:
    """Ask for a campaign's indices to be brought up to date, at most about once a minute.

    Called after answers arrive. One conditional UPDATE marks the run queued; only the caller that
    flips it queues a task, delayed so that a campaign is recomputed at most once per
    INDEX_DEBOUNCE_SECONDS. Returns whether a task was queued.
    """
    from reports.tasks import indices_refresh

    IndexRun.objects.get_or_create(campaign_id=campaign_id)
    now = timezone.now()
    flipped = (
        IndexRun.objects.filter(campaign_id=campaign_id)
        .filter(~Q(status=IndexRun.Status.QUEUED))
        .update(status=IndexRun.Status.QUEUED, queued_at=now)
    )
    if not flipped:
        return False
    last = IndexRun.objects.filter(campaign_id=campaign_id).values_list("finished_at", flat=True)[0]
    wait = settings.INDEX_DEBOUNCE_SECONDS
    countdown = 0 if last is None else max(0, wait - (now - last).total_seconds())
    transaction.on_commit(lambda: indices_refresh.apply_async((campaign_id,), countdown=countdown))
    return True


def indices_refresh(*, campaign_id: int) -> IndexRun:
    """Recompute one campaign's indices; a failure is kept on the run row, then re-raised."""
    from reports.indices import indices_compute
    from surveys.models import Campaign

    campaign = Campaign.objects.select_related("questionnaire").get(pk=campaign_id)
    try:
        return indices_compute(campaign=campaign)
    except Exception as exc:
        IndexRun.objects.filter(campaign=campaign).update(
            status=IndexRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise


def indices_refresh_all() -> int:
    """The nightly full recompute of every campaign that has answers and is not archived."""
    from surveys.models import Campaign

    ids = list(
        Campaign.objects.exclude(
            status__in=[Campaign.Status.DRAFT, Campaign.Status.ARCHIVED]
        ).values_list("pk", flat=True)
    )
    for campaign_id in ids:
        indices_refresh(campaign_id=campaign_id)
    return len(ids)
