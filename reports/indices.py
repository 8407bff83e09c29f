"""Computing and storing a campaign's indices (the service behind the task and the command)."""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import numpy as np
import pandas as pd
import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from reports.engine import (
    ENGINE_VERSION,
    FIELD_MAX,
    CutKind,
    Cuts,
    ElementSpec,
    ItemSpec,
    Scan,
    Spec,
    UntalliedAnswers,
    direct_cuts,
    direct_fits,
    direct_sql,
    is_cut,
    overflows,
    read_rows,
    read_scan,
    tally_fields,
    tally_frame,
    tally_sql,
)
from reports.figures import WIDE_COLUMNS, figure_blocks, figure_layout, figures_copy
from reports.models import IndexCut, IndexRun
from surveys.models import Campaign, Element, Item, Questionnaire, Scale
from surveys.selectors.questionnaires import published_once

log = logging.getLogger(__name__)

# Profile questions whose answers become cuts ("respondent profile group").
PROFILE_CUT_ROLES = {Item.Role.PROFILE}


def questionnaire_spec(questionnaire: Questionnaire) -> Spec:
    """The engine's view of one questionnaire version, built once per process for a published
    version (whose items never change again)."""
    return published_once("index-spec", questionnaire, lambda: _spec(questionnaire))


def _spec(questionnaire: Questionnaire) -> Spec:
    """questionnaire_spec, in two queries."""
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


DATA_VERSION = (
    "SELECT (SELECT coalesce(sum(n), 0) FROM surveys_responsecount WHERE campaign_id = %s), "
    "(SELECT coalesce(max(id), 0) FROM surveys_response WHERE campaign_id = %s), "
    "(SELECT coalesce(max(c.id), 0) FROM surveys_responsestatuschange c "
    "JOIN surveys_response r ON r.id = c.response_id WHERE r.campaign_id = %s)"
)


def campaign_data_version(campaign: Campaign) -> tuple[str, int]:
    """A stamp that changes whenever the campaign's answers or their statuses change."""
    with connection.cursor() as cursor:
        # One statement, three index lookups. The count is kept by the database
        # (surveys.ResponseCount): counting a million answers took 40 to 90 ms, the largest part
        # of an update after a thousand.
        cursor.execute(DATA_VERSION, [campaign.pk] * 3)
        count, max_id, changes = cursor.fetchone()
    version = f"{max_id}.{count}.{changes}"
    if campaign.weighted:
        # New weights make new figures from the same answers.
        version += f".{weights_stamp(campaign)}"
    return version, max_id


def weights_stamp(campaign: Campaign) -> str:
    """The part of a weighted campaign's data version that says which weights it used."""
    weights = stratum_weights(campaign) or {}
    digest = hashlib.sha256(json.dumps(sorted(weights.items())).encode()).hexdigest()
    return f"w{digest[:12]}"


def stratum_weights(campaign: Campaign) -> dict[int, float] | None:
    """Agency id → weight when the campaign is weighted; None when it is not (the default)."""
    if not campaign.weighted:
        return None
    return {
        agency_id: weight
        for agency_id, weight in campaign.scope.values_list("agency_id", "weight")
        if weight is not None
    }


# Up to this many answers, a scan groups by each profile answer on its own (engine.tally_sql).
SEPARATE_SETS_MAX = 20_000


def _tallies(
    spec: Spec,
    campaign: Campaign,
    span: tuple[int, int, int],
    weights: dict[int, float] | None,
    meanwhile=None,
    heal: bool = False,
) -> pd.DataFrame:
    """Every cut's tally (engine.tally_frame) of the valid answers after < id <= upto, at most
    `answers` of them (`span`). `meanwhile` and `heal` as for _scans."""
    after, upto, answers = span
    return tally_frame(spec, _scans(spec, campaign, after, upto, answers, meanwhile, heal), weights)


def _delta(
    spec: Spec, campaign: Campaign, span: tuple[int, int, int], weights: dict[int, float] | None
) -> Cuts:
    """The cuts (their counts) the valid answers after < id <= upto reach (`span`, as for
    _tallies): a few answers without weights (an update's) added up cut by cut by the
    database (engine.direct_sql), else by _tallies."""
    after, upto, answers = span
    if 0 < answers <= SEPARATE_SETS_MAX and weights is None and direct_fits(spec):
        cuts = _direct(spec, campaign, after, upto)
    else:
        cuts = Cuts.of(_tallies(spec, campaign, span, weights))
    return cuts[is_cut(cuts.cut, cuts.key)]


