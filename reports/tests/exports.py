"""Helpers of the report tests: a campaign with answers of every kind, and reading files back."""

from __future__ import annotations

import csv
import datetime
import io
from itertools import count

import openpyxl
import pytest
from django.utils import timezone

from surveys.models import (
    DEFAULT_POSITIVE,
    Campaign,
    CampaignAgency,
    Element,
    Item,
    Questionnaire,
    Response,
    ResponseText,
    Scale,
)
from surveys.tests.factories import make_questionnaire, make_response

_codes = count(1)


@pytest.fixture
def media(settings, tmp_path):
    """Generated files go to a directory of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _add(questionnaire: Questionnaire, element: Element, code: str, scale: str, **fields) -> Item:
    return Item.objects.create(
        questionnaire=questionnaire,
        element=element,
        code=code,
        text=fields.pop("text", f"Câu hỏi {code}"),
        scale=scale,
        order=fields.pop("order", 50 + Item.objects.filter(questionnaire=questionnaire).count()),
        position=fields.pop("position", questionnaire.next_position()),
        **fields,
    )


def report_questionnaire() -> Questionnaire:
    """Criteria 1.1, 1.2, 2.1, 2.2 (5 levels), HL overall, YK comment (text), then a multiple
    choice KENH, a profile GT (Nam/Nữ), an expectation MD (4 levels)."""
    q = make_questionnaire(elements=2, items_per_element=2)
    other = Element.objects.get(questionnaire=q, code="C")
    info = Element.objects.create(
        questionnaire=q, code="P", name="Thông tin", kind=Element.Kind.PROFILE, order=95
    )
    _add(q, other, "KENH", Scale.MULTI, max_choices=3,
         options=[{"value": v, "label": f"Kênh {v}"} for v in range(1, 5)])  # fmt: skip
    _add(q, info, "GT", Scale.SINGLE, role=Item.Role.PROFILE,
         options=[{"value": 1, "label": "Nam"}, {"value": 2, "label": "Nữ"}])  # fmt: skip
    _add(
        q, other, "MD", Scale.DESIRE4, role=Item.Role.EXPECTATION,
        positive_levels=DEFAULT_POSITIVE[Scale.DESIRE4], text="Mong muốn giảm thời gian chờ",
    )  # fmt: skip
    return q


def report_campaign(world, *, questionnaire=None, code: str | None = None) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        code=code or f"bc-{next(_codes)}",
        name="Khảo sát SIPAS thử",
        year=today.year,
        organiser=world.home_affairs,
        questionnaire=questionnaire or report_questionnaire(),
        era="3tier",
        channels=["online", "paper"],
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20),
        default_target=50,
        status=Campaign.Status.OPEN,
    )
    for agency in (world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha):
        CampaignAgency.objects.create(campaign=campaign, agency=agency)
    return campaign


def scores(campaign: Campaign, **by_code) -> list[int | None]:
    items = Item.objects.filter(questionnaire=campaign.questionnaire, position__isnull=False)
    values: list[int | None] = [None] * max(i.position for i in items)
    for item in items:
        values[item.position - 1] = by_code.get(item.code)
    return values


def answer(campaign, agency, *, channel="online", status="valid", text=None, days_ago=0, **codes):
    response = make_response(campaign, agency, scores(campaign, **codes), channel, status)
    if days_ago:
        Response.objects.filter(pk=response.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        response.refresh_from_db()
    if text is not None:
        item = Item.objects.get(questionnaire=campaign.questionnaire, code="YK")
        ResponseText.objects.create(response=response, item=item, text=text)
    return response


def fill(campaign, world) -> None:
    """40 answers for Phú Vang, 35 for Hương Trà, 5 for Phú Thuận (too few to rank), 2 rejected."""
    plan = [(world.phu_vang, 40, 0), (world.huong_tra, 35, 1), (world.phu_thuan, 5, 2)]
    for agency, n, shift in plan:
        for i in range(n):
            level = 1 + (i + shift) % 5
            answer(
                campaign, agency,
                channel="paper" if i % 3 == 0 else "online",
                days_ago=i % 4,
                **{"1.1": level, "1.2": 5 - (i % 2), "2.1": 3 + (i % 3),
                   "2.2": None if i % 7 == 0 else 4, "HL": 1 + (i * 2 + shift) % 5,
                   "KENH": 0b101 if i % 2 else 0b10, "GT": 1 + i % 2, "MD": 1 + i % 4},
            )  # fmt: skip
    answer(campaign, world.phu_vang, status="rejected", **{"1.1": 5, "HL": 5})
    answer(campaign, world.huong_tra, status="rejected", **{"1.1": 1, "HL": 1})


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def table(ws, header_row: int) -> list[list]:
    """The rows of a sheet from its header row on, without trailing empty cells."""
    rows = []
    for row in ws.iter_rows(min_row=header_row, values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return rows


def find_header(ws, first: str) -> int:
    """The number of the row whose first cell is `first`."""
    for n, row in enumerate(ws.iter_rows(values_only=True), 1):
        if row and row[0] == first:
            return n
    raise AssertionError(f"no row starts with {first!r} in {ws.title}")


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def texts_of(ws) -> list[str]:
    return [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
