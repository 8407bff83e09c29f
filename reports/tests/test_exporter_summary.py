"""The index summary workbook, read back with openpyxl and checked against the stored indices."""

import pytest

from reports import selectors
from reports.exporters import ExportContext, get_exporter
from reports.indices import indices_compute
from reports.models import IndexResult, IndexRun
from reports.tests.exports import fill, find_header, report_campaign, table, texts_of, workbook

SHEETS = [
    "Thông tin", "Chỉ số chung", "Tiêu chí", "Xếp hạng cấp huyện", "Xếp hạng cấp xã",
    "Xếp hạng cơ quan", "Mong đợi", "Theo nhóm",
]  # fmt: skip


@pytest.fixture
def campaign(world):
    c = report_campaign(world)
    fill(c, world)
    indices_compute(campaign=c)
    return c


def figures(campaign, cut="campaign", key=""):
    return {r.code: r for r in IndexResult.objects.filter(campaign=campaign, cut=cut, cut_key=key)}


def render(campaign):
    return workbook(get_exporter("summary").render_bytes("xlsx", ExportContext(campaign=campaign)))


def approx(value):
    return pytest.approx(value, abs=1e-9) if value is not None else None


def test_it_has_every_sheet_in_order(world, campaign):
    assert render(campaign).sheetnames == SHEETS


def test_it_states_the_campaign_method_and_n_on_the_cover(world, campaign):
    ws = render(campaign)["Thông tin"]
    assert ws["A1"].value == "BÁO CÁO TỔNG HỢP CHỈ SỐ HÀI LÒNG" and ws["A1"].font.b
    cover = {row[0]: row[1] for row in ws.iter_rows(min_row=4, values_only=True) if row[0]}
    overall = figures(campaign)["OVERALL"]
    assert cover["Đợt khảo sát"] == campaign.name and cover["Mã đợt"] == campaign.code
    assert cover["Số phiếu hợp lệ (n)"] == overall.n == 80
    assert cover["Chỉ số hài lòng chung (%)"] == approx(overall.value)
    assert "Wilson" in cover["Phương pháp"]
    assert cover["Thời gian khảo sát"] == (
        f"{campaign.opens_on:%d/%m/%Y} – {campaign.closes_on:%d/%m/%Y}"
    )
    assert "Ghi chú" not in cover


def test_it_gives_overall_and_elements_with_intervals_and_a_chart(world, campaign):
    ws = render(campaign)["Chỉ số chung"]
    header = find_header(ws, "Mã")
    rows = table(ws, header)
    assert rows[0][:6] == [
        "Mã", "Chỉ số", "Chỉ số (%)", "Số phiếu (n)", "Cận dưới 95% (%)", "Cận trên 95% (%)",
    ]  # fmt: skip
    f = figures(campaign)
    for row in rows[1:]:
        fig = f[row[0]]
        assert row[2:6] == [approx(fig.value), fig.n, approx(fig.low), approx(fig.high)]
    assert [r[0] for r in rows[1:]] == ["OVERALL", "E:1", "E:2"]
    assert ws.cell(row=header + 1, column=3).number_format == "0.00"
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert len(ws._charts) == 1


def test_it_lists_every_criterion(world, campaign):
    ws = render(campaign)["Tiêu chí"]
    rows = table(ws, find_header(ws, "Mã yếu tố"))
    f = figures(campaign)
    assert [r[2] for r in rows[1:]] == ["1.1", "1.2", "2.1", "2.2"]
    for row in rows[1:]:
        fig = f[row[2]]
        assert row[4:9] == [
            approx(fig.value), fig.n, approx(fig.low), approx(fig.high), approx(fig.extra["rate"]),
        ]  # fmt: skip


def test_it_ranks_agencies_and_units_with_a_chart(world, campaign):
    book = render(campaign)
    ws = book["Xếp hạng cơ quan"]
    rows = table(ws, find_header(ws, "Hạng"))
    expected = selectors.ranking(campaign, "agency", include_low_n=True)
    by_name = {r[1]: r for r in rows[1:]}
    for rank_row in expected:
        row = by_name[rank_row.name]
        assert row[0] == rank_row.rank
        assert row[4] == approx(rank_row.value) and row[5] == rank_row.n
    # Phú Thuận has 5 answers: listed after the ranked ones, without a place, and why.
    last = rows[-1]
    assert last[1] == "UBND xã Phú Thuận" and last[0] is None and "Cỡ mẫu nhỏ" in last[9]
    assert {r[0] for r in rows[1:3]} <= {1, 2}
    assert len(ws._charts) == 1
    district = book["Xếp hạng cấp huyện"]
    drows = table(district, find_header(district, "Hạng"))
    assert {r[1] for r in drows[1:]} == {world.phu_vang.unit.name, world.huong_tra.unit.name}
    assert len(district._charts) == 1


def test_it_lists_expectations_and_profile_groups(world, campaign):
    book = render(campaign)
    ws = book["Mong đợi"]
    rows = table(ws, find_header(ws, "Mã"))
    md = figures(campaign)["MD"]
    assert rows[1] == ["MD", "Mong muốn giảm thời gian chờ", approx(md.value), md.n]
    ws = book["Theo nhóm"]
    rows = table(ws, find_header(ws, "Nhóm"))
    assert rows[0][:5] == ["Nhóm", "Câu hỏi", "Phương án", "Số phiếu (n)", "Chỉ số chung (%)"]
    assert rows[0][5:] == ["1. Yếu tố 1 (%)", "2. Yếu tố 2 (%)"]
    women = next(r for r in rows if r[2] == "Nữ")
    fig = figures(campaign, "profile", "GT=2")
    assert women[0] == "Đặc điểm người trả lời"
    assert women[3] == fig["OVERALL"].n and women[4] == approx(fig["OVERALL"].value)
    assert women[5] == approx(fig["E:1"].value)
    paper = next(r for r in rows if r[0] == "Kênh khảo sát" and r[2] == "Phiếu giấy")
    assert paper[4] == approx(figures(campaign, "channel", "paper")["OVERALL"].value)


def test_it_says_there_is_no_data_for_an_empty_campaign(world):
    campaign = report_campaign(world)
    exporter = get_exporter("summary")
    ctx = ExportContext(campaign=campaign)
    exporter.prepare(ctx)  # computes the (empty) indices
    assert IndexRun.objects.get(campaign=campaign).status == IndexRun.Status.DONE
    book = workbook(exporter.render_bytes("xlsx", ctx))
    assert book.sheetnames == SHEETS
    assert any(t.startswith("Chưa có dữ liệu") for t in texts_of(book["Thông tin"]))
    assert "Chưa có dữ liệu" in texts_of(book["Xếp hạng cơ quan"])
    assert all(not ws._charts for ws in book.worksheets)


def test_it_brings_stale_indices_up_to_date_before_it_runs(world, campaign):
    from reports.tests.exports import answer

    answer(campaign, world.phu_vang, **{"1.1": 1, "HL": 1})
    exporter = get_exporter("summary")
    ctx = ExportContext(campaign=campaign)
    exporter.prepare(ctx)
    assert figures(campaign)["OVERALL"].n == 81