def _direct(spec: Spec, campaign: Campaign, after: int, upto: int) -> Cuts:
    """The cuts by engine.direct_sql, over the answers' stored tallies when they all have them."""

    def scan(stored: list[str]) -> Cuts:
        direct = direct_sql(spec, stored)
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            _settings(cursor, {})
            # Its bytea as bytes, not as hex text to encode and decode (2.9 ms of 10.3).
            cursor.execute(direct.sql, [campaign.pk, after, upto], binary=True)
            return direct_cuts(spec, direct, cursor.fetchone())

    try:
        return scan(campaign.questionnaire.tally_names)
    except UntalliedAnswers:
        return scan([])


def _scans(
    spec: Spec,
    campaign: Campaign,
    after: int,
    upto: int,
    answers: int = 0,
    meanwhile=None,
    heal: bool = False,
):
    """The tally scan's two frames (engine.read_scan) over the valid answers with
    after < id <= upto, at most `answers` of them (0: not known). `meanwhile` is called on this
    connection while the database scans (on others), or after the scan. `heal` writes the
    tallies of answers found without them, for the next scans."""
    by_agency = campaign.weighted
    separate = answers <= SEPARATE_SETS_MAX
    # The answers' stored tallies, when no group can hold more answers than a field counts
    # (past that, adding them up would fail rather than spill into the next field).
    stored = campaign.questionnaire.tally_names if 0 < answers <= FIELD_MAX else []
    scan = tally_sql(spec, by_agency=by_agency, separate=separate, stored=stored)
    once = _once(meanwhile or (lambda: None))
    try:
        parts = _scan(scan, campaign.pk, after, upto, answers, once)
    except UntalliedAnswers:
        # Answers stored before their version's fields were set, or while they were being set:
        # counted again from their answers.
        scan = tally_sql(spec, by_agency=by_agency, separate=separate)
        parts = _scan(scan, campaign.pk, after, upto, answers, once)
        if heal:
            _tally_untallied(campaign)
    if overflows(*(frame for part in parts for frame in part)):
        plain = tally_sql(spec, packed=False, by_agency=by_agency, separate=separate)
        parts = _scan(plain, campaign.pk, after, upto, answers, once)
    if len(parts) == 1:
        return parts[0]
    return tuple(pd.concat(frames, ignore_index=True) for frames in zip(*parts, strict=True))


def _once(call):
    """`call`, run at its first call only."""
    done = []

    def run():
        if not done:
            done.append(True)
            call()

    return run


TALLY_FIELDS = ["tally_names", "tally_slots", "tally_kinds", "tally_masks"]


def tallies_prepare(*, questionnaire: Questionnaire) -> None:
    """Set the counted fields of a published version's answers (engine.tally_fields), once, and
    have the database write the tallies of the answers it already has; every answer stored
    after gets them from the database as it is written (surveys migration 0006). A draft gets
    none: its items may still change."""
    if not questionnaire.is_published or questionnaire.tally_names:
        return
    fields = tally_fields(questionnaire_spec(questionnaire))
    if not fields:
        return
    with transaction.atomic():
        # Set once: a published version's fields never change, whoever set them first.
        if Questionnaire.objects.filter(pk=questionnaire.pk, tally_names=[]).update(
            tally_names=[f.name for f in fields],
            tally_slots=[f.slot for f in fields],
            tally_kinds=[f.kind for f in fields],
            tally_masks=[f.mask for f in fields],
        ):
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE surveys_response SET scores = scores WHERE questionnaire_id = %s",
                    [questionnaire.pk],
                )
    questionnaire.refresh_from_db(fields=TALLY_FIELDS)


