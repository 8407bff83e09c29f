"""The progress report: answers against targets per agency and unit, by channel and by day."""

import pytest

from reports.exporters import ExportContext, get_exporter
from reports.tests.exports import fill, find_header, report_campaign, table, texts_of, workbook
from surveys.models import CampaignAgency, Response


@pytest.fixture
def campaign(world):
    c = report_campaign(world)
    CampaignAgency.objects.filter(campaign=c, agency=world.huong_tra).update(target=30)
    fill(c, world)
    return c


def render(campaign, agency=None):
    ctx = ExportContext(campaign=campaign, agency=agency)
    return workbook(get_exporter("progress").render_bytes("xlsx", ctx))


def test_it_counts_answers_against_targets_per_agency(world, campaign):
    book = render(campaign)
    assert book.sheetnames == ["Thông tin", "Theo cơ quan", "Theo đơn vị", "Theo ngày"]
    ws = book["Theo cơ quan"]
    header = find_header(ws, "Mã cơ quan")
    rows = table(ws, header)
    assert rows[0][:8] == [
        "Mã cơ quan", "Tên cơ quan", "Loại cơ quan", "Đơn vị hành chính", "Chỉ tiêu (phiếu)",
        "Phiếu hợp lệ", "Tỷ lệ đạt (%)", "Đạt chỉ tiêu",
    ]  # fmt: skip
    assert rows[0][8:11] == [
        "Trực tuyến (đường dẫn, mã QR)",
        "Phiếu giấy",
        "Bị loại, đang phúc tra",
    ]
    by_code = {r[0]: r for r in rows[1:] if r[0]}
    pv = by_code[world.phu_vang.code]
    assert pv[4:8] == [50, 40, 80, "Chưa đạt"]
    assert pv[8] + pv[9] == 40 and pv[9] == 14 and pv[10] == 1  # 14 on paper, 1 rejected
    ht = by_code[world.huong_tra.code]
    assert ht[4:8] == [30, 35, pytest.approx(116.67), "Đạt"]
    assert by_code[world.tu_ha.code][4:7] == [50, 0, 0]
    total = rows[-1]
    assert total[1] == "Tổng cộng" and total[4:6] == [180, 80]
    valid = Response.objects.filter(campaign=campaign, status="valid")
    assert total[5] == valid.count()
    assert ws.cell(row=header + 1, column=7).number_format == "0.00"
    assert ws.freeze_panes == f"A{header + 1}"


def test_it_rolls_up_to_units_and_days(world, campaign):
    book = render(campaign)
    ws = book["Theo đơn vị"]
    rows = table(ws, find_header(ws, "Cấp"))
    units = {r[1]: r for r in rows[1:]}
    district = units[world.phu_vang.unit.code]
    assert district[3:7] == [2, 100, 45, 45]  # Phú Vang and Phú Thuận under it
    province = units[world.root.unit.code]
    assert province[3:6] == [4, 180, 80]
    ws = book["Theo ngày"]
    rows = table(ws, find_header(ws, "Ngày"))
    assert rows[0] == ["Ngày", "Trực tuyến (đường dẫn, mã QR)", "Phiếu giấy", "Cả ngày", "Luỹ kế"]
    assert sum(r[3] for r in rows[1:]) == 80 and rows[-1][4] == 80
    assert len(rows) == 5  # answers over four days
    assert all(r[1] + r[2] == r[3] for r in rows[1:])


def test_it_limits_the_report_to_an_agency_and_those_under_it(world, campaign):
    ws = render(campaign, world.phu_vang)["Theo cơ quan"]
    rows = table(ws, find_header(ws, "Mã cơ quan"))
    assert [r[0] for r in rows[1:-1]] == [world.phu_vang.code, world.phu_thuan.code]
    assert rows[-1][5] == 45


def test_it_says_there_is_no_data_for_an_empty_campaign(world):
    book = render(report_campaign(world))
    assert any(t.startswith("Chưa có dữ liệu") for t in texts_of(book["Thông tin"]))
    assert "Chưa có dữ liệu" in texts_of(book["Theo ngày"])
