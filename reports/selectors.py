"""Reads of the reports app."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Rank

from agencies.access import PROVINCE_WIDE, Perm
from agencies.models import AdminUnit, Agency, AgencyKind, Era, UnitSuccession
from reports.models import IndexResult, IndexRun, WorkerHeartbeat
from surveys.models import (
    Campaign,
    Element,
    Item,
    Questionnaire,
    Response,
    ResponseText,
    Scale,
)

if TYPE_CHECKING:
    from agencies.access import Access


def worker_last_seen() -> datetime | None:
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def campaign_indices_ready(campaign: Campaign) -> bool:
    """Whether the campaign's indices are computed over its current answers (needed to publish)."""
    from reports.indices import campaign_data_version

    run = IndexRun.objects.filter(campaign=campaign, status=IndexRun.Status.DONE).first()
    return run is not None and run.data_version == campaign_data_version(campaign)[0]


# --- Results: what a reader may see ---------------------------------------------------------------
#
# Every read below takes a `scope` (a ResultScope, built from the user's access by `result_scope`)
# and never returns a figure outside it. `scope=None` means no restriction: only the public page of
# a published campaign and internal callers (the demo, tests) pass it.

UNIT_CUTS = ("province", "district", "commune")
RANKED_CUTS = ("province", "district", "commune", "agency")
ORDINAL_SCALES = ("sat5", "interest4", "suit4", "desire4")


@dataclass(frozen=True)
class ResultScope:
    """Which figures of one campaign a reader may see.

    `whole`: every cut (the reader's scope holds the organiser, or they administer the system).
    Otherwise only the agency cuts of `agency_ids` and the unit cuts of `unit_ids`: the campaign,
    agency-kind, channel, procedure and profile cuts aggregate agencies outside the reader's scope,
    so a figure of theirs next to the campaign's would let them work out their neighbours'.
    """

    whole: bool
    agency_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()

    def keys(self, cut: str) -> frozenset[str] | None:
        """The cut keys the reader may see; None when every key is allowed."""
        if self.whole:
            return None
        if cut == "agency":
            return frozenset(str(pk) for pk in self.agency_ids)
        if cut in UNIT_CUTS:
            return frozenset(str(pk) for pk in self.unit_ids)
        return frozenset()

    def allows(self, cut: str, key: str) -> bool:
        keys = self.keys(cut)
        return keys is None or key in keys


EVERYTHING = ResultScope(whole=True)


def result_scope(*, campaign: Campaign, access: Access) -> ResultScope:
    """What `access` may see of `campaign`'s results, following the campaign's visibility rule.

    Whoever sees the whole campaign (its organiser is in their scope) sees every figure. Anyone
    else sees their own agencies and those agencies' units; a province-wide role (manager,
    supervisor) also every unit of its province, e.g. in a national campaign.
    """
    from surveys.selectors.campaigns import campaign_sees_whole_scope

    if campaign_sees_whole_scope(access=access, campaign=campaign):
        return EVERYTHING
    pairs = list(access.agencies().values_list("pk", "unit_id"))
    units = {unit_id for _, unit_id in pairs}
    provinces = {
        g.province_id
        for g in access.grants
        if g.role in PROVINCE_WIDE and Perm.VIEW in g.perms and g.province_id
    }
    if provinces:
        units |= set(
            AdminUnit.objects.filter(
                Q(pk__in=provinces) | Q(province_id__in=provinces)
            ).values_list("pk", flat=True)
        )
    return ResultScope(
        whole=False, agency_ids=frozenset(pk for pk, _ in pairs), unit_ids=frozenset(units)
    )


def _allowed(scope: ResultScope | None, cut: str, key: str) -> bool:
    return scope is None or scope.allows(cut, key)


def _scope_q(scope: ResultScope | None, cuts: Iterable[str]) -> Q:
    """IndexResult rows of `cuts` inside the scope."""
    q = Q(pk__in=[])
    for cut in cuts:
        keys = None if scope is None else scope.keys(cut)
        if keys is None:
            q |= Q(cut=cut)
        elif keys:
            q |= Q(cut=cut, cut_key__in=keys)
    return q


