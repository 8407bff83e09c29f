"""Incremental update: 1,000 new answers folded into a campaign's stored results, against a full
recompute of the same campaign measured in the same run."""

from __future__ import annotations

import itertools
import statistics

from django.db import connection
from django.db.models import Max

from bench import world
from bench.core import Row, Run, interleaved, vacuum_results
from reports.indices import indices_compute, indices_update
from surveys.models import Campaign, Response

NEW = 1_000


def run(ctx) -> list[Row]:
    campaign: Campaign = ctx.campaign
    agencies = world.agencies_of(campaign)
    last = Response.objects.filter(campaign=campaign).aggregate(last=Max("id"))["last"]
    seeds = itertools.count(7_000)

    def answers() -> None:
        world.answers_copy(campaign, agencies, NEW, seed=next(seeds))
        vacuum_results()

    try:
        # Each round: a full recompute, then 1,000 new answers and the update that folds them in.
        # Turn by turn, the update and the recompute it is a share of see the same spells of
        # the machine.
        t = interleaved(
            {
                "full": Run(lambda: indices_compute(campaign=campaign), vacuum_results, warmup=1),
                "update": Run(lambda: indices_update(campaign=campaign), answers, warmup=1),
            },
            rounds=1 if ctx.smoke else 5,
        )
    finally:
        # Leave the campaign as it was, so that --keep finds it again.
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM surveys_response WHERE campaign_id = %s AND id > %s",
                [campaign.pk, last],
            )
            # Autovacuum's work, which is off here: the next run would read past these rows.
            cursor.execute("VACUUM ANALYZE surveys_response")
        indices_compute(campaign=campaign)
    t_full, t_update = statistics.median(t["full"]), statistics.median(t["update"])
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
