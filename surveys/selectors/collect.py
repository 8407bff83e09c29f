"""Reads of the collection channels: what the public pages look up (a campaign by its code, a
kiosk by its key, an invitation by its token, the agency picker) and the officials' lists of
kiosks and invitations, always inside the caller's scope.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from agencies.access import Access, Perm
from agencies.models import Agency
from surveys.models import Campaign, Invitation, Kiosk, Response
from surveys.selectors.campaigns import campaign_sees_whole_scope
from surveys.selectors.responses import campaign_scope_dims

# secrets.token_urlsafe(32) gives 43 characters; anything else can never be a token.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,43}")
# The impossible token looked up for a malformed one: the same query, the same "not found".
NO_TOKEN = "!"  # noqa: S105 (not a secret)


# --- Public look-ups ------------------------------------------------------------------------------


def campaign_by_code(*, code: str) -> Campaign | None:
    return Campaign.objects.select_related("questionnaire").filter(code=code).first()


def kiosk_by_key(*, key: str) -> Kiosk | None:
    """An active kiosk with its campaign and agency; None for an unknown or inactive one."""
    return (
        Kiosk.objects.select_related("campaign", "campaign__questionnaire", "agency")
        .filter(key=key, is_active=True)
        .first()
    )


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation of exactly this token, its response (if answered) attached.

    A malformed token runs the same query with a value no row holds, so that nothing in the
    answer (text, status, time) tells a malformed token from an unknown one.
    """
    wanted = token if TOKEN_RE.fullmatch(token) else NO_TOKEN
    return (
        Invitation.objects.select_related(
            "campaign", "campaign__questionnaire", "agency", "response"
        )
        .filter(token=wanted)
        .first()
    )


@dataclass(frozen=True)
class PickerAgency:
    id: int
    name: str
    unit_name: str


def fold(text: str) -> str:
    """Lower case without Vietnamese marks, for searching: "Phú Thuận" → "phu thuan"."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def picker_agencies(*, campaign: Campaign, query: str = "") -> list[PickerAgency]:
    """The active scope agencies whose name or unit holds every word of `query`, accents aside.

    A scope holds at most a few hundred agencies: filtering them here is simpler than an
    `unaccent` index, and the same on every database.
    """
    words = fold(query).split()
    found = []
    for dims in campaign_scope_dims(campaign=campaign):
        if not dims.is_active:
            continue
        haystack = fold(f"{dims.name} {dims.unit_name}")
        if all(word in haystack for word in words):
            found.append(PickerAgency(id=dims.id, name=dims.name, unit_name=dims.unit_name))
    return found


def picker_agency(*, campaign: Campaign, agency_id: str | int | None) -> Agency | None:
    """The active scope agency of that id, or None (a missing, malformed or foreign id)."""
    try:
        pk = int(agency_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return (
        Agency.objects.filter(pk=pk, is_active=True, campaign_scopes__campaign=campaign)
        .select_related("unit")
        .first()
    )


# --- Officials' lists -----------------------------------------------------------------------------


def collect_agencies(*, campaign: Campaign, access: Access, perm: Perm) -> QuerySet[Agency]:
    """The campaign's active scope agencies on which the user holds `perm`, in tree order."""
    qs = Agency.objects.filter(campaign_scopes__campaign=campaign, is_active=True)
    if not (
        access.is_admin or (campaign.organiser is not None and access.can(perm, campaign.organiser))
    ):
        qs = qs.filter(access.agency_q("", perm))
    return qs.select_related("unit").order_by("path")


def visible_agencies(*, campaign: Campaign, access: Access) -> QuerySet[Agency]:
    """The campaign's scope agencies the user may see (all of them for the organiser's side)."""
    qs = Agency.objects.filter(campaign_scopes__campaign=campaign)
    if not campaign_sees_whole_scope(access=access, campaign=campaign):
        qs = qs.filter(access.agency_q(""))
    return qs.select_related("unit").order_by("path")


def kiosk_list(*, campaign: Campaign, access: Access) -> QuerySet[Kiosk]:
    """The campaign's kiosks at agencies where the user may enter answers, with their counts."""
    agencies = collect_agencies(campaign=campaign, access=access, perm=Perm.ENTER_RESPONSES)
    answered = Response.objects.filter(kiosk=OuterRef("pk"))
    return (
        Kiosk.objects.filter(campaign=campaign, agency__in=agencies.values("pk"))
        .select_related("agency")
        .annotate(used=Exists(answered))
        .order_by("-is_active", "agency__path", "counter", "pk")
    )


def invitation_list(
    *, campaign: Campaign, agency: Agency | None = None, used: bool | None = None
) -> QuerySet[Invitation]:
    """The campaign's invitations (for its managers), each marked answered or not."""
    qs = (
        Invitation.objects.filter(campaign=campaign)
        .select_related("agency")
        .annotate(used=Exists(Response.objects.filter(invitation=OuterRef("pk"))))
    )
    if agency is not None:
        qs = qs.filter(agency=agency)
    if used is not None:
        qs = qs.filter(used=used)
    return qs.order_by("agency__path", "respondent_code", "pk")


def invitation_counts(*, campaign: Campaign) -> tuple[int, int]:
    """(invitations, answered) of the campaign."""
    total = Invitation.objects.filter(campaign=campaign).count()
    answered = Response.objects.filter(campaign=campaign, invitation__isnull=False).count()
    return total, answered
