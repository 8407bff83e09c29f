"""Reads of the answer screens: the review list and detail, the entry targets, the paper forms.

Every read takes the caller's `Access`: a response is reached through its agency, so a response
of an agency outside the user's scope is never listed, and fetching one is a 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from agencies.access import Access, Perm, get_access, get_object_for_user
from agencies.models import Agency
from surveys.models import (
    Campaign,
    Item,
    Response,
    ResponseStatusChange,
    ResponseText,
    Scale,
)
from surveys.selectors.questionnaires import Structure, questionnaire_structure

if TYPE_CHECKING:
    from django.http import HttpRequest

RESPONDENT_CODE_MAX = Response._meta.get_field("respondent_code").max_length


# --- Review list ----------------------------------------------------------------------------------


def answer_list(
    *,
    access: Access,
    campaign: Campaign,
    agency: Agency | None = None,
    channel: str = "",
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Response]:
    """The campaign's responses whose agency is in scope, newest first; `agency` takes its subtree.

    Dates are days in the portal's time zone (Asia/Ho_Chi_Minh), both ends included; they become
    a half-open range of instants so the (campaign, submitted_at) index serves the filter.
    """
    qs = Response.objects.filter(access.agency_q("agency"), campaign=campaign)
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    if date_from is not None:
        qs = qs.filter(submitted_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(submitted_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.select_related("agency", "entered_by", "kiosk").order_by("-submitted_at", "-id")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def answer_agency_choices(*, access: Access, campaign: Campaign) -> QuerySet[Agency]:
    """The campaign's scope agencies inside the user's scope, in tree order (the agency filter)."""
    return (
        Agency.objects.filter(campaign_scopes__campaign=campaign)
        .filter(access.agency_q(""))
        .order_by("path")
    )


# --- One response ---------------------------------------------------------------------------------


def get_response_for_user(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW) -> Response:
    """One response inside the user's scope: 404 outside it, 403 when the role is too low."""
    return get_object_for_user(
        request,
        Response.objects.select_related(
            "campaign", "questionnaire", "agency", "entered_by", "kiosk"
        ),
        agency_field="agency",
        perm=perm,
        pk=pk,
    )


@dataclass(frozen=True)
class Answer:
    """One question of a response, decoded for reading."""

    item: Item
    text: str
    value: int | None = None
    # (value, label) of each chosen option; empty for numbers, free text and blanks.
    chosen: list[tuple[int, str]] = field(default_factory=list)
    free_text: str = ""

    @property
    def is_blank(self) -> bool:
        return self.value is None and not self.free_text

    @property
    def is_number(self) -> bool:
        return self.item.scale == Scale.NUMBER


@dataclass(frozen=True)
class AnswerSection:
    name: str
    answers: list[Answer]


@dataclass(frozen=True)
class AnswerDetail:
    sections: list[AnswerSection]
    history: list[ResponseStatusChange]

    @property
    def answered(self) -> int:
        return sum(not a.is_blank for s in self.sections for a in s.answers)


def _english() -> bool:
    return (get_language() or "vi").lower().startswith("en")


def decode(item: Item, value: int | None, *, english: bool = False) -> list[tuple[int, str]]:
    """The chosen options of a stored value: bits of a mask for multiple choice, else one level.

    A value the questionnaire does not know (data imported before a correction) keeps its number
    with the label "?", so the reviewer sees it instead of a silent blank.
    """
    if value is None or item.scale in (Scale.NUMBER, Scale.TEXT):
        return []
    labels = {v: (en if english else vi) for v, vi, en in item.levels()}
    if item.scale == Scale.MULTI:
        values = [v for v in range(1, 16) if value & (1 << (v - 1))]
    else:
        values = [value]
    return [(v, labels.get(v, "?")) for v in values]


def answer_detail(*, response: Response, structure: Structure | None = None) -> AnswerDetail:
    """The answers question by question, the free texts and the status history (five queries)."""
    structure = structure or questionnaire_structure(questionnaire=response.questionnaire)
    texts = dict(ResponseText.objects.filter(response=response).values_list("item_id", "text"))
    english = _english()
    scores = response.scores or []
    sections = []
    for section in structure.sections:
        answers = []
        for item in section.items:
            text = item.text_en if english and item.text_en else item.text
            if item.position is None:
                answers.append(Answer(item=item, text=text, free_text=texts.get(item.pk, "")))
                continue
            value = scores[item.position - 1] if item.position <= len(scores) else None
            chosen = decode(item, value, english=english)
            answers.append(Answer(item=item, text=text, value=value, chosen=chosen))
        element = section.element
        name = element.name_en if english and element.name_en else element.name
        sections.append(AnswerSection(name=f"{element.code}. {name}", answers=answers))
    history = list(
        ResponseStatusChange.objects.filter(response=response)
        .select_related("by")
        .order_by("at", "pk")
    )
    return AnswerDetail(sections=sections, history=history)


# --- Entry ----------------------------------------------------------------------------------------


def entry_targets(*, access: Access, campaign: Campaign, user: object) -> QuerySet[Agency]:
    """The agencies `user` may enter answers for in this campaign: free entry, for now.

    Today that is every active scope agency where the user holds ENTER_RESPONSES. This is the one
    place the entry screen asks: when enumerators get an assigned sample (agencies and respondent
    codes per enumerator), replace the body with a read of that assignment (`user` is already
    passed for it) and the screen follows.
    """
    return (
        Agency.objects.filter(campaign_scopes__campaign=campaign, is_active=True)
        .filter(access.agency_q("", Perm.ENTER_RESPONSES))
        .order_by("path")
    )


# --- Paper forms ----------------------------------------------------------------------------------

PRINT_PERMS = (Perm.ENTER_RESPONSES, Perm.MANAGE_CAMPAIGNS)


def print_allowed(*, access: Access, agency: Agency) -> bool:
    return any(access.can(perm, agency) for perm in PRINT_PERMS)


def print_targets(*, access: Access, campaign: Campaign) -> QuerySet[Agency]:
    """Scope agencies whose paper forms the user may print (ENTER_RESPONSES or MANAGE_CAMPAIGNS)."""
    qs = Agency.objects.filter(campaign_scopes__campaign=campaign, is_active=True)
    if not access.is_admin:
        # Not for an administrator: their agency_q is an empty Q, which an OR would drop.
        allowed = Q(pk__in=[])
        for perm in PRINT_PERMS:
            allowed |= access.agency_q("", perm)
        qs = qs.filter(allowed)
    return qs.order_by("path")


def get_print_agency(request: HttpRequest, *, campaign: Campaign, pk: int) -> Agency:
    """A scope agency of the campaign: 404 outside the user's scope, 403 without a print right."""
    access = get_access(request)
    agency = (
        Agency.objects.filter(campaign_scopes__campaign=campaign, pk=pk)
        .filter(access.agency_q(""))
        .first()
    )
    if agency is None:
        raise Http404
    if not print_allowed(access=access, agency=agency):
        raise PermissionDenied
    return agency


def respondent_code(*, campaign: Campaign, agency: Agency, number: int) -> str:
    """The code printed on paper form `number`, e.g. "SIPAS-HUE-2025-ubnd-phu-vang-00042".

    Campaign and agency codes are slugs, so the code needs no escaping; when the two are too long
    for the response's 40 characters, their ids stand in (still unique within the campaign).
    """
    code = f"{campaign.code.upper()}-{agency.code}-{number:05d}"
    if len(code) > RESPONDENT_CODE_MAX:
        code = f"{campaign.pk}-{agency.pk}-{number:05d}"
    return code
