"""Factories for questionnaires (small, hand-made) used across the surveys and reports tests."""

from __future__ import annotations

from itertools import count

from django.utils import timezone

from surveys.models import DEFAULT_POSITIVE, Element, Item, Questionnaire, Scale

_family = count(1)


def make_questionnaire(
    *,
    published: bool = True,
    elements: int = 2,
    items_per_element: int = 3,
    with_general: bool = False,
    with_overall: bool = True,
    with_comment: bool = True,
    family: str | None = None,
    owner=None,
    title: str = "Phiếu thử",
) -> Questionnaire:
    """A questionnaire with `elements` index elements of 5-level items coded "1.1", "1.2", ..."""
    q = Questionnaire.objects.create(
        family=family or f"test-{next(_family)}",
        title=title,
        title_en="Test form",
        intro="Phiếu khảo sát thử nghiệm.",
        owner=owner,
        status=Questionnaire.Status.PUBLISHED if published else Questionnaire.Status.DRAFT,
        published_at=timezone.now() if published else None,
    )
    position = count(1)
    for e in range(1, elements + 1):
        element = Element.objects.create(
            questionnaire=q, code=str(e), name=f"Yếu tố {e}", name_en=f"Element {e}", order=e
        )
        for i in range(1, items_per_element + 1):
            Item.objects.create(
                questionnaire=q,
                element=element,
                code=f"{e}.{i}",
                text=f"Tiêu chí {e}.{i}",
                text_en=f"Criterion {e}.{i}",
                scale=Scale.SAT5,
                positive_levels=DEFAULT_POSITIVE[Scale.SAT5],
                order=i,
                position=next(position),
            )
        if with_general:
            Item.objects.create(
                questionnaire=q,
                element=element,
                code=f"HL{e}",
                role=Item.Role.GENERAL,
                text=f"Hài lòng chung về yếu tố {e}",
                scale=Scale.SAT5,
                positive_levels=DEFAULT_POSITIVE[Scale.SAT5],
                order=99,
                position=next(position),
            )
    if with_overall or with_comment:
        other = Element.objects.create(
            questionnaire=q, code="C", name="Đánh giá chung", kind=Element.Kind.OTHER, order=90
        )
        if with_overall:
            Item.objects.create(
                questionnaire=q,
                element=other,
                code="HL",
                role=Item.Role.OVERALL,
                text="Nói chung, ông/bà hài lòng đến mức nào?",
                scale=Scale.SAT5,
                positive_levels=DEFAULT_POSITIVE[Scale.SAT5],
                order=1,
                position=next(position),
            )
        if with_comment:
            Item.objects.create(
                questionnaire=q,
                element=other,
                code="YK",
                role=Item.Role.COMMENT,
                text="Ý kiến khác",
                scale=Scale.TEXT,
                order=2,
            )
    return q


def make_response(campaign, agency, scores, channel="online", status="valid"):
    """A response of `agency` to `campaign`, with the unit dimensions filled as collection does."""
    from agencies.models import Tier
    from surveys.models import Response

    unit = agency.unit
    return Response.objects.create(
        campaign=campaign,
        questionnaire=campaign.questionnaire,
        agency=agency,
        agency_kind=agency.kind,
        unit=unit,
        province=agency.province,
        district=unit if unit.tier == Tier.DISTRICT else unit.district,
        commune=unit if unit.tier == Tier.COMMUNE else None,
        channel=channel,
        status=status,
        scores=list(scores),
    )


def make_campaign(
    *,
    organiser,
    scope=(),
    questionnaire=None,
    code: str | None = None,
    name: str = "Khảo sát thử",
    year: int = 2024,
    era: str = "3tier",
    channels=("online", "paper"),
    opens_on=None,
    closes_on=None,
    default_target: int = 100,
    status: str = "draft",
    by=None,
):
    """A campaign made through the services; `scope` holds agencies or (agency, target) pairs.

    A status other than draft is set directly, without transition rows: tests of the workflow
    go through `campaign_transition` instead.
    """
    import datetime

    from surveys.models import Campaign
    from surveys.services.campaigns import campaign_create, campaign_set_scope

    today = timezone.localdate()
    campaign = campaign_create(
        code=code or f"dot-{next(_family)}",
        name=name,
        year=year,
        organiser=organiser,
        questionnaire=questionnaire or make_questionnaire(),
        era=era,
        channels=list(channels),
        opens_on=opens_on or today - datetime.timedelta(days=1),
        closes_on=closes_on or today + datetime.timedelta(days=30),
        default_target=default_target,
        by=by,
    )
    targets = dict(s if isinstance(s, tuple) else (s, None) for s in scope)
    if targets:
        campaign_set_scope(campaign=campaign, targets=targets)
    if status != Campaign.Status.DRAFT:
        Campaign.objects.filter(pk=campaign.pk).update(status=status)
        campaign.refresh_from_db()
    return campaign
