"""Computing and storing a campaign's indices (the service behind the task and the command)."""

from __future__ import annotations

import json
import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from reports.engine import (
    ENGINE_VERSION,
    CutKind,
    ElementSpec,
    ItemSpec,
    Spec,
    figures_from_tally,
    rollup,
    tally_sql,
)
from reports.models import IndexResult, IndexRun
from surveys.models import Campaign, Element, Item, Questionnaire, Scale

log = logging.getLogger(__name__)

# Profile questions whose answers become cuts ("respondent profile group").
PROFILE_CUT_ROLES = {Item.Role.PROFILE}


def questionnaire_spec(questionnaire: Questionnaire) -> Spec:
    """The engine's view of one questionnaire version, in two queries."""
    elements = list(questionnaire.elements.select_related("aspect").order_by("order", "id"))
    items = list(
        questionnaire.items.exclude(position=None)
        .select_related("element")
        .order_by("element__order", "order", "id")
    )
    item_specs: list[ItemSpec] = []
    group_items: list[tuple[str, ItemSpec]] = []
    for item in items:
        if item.scale == Scale.NUMBER:
            continue
        levels = tuple(v for v, _vi, _en in item.levels())
        positive = () if item.scale == Scale.MULTI else tuple(item.positive_levels)
        spec = ItemSpec(
            code=item.code,
            position=item.position,
            scale=item.scale,
            role=item.role,
            element_code=item.element.code,
            positive=positive,
            levels=levels,
            is_multi=item.scale == Scale.MULTI,
        )
        item_specs.append(spec)
        if item.role == Item.Role.PROCEDURE and item.scale == Scale.SINGLE:
            group_items.append((CutKind.PROCEDURE, spec))
        elif item.role in PROFILE_CUT_ROLES and item.scale in (Scale.SINGLE, Scale.YESNO):
            group_items.append((CutKind.PROFILE, spec))
    element_specs = []
    for element in elements:
        own = [i for i in items if i.element_id == element.pk]
        general = next((i.code for i in own if i.role == Item.Role.GENERAL), None)
        criteria = tuple(i.code for i in own if i.role == Item.Role.CRITERION and i.positive_levels)
        element_specs.append(
            ElementSpec(
                code=element.code,
                aspect_code=element.aspect.code if element.aspect_id else None,
                kind=element.kind,
                general_item=general,
                criteria=criteria,
            )
        )
    aspects = tuple(
        dict.fromkeys(
            e.aspect.code for e in elements if e.aspect_id and e.kind == Element.Kind.INDEX
        )
    )
    # The overall question sits outside every aspect (SIPAS 2023 also has one per aspect).
    overalls = [i for i in items if i.role == Item.Role.OVERALL]
    overall = next((i.code for i in overalls if i.element.aspect_id is None), None) or next(
        (i.code for i in overalls), None
    )
    return Spec(
        items=tuple(item_specs),
        elements=tuple(element_specs),
        aspects=aspects,
        element_rule=questionnaire.element_rule,
        overall_rule=questionnaire.overall_rule,
        overall_item=overall,
        group_items=tuple(group_items),
    )


def campaign_data_version(campaign: Campaign) -> tuple[str, int]:
    """A stamp that changes whenever the campaign's answers or their statuses change."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM surveys_response WHERE campaign_id = %s",
            [campaign.pk],
        )
        count, max_id = cursor.fetchone()
        cursor.execute(
            "SELECT coalesce(max(c.id), 0) FROM surveys_responsestatuschange c "
            "JOIN surveys_response r ON r.id = c.response_id WHERE r.campaign_id = %s",
            [campaign.pk],
        )
        (changes,) = cursor.fetchone()
    return f"{max_id}.{count}.{changes}", max_id


def _tallies(spec: Spec, campaign: Campaign, after: int, upto: int) -> list[tuple[str, str, dict]]:
    scans = []
    with connection.cursor() as cursor:
        # The groups fit in memory: let PostgreSQL hash them instead of sorting on disk, and
        # share the scan between workers (the planner underrates the parallel plan here).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL parallel_setup_cost = 0")
        cursor.execute("SET LOCAL parallel_tuple_cost = 0")
        for sql, groups, names in tally_sql(spec):
            cursor.execute(sql, [campaign.pk, after, upto])
            scans.append((groups, names, cursor.fetchall()))
    return list(rollup(spec, scans))


COLUMNS = (
    "campaign_id, cut, cut_key, code, kind, value, n, positive, low, high, low_n, extra, "
    "engine_version, data_version"
)


def indices_compute(*, campaign: Campaign) -> IndexRun:
    """Recompute every figure of every cut of `campaign` from its valid answers. Idempotent."""
    IndexRun.objects.get_or_create(campaign=campaign)
    # Committed before the work starts, so that the pages can say "being computed".
    IndexRun.objects.filter(campaign=campaign).update(
        status=IndexRun.Status.RUNNING, started_at=timezone.now(), error=""
    )
    return _compute(campaign)


@transaction.atomic
def _compute(campaign: Campaign) -> IndexRun:
    run = IndexRun.objects.select_for_update().get(campaign=campaign)
    started = time.monotonic()
    version, max_id = campaign_data_version(campaign)
    spec = questionnaire_spec(campaign.questionnaire)
    min_n = settings.INDEX_MIN_N
    rows = 0
    # Read every tally before COPY starts: the connection cannot run a query during a COPY.
    tallies = _tallies(spec, campaign, 0, max_id)
    IndexResult.objects.filter(campaign=campaign).delete()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY reports_indexresult ({COLUMNS}) FROM STDIN") as copy,
    ):
        for cut, key, tally in tallies:
            if cut != CutKind.CAMPAIGN and key == "":
                # A NULL group (e.g. no district in the 2-tier era) is not a cut.
                continue
            for fig in figures_from_tally(spec, tally, min_n):
                copy.write_row(
                        (
                            campaign.pk, cut, key, fig.code, fig.kind, fig.value, fig.n,
                            fig.positive, fig.low, fig.high, fig.low_n, json.dumps(fig.extra),
                            ENGINE_VERSION, version,
                        )
                    )  # fmt: skip
                rows += 1
    run.status = IndexRun.Status.DONE
    run.data_version, run.watermark, run.engine_version = version, max_id, ENGINE_VERSION
    run.finished_at = timezone.now()
    run.seconds = round(time.monotonic() - started, 3)
    run.rows = rows
    run.save()
    log.info("indices of %s: %d figures in %.2f s", campaign.code, rows, run.seconds)
    return run
