"""The public results page of a published campaign: figures only, no login, no free text."""

import pytest
from django.urls import reverse

from reports.tests.conftest import compute
from surveys.models import Campaign


def url(campaign) -> str:
    return reverse("reports:public", args=[campaign.code])


def test_it_shows_a_published_campaign_to_anyone(world, published, client):
    response = client.get(url(published))
    assert response.status_code == 200
    text = response.text
    assert "SIPAS Huế 2024" in text and "Sở Nội vụ" in text
    assert "70,00 %" in text and "13 phiếu trả lời hợp lệ" in text
    assert "khảo sát từ 01/03/2024 đến 31/10/2024" in text
    assert "Chỉ số theo yếu tố" in text and "Tiêu chí 1.1" in text


def test_it_ranks_agencies_and_units_leaving_out_low_n_ones(world, published, client):
    response = client.get(url(published))
    tables = {t.cut: t for t in response.context["rankings"]}
    names = [r.name for r in tables["agency"].rows]
    assert names[:2] == ["UBND huyện Phú Vang", "UBND thị xã Hương Trà"]
    assert "UBND xã Phú Thuận" not in names  # n = 2, below the minimum
    assert "UBND xã Phú Thuận" not in response.text and "Xã Phú Thuận" not in response.text


def test_it_explains_the_method(world, published, client):
    text = client.get(url(published)).text
    assert "Phương pháp tính" in text
    assert "Câu bỏ trống không tính vào mẫu số" in text
    assert "Wilson" in text and "cỡ mẫu hiệu dụng" in text
    assert "Chỉ số có cỡ mẫu dưới 3 phiếu" in text


def test_it_never_shows_free_text_or_answers(world, published, client):
    text = client.get(url(published)).text
    assert "0905 123 456" not in text and "Nguyễn Văn A" not in text
    assert "Ý kiến" not in text
    assert reverse("reports:agency", args=[published.pk, world.phu_vang.pk]) not in text


@pytest.mark.parametrize("status", ["draft", "open", "closed", "archived"])
def test_it_answers_404_for_a_campaign_not_published(world, results, client, status):
    Campaign.objects.filter(pk=results.pk).update(status=status)
    assert client.get(url(results)).status_code == 404


def test_it_answers_404_for_an_unknown_code(db, client):
    assert client.get(reverse("reports:public", args=["khong-co"])).status_code == 404


def test_it_shows_an_empty_state_for_a_published_campaign_without_answers(world, hue, client):
    Campaign.objects.filter(pk=hue.pk).update(status=Campaign.Status.PUBLISHED)
    response = client.get(url(hue))
    assert response.status_code == 200
    assert "Chưa có phiếu trả lời hợp lệ" in response.text
    compute(hue)
    response = client.get(url(hue))
    assert "Chưa có phiếu trả lời hợp lệ" in response.text and "Phương pháp tính" in response.text
