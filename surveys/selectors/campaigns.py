"""Campaign reads, always inside the caller's scope, and the access helper of the campaign views.

Who sees a campaign: everyone whose scope holds its organiser (the whole campaign), and everyone
whose scope holds one of its scope agencies (only that part of it: an official of Phú Vang follows
Phú Vang's progress, not Hương Trà's). A national campaign (no organiser) is seen whole only by
administrators. Managing it (editing, the scope, transitions) needs MANAGE_CAMPAIGNS on the
organiser; a national campaign is managed by administrators only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.http import Http404

from agencies.access import Access, Perm, get_access
from agencies.models import Agency, AgencyKind
from surveys.models import (
    Campaign,
    CampaignAgency,
    CampaignTransition,
    Channel,
    Questionnaire,
    Response,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

NATIONAL: Literal["national"] = "national"
# Perms that act on the campaign as a whole, hence on its organiser.
ORGANISER_PERMS = frozenset({Perm.MANAGE_CAMPAIGNS, Perm.ADMINISTER})


# --- Visibility and rights ------------------------------------------------------------------------


def campaign_visible_q(access: Access) -> Q:
    """Campaigns whose organiser, or one of whose scope agencies, is in the user's scope."""
    if access.is_admin:
        return Q()
    covered = CampaignAgency.objects.filter(campaign=OuterRef("pk")).filter(
        access.agency_q("agency")
    )
    return access.agency_q("organiser") | Q(Exists(covered))


def campaign_can(*, access: Access, perm: Perm, campaign: Campaign) -> bool:
    """Whether the user holds `perm` on this (visible) campaign."""
    if perm == Perm.VIEW:
        return True
    if campaign.organiser_id is None:
        if perm in ORGANISER_PERMS:
            return access.is_admin
    elif access.can(perm, campaign.organiser):
        return True
    if perm in ORGANISER_PERMS:
        return False
    # Entering or reviewing answers is done for the scope agencies the user's role covers.
    scope = Agency.objects.filter(campaign_scopes__campaign=campaign).filter(
        access.agency_q("", perm)
    )
    return scope.exists()


def campaign_sees_whole_scope(*, access: Access, campaign: Campaign) -> bool:
    if access.is_admin:
        return True
    return campaign.organiser_id is not None and access.can(Perm.VIEW, campaign.organiser)


def get_campaign_for_user(
    request: HttpRequest, pk_or_code: int | str, perm: Perm = Perm.VIEW
) -> Campaign:
    """One campaign inside the user's scope: 404 outside it, 403 when the role is too low."""
    access = get_access(request)
    lookup = {"pk": pk_or_code} if isinstance(pk_or_code, int) else {"code": pk_or_code}
    campaign = (
        Campaign.objects.filter(campaign_visible_q(access), **lookup)
        .select_related("organiser", "organiser__unit", "questionnaire", "created_by")
        .first()
    )
    if campaign is None:
        raise Http404
    if not campaign_can(access=access, perm=perm, campaign=campaign):
        raise PermissionDenied
    return campaign


# --- Lists ----------------------------------------------------------------------------------------


def campaign_list(
    *,
    access: Access,
    year: int | None = None,
    status: str = "",
    organiser: Agency | Literal["national"] | None = None,
    search: str = "",
) -> QuerySet[Campaign]:
    qs = Campaign.objects.filter(campaign_visible_q(access)).select_related(
        "organiser", "questionnaire"
    )
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if organiser == NATIONAL:
        qs = qs.filter(organiser__isnull=True)
    elif organiser is not None:
        qs = qs.filter(organiser=organiser)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs.order_by("-year", "-opens_on", "name")


def campaign_years(*, access: Access) -> list[int]:
    visible = Campaign.objects.filter(campaign_visible_q(access))
    return list(visible.order_by("-year").values_list("year", flat=True).distinct())


def campaign_organisers(*, access: Access) -> tuple[QuerySet[Agency], bool]:
    """The organisers of the campaigns the user sees, and whether any of those is national."""
    visible = Campaign.objects.filter(campaign_visible_q(access))
    organisers = Agency.objects.filter(
        pk__in=visible.filter(organiser__isnull=False).values("organiser")
    ).order_by("name")
    return organisers, visible.filter(organiser__isnull=True).exists()


def organiser_choices(*, access: Access, include: int | None = None) -> QuerySet[Agency]:
    """Home Affairs departments where the user may manage campaigns.

    `include` keeps one more in the list: the organiser a campaign already has.
    """
    runnable = Q(kind=AgencyKind.HOME_AFFAIRS, is_active=True)
    if include is not None:
        runnable |= Q(pk=include)
    return (
        access.agencies(Perm.MANAGE_CAMPAIGNS)
        .filter(runnable)
        .select_related("unit")
        .order_by("name")
    )


