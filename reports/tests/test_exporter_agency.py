"""One agency's report: its figures against the province average, weakest criteria, comments."""

import pytest

from reports import selectors
from reports.exporters import ExportContext, get_exporter
from reports.indices import indices_compute
from reports.models import IndexResult
from reports.tests.exports import (
    answer,
    fill,
    find_header,
    report_campaign,
    table,
    texts_of,
    workbook,
)


@pytest.fixture
def campaign(world):
    c = report_campaign(world)
    fill(c, world)
    answer(c, world.phu_vang, days_ago=3, text="Cán bộ rất nhiệt tình", **{"1.1": 5})
    answer(c, world.phu_vang, days_ago=1, text="@SUM(A1:A9)", **{"1.1": 4})
    answer(c, world.huong_tra, text="Ý kiến của Hương Trà", **{"1.1": 4})
    answer(c, world.phu_vang, status="rejected", text="Phiếu bị loại", **{"1.1": 4})
    indices_compute(campaign=c)
    return c


def figures(campaign, cut, key):
    return {r.code: r for r in IndexResult.objects.filter(campaign=campaign, cut=cut, cut_key=key)}


def render(campaign, agency):
    ctx = ExportContext(campaign=campaign, agency=agency)
    return workbook(get_exporter("agency").render_bytes("xlsx", ctx))


def approx(value):
    return None if value is None else pytest.approx(value, abs=1e-9)


def test_it_compares_the_agency_with_the_province_average(world, campaign):
    book = render(campaign, world.phu_vang)
    assert book.sheetnames == ["Thông tin", "So với trung bình", "Tiêu chí thấp nhất", "Ý kiến"]
    ws = book["So với trung bình"]
    rows = table(ws, find_header(ws, "Mã"))
    assert rows[0][6:8] == ["Trung bình tỉnh (%)", "Chênh lệch (điểm %)"]
    mine = figures(campaign, "agency", str(world.phu_vang.pk))
    province = figures(campaign, "province", str(world.phu_vang.province_id))
    assert [r[0] for r in rows[1:]] == ["OVERALL", "E:1", "1.1", "1.2", "E:2", "2.1", "2.2"]
    for row in rows[1:]:
        code = row[0]
        assert row[2:6] == [
            approx(mine[code].value), mine[code].n, approx(mine[code].low), approx(mine[code].high),
        ]  # fmt: skip
        assert row[6] == approx(province[code].value)
        assert row[7] == approx(round(mine[code].value - province[code].value, 4))
    assert ws.cell(row=find_header(ws, "Mã") + 1, column=7).number_format == "0.00"
    cover = {r[0]: r[1] for r in book["Thông tin"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert cover["Cơ quan"] == "UBND huyện Phú Vang"
    assert cover["Số phiếu hợp lệ (n)"] == mine["OVERALL"].n == 42


def test_it_lists_the_weakest_criteria(world, campaign):
    ws = render(campaign, world.phu_vang)["Tiêu chí thấp nhất"]
    rows = table(ws, find_header(ws, "Thứ tự"))
    expected = selectors.weakest_criteria(campaign, world.phu_vang, k=5)
    assert [r[1] for r in rows[1:]] == [f.code for f in expected]
    assert [r[4] for r in rows[1:]] == [approx(f.value) for f in expected]
    assert rows[1][2] == expected[0].text and rows[1][0] == 1
    values = [r[4] for r in rows[1:]]
    assert values == sorted(values)


def test_it_lists_the_agencys_comments_newest_first_and_neutralised(world, campaign):
    ws = render(campaign, world.phu_vang)["Ý kiến"]
    rows = table(ws, find_header(ws, "Thời điểm gửi"))
    assert [r[3] for r in rows[1:]] == ["'@SUM(A1:A9)", "Cán bộ rất nhiệt tình"]
    assert rows[1][2] == "Ý kiến khác"


def test_it_says_there_is_no_data_for_an_agency_without_answers(world, campaign):
    book = render(campaign, world.tu_ha)
    assert any(t.startswith("Chưa có dữ liệu") for t in texts_of(book["Thông tin"]))
    assert "Chưa có dữ liệu" in texts_of(book["Tiêu chí thấp nhất"])
    assert "Chưa có ý kiến nào." in texts_of(book["Ý kiến"])