def _tally_untallied(campaign: Campaign) -> None:
    """Have the database write the tallies of the campaign's answers that have none (t1, which
    holds the TALLIED field, is NULL), now that their version's fields are set."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE surveys_response SET scores = scores "
            "WHERE campaign_id = %s AND t1 IS NULL AND questionnaire_id = %s",
            [campaign.pk, campaign.questionnaire_id],
        )


def _scan(scan: Scan, campaign_id: int, after: int, upto: int, answers: int, meanwhile) -> list:
    """The frames of the scan run once, or in parts at once (id ranges, one connection each)."""
    parts = settings.INDEX_SCAN_PARTS
    # The parts see the answers through a snapshot of this transaction: not its own writes, so
    # only when this transaction is the outermost one (it has written no answers).
    outermost = len(connection.atomic_blocks) == 1
    if parts > 1 and answers >= settings.INDEX_SCAN_PARTS_MIN and outermost:
        return _scan_in_parts(scan, campaign_id, after, upto, parts, meanwhile)
    with connection.cursor() as cursor:
        # Let PostgreSQL share the reading of the table between its workers (the planner
        # underrates the parallel plan here).
        parallel = {"parallel_setup_cost": "0", "parallel_tuple_cost": "0"}
        small = answers <= SEPARATE_SETS_MAX  # an update's: a few hundred groups
        frames = [_run(cursor.cursor, scan, [campaign_id, after, upto], parallel, small)]
    meanwhile()
    return frames


def _scan_in_parts(
    scan: Scan, campaign_id: int, after: int, upto: int, parts: int, meanwhile
) -> list:
    """Each part of the id range scanned on its own connection, all at once, through the same
    snapshot as this transaction's. PostgreSQL cannot share a GROUPING SETS aggregation between
    its workers; parts can (at 1,000,000 answers on 2 cores: 1.6 s against 2.1 s)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    bounds = [after + (upto - after) * i // parts for i in range(parts + 1)]
    params = connection.get_connection_params()

    def part(index: int):
        with psycopg.connect(**params) as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
            serial = {"max_parallel_workers_per_gather": "0"}
            part_params = [campaign_id, bounds[index], bounds[index + 1]]
            return _run(conn.cursor(), scan, part_params, serial)

    with ThreadPoolExecutor(parts) as pool:
        scanned = [pool.submit(part, index) for index in range(parts)]
        meanwhile()
        return [future.result() for future in scanned]


def _run(cursor, scan: Scan, params: list[int], options: dict[str, str], small: bool = False):
    """The scan's frames; `small`: its rows read as the driver gives them, not as csv."""
    # The groups fit in memory: let PostgreSQL hash them instead of sorting on disk. No JIT:
    # compiling forty aggregates took 0.3 to 2 s at 1,000,000 answers, longer than the scan it
    # was meant to speed up, and longer still on the small incremental scans. Set for this
    # transaction only, in one statement.
    _settings(cursor, options)
    if small:
        cursor.execute(scan.sql, params)
        return read_rows(scan, cursor.fetchall())
    buffer = bytearray()
    # COPY into pandas.read_csv: 0.2 s sooner at 1,000,000 answers than rows as Python tuples.
    with cursor.copy(f"COPY ({scan.sql}) TO STDOUT (FORMAT csv)", params) as copy:
        for data in copy:
            buffer += data
    return read_scan(scan, bytes(buffer))


def _settings(cursor, options: dict[str, str]) -> None:
    """A scan's settings, for this transaction only, in one statement (see _run)."""
    options = {"jit": "off", "work_mem": "256MB", **options}
    calls = ", ".join("set_config(%s, %s, true)" for _name in options)
    cursor.execute(f"SELECT {calls}", [v for pair in options.items() for v in pair])


# Cuts computed and sent to the database at a time: the server stores one piece while the next is
# computed here (each piece's figures are column-wise arithmetic over its cuts alone).
WRITE_CHUNK = 1200
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
COPY_TRAILER = struct.pack(">h", -1)


def indices_compute(*, campaign: Campaign) -> IndexRun:
    """Recompute every figure of every cut of `campaign` from its valid answers. Idempotent."""
    tallies_prepare(questionnaire=campaign.questionnaire)
    IndexRun.objects.get_or_create(campaign=campaign)
    # Committed before the work starts, so that the pages can say "being computed".
    IndexRun.objects.filter(campaign=campaign).update(
        status=IndexRun.Status.RUNNING, started_at=timezone.now(), error=""
    )
    return _compute(campaign)


@transaction.atomic
def _compute(campaign: Campaign) -> IndexRun:
    _commit_unflushed()
    run = IndexRun.objects.select_for_update().get(campaign=campaign)
    started = time.monotonic()
    version, max_id = campaign_data_version(campaign)
    spec = questionnaire_spec(campaign.questionnaire)
    weights = stratum_weights(campaign)
    answers = _parse_version(version)[1]
    # The old figures go while the database scans the answers.
    drop = IndexCut.objects.filter(campaign=campaign).delete
    tallies = _tallies(spec, campaign, (0, max_id, answers), weights, drop, heal=True)
    cuts = Cuts.of(tallies)
    # Weighted sums are not kept: a weighted campaign is always recomputed in full.
    counts = _kept_counts(cuts.counts) if weights is None and cuts.names else None
    run.tally_names = cuts.names if counts is not None else []
    pieces = _pieces(cuts, counts)
    queued = len(cuts) > WRITE_CHUNK
    rows, (run.codes, run.kinds, run.levels) = _write(campaign, spec, pieces, version, queued)
    _finish(run, version, max_id, started, rows)
    log.info("indices of %s: %d figures in %.2f s", campaign.code, rows, run.seconds)
    return run


def _write(
    campaign: Campaign, spec: Spec, pieces, version: str, queued: bool, ready=None
) -> tuple[int, tuple[list[str], list[str], list]]:
    """COPY the figures of the cuts in `pieces` in as the campaign's results, one IndexCut row
    per cut: `pieces` gives (some of the cuts (engine.Cuts), their counts to keep, or None:
    none kept). The number of figures, and the rows' layout for the run
    (figures.figure_layout: the rows have none). Rows that keep their counts leave out the
    level shares, which the view builds from them.

    The COPY starts once the first piece's rows are computed and `ready()` (if given) has
    returned: the connection's work for others is over (a COPY holds it). With `queued`,
    psycopg's queued writer sends each piece from a thread of its own while the next is
    computed: the server's parsing and storing of the rows (a second at 23,000 cuts) overlaps
    the figures' arithmetic instead of following it (for a single piece, a thread to start and
    join for nothing)."""
    figures, blocks, names = 0, [], []
    with ExitStack() as stack:
        copy = None
        for part, part_counts in pieces:
            kept = part_counts is not None
            blocks = figure_blocks(spec, part, settings.INDEX_MIN_N, extras=not kept)
            rows, count = figures_copy(
                campaign.pk, part, blocks, (ENGINE_VERSION, version), part_counts
            )
            if copy is None:
                if ready is not None:
                    ready()
                copy = stack.enter_context(_copy(queued))
            copy.write(b"".join(rows))
            figures += count
            names = part.names if kept else []
    return figures, figure_layout(blocks, names)


def _pieces(cuts: Cuts, counts: np.ndarray | None):
    """_write's pieces of `cuts` and their `counts` (None: none kept), WRITE_CHUNK cuts each."""
    for start in range(0, len(cuts), WRITE_CHUNK):
        stop = start + WRITE_CHUNK
        yield cuts[start:stop], None if counts is None else counts[start:stop]


def _kept_counts(counts: np.ndarray) -> np.ndarray | None:
    """The counts to keep with the cuts (int32 on disk), or None when one does not fit: such a
    campaign keeps none, and each update recomputes it in full."""
    return counts if not counts.size or counts.max() < 2**31 else None


@contextmanager
def _copy(queued: bool):
    """A binary COPY into reports_indexcut (WIDE_COLUMNS) on the main connection: write rows of
    figures_copy to it. `queued`: its writer sends from a thread of its own (psycopg's queued
    writer)."""
    columns = ", ".join(WIDE_COLUMNS)
    sql = f"COPY reports_indexcut ({columns}) FROM STDIN (FORMAT binary)"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(sql, writer=QueuedLibpqWriter(raw) if queued else None) as copy:
            copy.write(COPY_HEADER)
            yield copy
            copy.write(COPY_TRAILER)


def _commit_unflushed() -> None:
    """Let this transaction's commit return before its WAL reaches the disk, when it writes
    results alone (it is the outermost: no answers of the caller's go with it). PostgreSQL:
    a crash may then lose the last such commits, "just the same as if those transactions had
    been aborted cleanly", never half of one; the results and their run go together, and the
    next refresh recomputes what was lost. The commit of an update's 2,200 cuts waited 4 to
    14 ms for the disk."""
    if len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _locked_run(campaign: Campaign) -> IndexRun:
    """The campaign's IndexRun, made if need be, locked until the transaction ends."""
    try:
        return IndexRun.objects.select_for_update().get(campaign=campaign)
    except IndexRun.DoesNotExist:
        IndexRun.objects.get_or_create(campaign=campaign)
        return IndexRun.objects.select_for_update().get(campaign=campaign)


# What an update changes on its run (its names of counts and codes of figures stay).
FINISHED = [
    "status", "data_version", "watermark", "engine_version", "finished_at", "seconds", "rows",
]  # fmt: skip


def _finish(
    run: IndexRun, version: str, max_id: int, started: float, rows: int, update: bool = False
) -> None:
    run.status = IndexRun.Status.DONE
    run.data_version, run.watermark, run.engine_version = version, max_id, ENGINE_VERSION
    run.finished_at = timezone.now()
    run.seconds = round(time.monotonic() - started, 3)
    run.rows = rows
    run.save(update_fields=FINISHED if update else None)


def _parse_version(version: str) -> tuple[int, int, int] | None:
    try:
        max_id, count, changes = (int(part) for part in version.split(".")[:3])
    except ValueError:
        return None
    return max_id, count, changes


def indices_update(*, campaign: Campaign) -> IndexRun:
    """Bring `campaign`'s results up to date, reading only the answers added since the last run
    when that is all that changed; anything else (a status change, an answer that committed
    behind the last run's watermark, a new engine) recomputes everything."""
    tallies_prepare(questionnaire=campaign.questionnaire)
    with transaction.atomic():
        _commit_unflushed()
        run = _locked_run(campaign)
        started = time.monotonic()
        version, max_id = campaign_data_version(campaign)
        if run.data_version == version and run.engine_version == ENGINE_VERSION:
            # Nothing changed since the results were written (another refresh got there first).
            if run.status != IndexRun.Status.DONE:
                run.status = IndexRun.Status.DONE
                run.save(update_fields=["status"])
            return run
        if run.tally_names and _only_added(campaign, run, version):
            # The answers added: what the counts in the two versions differ by.
            added = _parse_version(version)[1] - _parse_version(run.data_version)[1]
            span = (run.watermark, max_id, added)
            rows = _fold_in(campaign, span, version, run)
            if rows is not None:
                _finish(run, version, max_id, started, rows, update=True)
                log.info(
                    "indices of %s: %d figures updated in %.3f s", campaign.code, rows, run.seconds
                )
                return run
    return indices_compute(campaign=campaign)


def _only_added(campaign: Campaign, run: IndexRun, version: str) -> bool:
    """Whether the answers now are those of the last run plus new ones above its watermark."""
    # The stored results always match the run's data version: both are written in one
    # transaction, whatever the run's status says now.
    before, now = _parse_version(run.data_version), _parse_version(version)
    if (
        campaign.weighted  # weighted sums are not kept on the figures: recompute them
        or run.engine_version != ENGINE_VERSION
        or not run.codes  # results written before the figures' codes were kept on the run
        or not run.levels  # nor where the view finds their level counts (reports 0009)
        or before is None
        or now is None
        or before[2] != now[2]  # statuses changed (a rejection, a restore)
    ):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM surveys_response WHERE campaign_id = %s AND id > %s",
            [campaign.pk, run.watermark],
        )
        (added,) = cursor.fetchone()
    # An answer whose transaction committed after the last run, with an id below its watermark,
    # makes the counts disagree: the slow path counts it.
    return now[1] == before[1] + added


