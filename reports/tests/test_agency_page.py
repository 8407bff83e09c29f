"""The agency page: its criteria with the weakest marked, what to fix first, comments, trend."""

import re

import pytest
from django.urls import reverse

from agencies.models import AgencyKind
from agencies.tests.factories import make_agency
from reports.tests.conftest import answer, compute
from surveys.models import Item, ResponseText


def url(campaign, agency) -> str:
    return reverse("reports:agency", args=[campaign.pk, agency.pk])


@pytest.fixture
def commented(world, results):
    """Two comments on Phú Vang's answers, one of them on a rejected answer."""
    comment = Item.objects.get(questionnaire=results.questionnaire, code="YK")
    valid = results.responses.filter(agency=world.phu_vang).first()
    ResponseText.objects.create(response=valid, item=comment, text="<b>Cán bộ</b> tận tình")
    rejected = answer(results, world.phu_vang, [5, 5, 5, 5, 5], status="rejected")[0]
    ResponseText.objects.create(response=rejected, item=comment, text="Phiếu bị loại")
    return results


def test_it_sends_an_anonymous_visitor_to_the_login_page(world, results, client):
    response = client.get(url(results, world.phu_vang))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_answers_404_to_the_outsider(world, results, as_user):
    assert as_user(world.outsider).get(url(results, world.phu_vang)).status_code == 404


def test_it_answers_404_to_the_sibling_on_the_other_agencys_page(world, results, as_user):
    client = as_user(world.sibling)
    assert client.get(url(results, world.phu_vang)).status_code == 404
    assert client.get(url(results, world.huong_tra)).status_code == 200


def test_it_answers_404_for_an_agency_outside_the_campaign(world, results, as_user):
    other = make_agency(
        "UBND xã Phú Mỹ", unit_code="19918", parent=world.phu_vang,
        kind=AgencyKind.PEOPLES_COMMITTEE_COMMUNE,
    )  # fmt: skip
    assert as_user(world.manager).get(url(results, other)).status_code == 404


def test_it_shows_the_official_and_the_viewer_their_agency(world, results, as_user):
    for user in (world.official, world.viewer, world.manager):
        response = as_user(user).get(url(results, world.phu_vang))
        assert response.status_code == 200
        assert "75,00 %" in response.text and "n = 4" in response.text


def test_it_marks_the_weakest_criteria(world, results, as_user):
    answer(results, world.phu_vang, [5, 5, 1, 5, 5], 2)  # 2.1 falls behind
    compute(results)
    response = as_user(world.official).get(url(results, world.phu_vang))
    assert response.context["weakest"][0].code == "2.1"
    marked = re.findall(
        r'<tr class="table-warning">\s*<th scope="row"[^>]*>(\d\.\d)', response.text
    )
    assert "2.1" in marked and len(marked) == 3
    assert "Thấp nhất" in response.text


def test_it_lists_what_to_fix_first(world, results, as_user):
    answer(results, world.phu_vang, [5, 5, 1, 5, 5], 2)
    answer(results, world.phu_vang, [1, 5, 1, 5, 1], 2)
    compute(results)
    response = as_user(world.official).get(url(results, world.phu_vang))
    assert response.context["fix_first"][0].code == "2.1"
    assert "Cần cải thiện trước" in response.text and "r = " in response.text


def test_it_shows_recent_comments_of_valid_answers_escaped(world, commented, as_user):
    text = as_user(world.official).get(url(commented, world.phu_vang)).text
    assert "&lt;b&gt;Cán bộ&lt;/b&gt; tận tình" in text
    assert "<b>Cán bộ</b>" not in text
    assert "Phiếu bị loại" not in text


def test_it_draws_the_trend_over_earlier_rounds(world, results, as_user):
    response = as_user(world.official).get(url(results, world.phu_vang))
    assert [(p.year, p.value) for p in response.context["trend"]] == [(2023, 50.0), (2024, 75.0)]
    assert 'data-chart="a-trend"' in response.text
    assert "▲ +25,00" in response.text


def test_it_says_no_data_rather_than_zero_for_blank_items(world, results, as_user):
    response = as_user(world.sibling).get(url(results, world.tu_ha))
    assert response.status_code == 200
    assert "Không có dữ liệu" in response.text
    assert "0,00 %" not in response.text.replace("100,00 %", "")


def test_it_shows_an_empty_state_without_answers(world, hue, as_user):
    response = as_user(world.official).get(url(hue, world.phu_vang))
    assert response.status_code == 200
    assert "Chưa có phiếu trả lời hợp lệ" in response.text
    compute(hue)
    response = as_user(world.official).get(url(hue, world.phu_vang))
    assert "Chưa có phiếu trả lời hợp lệ" in response.text
