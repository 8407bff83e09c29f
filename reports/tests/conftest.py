"""Helpers of the results tests: campaigns made directly as rows, answers, extra agencies.

The questionnaire of `make_questionnaire(elements=2, items_per_element=2)` stores 1.1, 1.2, 2.1,
2.2 at positions 1-4 and HL (overall satisfaction) at 5; YK (free text) is not stored in scores.
"""

from __future__ import annotations

import datetime
from itertools import count

import pytest

from agencies.models import AgencyKind
from agencies.tests.factories import make_agency
from reports.indices import indices_compute
from surveys.models import Campaign, CampaignAgency, Item, ResponseText, Scale
from surveys.tests.factories import make_questionnaire, make_response

_codes = count(1)

ALL_5 = [5, 5, 5, 5, 5]
ALL_1 = [1, 1, 1, 1, 1]
BLANK = [None, None, None, None, None]


def small_questionnaire(**kwargs):
    return make_questionnaire(elements=2, items_per_element=2, **kwargs)


def make_results_campaign(
    organiser,
    *,
    questionnaire=None,
    scope=(),
    year: int = 2024,
    era: str = "3tier",
    status: str = Campaign.Status.CLOSED,
    code: str | None = None,
    name: str | None = None,
) -> Campaign:
    campaign = Campaign.objects.create(
        code=code or f"kq-{next(_codes)}",
        name=name or f"Khảo sát năm {year}",
        year=year,
        organiser=organiser,
        questionnaire=questionnaire or small_questionnaire(),
        era=era,
        channels=["online"],
        opens_on=datetime.date(year, 3, 1),
        closes_on=datetime.date(year, 10, 31),
        status=status,
    )
    CampaignAgency.objects.bulk_create(
        CampaignAgency(campaign=campaign, agency=agency) for agency in scope
    )
    return campaign


def answer(campaign, agency, scores, times: int = 1, status: str = "valid"):
    return [make_response(campaign, agency, scores, status=status) for _ in range(times)]


def share(campaign, agency, positive: int, negative: int):
    """`positive` answers satisfied with everything, `negative` dissatisfied with everything."""
    answer(campaign, agency, ALL_5, positive)
    answer(campaign, agency, ALL_1, negative)


def random_scores(questionnaire, rng):
    """Answers to every numbered item of `questionnaire`, about one in ten blank."""
    items = list(questionnaire.items.exclude(position=None))
    scores = [None] * max(i.position for i in items)
    for item in items:
        values = [v for v, _vi, _en in item.levels()]
        if not values or rng.random() < 0.1:
            continue  # a blank
        if item.scale == Scale.MULTI:
            chosen = rng.sample(values, k=rng.randint(1, min(3, len(values))))
            scores[item.position - 1] = sum(1 << (v - 1) for v in chosen)
        else:
            scores[item.position - 1] = rng.choice(values)
    return scores


def stored_figures(campaign) -> list[tuple]:
    """Every stored figure of the campaign, in order, as the view gives it back."""
    from reports.models import IndexResult

    return list(
        IndexResult.objects.filter(campaign=campaign)
        .order_by("cut", "cut_key", "code")
        .values_list("cut", "cut_key", "code", "value", "n", "positive", "low", "high", "extra")
    )


def untally(campaign, count: int, newest: bool = False) -> None:
    """Clear the stored tallies of `count` of the campaign's answers (the oldest, or the newest),
    as if stored while their version's counted fields were being set."""
    from django.db import connection

    from surveys.models import TALLY_COLUMNS

    cleared = ", ".join(f"t{k} = NULL" for k in range(1, TALLY_COLUMNS + 1))
    order = "DESC" if newest else "ASC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE surveys_response SET {cleared} WHERE id IN (SELECT id FROM surveys_response "  # noqa: S608
            f"WHERE campaign_id = %s ORDER BY id {order} LIMIT %s)",
            [campaign.pk, count],
        )


def random_answers(campaign, agencies, rng, count: int) -> None:
    """`count` answers of random scores at random agencies and channels, about one in ten
    rejected."""
    for _ in range(count):
        make_response(
            campaign,
            rng.choice(agencies),
            random_scores(campaign.questionnaire, rng),
            channel=rng.choice(["online", "paper", "kiosk"]),
            status="valid" if rng.random() < 0.9 else "rejected",
        )


@pytest.fixture
def min_n(settings):
    settings.INDEX_MIN_N = 3
    return 3


@pytest.fixture
def districts(world):
    """Two more district People's Committees of Huế, peers of Phú Vang and Hương Trà."""
    return [
        make_agency(
            name,
            unit_code=code,
            parent=world.root,
            kind=AgencyKind.PEOPLES_COMMITTEE_DISTRICT,
        )
        for name, code in [("UBND quận Thuận Hóa", "474"), ("UBND thị xã Phong Điền", "476")]
    ]


@pytest.fixture
def hue(world, min_n):
    """Huế's 2024 round: the two districts and their communes, nothing answered yet."""
    return make_results_campaign(
        world.home_affairs,
        scope=[world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha],
        code="sipas-hue-2024",
        name="SIPAS thành phố Huế năm 2024",
    )


@pytest.fixture
def results(world, min_n):
    """Huế 2023 (Phú Vang 50 %) and 2024: Phú Vang 75 %, Hương Trà 50 %, Phú Thuận below the
    minimum n, Tứ Hạ answered but left every item blank; overall 70 % (7 of 10 answers)."""
    questionnaire = small_questionnaire()
    scope = [world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha]
    before = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, year=2023, scope=scope,
        name="SIPAS Huế 2023",
    )  # fmt: skip
    share(before, world.phu_vang, 2, 2)
    compute(before)
    now = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, year=2024, scope=scope,
        name="SIPAS Huế 2024",
    )  # fmt: skip
    share(now, world.phu_vang, 3, 1)
    share(now, world.huong_tra, 2, 2)
    share(now, world.phu_thuan, 2, 0)
    answer(now, world.tu_ha, BLANK, 3)
    compute(now)
    return now


def compute(campaign):
    return indices_compute(campaign=campaign)


@pytest.fixture
def published(world, results):
    """The 2024 results, published, with a comment that must never reach the public."""
    Campaign.objects.filter(pk=results.pk).update(status=Campaign.Status.PUBLISHED)
    comment = Item.objects.get(questionnaire=results.questionnaire, code="YK")
    response = results.responses.filter(agency=world.phu_vang).first()
    ResponseText.objects.create(
        response=response, item=comment, text="Nguyễn Văn A, 0905 123 456: chờ quá lâu"
    )
    results.refresh_from_db()
    return results