# Some cuts of a campaign deleted; how many, how many of them lack counts of the expected size,
# how many figures they had, and the position (from 1) and the counts of each, as two bytea
# (read as binary: bytes, not hex) laid out for numpy. The cuts' names come as one text, a cut
# and its key joined by KEY_SEP, cuts by CUT_SEP: psycopg writes a list as an array one element
# at a time, in Python (11 ms of an update for 2,200 cuts), and reads rows the same way.
TAKE_CUTS = """
WITH taken AS (
    DELETE FROM reports_indexcut c
    USING (SELECT split_part(k, E'\\x1f', 1) AS cut, split_part(k, E'\\x1f', 2) AS cut_key, i
           FROM string_to_table(%s, E'\\x1e') WITH ORDINALITY AS k (k, i)) AS k
    WHERE c.campaign_id = %s AND c.cut = k.cut AND c.cut_key = k.cut_key
    RETURNING k.i, c.counts, c.figures
)
SELECT count(*), count(*) FILTER (WHERE coalesce(length(counts), -1) <> %s),
       coalesce(sum(figures), 0), string_agg(int4send(i::int), '' ORDER BY i),
       string_agg(counts, '' ORDER BY i)
FROM taken
"""
KEY_SEP, CUT_SEP = "\x1f", "\x1e"


