"""The measured paths, each with its baseline from the same run."""

from __future__ import annotations

import statistics

import pandas as pd
from django.db import connection

from bench.core import Row, Run, interleaved, vacuum_results
from reports.indices import indices_compute
from surveys.models import Campaign, Item, Response


def _criteria(campaign: Campaign) -> list[Item]:
    return list(campaign.questionnaire.items.filter(role=Item.Role.CRITERION).order_by("position"))


def recompute(campaign: Campaign, smoke: bool) -> list[Row]:
    """Full recompute (every cut) against the raw-scan floor and the naive pandas baseline."""
    criteria = _criteria(campaign)
    profile_positions = list(
        campaign.questionnaire.items.filter(role__in=[Item.Role.PROFILE, Item.Role.PROCEDURE])
        .exclude(position=None)
        .values_list("position", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cols = ", ".join(f"scores[{i.position}]::smallint AS i{n}" for n, i in enumerate(criteria))
        cursor.execute(
            f"CREATE TABLE bench_plain AS SELECT agency_id, {cols} FROM surveys_response "
            "WHERE campaign_id = %s AND status = 'valid'",
            [campaign.pk],
        )
        cursor.execute("VACUUM ANALYZE bench_plain")
        # Write the new table out now: otherwise the first timed runs share the disk with the
        # background writer (two runs of 3 s, then 2 s, in one run of 26/11/2026).
        cursor.execute("CHECKPOINT")
    aggregates = ", ".join(
        f"count(i{n}), count(*) FILTER (WHERE i{n} IN (4, 5))" for n in range(len(criteria))
    )
    floor_sql = f"SELECT agency_id, {aggregates} FROM bench_plain GROUP BY agency_id"

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql)
            cursor.fetchall()

    def full() -> None:
        indices_compute(campaign=campaign)

    def naive() -> None:
        # What a plain Django app does: model rows through the ORM into pandas, then the same
        # figures (n and positive answers per criterion) for every cut the engine computes.
        rows = [
            (r.agency_id, r.agency_kind, r.province_id, r.district_id, r.commune_id, r.channel,
             r.scores)
            for r in Response.objects.filter(campaign=campaign, status="valid").iterator(10_000)
        ]  # fmt: skip
        dims = ["agency", "kind", "province", "district", "commune", "channel"]
        frame = pd.DataFrame.from_records(rows, columns=[*dims, "scores"])
        wide = pd.DataFrame(frame["scores"].tolist())
        profile = [wide[p - 1].rename(f"profile{p}") for p in profile_positions]
        counts = {}
        for n, item in enumerate(criteria):
            col = wide[item.position - 1]
            counts[f"n{n}"] = col.notna()
            counts[f"p{n}"] = col.isin([4, 5])
        data = pd.concat([frame[dims], *profile, pd.DataFrame(counts)], axis=1)
        data[list(counts)].sum()  # the campaign
        for key in [*dims, *(s.name for s in profile)]:
            data.groupby(key)[list(counts)].sum()

    # The three in turn, three times (once for a smoke run): both sides of each ratio meet the
    # same spells of a noisy machine. The naive baseline needs no warm-up: 30 to 47 s at 1,000,000
    # answers, it would not notice one.
    t = interleaved(
        {
            "floor": Run(floor, warmup=1),
            "full": Run(full, before=vacuum_results, warmup=1),
            "naive": Run(naive),
        },
        rounds=1 if smoke else 3,
    )
    t_floor, t_full, t_naive = (statistics.median(t[name]) for name in ("floor", "full", "naive"))
    rows = [
        Row(
            "full recompute, every cut",
            f"{t_full:.2f} s",
            f"raw scan {t_floor:.2f} s",
            f"{t_full / t_floor:.1f} ×",
            "≤ 10 × floor",
            "yes" if t_full <= 10 * t_floor else "no",
        ),
        Row(
            "full recompute vs naive",
            f"{t_full:.2f} s",
            f"pandas over ORM {t_naive:.2f} s",
            f"{t_naive / t_full:.1f} × faster",
            "≥ 20 × faster",
            "yes" if t_naive >= 20 * t_full else "no",
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
    return rows


def run(ctx) -> list[Row]:
    return recompute(ctx.campaign, ctx.smoke)
