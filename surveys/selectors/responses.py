"""Reads that storing answers needs: the questionnaire's items, the campaign's scope agencies
with the unit columns each response copies, and respondent codes already stored.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from agencies.models import Tier
from surveys.models import Campaign, CampaignAgency, Item, Response

# Rows per `respondent_code__in` query: PostgreSQL takes more, but the plan stays simple.
CODES_PER_QUERY = 5000


@dataclass(frozen=True, slots=True)
class AgencyDims:
    """A scope agency and the dimension columns a response of it carries."""

    id: int
    code: str
    name: str
    is_active: bool
    kind: str
    unit_id: int
    unit_name: str
    province_id: int
    district_id: int | None
    commune_id: int | None


def _dims(row: tuple) -> AgencyDims:
    pk, code, name, active, kind, unit_id, unit_name, tier, province_id, district_id = row
    # The unit and its ancestors at each tier: a province-tier unit is its own province.
    if tier == Tier.PROVINCE:
        province, district, commune = unit_id, None, None
    elif tier == Tier.DISTRICT:
        province, district, commune = province_id, unit_id, None
    else:
        province, district, commune = province_id, district_id, unit_id
    return AgencyDims(
        id=pk,
        code=code,
        name=name,
        is_active=active,
        kind=kind,
        unit_id=unit_id,
        unit_name=unit_name,
        province_id=province,
        district_id=district,
        commune_id=commune,
    )


_DIM_FIELDS = (
    "agency_id",
    "agency__code",
    "agency__name",
    "agency__is_active",
    "agency__kind",
    "agency__unit_id",
    "agency__unit__name",
    "agency__unit__tier",
    "agency__unit__province_id",
    "agency__unit__district_id",
)


def campaign_scope_dims(*, campaign: Campaign) -> list[AgencyDims]:
    """Every agency in the campaign's scope, in tree order, with its dimension columns."""
    rows = (
        CampaignAgency.objects.filter(campaign=campaign)
        .order_by("agency__path")
        .values_list(*_DIM_FIELDS)
    )
    return [_dims(row) for row in rows]


def scope_agency_dims(*, campaign: Campaign, agency_id: int) -> AgencyDims | None:
    """One agency of the campaign's scope, or None when it is not in the scope."""
    row = (
        CampaignAgency.objects.filter(campaign=campaign, agency_id=agency_id)
        .values_list(*_DIM_FIELDS)
        .first()
    )
    return None if row is None else _dims(row)


def questionnaire_items(*, questionnaire_id: int) -> list[Item]:
    """The items in questionnaire order (element, then item order)."""
    return list(
        Item.objects.filter(questionnaire_id=questionnaire_id)
        .select_related("element")
        .order_by("element__order", "element_id", "order", "id")
    )


def respondent_codes_taken(*, campaign: Campaign, codes: Collection[str]) -> set[str]:
    """Which of `codes` already name a response of this campaign: a query per 5,000 codes."""
    codes = list(codes)
    taken: set[str] = set()
    for start in range(0, len(codes), CODES_PER_QUERY):
        chunk = codes[start : start + CODES_PER_QUERY]
        taken.update(
            Response.objects.filter(campaign=campaign, respondent_code__in=chunk).values_list(
                "respondent_code", flat=True
            )
        )
    return taken