def questionnaire_choices(*, access: Access, include: int | None = None) -> QuerySet[Questionnaire]:
    """Published questionnaires the user may run: national templates and those owned in scope.

    `include` keeps one more in the list: the questionnaire a campaign already uses.
    """
    runnable = Q(status=Questionnaire.Status.PUBLISHED)
    if not access.is_admin:
        # Only for non-admins: an administrator's agency_q is an empty Q, which an OR would drop.
        runnable &= Q(is_national=True) | access.agency_q("owner")
    if include is not None:
        runnable |= Q(pk=include)
    return (
        Questionnaire.objects.filter(runnable)
        .select_related("owner")
        .order_by("-is_national", "family", "-version")
    )


def campaign_history(*, campaign: Campaign) -> QuerySet[CampaignTransition]:
    return campaign.transitions.select_related("by").order_by("at", "pk")


# --- Scope ----------------------------------------------------------------------------------------


def scope_candidates(*, campaign: Campaign, within: Agency | None = None) -> QuerySet[Agency]:
    """Agencies the scope may hold: the organiser's province, the campaign's unit era.

    Oversight bodies are left out (they watch the survey, citizens do not use their services);
    agencies already in the scope stay listed even if they have since stopped operating.
    """
    in_scope = Q(campaign_scopes__campaign=campaign)
    qs = Agency.objects.filter(unit__era=campaign.era).filter(
        (Q(is_active=True) & ~Q(kind=AgencyKind.OVERSIGHT)) | in_scope
    )
    if campaign.organiser_id is not None:
        qs = qs.filter(province_id=campaign.organiser.province_id)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return qs.select_related("unit").distinct().order_by("path")


def campaign_scope_targets(*, campaign: Campaign) -> dict[int, int | None]:
    """agency id → explicit target (None: the campaign's default target)."""
    return dict(campaign.scope.values_list("agency_id", "target"))


# --- Progress -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeProgress:
    agency: Agency
    depth: int
    target: int
    answers: int
    by_channel: dict[str, int]

    @property
    def percent(self) -> int:
        return _percent(self.answers, self.target)

    @property
    def reached(self) -> bool:
        return self.answers >= self.target


@dataclass(frozen=True)
class CampaignProgress:
    rows: list[ScopeProgress]
    target: int
    answers: int
    # (channel value, label, count), the campaign's channels first, then any other one used.
    by_channel: list[tuple[str, str, int]] = field(default_factory=list)
    # True when the user sees only the part of the scope inside their own scope.
    partial: bool = False

    @property
    def percent(self) -> int:
        return _percent(self.answers, self.target)


def _percent(answers: int, target: int) -> int:
    if target <= 0:
        return 100 if answers else 0
    return min(100, answers * 100 // target)


def campaign_progress(*, campaign: Campaign, access: Access) -> CampaignProgress:
    """Valid answers against targets, per scope agency the user may see: one aggregate query."""
    valid = FilteredRelation(
        "agency__responses",
        condition=Q(
            agency__responses__campaign=campaign,
            agency__responses__status=Response.Status.VALID,
        ),
    )
    per_channel = {
        f"n_{value}": Count("valid", filter=Q(valid__channel=value)) for value in Channel.values
    }
    rows = (
        CampaignAgency.objects.filter(campaign=campaign)
        .annotate(valid=valid)
        .annotate(answers=Count("valid"), **per_channel)
        .select_related("agency", "agency__unit")
        .order_by("agency__path")
    )
    whole = campaign_sees_whole_scope(access=access, campaign=campaign)
    if not whole:
        rows = rows.filter(access.agency_q("agency"))
    rows = list(rows)
    top = min((row.agency.depth for row in rows), default=0)
    progress = [
        ScopeProgress(
            agency=row.agency,
            depth=row.agency.depth - top,
            target=row.target if row.target is not None else campaign.default_target,
            answers=row.answers,
            by_channel={value: getattr(row, f"n_{value}") for value in Channel.values},
        )
        for row in rows
    ]
    totals = {value: sum(p.by_channel[value] for p in progress) for value in Channel.values}
    shown = [*campaign.channels, *(v for v in Channel.values if v not in campaign.channels)]
    return CampaignProgress(
        rows=progress,
        target=sum(p.target for p in progress),
        answers=sum(p.answers for p in progress),
        by_channel=[
            (value, Channel(value).label, totals[value])
            for value in shown
            if value in campaign.channels or totals[value]
        ],
        partial=not whole,
    )