# --- Figures --------------------------------------------------------------------------------------


def index_run(campaign: Campaign) -> IndexRun | None:
    return IndexRun.objects.filter(campaign=campaign).first()


def indices_current(campaign: Campaign, run: IndexRun | None) -> bool:
    """Whether the stored results still stand for the campaign's answers, as the pages show it.

    Two index lookups, whatever the number of answers: no answer above the run's watermark and
    no status change since (and, when weighted, the same weights). An answer committed behind the
    watermark goes unseen here; the debounced refresh and `campaign_indices_ready`, which
    publishing uses, count every answer.
    """
    if run is None or run.status != IndexRun.Status.DONE:
        return False
    parts = run.data_version.split(".")
    if len(parts) != 3 + bool(campaign.weighted):
        return False
    if campaign.weighted:
        from reports.indices import weights_stamp

        # A weighted campaign also changes with its weights (one query over its scope).
        if weights_stamp(campaign) != parts[3]:
            return False
    if Response.objects.filter(campaign=campaign, pk__gt=run.watermark).exists():
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(max(c.id), 0) FROM surveys_responsestatuschange c "
            "JOIN surveys_response r ON r.id = c.response_id WHERE r.campaign_id = %s",
            [campaign.pk],
        )
        (changes,) = cursor.fetchone()
    return str(changes) == parts[2]


def results_progress(*, campaign: Campaign, access: Access):
    """Valid answers against targets for the results pages, from the stored results (each
    agency's overall n), so that the page costs the same at any number of answers. The
    campaign page counts live answers (`surveys.selectors.campaigns.campaign_progress`)."""
    from surveys.models import CampaignAgency
    from surveys.selectors.campaigns import CampaignProgress, campaign_sees_whole_scope

    whole = campaign_sees_whole_scope(access=access, campaign=campaign)
    links = CampaignAgency.objects.filter(campaign=campaign)
    if not whole:
        links = links.filter(access.agency_q("agency"))
    targets = dict(links.values_list("agency_id", "target"))
    answers = IndexResult.objects.filter(
        campaign=campaign,
        cut="agency",
        code="OVERALL",
        cut_key__in=[str(pk) for pk in targets],
    ).values_list("n", flat=True)
    return CampaignProgress(
        rows=[],
        target=sum(campaign.default_target if t is None else t for t in targets.values()),
        answers=sum(answers),
        partial=not whole,
    )


def campaign_figures(
    campaign: Campaign, cut: str = "campaign", key: str = "", *, scope: ResultScope | None = None
) -> dict[str, IndexResult]:
    """Every stored figure of one cut, by code ("1.1", "E:1", "A:I", "OVERALL"...)."""
    if not _allowed(scope, cut, key):
        return {}
    rows = IndexResult.objects.filter(campaign=campaign, cut=cut, cut_key=key)
    return {row.code: row for row in rows}


@dataclass(frozen=True)
class OutlineItem:
    code: str
    text: str
    role: str


@dataclass(frozen=True)
class OutlineElement:
    code: str
    name: str
    aspect_code: str | None
    aspect_name: str | None
    items: tuple[OutlineItem, ...]

    @property
    def figure_code(self) -> str:
        return f"E:{self.code}"


def questionnaire_outline(questionnaire: Questionnaire) -> list[OutlineElement]:
    """The index elements of a questionnaire with their criteria, in form order (two queries)."""
    elements = list(
        questionnaire.elements.filter(kind=Element.Kind.INDEX)
        .select_related("aspect")
        .order_by("aspect__order", "order", "id")
    )
    items: dict[int, list[OutlineItem]] = defaultdict(list)
    criteria = questionnaire.items.filter(
        role=Item.Role.CRITERION, element__kind=Element.Kind.INDEX
    ).exclude(position=None)
    for item in criteria.order_by("order", "id"):
        items[item.element_id].append(OutlineItem(item.code, item.text, item.role))
    return [
        OutlineElement(
            code=e.code,
            name=e.name,
            aspect_code=e.aspect.code if e.aspect_id else None,
            aspect_name=e.aspect.name if e.aspect_id else None,
            items=tuple(items[e.pk]),
        )
        for e in elements
    ]


