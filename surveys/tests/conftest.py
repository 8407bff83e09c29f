"""Fixtures of the response and paper-import tests: campaigns made directly as rows.

`campaign_maker(...)` makes a campaign of the world's province (organiser: Sở Nội vụ; scope: the
two districts and their communes), open since yesterday for a month, on every channel, with a
questionnaire whose items are 1.1–1.3 and 2.1–2.3 (5 levels), HL (overall, 5 levels), TUOI (a
number 15–100), KENH (multiple choice of 5, at most 2), GT (yes/no) and YK (free text).
"""

from __future__ import annotations

import datetime
from itertools import count

import pytest
from django.utils import timezone

from surveys.models import Campaign, CampaignAgency, Channel, Element, Item, Scale
from surveys.tests.factories import make_questionnaire

_codes = count(1)


def add_item(questionnaire, code: str, scale: str, *, stored: bool = True, **fields) -> Item:
    """Append one item to the questionnaire's last element."""
    element = Element.objects.filter(questionnaire=questionnaire).order_by("-order").first()
    return Item.objects.create(
        questionnaire=questionnaire,
        element=element,
        code=code,
        text=fields.pop("text", f"Câu hỏi {code}"),
        scale=scale,
        order=fields.pop("order", 10 + Item.objects.filter(questionnaire=questionnaire).count()),
        position=questionnaire.next_position() if stored else None,
        **fields,
    )


def make_rich_questionnaire():
    q = make_questionnaire(with_comment=False)
    add_item(q, "TUOI", Scale.NUMBER, min_value=15, max_value=100, text="Tuổi của ông/bà")
    add_item(
        q,
        "KENH",
        Scale.MULTI,
        max_choices=2,
        text="Ông/bà biết thông tin qua kênh nào?",
        options=[{"value": v, "label": f"Kênh {v}"} for v in range(1, 6)],
    )
    add_item(q, "GT", Scale.YESNO, text="Ông/bà có phải đi lại nhiều lần không?")
    add_item(q, "YK", Scale.TEXT, stored=False, text="Ý kiến khác", role=Item.Role.COMMENT)
    return q


@pytest.fixture
def campaign_maker(world):
    def make(
        *,
        questionnaire=None,
        organiser=None,
        scope=None,
        status: str = Campaign.Status.OPEN,
        channels=tuple(Channel.values),
        opens_on: datetime.date | None = None,
        closes_on: datetime.date | None = None,
    ) -> Campaign:
        today = timezone.localdate()
        campaign = Campaign.objects.create(
            code=f"thu-{next(_codes)}",
            name="Khảo sát thử",
            year=today.year,
            organiser=organiser or world.home_affairs,
            questionnaire=questionnaire or make_rich_questionnaire(),
            era="3tier",
            channels=list(channels),
            opens_on=opens_on or today - datetime.timedelta(days=1),
            closes_on=closes_on or today + datetime.timedelta(days=30),
            status=status,
        )
        if scope is None:
            scope = [world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha]
        CampaignAgency.objects.bulk_create(
            CampaignAgency(campaign=campaign, agency=agency) for agency in scope
        )
        return campaign

    return make


@pytest.fixture
def campaign(campaign_maker) -> Campaign:
    return campaign_maker()


def answers(campaign, **by_code) -> list[int | None]:
    """A scores list for the campaign's questionnaire: every 5-level item 4 unless given."""
    items = Item.objects.filter(questionnaire=campaign.questionnaire, position__isnull=False)
    scores: list[int | None] = [None] * max(i.position for i in items)
    for item in items:
        value = by_code.get(item.code, 4 if item.scale == Scale.SAT5 else None)
        scores[item.position - 1] = value
    return scores


@pytest.fixture
def full_answers():
    return answers
