"""Incremental update: 1,000 new answers folded into a campaign's stored results, against a full
recompute of the same campaign measured in the same run."""

from __future__ import annotations

import statistics
import time

from django.db import connection

from bench import world
from bench.core import Row, timed, vacuum_results
from reports.indices import indices_compute, indices_update
from reports.models import IndexRun
from surveys.models import Campaign

NEW = 1_000


def run(ctx) -> list[Row]:
    campaign: Campaign = ctx.campaign
    agencies = world.agencies_of(campaign)
    # The baseline as the recompute path measures it: warmed up, the median of three.
    t_full = timed(lambda: indices_compute(campaign=campaign), 3, vacuum_results, warmup=1)
    base = IndexRun.objects.get(campaign=campaign)
    times = []
    try:
        for round_ in range(1 if ctx.smoke else 3):
            world.answers_copy(campaign, agencies, NEW, seed=7_000 + round_)
            vacuum_results()
            started = time.perf_counter()
            indices_update(campaign=campaign)
            times.append(time.perf_counter() - started)
    finally:
        # Leave the campaign as it was, so that --keep finds it again.
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM surveys_response WHERE campaign_id = %s AND id > %s",
                [campaign.pk, base.watermark],
            )
            # Autovacuum's work, which is off here: the next run would read past these rows.
            cursor.execute("VACUUM ANALYZE surveys_response")
        indices_compute(campaign=campaign)
    t_update = statistics.median(times)
    share = 100 * t_update / t_full
    return [
        Row(
            f"incremental update, {NEW:,} new answers",
            f"{t_update:.3f} s",
            f"full recompute {t_full:.2f} s",
            f"{share:.1f} %",
            "≤ 5 % of full",
            "yes" if share <= 5 else "no",
        )
    ]