def questionnaire_aspects(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(code, name) of the aspects that hold index elements."""
    return list(
        questionnaire.aspects.filter(elements__kind=Element.Kind.INDEX)
        .distinct()
        .order_by("order", "id")
        .values_list("code", "name")
    )


# --- Rankings -------------------------------------------------------------------------------------


@dataclass
class RankRow:
    """One agency or unit in a ranking; `rank` is None for a low-n or no-data row."""

    key: str
    object_id: int
    name: str
    parent_name: str
    group: str
    value: float | None
    n: int
    low: float | None
    high: float | None
    low_n: bool
    rank: int | None
    peers: int
    change: Change | None = None
    url: str = ""

    @property
    def no_data(self) -> bool:
        return self.value is None

    @property
    def group_label(self) -> str:
        return str(AgencyKind(self.group).label) if self.group in AgencyKind.values else ""


def ranking(
    campaign: Campaign,
    cut: str,
    code: str = "OVERALL",
    include_low_n: bool = False,
    *,
    scope: ResultScope | None = None,
    group: str | None = None,
) -> list[RankRow]:
    """Agencies or units of one tier ranked on `code`, best first, in one query.

    The database ranks with RANK() over the value, descending: ties share a place and the next
    place is skipped (1, 2, 2, 4). Only figures with data and enough answers are ranked; low-n
    rows are left out unless asked for, and then come after the ranked ones with no place, as do
    rows without data. Agencies are ranked among agencies of the same kind (departments with
    departments, communes with communes); units among units of the same tier.

    Places are taken among all the campaign's peers, then the rows outside `scope` are dropped:
    an official sees their own agency's place, not their neighbours' figures.
    """
    if cut not in RANKED_CUTS:
        raise ValueError(f"not a ranked cut: {cut}")
    keys = None if scope is None else scope.keys(cut)
    if keys is not None and not keys:
        return []
    qs = IndexResult.objects.filter(campaign=campaign, cut=cut, code=code)
    if not include_low_n:
        qs = qs.filter(low_n=False)
    qs = qs.annotate(key_id=Cast("cut_key", BigIntegerField()))
    if cut == "agency":
        agency = Agency.objects.filter(pk=OuterRef("key_id")).order_by()
        qs = qs.annotate(
            name=Subquery(agency.values("name")[:1]),
            parent_name=Subquery(agency.values("unit__name")[:1]),
            group=Subquery(agency.values("kind")[:1]),
        )
        if group:
            qs = qs.filter(group=group)
    else:
        unit = AdminUnit.objects.filter(pk=OuterRef("key_id")).order_by()
        qs = qs.annotate(
            name=Subquery(unit.values("name")[:1]),
            parent_name=Subquery(unit.values("parent__name")[:1]),
            group=Value(""),
        )
    eligible = ExpressionWrapper(Q(low_n=False, value__isnull=False), output_field=BooleanField())
    peers = [F("group"), F("eligible")]
    qs = qs.annotate(
        eligible=eligible,
        place=Window(Rank(), partition_by=peers, order_by=F("value").desc()),
        peers=Window(Count("*"), partition_by=peers),
    ).annotate(rank=Case(When(eligible=True, then=F("place")), default=None))
    if keys is not None:
        # A condition on a window expression is applied by Django in an outer query, after the
        # ranking: the rows outside the scope still count as peers, they are just not returned.
        qs = qs.annotate(
            visible=Case(When(cut_key__in=sorted(keys), then=F("place")), default=None)
        ).filter(visible__isnull=False)
    qs = qs.order_by(
        "group", F("rank").asc(nulls_last=True), F("value").desc(nulls_last=True), "name"
    )
    return [
        RankRow(
            key=row.cut_key,
            object_id=row.key_id,
            name=row.name or row.cut_key,
            parent_name=row.parent_name or "",
            group=row.group or "",
            value=row.value,
            n=row.n,
            low=row.low,
            high=row.high,
            low_n=row.low_n,
            rank=row.rank,
            peers=row.peers if row.rank is not None else 0,
        )
        for row in qs
    ]


# --- Year on year ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A figure against the previous campaign's; approximate when carried across a unit split."""

    previous: float
    current: float | None
    previous_n: int
    approximate: bool = False

    @property
    def delta(self) -> float | None:
        return None if self.current is None else round(self.current - self.previous, 4)


@dataclass
class YearOnYear:
    previous: Campaign | None
    changes: dict[tuple[str, str, str], Change] = field(default_factory=dict)

    def get(self, cut: str, key: str, code: str = "OVERALL") -> Change | None:
        return self.changes.get((cut, key, code))


def _lineage_q(questionnaire: Questionnaire) -> Q:
    """Campaigns whose questionnaire belongs to the same line as `questionnaire`.

    A line is a questionnaire family (its versions) together with the family it was cloned from
    (`based_on`), one level either way: a province's clone of the national SIPAS template compares
    with an earlier round run on the national template itself, and the other way round. Two
    unrelated families (SIPAS 2017 and SIPAS 2023, a method break) never compare.
    """
    families = {questionnaire.family}
    if questionnaire.based_on_id is not None:
        families.add(questionnaire.based_on.family)
    return Q(questionnaire__family__in=families) | Q(questionnaire__based_on__family__in=families)


def _organiser_q(campaign: Campaign) -> Q:
    """Campaigns run for the same population: national with national, else the same province
    (before or after the 2025 reform, through the old-to-new province relation)."""
    if campaign.organiser_id is None:
        return Q(organiser__isnull=True)
    province = campaign.organiser.province_id
    linked = UnitSuccession.objects.filter(Q(old_id=province) | Q(new_id=province))
    provinces = {province}
    for old_id, new_id in linked.values_list("old_id", "new_id"):
        provinces |= {old_id, new_id}
    return Q(organiser__province_id__in=provinces)


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The latest earlier-year campaign of the same questionnaire line and population with results.

    Among campaigns of the same year, one of the same organiser is preferred.
    """
    has_results = IndexResult.objects.filter(campaign=OuterRef("pk"), cut="campaign")
    same_organiser = Case(When(organiser_id=campaign.organiser_id, then=0), default=1)
    return (
        Campaign.objects.filter(_lineage_q(campaign.questionnaire), _organiser_q(campaign))
        .filter(year__lt=campaign.year)
        .filter(Exists(has_results))
        .select_related("questionnaire")
        .order_by("-year", same_organiser, "-closes_on", "-pk")
        .first()
    )


def year_on_year(
    campaign: Campaign,
    *,
    codes: Iterable[str] = ("OVERALL",),
    scope: ResultScope | None = None,
) -> YearOnYear:
    """Each figure of `codes` in the campaign, province, unit and agency cuts against last time.

    Agencies compare by id. Units of the same era compare by id; across the 2025 reform (a 2-tier
    campaign after a 3-tier one) a new unit's previous value is the mean of its predecessors'
    previous values weighted by their n, flagged approximate when there are several predecessors
    or one of them was split (`UnitSuccession.is_partial`).
    """
    previous = previous_campaign(campaign)
    result = YearOnYear(previous)
    if previous is None:
        return result
    codes = list(codes)
    cuts = ("campaign", *RANKED_CUTS)
    current = list(
        IndexResult.objects.filter(campaign=campaign, code__in=codes)
        .filter(_scope_q(scope, cuts))
        .values_list("cut", "cut_key", "code", "value")
    )
    if not current:
        return result
    across = previous.era != campaign.era
    # (cut, current key) → [(previous key, is_partial)]
    sources: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    wanted_units = {int(key) for cut, key, _c, _v in current if cut in UNIT_CUTS}
    reform = previous.era == Era.THREE_TIER and campaign.era == Era.TWO_TIER
    if reform and wanted_units:
        links = UnitSuccession.objects.filter(new_id__in=wanted_units).values_list(
            "new_id", "old_id", "is_partial"
        )
        by_new: dict[int, list[tuple[str, bool]]] = defaultdict(list)
        for new_id, old_id, partial in links:
            by_new[new_id].append((str(old_id), partial))
        for cut, key, _c, _v in current:
            if cut in UNIT_CUTS:
                sources[(cut, key)] = by_new.get(int(key), [])
    for cut, key, _c, _v in current:
        if (cut, key) not in sources:
            same_units = cut in UNIT_CUTS and not across
            sources[(cut, key)] = (
                [(key, False)] if cut in ("campaign", "agency") or same_units else []
            )
    wanted = {(cut, k) for (cut, _key), found in sources.items() for k, _p in found}
    q = Q(pk__in=[])
    for cut in cuts:
        keys = {k for c, k in wanted if c == cut}
        if keys:
            q |= Q(cut=cut, cut_key__in=keys)
    before = {
        (cut, key, code): (value, n)
        for cut, key, code, value, n in IndexResult.objects.filter(
            q, campaign=previous, code__in=codes
        ).values_list("cut", "cut_key", "code", "value", "n")
    }
    for cut, key, code, value in current:
        found = sources.get((cut, key), [])
        parts = [
            (before[(cut, k, code)], partial)
            for k, partial in found
            if (cut, k, code) in before and before[(cut, k, code)][0] is not None
        ]
        if not parts:
            continue
        total_n = sum(n for (_v, n), _p in parts)
        if total_n > 0:
            prev_value = sum(v * n for (v, n), _p in parts) / total_n
        else:
            prev_value = sum(v for (v, _n), _p in parts) / len(parts)
        approximate = len(found) > 1 or any(p for _k, p in found)
        result.changes[(cut, key, code)] = Change(
            previous=round(prev_value, 4),
            current=value,
            previous_n=total_n,
            approximate=approximate,
        )
    return result


def attach_changes(
    rows: list[RankRow], changes: YearOnYear, cut: str, code: str = "OVERALL"
) -> list[RankRow]:
    """Set each row's change since the previous campaign (None when there is nothing to compare)."""
    for row in rows:
        row.change = changes.get(cut, row.key, code)
    return rows


# --- What to fix first ----------------------------------------------------------------------------


def _criterion_texts(questionnaire: Questionnaire) -> dict[str, tuple[str, str, int]]:
    """code → (text, element name, form order) of the criterion items."""
    rows = (
        questionnaire.items.filter(role=Item.Role.CRITERION)
        .exclude(position=None)
        .order_by("element__order", "order", "id")
        .values_list("code", "text", "element__name")
    )
    return {code: (text, element, i) for i, (code, text, element) in enumerate(rows)}


def weakest_criteria(
    campaign: Campaign, agency: Agency, k: int = 3, *, scope: ResultScope | None = None
) -> list[IndexResult]:
    """The agency's k criteria with the lowest index (those with data), lowest first.

    Each row carries `text` and `element_name` of its item.
    """
    if not _allowed(scope, "agency", str(agency.pk)):
        return []
    texts = _criterion_texts(campaign.questionnaire)
    rows = list(
        IndexResult.objects.filter(
            campaign=campaign,
            cut="agency",
            cut_key=str(agency.pk),
            code__in=list(texts),
            value__isnull=False,
        )
    )
    rows.sort(key=lambda r: (r.value, texts[r.code][2]))
    for row in rows:
        row.text, row.element_name, _ = texts[row.code]
    return rows[:k]


@dataclass
class Driver:
    """A criterion with how closely its answers go with overall satisfaction (Pearson's r)."""

    code: str
    text: str
    element_name: str
    correlation: float | None
    pairs: int
    value: float | None
    n: int
    low_n: bool
    quadrant: str = ""

    @property
    def priority(self) -> float | None:
        """High when the criterion matters (r) and few are satisfied with it: fix it first."""
        if self.correlation is None or self.value is None or self.correlation <= 0:
            return None
        return self.correlation * (100 - self.value)


class Quadrant:
    FIX = "fix"  # matters a lot, low satisfaction
    KEEP = "keep"  # matters a lot, high satisfaction
    WATCH = "watch"  # matters less, low satisfaction
    FINE = "fine"  # matters less, high satisfaction


def overall_item(questionnaire: Questionnaire) -> Item | None:
    """The overall satisfaction question: the OVERALL item outside any aspect, else the first."""
    overall = list(
        questionnaire.items.filter(role=Item.Role.OVERALL)
        .exclude(position=None)
        .select_related("element")
        .order_by("element__order", "order", "id")
    )
    return next((i for i in overall if i.element.aspect_id is None), None) or next(
        iter(overall), None
    )


def drivers(
    campaign: Campaign, agency: Agency | None = None, *, scope: ResultScope | None = None
) -> list[Driver]:
    """Per criterion: Pearson's r between its score and the overall satisfaction score.

    One scan of the cut's valid responses, one corr() and one regr_count() per criterion. Items
    with no variation, or fewer than two answered pairs, have no r (None). Empty when the
    questionnaire has no overall satisfaction question.
    """
    cut, key = ("agency", str(agency.pk)) if agency is not None else ("campaign", "")
    if not _allowed(scope, cut, key):
        return []
    # The correlations read the answers: kept while the results stand for the same data.
    run = index_run(campaign)
    if not indices_current(campaign, run):
        return _drivers(campaign, agency, cut, key)
    cache_key = f"drivers:{campaign.pk}:{key}:{run.engine_version}:{run.data_version}"
    found = cache.get(cache_key)
    if found is None:
        found = _drivers(campaign, agency, cut, key)
        cache.set(cache_key, found, timeout=24 * 3600)
    return found


def _drivers(campaign: Campaign, agency: Agency | None, cut: str, key: str) -> list[Driver]:
    questionnaire = campaign.questionnaire
    overall = overall_item(questionnaire)
    items = list(
        questionnaire.items.filter(
            role=Item.Role.CRITERION, scale__in=ORDINAL_SCALES, position__isnull=False
        )
        .select_related("element")
        .order_by("element__order", "order", "id")
    )
    if overall is None or not items:
        return []
    o = f"scores[{int(overall.position)}]::float8"
    columns = []
    for item in items:
        a = f"scores[{int(item.position)}]::float8"
        columns += [f"corr({a}, {o})", f"regr_count({a}, {o})"]
    # Built from integer positions only; the campaign and agency are parameters.
    sql = f"SELECT {', '.join(columns)} FROM surveys_response "  # noqa: S608
    sql += "WHERE campaign_id = %s AND status = 'valid'"
    params: list[int] = [campaign.pk]
    if agency is not None:
        sql += " AND agency_id = %s"
        params.append(agency.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    figures = campaign_figures(campaign, cut, key)
    out = []
    for i, item in enumerate(items):
        r, pairs = row[2 * i], row[2 * i + 1]
        fig = figures.get(item.code)
        out.append(
            Driver(
                code=item.code,
                text=item.text,
                element_name=item.element.name,
                correlation=None if r is None else round(float(r), 4),
                pairs=int(pairs or 0),
                value=fig.value if fig else None,
                n=fig.n if fig else 0,
                low_n=fig.low_n if fig else True,
            )
        )
    _set_quadrants(out)
    return out


def _set_quadrants(rows: list[Driver]) -> None:
    """Importance (r) against satisfaction, each split at its mean over the criteria.

    The classic importance-performance grid; the crosshair is the mean, as in Martilla and James.
    """
    known = [d for d in rows if d.correlation is not None and d.value is not None]
    if not known:
        return
    r_mean = sum(d.correlation for d in known) / len(known)  # type: ignore[misc]
    v_mean = sum(d.value for d in known) / len(known)  # type: ignore[misc]
    for d in known:
        important = d.correlation >= r_mean  # type: ignore[operator]
        satisfied = d.value >= v_mean  # type: ignore[operator]
        if important:
            d.quadrant = Quadrant.KEEP if satisfied else Quadrant.FIX
        else:
            d.quadrant = Quadrant.FINE if satisfied else Quadrant.WATCH


def fix_first(rows: list[Driver], k: int = 3) -> list[Driver]:
    """The k criteria to improve first: highest r × (100 − index), positive r only."""
    ranked = [d for d in rows if d.priority is not None]
    ranked.sort(key=lambda d: (-d.priority, d.value))  # type: ignore[operator]
    return ranked[:k]


@dataclass(frozen=True)
class Expectation:
    code: str
    label: str
    value: float | None
    n: int


def expectations(
    campaign: Campaign, agency: Agency | None = None, *, scope: ResultScope | None = None
) -> list[Expectation]:
    """What respondents want improved, most wanted first.

    4-level desire items: the share wanting it (levels 3 and 4); a multiple-choice expectation
    question: the share of respondents who chose each option.
    """
    cut, key = ("agency", str(agency.pk)) if agency is not None else ("campaign", "")
    if not _allowed(scope, cut, key):
        return []
    items = list(
        campaign.questionnaire.items.filter(role=Item.Role.EXPECTATION).exclude(position=None)
    )
    if not items:
        return []
    figures = campaign_figures(campaign, cut, key)
    out: list[Expectation] = []
    for item in items:
        fig = figures.get(item.code)
        if fig is None:
            continue
        if item.scale == Scale.MULTI:
            shares = (fig.extra or {}).get("shares") or {}
            for value, label, _en in item.levels():
                out.append(
                    Expectation(f"{item.code}:{value}", label, shares.get(str(value)), fig.n)
                )
        else:
            out.append(Expectation(item.code, item.text, fig.value, fig.n))
    out.sort(key=lambda e: (e.value is None, -(e.value or 0)))
    return out


# --- Agency page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    submitted_at: datetime
    text: str


def recent_comments(
    campaign: Campaign, agency: Agency, limit: int = 10, *, scope: ResultScope | None = None
) -> list[Comment]:
    """The latest free-text comments on valid answers about the agency (never on public pages)."""
    if not _allowed(scope, "agency", str(agency.pk)):
        return []
    rows = (
        ResponseText.objects.filter(
            response__campaign=campaign,
            response__agency=agency,
            response__status=Response.Status.VALID,
            item__role=Item.Role.COMMENT,
        )
        .exclude(text="")
        .order_by("-response__submitted_at", "-pk")
        .values_list("response__submitted_at", "text")[:limit]
    )
    return [Comment(at, text) for at, text in rows]


@dataclass(frozen=True)
class TrendPoint:
    campaign_id: int
    name: str
    year: int
    value: float | None
    n: int
    low_n: bool


def agency_trend(
    campaign: Campaign, agency: Agency, *, scope: ResultScope | None = None
) -> list[TrendPoint]:
    """The agency's overall index in each campaign of the same line up to this one, oldest first."""
    if not _allowed(scope, "agency", str(agency.pk)):
        return []
    campaigns = Campaign.objects.filter(
        _lineage_q(campaign.questionnaire), _organiser_q(campaign), year__lte=campaign.year
    ).filter(Q(year__lt=campaign.year) | Q(pk=campaign.pk))
    rows = (
        IndexResult.objects.filter(
            campaign__in=campaigns, cut="agency", cut_key=str(agency.pk), code="OVERALL"
        )
        .select_related("campaign")
        .order_by("campaign__year", "campaign__opens_on", "campaign_id")
    )
    return [
        TrendPoint(r.campaign_id, r.campaign.name, r.campaign.year, r.value, r.n, r.low_n)
        for r in rows
    ]


def campaign_has_agency(campaign: Campaign, agency: Agency) -> bool:
    """Whether the agency is in the campaign's scope or has results in it."""
    return (
        campaign.scope.filter(agency=agency).exists()
        or IndexResult.objects.filter(
            campaign=campaign, cut="agency", cut_key=str(agency.pk)
        ).exists()
    )
