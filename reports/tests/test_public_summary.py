"""The summary workbook offered on a published campaign's public page: no login, figures only."""

import io

import openpyxl
import pytest
from django.urls import reverse

from reports.tests.conftest import ALL_5, answer, compute
from surveys.models import Campaign


def url(campaign) -> str:
    return reverse("reports:public_summary", args=[campaign.code])


def _cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [
        cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for cell in row if cell is not None
    ]  # fmt: skip


def test_the_public_page_links_the_workbook(world, published, client):
    text = client.get(reverse("reports:public", args=[published.code])).text
    assert url(published) in text and "Tải bảng tổng hợp chỉ số (Excel)" in text


def test_anyone_downloads_the_summary_workbook(world, published, client):
    response = client.get(url(published))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert published.code in response["Content-Disposition"]
    cells = _cells(response.content)
    assert "SIPAS Huế 2024" in cells
    assert not any("0905 123 456" in str(c) or "Nguyễn Văn A" in str(c) for c in cells)


def test_a_recompute_gives_a_new_workbook(world, published, client):
    first = client.get(url(published)).content
    answer(published, world.huong_tra, ALL_5, 3)
    assert client.get(url(published)).content == first  # the same data version
    compute(published)
    assert client.get(url(published)).content != first


@pytest.mark.parametrize("status", ["draft", "open", "closed", "archived"])
def test_it_answers_404_for_a_campaign_not_published(world, results, client, status):
    Campaign.objects.filter(pk=results.pk).update(status=status)
    assert client.get(url(results)).status_code == 404


def test_it_answers_404_for_an_unknown_code(db, client):
    assert client.get(reverse("reports:public_summary", args=["khong-co"])).status_code == 404
