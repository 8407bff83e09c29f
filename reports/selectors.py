"""Reads of the reports app."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from reports.models import IndexRun, WorkerHeartbeat

if TYPE_CHECKING:
    from surveys.models import Campaign


def worker_last_seen() -> datetime | None:
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def campaign_indices_ready(campaign: Campaign) -> bool:
    """Whether the campaign's indices are computed over its current answers (needed to publish)."""
    from reports.indices import campaign_data_version

    run = IndexRun.objects.filter(campaign=campaign, status=IndexRun.Status.DONE).first()
    return run is not None and run.data_version == campaign_data_version(campaign)[0]
