"""Demo indices: every demo campaign that has answers gets its figures computed (idempotent)."""

from __future__ import annotations

from reports.indices import indices_compute
from surveys.models import Campaign


def load_indices() -> int:
    """Compute the indices of every campaign with responses; returns how many were computed."""
    campaigns = (
        Campaign.objects.filter(responses__isnull=False)
        .distinct()
        .select_related("questionnaire")
        .order_by("year", "pk")
    )
    count = 0
    for campaign in campaigns:
        indices_compute(campaign=campaign)
        count += 1
    return count