def _take_cuts(
    raw: psycopg.Connection, campaign_id: int, keys: list[tuple[str, str]], names: list[str]
) -> tuple[np.ndarray, np.ndarray, int]:
    """Delete those of the campaign's cuts `keys` that are stored, on `raw` (the main
    connection, which may be called from another thread: psycopg runs one operation at a time
    on it); the positions in `keys` of those found, the counts kept on them (a row each, in that
    order), and how many figures they had. Raises Unfoldable when one of them has no counts of
    `names` (results stored before counts were kept on each cut), or when the name of one holds
    a separator (codes and ids never do): the caller then rolls back."""
    width = len(names)
    text = CUT_SEP.join(f"{cut}{KEY_SEP}{key}" for cut, key in keys)
    if text.count(KEY_SEP) != len(keys) or text.count(CUT_SEP) != len(keys) - 1:
        raise Unfoldable
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(TAKE_CUTS, [text, campaign_id, 4 * width], binary=True)
        found, wrong, figures, at, counts = cursor.fetchone()
    if wrong:
        raise Unfoldable
    positions = np.frombuffer(at or b"", dtype=">i4").astype(int) - 1
    return positions, np.frombuffer(counts or b"", dtype="<i4").reshape(found, width), figures


class Unfoldable(Exception):
    """The counts kept on the cuts cannot take the new answers: the campaign is recomputed."""


def _fold_in(
    campaign: Campaign, span: tuple[int, int, int], version: str, run: IndexRun
) -> int | None:
    """Add the tallies of the answers after < id <= upto (`span`: after, upto, how many) to the
    counts kept on the cuts they reach (named as the last `run` names them), and rewrite those
    cuts; the number of figures of the campaign, or None, having written nothing, when the counts
    cannot be added up (the full recompute then counts everything).

    In two halves, overlapped: the database deletes the second half's old cuts (reading their
    counts back) while the figures of the first half are computed here, then stores the first
    half's rows while the second's are computed. Each step was a wait of 10 to 20 ms on the
    other side."""
    rows, names = run.rows, run.tally_names
    spec = questionnaire_spec(campaign.questionnaire)
    # Only the cuts the new answers reach are read, added to and written, in their order.
    cuts = _delta(spec, campaign, span, stratum_weights(campaign))
    if cuts.names != names:
        return None
    keys = list(zip(cuts.cut.tolist(), cuts.key.tolist(), strict=True))
    half = (len(keys) + 1) // 2  # the campaign's row makes at least two cuts: both halves have one
    raw = connection.connection
    gone = []
    try:
        with transaction.atomic(), ThreadPoolExecutor(1) as pool:  # a savepoint
            # The old cuts are deleted and their counts read in one statement per half.
            first = _take_cuts(raw, campaign.pk, keys[:half], names)
            later = pool.submit(_take_cuts, raw, campaign.pk, keys[half:], names)
            halves = [(0, lambda: first), (half, later.result)]
            pieces = _merged(cuts, halves, gone)
            # The same column-wise arithmetic as the full recompute, so both give the same
            # figures. The figures of cuts no new answer reaches stay as they are, stamped with
            # the data version they were computed from (still their data). The COPY waits for
            # the second half's deletion to end (a wait on the thread from within the COPY,
            # which holds the connection, would never end).
            figures, _layout = _write(
                campaign, spec, pieces, version, queued=True, ready=later.exception
            )  # the layout is the run's already
    except Unfoldable:
        return None  # the savepoint rolled back: nothing written
    return rows - sum(gone) + figures


def _merged(cuts: Cuts, halves, gone: list[int]):
    """_write's pieces for an update: each half of `cuts` (from its start, up to the next's)
    with the counts `taken()` found kept on its cuts (_take_cuts) added in; the figures of the
    old cuts go to `gone`. The cuts not found are those only the new answers make (a new
    agency, a new channel)."""
    bounds = [start for start, _taken in halves[1:]] + [len(cuts)]
    for (start, taken), stop in zip(halves, bounds, strict=True):
        if start >= stop:
            continue
        found, stored, figures = taken()
        gone.append(figures)
        part = cuts[start:stop]
        counts = part.counts.astype("int64", copy=True)
        counts[found] += stored
        if _kept_counts(counts) is None:
            raise Unfoldable
        yield Cuts(part.cut, part.key, part.names, counts), counts
